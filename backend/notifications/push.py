"""Web push (RFC 8030) to the browsers and installed apps a person subscribed.

Each message is encrypted for its device (RFC 8291, aes128gcm) and signed with the service's
VAPID key (RFC 8292) by pywebpush; the push service only relays it. What a device shows follows
the same privacy rules as an email subject: a lock screen can be seen by others.

A subscription the push service says is gone (404, 410) is removed with its messages.
"""

import base64
import ipaddress
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from backend.core.config import Settings
from backend.core.security import keyed_digest
from backend.core.uniqueness import insert_once
from backend.notifications.delivery import deliver_due
from backend.notifications.exceptions import InvalidPushSubscription
from backend.notifications.models import PushMessage, PushSubscription

# A phone that is off gets the message when it is back, within a day; later it is stale.
TIME_TO_LIVE_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10.0
# What a lock screen shows of the text: the first lines, never a wall.
PREVIEW_CHARACTERS = 180
MAX_DEVICES_PER_PERSON = 10
GONE_STATUSES = frozenset({404, 410})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# --- the VAPID key ----------------------------------------------------------------------------


def _private_key(settings: Settings) -> ec.EllipticCurvePrivateKey:
    if settings.vapid_private_key is not None:
        text = settings.vapid_private_key.get_secret_value().strip()
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
            # VAPID is ES256: a key on another curve signs what no push service verifies.
            if not (
                isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
            ):
                raise ValueError("CIRCLES_VAPID_PRIVATE_KEY must be an EC P-256 key")
            return key
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # Fewer octets would still make a scalar, a small one anyone could guess.
        if len(raw) != 32:
            raise ValueError(
                "CIRCLES_VAPID_PRIVATE_KEY must be an EC P-256 key: PEM, or base64url of its "
                f"32 octets (this is {len(raw)})"
            )
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    # Derived from the signing key: stable across restarts with nothing stored. The order of
    # P-256 is just under 2**256, so reducing a 256-bit digest gives a valid scalar.
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    scalar = int.from_bytes(keyed_digest(settings, purpose="vapid", message="web push"), "big")
    return ec.derive_private_key(scalar % (order - 1) + 1, ec.SECP256R1())


def public_key(settings: Settings) -> str:
    """The application server key a browser subscribes with (base64url, uncompressed point)."""
    point = (
        _private_key(settings)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _vapid_subject(settings: Settings) -> str:
    # RFC 8292: how a push service can reach the sender; the address mail comes from.
    address = settings.smtp_from.rsplit("<", 1)[-1].rstrip(">").strip()
    return f"mailto:{address}"


# --- subscriptions ----------------------------------------------------------------------------


# The alphabet alone: Python's decoder skips other characters, so "!" in a key would pass.
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _b64url_bytes(value: str, what: str, size: int) -> bytes:
    try:
        if not BASE64URL.fullmatch(value):
            raise ValueError(value)
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        raise InvalidPushSubscription(f"The subscription's {what} key is not base64url.") from None
    if len(raw) != size:
        raise InvalidPushSubscription(f"The subscription's {what} key has the wrong length.")
    return raw


def _check_browser_key(p256dh: str) -> None:
    point = _b64url_bytes(p256dh, "p256dh", 65)
    try:
        # Sixty-five octets off the curve can never be encrypted for: refuse them now, not
        # after a day of failing deliveries.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidPushSubscription(
            "The subscription's p256dh key is not a P-256 public key."
        ) from None


def check_endpoint(settings: Settings, endpoint: str) -> None:
    """Only a browser's push service: https on a listed host (loopback over http only when
    listed, for tests), so the server cannot be made to send requests anywhere else."""
    try:
        parts = urlsplit(endpoint)
        if parts.port == 0:  # reading the port raises for one out of range or not a number
            raise ValueError(endpoint)
    except ValueError:
        raise InvalidPushSubscription(
            "The push endpoint is not a web address we can send to."
        ) from None
    host = (parts.hostname or "").lower()
    listed = any(host == s or host.endswith("." + s) for s in settings.push_services)
    loopback = host in LOOPBACK_HOSTS or _is_loopback_ip(host)
    if not listed or parts.username or parts.password:
        raise InvalidPushSubscription(
            "This browser's push service is not one we can send to. Notifications in the app "
            "and by email still work."
        )
    if parts.scheme != "https" and not (loopback and parts.scheme == "http"):
        raise InvalidPushSubscription("A push endpoint must be an https:// address.")


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def subscribe(
    db: Session, settings: Settings, user_id: uuid.UUID, *, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Save a device's subscription (again: the same endpoint moves to whoever subscribed it
    last, as a shared computer's browser does, and what still waited for the one before is
    not sent)."""
    check_endpoint(settings, endpoint)
    _check_browser_key(p256dh)
    _b64url_bytes(auth, "auth", 16)
    devices = devices_of(db, [user_id]).get(user_id, [])
    if endpoint not in {d.endpoint for d in devices} and len(devices) >= MAX_DEVICES_PER_PERSON:
        raise InvalidPushSubscription(
            f"Push is on for {MAX_DEVICES_PER_PERSON} devices already. Turn it off on one you "
            "no longer use, then try again."
        )
    keys = {"user_id": user_id, "p256dh": p256dh, "auth": auth}
    # Twice at once (a double click, two tabs): one row, whichever request comes first.
    subscription, inserted = insert_once(
        db, PushSubscription, key={"endpoint": endpoint}, values=keys
    )
    if not inserted:
        if subscription.user_id != user_id:
            # What still waits for the one before must not show on the next one's screen.
            db.execute(
                delete(PushMessage).where(
                    PushMessage.subscription_id == subscription.id,
                    PushMessage.sent_at.is_(None),
                    PushMessage.failed_at.is_(None),
                )
            )
        subscription.user_id, subscription.p256dh, subscription.auth = user_id, p256dh, auth
        db.flush()
    return subscription


def unsubscribe(db: Session, user_id: uuid.UUID, subscription_id: uuid.UUID) -> bool:
    result = db.execute(
        delete(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == user_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def devices_of(
    db: Session, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PushSubscription]]:
    ids = list(set(user_ids))
    found: dict[uuid.UUID, list[PushSubscription]] = {}
    if not ids:
        return found
    for subscription in db.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id.in_(ids))
        .order_by(PushSubscription.created_at)
    ):
        found.setdefault(subscription.user_id, []).append(subscription)
    return found


def preview(text: str) -> str:
    first = text.strip().split("\n\n", 1)[0].replace("\n", " ")
    if len(first) <= PREVIEW_CHARACTERS:
        return first
    return first[: PREVIEW_CHARACTERS - 1].rsplit(" ", 1)[0] + "\u2026"


def queue(
    db: Session,
    devices: Sequence[PushSubscription],
    *,
    title: str,
    text: str,
    link: str,
    not_before: datetime | None = None,
) -> None:
    payload = {"title": title, "body": preview(text), "url": link}
    for device in devices:
        db.add(PushMessage(subscription_id=device.id, payload=payload, next_attempt_at=not_before))


# --- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Push:
    subscription: dict[str, object]
    data: str


def _prepare(db: Session, message: PushMessage) -> _Push:
    device = db.get_one(PushSubscription, message.subscription_id)
    return _Push(
        subscription={
            "endpoint": device.endpoint,
            "keys": {"p256dh": device.p256dh, "auth": device.auth},
        },
        data=json.dumps(message.payload, ensure_ascii=False),
    )


def _gone(db: Session, message: PushMessage, exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(exc, WebPushException) and status in GONE_STATUSES:
        # The person unsubscribed in the browser, or it expired: it never works again.
        subscription_id = message.subscription_id
        db.expunge(message)
        db.execute(delete(PushMessage).where(PushMessage.subscription_id == subscription_id))
        db.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))
        return True
    return False


def deliver_pushes(session_factory: sessionmaker[Session], settings: Settings) -> int:
    vapid = Vapid02(private_key=_private_key(settings))
    subject = _vapid_subject(settings)

    def send(push: _Push) -> None:
        webpush(
            push.subscription,
            data=push.data,
            vapid_private_key=vapid,
            # A fresh dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": subject},
            ttl=TIME_TO_LIVE_SECONDS,
            timeout=TIMEOUT_SECONDS,
            requests_session=http,
        )

    with requests.Session() as http:
        # A push service answers for itself (201). Following a redirect would send to a host
        # check_endpoint never allowed, and count that host's answer as delivered.
        http.max_redirects = 0
        return deliver_due(
            session_factory, PushMessage, what="push", prepare=_prepare, send=send, gone=_gone
        )
