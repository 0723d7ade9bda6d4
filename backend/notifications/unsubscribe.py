"""One-click unsubscribe (RFC 8058): every email a person can switch off carries an address
that switches off exactly that kind of email, without signing in.

The token names the person and the kind, signed with a key of its own purpose: it cannot be
guessed or turned to another person, and needs no table. Rotating the signing key ends old
links; the account page still does everything they did.
"""

import hmac
import re
import uuid

from sqlalchemy import Boolean, Uuid, column, exists, select, table
from sqlalchemy.orm import Session

from backend.core.config import Settings
from backend.core.routing import API_PREFIX
from backend.core.security import keyed_digest
from backend.notifications.exceptions import UnsubscribeLinkNotFound
from backend.notifications.models import Channel, NotificationKind
from backend.notifications.preferences import preferences, switch_off

SIGNATURE_BYTES = 16
# Notifications sit below accounts, so the account table is named, not imported.
_ACCOUNT = table("user_account", column("id", Uuid()), column("is_active", Boolean()))
TOKEN = re.compile(r"([0-9a-f]{32})\.([a-z]{1,20})\.([0-9a-f]{32})")


def _signature(settings: Settings, user_id: uuid.UUID, kind: NotificationKind) -> str:
    message = f"{user_id.hex}.{kind.value}"
    return keyed_digest(settings, purpose="unsubscribe", message=message)[:SIGNATURE_BYTES].hex()


def token_for(settings: Settings, user_id: uuid.UUID, kind: NotificationKind) -> str:
    return f"{user_id.hex}.{kind.value}.{_signature(settings, user_id, kind)}"


def read_token(settings: Settings, token: str) -> tuple[uuid.UUID, NotificationKind] | None:
    """Whose and which kind of email ``token`` stops; None when it is not one of ours."""
    match = TOKEN.fullmatch(token)
    if match is None:
        return None
    user_hex, kind_value, signature = match.groups()
    try:
        kind = NotificationKind(kind_value)
    except ValueError:
        return None
    if kind is NotificationKind.security:
        return None
    user_id = uuid.UUID(hex=user_hex)
    if not hmac.compare_digest(signature, _signature(settings, user_id, kind)):
        return None
    return user_id, kind


def page_url(settings: Settings, token: str) -> str:
    """The page a person opens from the email's footer (it asks before switching off)."""
    return f"{settings.public_url.rstrip('/')}/unsubscribe/{token}"


def one_click_url(settings: Settings, token: str) -> str:
    """The List-Unsubscribe address a mail app POSTs to (RFC 8058)."""
    return f"{settings.public_url.rstrip('/')}{API_PREFIX}/unsubscribe/{token}"


def _owner_and_kind(
    db: Session, settings: Settings, token: str
) -> tuple[uuid.UUID, NotificationKind]:
    found = read_token(settings, token)
    if found is None or not _is_open(db, found[0]):
        raise UnsubscribeLinkNotFound()
    return found


def _is_open(db: Session, user_id: uuid.UUID) -> bool:
    """An erased account's links stop working with it. Erasure keeps the account's row
    (anonymous, no longer active), so the row being there is not enough: a closed account
    has no email to stop, and no settings are written for it."""
    query = select(exists().where(_ACCOUNT.c.id == user_id, _ACCOUNT.c.is_active.is_(True)))
    return db.scalar(query) is True


def what_it_stops(db: Session, settings: Settings, token: str) -> tuple[NotificationKind, bool]:
    """The kind of email ``token`` stops, and whether it is still being sent."""
    user_id, kind = _owner_and_kind(db, settings, token)
    return kind, preferences(db, user_id).wants(kind, Channel.email)


def stop(db: Session, settings: Settings, token: str) -> NotificationKind:
    """Switch off the kind of email ``token`` names (again: nothing more changes)."""
    user_id, kind = _owner_and_kind(db, settings, token)
    switch_off(db, user_id, kind, Channel.email)
    return kind
