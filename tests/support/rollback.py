"""Each test's writes undone by one rollback, instead of emptying every table after it.

A test on the ``database`` fixture holds one connection with an outer transaction open. Every
app the test builds on that database (``create_app``, through the factories it calls) gets a
session factory bound to that connection with ``join_transaction_mode="create_savepoint"``:
``get_db``'s commit releases a savepoint and its rollback returns to one, so a request commits
or fails as it does on its own, the next request sees what the last one committed, and the
outer transaction is rolled back when the test ends.

What cannot work on one connection fails the test loudly instead of passing on a database that
only pretends (see ``SharedConnection``):

- a second connection while the test holds its own (an app on another engine,
  ``database.engine``, a CLI command, a fresh database): it would not see the test's
  uncommitted rows, and on SQLite it would wait for the test's write lock;
- two sessions in a transaction on the connection at once: requests that arrive together
  (``at_once``, thread pools), or code that commits a transaction of its own beside the
  request's so that it outlives the request's rollback (rate-limit hits, revoked sessions):
  on one connection that is a savepoint inside the request's, rolled back with it.

Such tests are marked ``real_commits``: they run on the real engine, and every table is emptied
after them (``reset_tables`` in tests/conftest.py).
"""

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
from sqlalchemy import Connection, Engine, event, make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import Pool

from backend import main
from backend.core.db import create_db_engine, create_session_factory

HINT = (
    " A test rolled back at its end has one connection, used by one session at a time; mark it "
    "@pytest.mark.real_commits if it needs more (tests/support/rollback.py says why)."
)


class NeedsRealCommits(RuntimeError):
    """Raised where a rolled-back test does what only real commits support."""


@dataclass(eq=False)
class SharedConnection:
    """The test's one connection, and what went wrong on it."""

    connection: Connection
    problems: list[str] = field(default_factory=list)
    sessions: "weakref.WeakSet[Session]" = field(default_factory=weakref.WeakSet)
    # What create_app binds its sessions with while the connection is open.
    factory_for: Callable[[Engine], sessionmaker[Session]] = create_session_factory

    def refuse(self, problem: str) -> NoReturn:
        self.problems.append(problem)
        raise NeedsRealCommits(problem + HINT)

    def fail_on_problems(self, since: int = 0) -> None:
        if len(self.problems) > since:
            pytest.fail("; ".join(self.problems[since:]) + "." + HINT, pytrace=False)


_active: SharedConnection | None = None


def _second_connection(*_args: object) -> None:
    if _active is not None:
        _active.refuse("a second database connection was checked out")


def _session_began(session: Session, _transaction: SessionTransaction, bind: Connection) -> None:
    if _active is None or bind is not _active.connection:
        return
    if any(other is not session and other.in_transaction() for other in _active.sessions):
        _active.refuse("a session began while another was in a transaction on the connection")
    _active.sessions.add(session)


# Registered once, on every pool and every session; they act only while a test holds a
# shared connection.
event.listen(Pool, "checkout", _second_connection)
event.listen(Session, "after_begin", _session_began)


def rollback_engine(kind: str, url: str) -> Engine:
    """An engine like production's for ``url``, fit for one connection shared by the test's
    thread and the app's (TestClient runs the app in other threads, one at a time)."""
    if kind != "sqlite":
        return create_db_engine(url)
    engine = create_db_engine(f"{url}?check_same_thread=false")

    # sqlite3's legacy transaction control emits no BEGIN before a SAVEPOINT, so releasing
    # the app's first savepoint would commit for real; SQLAlchemy's own BEGIN opens the outer
    # transaction instead (the SQLAlchemy documentation's recipe for SQLite savepoints).
    def no_driver_begin(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None

    def begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    event.listen(engine, "connect", no_driver_begin)
    event.listen(engine, "begin", begin)
    return engine


@contextmanager
def rolled_back(engine: Engine, url: str) -> Iterator[SharedConnection]:
    """One connection in a transaction that is rolled back at the end; every app created
    inside on the database at ``url`` shares it."""
    global _active
    if _active is not None:
        raise NeedsRealCommits("a rolled-back connection is open already (a module's shared one)")
    connection = engine.connect()
    outer = connection.begin()
    shared = SharedConnection(connection)

    def engine_for(database_url: str) -> Engine:
        if make_url(database_url) == make_url(url):
            return engine
        return create_db_engine(database_url)

    def factory_for(bind: Engine) -> sessionmaker[Session]:
        factory = create_session_factory(bind)
        if bind is engine:
            factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        return factory

    def keep(close: bool = True) -> None:
        """The app's lifespan disposes of its engine; this one is the whole run's."""

    shared.factory_for = factory_for
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(main, "create_db_engine", engine_for)
        patch.setattr(main, "create_session_factory", factory_for)
        patch.setattr(engine, "dispose", keep)
        _active = shared
        try:
            yield shared
        finally:
            _active = None
            outer.rollback()
            connection.close()


def session_factory_for(engine: Engine) -> sessionmaker[Session]:
    """The session factory ``create_app`` would give an app on ``engine`` now: bound to the
    test's connection while a rolled-back test runs, else a plain one."""
    if _active is None:
        return create_session_factory(engine)
    return _active.factory_for(engine)


@contextmanager
def undone_after() -> Iterator[None]:
    """What the block writes on the open shared connection is rolled back after it (a
    savepoint): each test of a module sharing one client starts from the module's scene."""
    shared = _active
    if shared is None:
        raise NeedsRealCommits("undone_after() needs an open shared connection (shared_client)")
    seen = len(shared.problems)
    savepoint = shared.connection.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
    shared.fail_on_problems(since=seen)
