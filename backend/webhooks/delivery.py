"""Delivering webhooks: the worker's part, after the transaction that queued them committed.

Each round takes a bounded batch of deliveries that are due, claims each one with a
conditional update (so several workers never send one twice), resolves and checks the
endpoint's address again (``urls``), and POSTs the signed message to the checked address. An
answer in 2xx is delivered; any other answer, a redirect included (they are not followed), a
network error or a timeout is retried on ``RETRY_SCHEDULE``, then given up. An endpoint whose
every attempt has failed for ``DISABLE_WHEN_FAILING_FOR`` is turned off and its owner told.

The HTTP client is the standard library's: it follows no redirects, and it lets the
connection go to the address that was checked while TLS verifies the certificate against the
host name of the URL (``server_hostname``), which is what pins the address cleanly.
"""

import contextlib
import http.client
import logging
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.accounts.models import Role, ServiceClient, User
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people
from backend.webhooks import service, signing, urls
from backend.webhooks.exceptions import InvalidWebhookUrl
from backend.webhooks.models import (
    DeliveryStatus,
    DisabledBecause,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)

logger = logging.getLogger(__name__)

# How long to wait after each failed attempt before the next: the first attempt is at once,
# then these (Standard Webhooks' suggested schedule); a delivery failing after the last wait
# is given up (failed). Redelivering starts the schedule again.
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
# An endpoint at which every attempt has failed for this long (no 2xx in between) is turned
# off, and whoever looks after its service client is emailed. Long enough to outlast a
# weekend's outage, short enough that a receiver gone for good stops being tried.
DISABLE_WHEN_FAILING_FOR = timedelta(days=5)
# Deliveries per round: each may take up to the timeout, and the round also sends email.
BATCH_SIZE = 10
TIMEOUT_SECONDS = 10.0
# The whole exchange, however the receiver spaces out its bytes.
MAX_SECONDS = 15.0
# A round starts no delivery after this long (each may then take MAX_SECONDS more).
ROUND_SECONDS = 20.0
# What is read of an answer (the rest is never read), and what of it the log keeps.
MAX_RESPONSE_BYTES = 4096
EXCERPT_CHARACTERS = 200
# Admins told when the service client's creator cannot be (no longer an active admin).
MAX_ADMINS_TOLD = 20
USER_AGENT = "StrengthCircles-Webhooks/1.0"
# Delivery logs are kept this long, then forgotten with their messages (never one still
# waiting to be sent): long enough to look back over a month, bounded however busy it is.
KEEP_DELIVERIES_FOR = timedelta(days=30)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Claimed:
    delivery_id: uuid.UUID
    claimed_at: datetime
    url: str
    webhook_id: str
    body: str
    secrets: list[str]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to one checked address; the Host header still names the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        # Kept after http.client lets go of it (an answer that closes the connection).
        self.opened: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.opened = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one checked address, the certificate verified against the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address
        self.opened: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self.opened = self._tls.wrap_socket(sock, server_hostname=self.host)


def _hang_up(
    connection: "_PinnedHTTPConnection | _PinnedHTTPSConnection", cut_off: threading.Event
) -> None:
    cut_off.set()
    if connection.opened is not None:
        with contextlib.suppress(OSError):  # closed already
            connection.opened.shutdown(socket.SHUT_RDWR)


def _excerpt(raw: bytes) -> str | None:
    text = raw.decode("utf-8", errors="replace").strip()
    return text[:EXCERPT_CHARACTERS] or None


def post(settings: Settings, url: str, *, headers: dict[str, str], body: bytes) -> Outcome:
    """POST ``body`` to ``url``, its address checked now; what happened, in words."""
    try:
        target = urls.parse(settings, url)
    except InvalidWebhookUrl as exc:
        return Outcome(error=exc.detail)
    try:
        address = str(urls.check_addresses(settings, target)[0])
    except urls.UnsafeAddress as exc:
        # The address is for the server's log only: the delivery log would tell the
        # integrator what an internal name of ours resolves to.
        logger.warning("webhook not sent: %s", exc)
        return Outcome(
            error="Not sent: the host now leads to an address webhooks are never sent to. "
            "Give the endpoint a public address."
        )
    except OSError:
        return Outcome(error=f"We could not find {target.host} (DNS).")
    connection: _PinnedHTTPConnection | _PinnedHTTPSConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host, target.port, address=address, timeout=TIMEOUT_SECONDS
        )
    else:
        connection = _PinnedHTTPConnection(
            target.host, target.port, address=address, timeout=TIMEOUT_SECONDS
        )
    # Each read waits at most TIMEOUT_SECONDS; a receiver dripping its answer a byte at a
    # time is cut off when the whole exchange has taken MAX_SECONDS.
    cut_off = threading.Event()
    watchdog = threading.Timer(MAX_SECONDS, _hang_up, args=(connection, cut_off))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(MAX_RESPONSE_BYTES)
        status = response.status
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError) or cut_off.is_set():
            return Outcome(
                error=f"Your endpoint did not answer within {TIMEOUT_SECONDS:g} seconds."
            )
        if isinstance(exc, ssl.SSLError):
            return Outcome(error=f"The TLS connection failed: {exc.reason or 'certificate'}.")
        return Outcome(error=f"Could not reach your endpoint ({type(exc).__name__}).")
    except Exception as exc:
        # Whatever else goes wrong with one request is that delivery's failure, retried on
        # its schedule, never the end of the round for everyone else's.
        logger.warning("webhook delivery failed unexpectedly (%s)", type(exc).__name__)
        return Outcome(error=f"Could not send to your endpoint ({type(exc).__name__}).")
    finally:
        watchdog.cancel()
        connection.close()
    excerpt = _excerpt(raw)
    if 200 <= status < 300:
        return Outcome(status_code=status, excerpt=excerpt)
    if 300 <= status < 400:
        error = (
            f"Your endpoint answered {status}, a redirect: redirects are not followed. Give "
            "the endpoint the address that answers 2xx itself."
        )
    else:
        error = f"Your endpoint answered {status}; only an answer in 2xx counts as received."
    return Outcome(status_code=status, error=error, excerpt=excerpt)


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        WebhookDelivery.status == DeliveryStatus.pending,
        WebhookDelivery.next_attempt_at <= now,
        or_(
            WebhookDelivery.claimed_at.is_(None),
            WebhookDelivery.claimed_at < now - service.CLAIM_TIMEOUT,
        ),
    ]


def deliver_webhooks(session_factory: sessionmaker[Session], settings: Settings) -> int:
    """Send the deliveries that are due; returns how many were received (2xx). Safe to run
    in several processes at once: each delivery is claimed before it is sent."""
    with session_factory.begin() as db:
        candidates = db.scalars(
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(ServiceClient, ServiceClient.id == WebhookEndpoint.client_id)
            # A revoked client's endpoints are sent nothing more, queued or not.
            .where(
                *_due(utcnow()),
                WebhookEndpoint.enabled.is_(True),
                ServiceClient.revoked_at.is_(None),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(BATCH_SIZE)
        ).all()
    delivered = 0
    # A round stops starting deliveries after ROUND_SECONDS, so slow receivers hold up the
    # email outbox and the jobs (the same worker thread) for a bounded time.
    round_ends = time.monotonic() + ROUND_SECONDS
    for delivery_id in candidates:
        if time.monotonic() >= round_ends:
            break
        claimed = _claim(session_factory, settings, delivery_id)
        if claimed is None:
            continue
        outcome = _send(settings, claimed)
        _record(session_factory, settings, claimed, outcome)
        delivered += outcome.delivered
    return delivered


def _claim(
    session_factory: sessionmaker[Session], settings: Settings, delivery_id: uuid.UUID
) -> _Claimed | None:
    with session_factory.begin() as db:
        now = utcnow()
        won = db.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, *_due(now))
            .values(claimed_at=now, attempts=WebhookDelivery.attempts + 1, last_attempt_at=now)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            return None
        delivery = db.get_one(WebhookDelivery, delivery_id)
        endpoint = db.get_one(WebhookEndpoint, delivery.endpoint_id)
        message = db.get_one(WebhookMessage, delivery.message_id)
        return _Claimed(
            delivery_id=delivery.id,
            claimed_at=now,
            url=endpoint.url,
            webhook_id=message.webhook_id,
            body=message.body,
            secrets=service.secrets_in_use(settings, endpoint, now),
        )


def _send(settings: Settings, claimed: _Claimed) -> Outcome:
    if not claimed.secrets:
        return Outcome(
            error="This endpoint's secret was made with a server key that is no longer "
            "configured, so nothing can be signed. Rotate the secret to go on."
        )
    timestamp = int(utcnow().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": claimed.webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            claimed.secrets, webhook_id=claimed.webhook_id, timestamp=timestamp, body=claimed.body
        ),
    }
    return post(settings, claimed.url, headers=headers, body=claimed.body.encode())


def _record(
    session_factory: sessionmaker[Session],
    settings: Settings,
    claimed: _Claimed,
    outcome: Outcome,
) -> None:
    with session_factory.begin() as db:
        now = utcnow()
        delivery = db.get(WebhookDelivery, claimed.delivery_id)
        # Gone (its endpoint removed meanwhile) or taken over by a redelivery: not ours now.
        if delivery is None or delivery.claimed_at != claimed.claimed_at:
            return
        delivery.claimed_at = None
        delivery.last_status_code = outcome.status_code
        delivery.last_response_excerpt = outcome.excerpt
        endpoint = db.get_one(WebhookEndpoint, delivery.endpoint_id)
        if outcome.delivered:
            delivery.status = DeliveryStatus.delivered
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            delivery.last_error = None
            endpoint.failing_since = None
            return
        delivery.last_error = (outcome.error or "The delivery failed.")[:300]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.failed
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + RETRY_SCHEDULE[delivery.attempts - 1]
        if endpoint.failing_since is None:
            endpoint.failing_since = now
        elif endpoint.enabled and endpoint.failing_since <= now - DISABLE_WHEN_FAILING_FOR:
            delivery.status = DeliveryStatus.failed
            delivery.next_attempt_at = None
            db.flush()
            service.turn_off(db, endpoint, DisabledBecause.failing)
            _tell_the_owner(db, settings, endpoint, delivery.last_error)
            logger.warning("webhook endpoint %s turned off after failing for days", endpoint.id)


def _people_to_tell(db: Session, client: ServiceClient) -> list[User]:
    """The admin who created the service client or, when they no longer can be (erased,
    deactivated, no longer an admin), the active admins."""
    if client.created_by_id is not None:
        creator = db.get(User, client.created_by_id)
        if creator is not None and creator.is_active and creator.role == Role.admin:
            return [creator]
    return list(
        db.scalars(
            select(User)
            .where(User.role == Role.admin, User.is_active.is_(True))
            .order_by(User.created_at, User.id)
            .limit(MAX_ADMINS_TOLD)
        )
    )


def _tell_the_owner(
    db: Session, settings: Settings, endpoint: WebhookEndpoint, last_error: str
) -> None:
    client = db.get_one(ServiceClient, endpoint.client_id)
    days = DISABLE_WHEN_FAILING_FOR.days
    # The host only: a URL's path or query may hold the receiver's own token.
    host = urlsplit(endpoint.url).hostname or "its address"
    notify_people(
        db,
        settings,
        _people_to_tell(db, client),
        Notice(
            # Not switchable, like security messages: the service's integration has stopped,
            # and the people who run it must hear so.
            kind=NotificationKind.security,
            subject="A webhook endpoint has been turned off",
            text=(
                f"We turned off a webhook endpoint of the service client \u201c{client.name}\u201d "
                f"(endpoint {endpoint.id}, at {host}): for {days} days, every delivery to it "
                f"failed. The last attempt said: {last_error}\n\n"
                "Nothing more is sent to it while it is off, and nothing is lost: each delivery it "
                "missed stays in its delivery log.\n\n"
                "What to do: make sure the receiver at that address is running and answers 2xx, "
                "then turn the endpoint on again (PATCH /api/v1/webhook-endpoints/"
                f"{endpoint.id} with enabled: true) and redeliver what it missed from its "
                "delivery log."
            ),
            link="/staff/integrations",
            see="Your service clients and their webhooks",
        ),
    )


def forget_old_deliveries(db: Session, settings: Settings) -> None:
    """The worker's job: messages older than KEEP_DELIVERIES_FOR go, with their deliveries,
    unless one of them is still waiting (a redelivery asked for lately) for a client that can
    still be sent to: a revoked client's waiting deliveries are never sent, so they go too."""
    revoked_endpoints = (
        select(WebhookEndpoint.id)
        .join(ServiceClient, ServiceClient.id == WebhookEndpoint.client_id)
        .where(ServiceClient.revoked_at.is_not(None))
    )
    old = (
        select(WebhookMessage.id)
        .where(
            WebhookMessage.created_at < utcnow() - KEEP_DELIVERIES_FOR,
            ~WebhookMessage.id.in_(
                select(WebhookDelivery.message_id).where(
                    WebhookDelivery.status == DeliveryStatus.pending,
                    WebhookDelivery.endpoint_id.not_in(revoked_endpoints),
                )
            ),
        )
        .scalar_subquery()
    )
    db.execute(delete(WebhookDelivery).where(WebhookDelivery.message_id.in_(old)))
    db.execute(delete(WebhookMessage).where(WebhookMessage.id.in_(old)))
