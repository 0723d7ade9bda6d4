"""Engine, sessions and the one-transaction-per-request dependency."""

import sqlite3
from collections.abc import AsyncIterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, make_url, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5_000
POSTGRES_CONNECT_TIMEOUT_S = 5
# Connections per process: the requests inside db_slot, the idempotency middleware's own
# sessions, and headroom. DB_CONCURRENCY is the most requests db_slot may ever admit.
POOL_SIZE = 10
POOL_OVERFLOW = 10
DB_CONCURRENCY = POOL_SIZE + POOL_OVERFLOW


def default_db_concurrency(url: str) -> int:
    """Requests of one process working in the database at once, when not configured.

    One process runs Python on one core at a time (the GIL), and a request's database work
    is mostly Python (building statements, loading rows): beyond a few at once, threads only
    take the GIL from each other. Measured with the load benchmark (bench/, one worker, 32
    connections): admitting 2 instead of 20 raised reads by a quarter and cut the RSVP p99
    from 1.3 s to 0.3 s on SQLite. PostgreSQL gets 4, so that network waits overlap.
    """
    return 2 if make_url(url).get_backend_name() == "sqlite" else 4


def create_db_engine(url: str) -> Engine:
    """An engine tuned for the database behind ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(
        url,
        # A connection that died while the database was away is replaced, not handed out:
        # this is what lets the app recover by itself when the database returns.
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=POSTGRES_CONNECT_TIMEOUT_S,
        connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
    )


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: responses are serialised after get_db commits.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


async def db_slot(request: Request) -> AsyncIterator[None]:
    """Wait, without holding a worker thread, until the request may use the database.

    Sync endpoints and dependencies share one pool of worker threads. Without this, requests
    waiting for a connection or a row lock could hold every thread while the request that
    holds the lock waits for a thread to commit in: a deadlock under load (50 people asking
    for the last seats at once). With at most ``Settings.db_concurrency`` requests inside (never
    more than ``DB_CONCURRENCY``), and more
    threads than that (see ``main.lifespan``), a thread is always free to finish.
    """
    slots: anyio.Semaphore | None = getattr(request.app.state, "db_slots", None)
    if slots is None:  # no lifespan (a bare test app): nothing to share
        yield
        return
    async with slots:
        yield


async def get_db(
    request: Request, _slot: Annotated[None, Depends(db_slot, scope="function")]
) -> AsyncIterator[Session]:
    """One transaction per request: commit when the endpoint returns, roll back on error.

    Declared with ``scope="function"`` below, so the commit happens before the response is
    sent and a failed commit becomes an error response instead of a lost write.

    Async, so that only the end of the request leaves the event loop: making the session
    touches no database (it connects on first use, in the endpoint's worker thread), and the
    commit (or rollback) and the close run together in one worker thread. A sync generator
    here cost two thread hops a request, the largest single cost of a short database read.
    """
    session_factory: sessionmaker[Session] = request.app.state.session_factory
    db = session_factory()
    request_session.set(db)
    try:
        yield db
    except BaseException:
        # Shielded: a client that went away must not leave the transaction open.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_roll_back_and_close, db)
        raise
    if not db.in_transaction() and not (db.new or db.dirty or db.deleted):
        db.close()  # never used: no connection to give back, nothing to commit or wait for
        return
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_commit_and_close, db)


# The request's session, so that a sync endpoint's worker thread commits it as soon as the
# endpoint returns (core.routing.in_one_thread), and get_db has nothing left to wait for.
request_session: ContextVar[Session | None] = ContextVar("request_session", default=None)


def commit_request_session() -> None:
    """Commit the request's transaction in the calling thread, if it has one or pending
    changes; what fails raises here, so the request fails and get_db rolls back."""
    db = request_session.get()
    if db is not None and (db.in_transaction() or db.new or db.dirty or db.deleted):
        db.commit()


def commit_so_far(db: Session) -> None:
    """Commit what the request has done so far, on its own connection: for counts that must
    outlive the request's failure (core.ratelimit), taken before the request writes anything
    else. A second connection for them would make every request need two at once."""
    db.commit()


def _commit_and_close(db: Session) -> None:
    try:
        db.commit()
    finally:
        db.close()  # after a failed commit this rolls back


def _roll_back_and_close(db: Session) -> None:
    try:
        db.rollback()
    finally:
        db.close()


DbSession = Annotated[Session, Depends(get_db, scope="function")]


# SQLite reports an unusable database file or a lock held too long with these messages; any
# other sqlite3.OperationalError (a missing table, a syntax error) is a bug, not an outage.
_SQLITE_UNAVAILABLE = ("unable to open database", "database is locked", "disk i/o error")


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached right now (retry later)."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    original = exc.orig
    if isinstance(original, sqlite3.OperationalError):
        message = str(original).lower()
        return any(marker in message for marker in _SQLITE_UNAVAILABLE)
    # psycopg raises OperationalError for connection failures, server shutdown and
    # cancelled statements; its SQL errors are other classes.
    return True


def lock_for_update(db: Session, column: Any, value: Any) -> None:
    """Serialise writers on one row (a group, a session) before reading what they will change,
    so checks such as "is there a seat left?" hold at commit, on both databases."""
    lock_rows_for_update(db, column, column == value)


def lock_rows_for_update(db: Session, column: Any, *criteria: Any) -> None:
    """Lock every row matching ``criteria``, in ``column`` order: taking locks in one order
    everywhere means two writers never wait on each other in a cycle.

    PostgreSQL locks the rows (SELECT ... FOR NO KEY UPDATE). SQLite has no row locks; a no-op
    UPDATE takes its database write lock first, so the reads that follow see every earlier
    commit and later writers wait (busy timeout) instead of working from a stale snapshot. The
    no-op names ``updated_at`` too, or its on-update default would mark the rows as changed.
    """
    table = column.table
    if db.get_bind().dialect.name == "postgresql":
        # FOR NO KEY UPDATE: it serialises writers of these rows all the same, but does not
        # block other transactions inserting rows that merely refer to them (a foreign key
        # check takes FOR KEY SHARE), which FOR UPDATE would, inviting deadlocks.
        db.execute(select(column).where(*criteria).order_by(column).with_for_update(key_share=True))
        return
    unchanged = {column.key: column}
    if "updated_at" in table.c:
        unchanged["updated_at"] = table.c.updated_at
    db.execute(update(table).where(*criteria).values(unchanged))
