"""``Idempotency-Key`` on creating writes: the same key and body within 24 hours return the
first answer and create nothing new (API.md, Conventions).

A pure ASGI middleware, so it sees the whole response. It applies to POST requests under the
API from a signed-in person or service client (the key is scoped to who is calling, so one
caller can never receive another's stored answer). The key is claimed with an insert before
the request runs; a second request with the same key while the first is running gets 409.
Answers of 5xx are not kept, so a retry after a failure runs again. What one caller may
keep is bounded (MAX_KEPT_ANSWER_BYTES, MAX_KEYS_PER_CALLER).

A replay never shows what the caller may no longer see: an answer that says where its record
is read (``Location``, set by the creating routes) is read there again, as the caller, and the
replay carries that fresh read (a 404 once the record is gone or out of their reach). The
answers replayed as kept are the caller's own records (a membership, a report's receipt, a
check-in) and problems.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import JSON, String, Text, UniqueConstraint, delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.config import Settings
from backend.core.errors import ContentTooLarge, problem_response
from backend.core.orm import Base, UUIDPrimaryKey, utcnow
from backend.core.routing import API_PREFIX

logger = logging.getLogger(__name__)

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_FOR = timedelta(hours=24)
# A claim with no answer after this long belongs to a request that died; the key is free again.
ABANDONED_AFTER = timedelta(minutes=5)
MAX_KEY_LENGTH = 200
# What the store keeps for one caller, so no one can fill it: answers up to this size (a
# larger one is remembered as handled, without its body), and this many keys a day.
MAX_KEPT_ANSWER_BYTES = 64 * 1024
MAX_KEYS_PER_CALLER = 1000
# The token endpoint is a form exchange, not a creating write; tokens are never stored.
# Never kept: sign-in and password calls (their bodies hold secrets), service-client creation
# (its answer holds a secret shown once), invitations and referral links (their paths hold
# one).
# Nor matching runs: their answer names people and their needs, for admins only, and a second
# run proposes nothing the first did.
EXCLUDED_PREFIXES = (
    f"{API_PREFIX}/auth/",
    f"{API_PREFIX}/me/password",
    f"{API_PREFIX}/service-clients",
    f"{API_PREFIX}/mentoring/matching-runs",
    # Accepting an invitation: the path holds the invitation's secret.
    f"{API_PREFIX}/invitations/",
    # A new webhook endpoint and a rotation answer with a signing secret, shown once; a
    # redelivery sent twice queues the one delivery once.
    f"{API_PREFIX}/webhook-endpoints",
    # Opening or answering a referral: the path holds the link's secret.
    f"{API_PREFIX}/referral-links/",
    # One-click unsubscribe: the path holds the person's token (and stopping twice is the
    # same as once anyway).
    f"{API_PREFIX}/unsubscribe/",
)
# Nor previews (a schedule's dates, a resource's HTML), which write nothing: a form asks for
# one as its fields change, and keeping each would fill the caller's keys.
# Nor a new invitation of a circle: its answer holds the link's secret, shown once.
EXCLUDED_SUFFIXES = ("/preview", "/invitations")
# What an internal read of a record takes from the replayed request: who is asking, and how.
READ_AGAIN_HEADERS = (b"authorization", b"accept", b"accept-language", b"x-request-id")
# Who is calling, from a bearer token: checked fully (session, version, revocation) by the
# accounts domain, which main.py hands in; None when the token is not valid.
CallerResolver = Callable[[Session, str], str | None]
KEPT_RESPONSE_HEADERS = ("content-type", "location")


class IdempotencyRecord(UUIDPrimaryKey, Base):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    caller: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status_code: Mapped[int | None]
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    response_body: Mapped[str | None] = mapped_column(Text)


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        resolve_caller: CallerResolver,
    ) -> None:
        self.app = app
        self.settings = settings
        self.resolve_caller = resolve_caller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        path: str = scope["path"]
        token = _bearer(headers)
        if (
            key is None
            or token is None  # anonymous callers: the key is ignored
            or not path.startswith(API_PREFIX)
            or path.startswith(EXCLUDED_PREFIXES)
            or path.endswith(EXCLUDED_SUFFIXES)
        ):
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            await self._problem(
                scope,
                receive,
                send,
                422,
                "Idempotency-Key must be 1 to "
                f"{MAX_KEY_LENGTH} characters; a random UUID is a good choice.",
            )
            return
        try:
            body = await _read_body(receive)
        except ContentTooLarge as exc:
            await self._problem(scope, receive, send, 413, str(exc.detail), slug=None)
            return
        # Keyed with the app's secret, so a stored hash says nothing about what was sent.
        request_hash = hmac.new(
            self.settings.jwt_secret_value().encode(),
            scope.get("query_string", b"") + b"\n" + body,
            hashlib.sha256,
        ).hexdigest()
        try:
            # Database work runs in a worker thread: blocking the event loop here would stall
            # every other request, including the one holding the lock we wait for.
            # The app's one session factory, as every request's get_db uses it.
            sessions: sessionmaker[Session] = scope["app"].state.session_factory
            caller = await anyio.to_thread.run_sync(self._caller, sessions, token)
            if caller is None:  # not a valid token: the app answers 401 itself
                await self.app(scope, _replay_body(body), send)
                return
            outcome = await anyio.to_thread.run_sync(
                self._claim, sessions, caller, key, path, request_hash
            )
        except SQLAlchemyError:
            logger.warning("idempotency store unavailable; handling the request without it")
            await self.app(scope, _replay_body(body), send)
            return
        if isinstance(outcome, IdempotencyRecord):
            await self._answer_existing(scope, receive, send, outcome, path, request_hash)
            return
        if outcome is None:
            await self._problem(
                scope,
                receive,
                send,
                429,
                f"This caller has used {MAX_KEYS_PER_CALLER} Idempotency-Keys in the last 24 "
                "hours, the most kept for anyone. Retry later, or send new requests without one.",
                headers={"Retry-After": "3600"},
            )
            return
        record_id = outcome
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, _replay_body(body), capture)
        finally:
            await anyio.to_thread.run_sync(self._settle, sessions, record_id, captured)

    def _caller(self, sessions: sessionmaker[Session], token: str) -> str | None:
        with sessions() as db:
            return self.resolve_caller(db, token)

    def _claim(
        self, sessions: sessionmaker[Session], caller: str, key: str, path: str, request_hash: str
    ) -> Any:
        """The new record's id, the record already holding this key, or None when the caller
        holds as many keys as anyone may."""
        now = utcnow()
        with sessions.begin() as db:
            # Answers older than a day are forgotten for everyone; an abandoned claim only
            # for this key.
            db.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - KEPT_FOR)
            )
            db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.caller == caller,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.status_code.is_(None),
                    IdempotencyRecord.created_at < now - ABANDONED_AFTER,
                )
            )
            held = db.scalar(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.caller == caller)
            )
            existing = db.scalar(
                select(IdempotencyRecord.id).where(
                    IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
                )
            )
            if existing is None and (held or 0) >= MAX_KEYS_PER_CALLER:
                return None
        try:
            with sessions.begin() as db:
                record = IdempotencyRecord(
                    caller=caller, key=key, method="POST", path=path, request_hash=request_hash
                )
                db.add(record)
                db.flush()
                return record.id
        except IntegrityError:
            with sessions() as db:
                return db.scalars(
                    select(IdempotencyRecord).where(
                        IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
                    )
                ).one()

    def _settle(
        self, sessions: sessionmaker[Session], record_id: Any, captured: dict[str, Any]
    ) -> None:
        try:
            with sessions.begin() as db:
                if captured["status"] >= 500:
                    db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
                    return
                kept = {
                    name.decode("latin-1").lower(): value.decode("latin-1")
                    for name, value in captured["headers"]
                    if name.decode("latin-1").lower() in KEPT_RESPONSE_HEADERS
                }
                body: bytes = captured["body"]
                db.execute(
                    update(IdempotencyRecord)
                    .where(IdempotencyRecord.id == record_id)
                    .values(
                        status_code=captured["status"],
                        response_headers=kept,
                        # None: handled, but too large to keep (a replay says so).
                        response_body=body.decode("utf-8", "replace")
                        if len(body) <= MAX_KEPT_ANSWER_BYTES
                        else None,
                    )
                )
        except SQLAlchemyError:
            logger.warning("could not store an idempotent answer; a retry will run again")

    async def _answer_existing(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: IdempotencyRecord,
        path: str,
        request_hash: str,
    ) -> None:
        if record.status_code is None:
            await self._problem(
                scope,
                receive,
                send,
                409,
                "A request with this Idempotency-Key is still being handled. Wait for its "
                "answer, then retry.",
                headers={"Retry-After": "1"},
            )
            return
        if record.path != path or record.request_hash != request_hash:
            await self._problem(
                scope,
                receive,
                send,
                422,
                "This Idempotency-Key was used for a different request. Use a new key for a "
                "new request.",
            )
            return
        if record.response_body is None:
            location = (record.response_headers or {}).get("location")
            await self._problem(
                scope,
                receive,
                send,
                409,
                f"This request was handled already (status {record.status_code}); its answer "
                "was too large to keep for a replay. Read the result instead"
                + (f" at {location}." if location else "."),
                headers={"Location": location} if location else None,
            )
            return
        headers = dict(record.response_headers or {}) | {REPLAYED_HEADER: "true"}
        body = record.response_body.encode()
        status = record.status_code
        location = headers.get("location")
        if 200 <= status < 300 and location and location.startswith(API_PREFIX):
            # As the caller may see it now, not as they saw it then.
            read_status, read_headers, body = await self._read_as_caller(scope, location)
            headers["content-type"] = read_headers.get("content-type", "application/json")
            if read_status != 200:
                status = read_status
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
                + [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _read_as_caller(
        self, scope: Scope, location: str
    ) -> tuple[int, dict[str, str], bytes]:
        """GET ``location`` through the app as the replayed request's caller."""
        path, _, query = location.partition("?")
        read_scope = dict(scope) | {
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() in READ_AGAIN_HEADERS],
        }
        answer: dict[str, Any] = {"status": 500, "headers": {}, "body": b""}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await self.app(read_scope, _replay_body(b""), keep)
        return answer["status"], answer["headers"], answer["body"]

    @staticmethod
    async def _problem(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        detail: str,
        headers: dict[str, str] | None = None,
        slug: str | None = "idempotency-key",
    ) -> None:
        response = problem_response(
            Request(scope), status=status, slug=slug, detail=detail, headers=headers
        )
        await response(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_body(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
