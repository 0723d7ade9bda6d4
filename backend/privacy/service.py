"""Export (GDPR art. 15/20) and erasure (art. 17) of a member's data, driven by ``policy``.

Erasure closes the account for good: sign-ins end, personal details are replaced, the person's
own records (memberships, bookmarks, stories, feeds, emails) are deleted, and records that feed
the service's anonymous figures (past RSVPs, attendance) stay, pointing at an account that no
longer says who it was. Seats they held at upcoming meetings go to the people waiting.
"""

import uuid
from datetime import timedelta
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.events import AccountErased
from backend.accounts.models import AttendancePrivacy, Role
from backend.accounts.service import end_all_tokens
from backend.core import audit, events, ratelimit
from backend.core.audit import (
    READS_THAT_REVEAL_A_REPORT,
    AuditAction,
    AuditEvent,
    AuditSubject,
)
from backend.core.config import Settings
from backend.core.idempotency import IdempotencyRecord
from backend.core.orm import Base, utcnow
from backend.core.security import hash_password, new_secret, verify_password
from backend.library import outbound as library_outbound
from backend.library.models import Resource, Story
from backend.privacy.exceptions import TooManyErasureTries, WrongPassword
from backend.privacy.policy import ACCOUNT_HIDDEN, REFERENCES, Erase

ERASED_NAME = "Former member"
WRONG_PASSWORD_LIMIT = 5
WRONG_PASSWORD_WINDOW = timedelta(minutes=15)
# The newest reads of a person's data an export lists (the trail keeps them all).
MAX_EXPORTED_READS = 5000


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _row(mapping: Any, hidden: tuple[str, ...]) -> dict[str, Any]:
    return {key: to_jsonable_python(value) for key, value in mapping.items() if key not in hidden}


def export(db: Session, *, actor: Actor) -> dict[str, Any]:
    """Everything held about the caller, table by table, without secrets or other people."""
    user = actor.person
    account = db.execute(
        select(_table("user_account")).where(_table("user_account").c.id == user.id)
    )
    records: dict[str, list[dict[str, Any]]] = {}
    for (table_name, column), reference in sorted(REFERENCES.items()):
        if not reference.export:
            continue
        table = _table(table_name)
        rows = db.execute(
            select(table).where(table.c[column] == user.id).order_by(*table.primary_key.columns)
        ).mappings()
        records.setdefault(table_name, []).extend(_row(r, reference.hidden) for r in rows)
    audit.record(
        db, actor.who, AuditAction.export_read, target_type="user_account", target_id=user.id
    )
    return {
        "exported_at": to_jsonable_python(utcnow()),
        "account": _row(account.mappings().one(), ACCOUNT_HIDDEN),
        "records": records,
        "reads_of_my_data": _reads_of(db, user.id),
    }


def _reads_of(db: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Who read the person's data, from the audit trail: when, what, as which role and in
    which circle; never who by name (another member's or facilitator's account)."""
    rows = db.execute(
        select(
            AuditEvent.occurred_at,
            AuditEvent.action,
            AuditEvent.actor_kind,
            AuditEvent.actor_role,
            AuditEvent.group_id,
        )
        .join(AuditSubject, AuditSubject.event_id == AuditEvent.id)
        .where(
            AuditSubject.user_id == user_id,
            AuditEvent.action.endswith(".read"),
            AuditEvent.action.not_in(READS_THAT_REVEAL_A_REPORT),
            AuditEvent.actor_id.is_distinct_from(user_id),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(MAX_EXPORTED_READS)
    ).mappings()
    return [to_jsonable_python(dict(row)) for row in rows]


def erase(db: Session, settings: Settings, *, actor: Actor, password: str) -> None:
    """Close the account for good (after the password is confirmed)."""
    user = actor.person
    key = f"erase:{user.id}"
    wait = ratelimit.reserve(db, key, limit=WRONG_PASSWORD_LIMIT, window=WRONG_PASSWORD_WINDOW)
    if wait is not None:
        raise TooManyErasureTries(retry_after=wait)
    matches, _ = verify_password(password, user.password_hash)
    if not matches:
        raise WrongPassword()  # the try stays counted
    ratelimit.clear(db, key)

    # Domain steps first, while the person's rows are all there.
    events.publish(db, settings, AccountErased(user_id=user.id))
    published = select(Story.resource_id).where(
        Story.author_id == user.id, Story.resource_id.is_not(None)
    )
    for resource in db.scalars(select(Resource).where(Resource.id.in_(published))):
        library_outbound.deleted(db, resource)
    db.execute(delete(Resource).where(Resource.id.in_(published)))
    db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.caller == str(user.id)))

    for (table_name, column), reference in REFERENCES.items():
        table = _table(table_name)
        if reference.erase == Erase.delete_rows:
            db.execute(delete(table).where(table.c[column] == user.id))
        elif reference.erase == Erase.clear_reference:
            db.execute(update(table).where(table.c[column] == user.id).values({column: None}))

    end_all_tokens(db, settings, user, reason="account_erased")
    user.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
    user.display_name = ERASED_NAME
    user.password_hash = hash_password(new_secret())  # no one knows it
    user.pronouns = None
    user.languages = []
    user.timezone = "UTC"
    user.role = Role.member
    user.is_active = False
    user.attendance_privacy = AttendancePrivacy.anonymous
    user.calendar_shows_group_names = False
    user.last_login_at = None
    user.email_confirmed_at = None  # the address it has now was never anyone's
    user.totp_seed = None
    user.totp_key_id = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.flush()
