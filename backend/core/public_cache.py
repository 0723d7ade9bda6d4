"""Answers to anonymous reads, kept in each process for as long as the database has not
changed since they were made (and at most ``max_age`` seconds, for what time alone moves on).

Who sees an answer from here: only callers nobody is signed in as, on routes that say so (the
directory, group pages, a circle's meetings). Signed-in callers always get an answer made for them.

How a process knows the database changed, in every process alike:

- SQLite: ``PRAGMA data_version`` on a connection of the cache's own, which never writes. It
  changes as soon as any other connection, of any process, commits.
- PostgreSQL: triggers on the tables the directory reads (migration 0011) send
  ``NOTIFY directory_changed``, which PostgreSQL delivers when the writing transaction commits;
  a thread of each process listens on a connection of its own. While it is not connected, the
  cache answers nothing.

An answer records the change count read *before* it was made, and is kept only if the count is
the same after: an answer made while a write committed is never kept under the new count. On
PostgreSQL the count moves when the notification arrives, a moment after the commit, so an
answer may outlive a write by that moment.

Answers made only from data shipped with the code (crisis lines, the liveness probe) never go
stale in a process: they are kept whatever the database does, and served while it is down.
"""

import contextlib
import hashlib
import logging
import math
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import make_url
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

CHANNEL = "directory_changed"
# The documented 304 of the routes whose anonymous answers may be kept.
KEPT_ANSWER_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the answer with this ETag (anonymous) still holds."}
}
MAX_ENTRIES = 512
MAX_AGE_SECONDS = 30.0


class ChangeWatch(Protocol):
    def count(self) -> int | None:
        """A number that moves whenever the database changes; None when that cannot be told
        right now (then nothing is served or kept)."""

    def close(self) -> None: ...


class SQLiteDataVersion:
    """``PRAGMA data_version`` of a read-only connection of our own."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def count(self) -> int | None:
        with self._lock:
            try:
                if self._connection is None:  # opened on first use: the file may be new
                    self._connection = sqlite3.connect(
                        f"file:{self._path}?mode=ro",
                        uri=True,
                        check_same_thread=False,
                        isolation_level=None,
                    )
                return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class PostgresNotifications:
    """Counts ``NOTIFY directory_changed`` on a connection of its own, in a daemon thread."""

    RETRY_SECONDS = 2.0

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._count = 0
        self._listening = False
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="public-cache", daemon=True)
        self._thread.start()

    def count(self) -> int | None:
        return self._count if self._listening else None

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def wait_until_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._listening and time.monotonic() < deadline:
            time.sleep(0.01)
        return self._listening

    def _listen(self) -> None:
        import psycopg

        while not self._stopped.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Whatever changed while nobody listened is unknown: count it as a change.
                    self._count += 1
                    self._listening = True
                    while not self._stopped.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self._count += 1
            except psycopg.Error as error:
                logger.warning("public answers are not kept: %s", type(error).__name__)
            finally:
                self._listening = False
            self._stopped.wait(self.RETRY_SECONDS)


def watch_for(url: str) -> ChangeWatch | None:
    """The change watch for the database at ``url``; None where there is none (an in-memory
    SQLite database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return SQLiteDataVersion(database)
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresNotifications(conninfo)


def etag_of(body: bytes) -> str:
    """A strong ETag for an answer's bytes (the one way answers here are tagged)."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str | None  # None: an answer nobody should keep or revalidate (it is no-store)
    count: int | None
    expires_at: float  # time.monotonic()
    shipped: bool = False  # made from data shipped with the code, not from the database


class PublicCache:
    def __init__(
        self,
        watch: ChangeWatch | None,
        *,
        max_entries: int = MAX_ENTRIES,
        max_age: float = MAX_AGE_SECONDS,
    ) -> None:
        self.watch = watch
        self.max_entries = max_entries
        self.max_age = max_age
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def count(self) -> int | None:
        """Read before making an answer, and handed to ``keep``."""
        return self.watch.count() if self.watch is not None else None

    def get(self, key: str) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
        if answer is None:
            return None
        if not answer.shipped:
            count = self.count()
            if count is None:
                return None
            if answer.count != count or answer.expires_at <= time.monotonic():
                with self._lock:
                    if self._answers.get(key) is answer:
                        del self._answers[key]
                return None
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
        return answer

    def keep(
        self, key: str, body: bytes, *, count: int | None, max_age: float | None = None
    ) -> Answer:
        """The answer with its ETag; kept if the database did not change since ``count``."""
        age = self.max_age if max_age is None else min(max_age, self.max_age)
        answer = Answer(
            body=body,
            etag=etag_of(body),
            count=count,
            expires_at=time.monotonic() + max(age, 0.0),
        )
        if count is not None and age > 0 and self.count() == count:
            self._store(key, answer)
        return answer

    def keep_shipped(self, key: str, body: bytes, etag: str | None) -> Answer:
        """An answer made from data shipped with the code: kept for the life of the process
        (within the same bound on entries), whatever the database does. Not kept by a cache
        with no watch, which is one configured to keep nothing."""
        answer = Answer(body=body, etag=etag, count=None, expires_at=math.inf, shipped=True)
        if self.watch is not None:
            self._store(key, answer)
        return answer

    def _store(self, key: str, answer: Answer) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_entries:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)

    def close(self) -> None:
        if self.watch is not None:
            with contextlib.suppress(Exception):
                self.watch.close()


def _respond(answer: Answer, if_none_match: str | None) -> Response:
    if answer.etag is None:  # the security headers make it no-store
        return Response(answer.body, media_type="application/json")
    headers = {"ETag": answer.etag, "Cache-Control": "no-cache"}
    if if_none_match is not None and answer.etag in if_none_match:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


def _key(path: str, query: str) -> str:
    """Answers are kept by the path and the query string exactly as sent."""
    return f"{path}?{query}"


async def public_json(
    request: Request, make: Callable[[], tuple[BaseModel, float | None]]
) -> Response:
    """The anonymous answer to this request: kept, or made by ``make`` in a worker thread
    (which gives the answer and for how many seconds at most time leaves it true) and kept.
    With an ETag; ``If-None-Match`` with it answers 304. Kept answers are served by
    ``PublicAnswersMiddleware`` before routing; this is the way they are made."""
    key = _key(request.url.path, request.url.query)
    # Without the app's (no lifespan has run): one with no watch, which keeps nothing.
    found: PublicCache | None = getattr(request.app.state, "public_cache", None)
    cache = found if found is not None else PublicCache(None)
    if_none_match = request.headers.get("if-none-match")
    if (kept := cache.get(key)) is not None:
        return _respond(kept, if_none_match)
    count = cache.count()
    model, max_age = await run_in_threadpool(make)
    body = model.model_dump_json(by_alias=True).encode()
    return _respond(cache.keep(key, body, count=count, max_age=max_age), if_none_match)


def shipped_json(
    request: Request, body: bytes, etag: str | None, *, if_none_match: str | None
) -> Response:
    """The answer of a route made only from data shipped with the code: kept for anonymous
    reads (served before routing from then on) and answered with its ETag, 304 on a match;
    without an ETag, as an answer no one may store."""
    found: PublicCache | None = getattr(request.app.state, "public_cache", None)
    # Only anonymous reads are served from the kept answers; for the rest, one that keeps nothing.
    anonymous = "authorization" not in request.headers
    cache = found if found is not None and anonymous else PublicCache(None)
    answer = cache.keep_shipped(_key(request.url.path, request.url.query), body, etag)
    return _respond(answer, if_none_match)


class PublicAnswersMiddleware:
    """Serves kept answers before routing: a GET without credentials whose path and query
    string match an answer a route kept (with ``public_json``) gets it, without dependencies,
    validation or the database. Anything else goes on to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache: PublicCache | None = None
        if scope["type"] == "http" and scope["method"] == "GET":
            app_state = getattr(scope.get("app"), "state", None)
            cache = getattr(app_state, "public_cache", None)
        if cache is not None and len(cache):
            headers = Headers(scope=scope)
            if "authorization" not in headers:
                query = scope.get("query_string", b"").decode("latin-1")
                kept = cache.get(_key(scope["path"], query))
                if kept is not None:
                    await _respond(kept, headers.get("if-none-match"))(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def answer_kept_if_anonymous(
    request: Request, *, anonymous: bool, make: Callable[[], tuple[M, float | None]]
) -> M | Response:
    """For a route whose anonymous answers may be kept: theirs through ``public_json``,
    everyone else's made for them (in a worker thread)."""
    if anonymous:
        return await public_json(request, make)
    answer, _ = await run_in_threadpool(make)
    return answer
