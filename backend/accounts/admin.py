"""Admins' side of accounts: finding people, changing roles, deactivating accounts, and
integrators' service clients."""

import uuid
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.accounts import exceptions as errors
from backend.accounts.actor import Actor
from backend.accounts.events import AccountDeactivated, AccountSuspended
from backend.accounts.models import (
    Role,
    ServiceClient,
    User,
)
from backend.accounts.schemas import (
    ServiceClientCreate,
    UserAdminUpdate,
)
from backend.accounts.service import end_all_tokens
from backend.core import audit, events
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, contains_pattern, creation_order, paginate
from backend.core.security import (
    hash_secret,
    new_secret,
)


def list_users(
    db: Session,
    *,
    actor: Actor,
    q: str | None,
    role: Role | None,
    is_active: bool | None,
    limit: int,
    cursor: str | None,
) -> KeysetPage[User]:
    query = select(User)
    if q:
        pattern = contains_pattern(q.strip().lower())
        query = query.where(
            or_(
                User.email.like(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
            )
        )
    if role is not None:
        query = query.where(User.role == role)
    if is_active is not None:
        query = query.where(User.is_active.is_(is_active))
    page: KeysetPage[User] = paginate(db, query, creation_order(User), limit=limit, cursor=cursor)
    audit.record(
        db,
        actor.who,
        AuditAction.people_searched,
        target_type="user_account",
        subjects=[user.id for user in page.items],
    )
    return page


def get_user(db: Session, *, actor: Actor, user_id: uuid.UUID) -> User:
    """One account, for an admin: the read is in the audit trail."""
    user = _user(db, user_id)
    audit.record(
        db,
        actor.who,
        AuditAction.person_read,
        target_type="user_account",
        target_id=user.id,
        subjects=[user.id],
    )
    return user


def _user(db: Session, user_id: uuid.UUID) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def admin_update_user(
    db: Session,
    settings: Settings,
    *,
    actor: Actor,
    user_id: uuid.UUID,
    changes: UserAdminUpdate,
) -> User:
    user = _user(db, user_id)
    values = changes.model_dump(exclude_unset=True, exclude_none=True)
    if user.id == actor.person_id and (
        values.get("is_active") is False or values.get("role", Role.admin) != Role.admin
    ):
        raise errors.SelfLockout()
    role_changed = "role" in values and values["role"] != user.role
    deactivated = values.get("is_active") is False and user.is_active
    reactivated = values.get("is_active") is True and not user.is_active
    for field, value in values.items():
        setattr(user, field, value)
    for happened, action in (
        (role_changed, AuditAction.role_changed),
        (deactivated, AuditAction.account_deactivated),
        (reactivated, AuditAction.account_reactivated),
    ):
        if happened:
            audit.record(
                db,
                actor.who,
                action,
                target_type="user_account",
                target_id=user.id,
                subjects=[user.id],
            )
    if role_changed or deactivated:
        end_all_tokens(db, settings, user, reason="deactivated" if deactivated else "role_change")
    db.flush()
    if deactivated:
        events.publish(db, settings, AccountDeactivated(user_id=user.id))
    return user


def suspend_account(
    db: Session, settings: Settings, *, actor: Actor, user_id: uuid.UUID, until: datetime
) -> User:
    """Pause an account until ``until`` (moderation): every sign-in ends now and a new one is
    refused until then; it lapses by itself. A later suspension replaces an earlier one."""
    user = _user(db, user_id)
    if user.id == actor.person_id:
        raise errors.SelfLockout()
    user.suspended_until = until
    audit.record(
        db,
        actor.who,
        AuditAction.account_suspended,
        target_type="user_account",
        target_id=user.id,
        subjects=[user.id],
    )
    end_all_tokens(db, settings, user, reason="suspended")
    db.flush()
    events.publish(db, settings, AccountSuspended(user_id=user.id, until=until))
    return user


def create_service_client(
    db: Session, *, actor: Actor, data: ServiceClientCreate
) -> tuple[ServiceClient, str]:
    secret = new_secret()
    client = ServiceClient(
        name=data.name,
        secret_hash=hash_secret(secret),
        scopes=sorted({scope.value for scope in data.scopes}),
        created_by_id=actor.person.id,
    )
    db.add(client)
    db.flush()
    audit.record(
        db,
        actor.who,
        AuditAction.service_client_created,
        target_type="service_client",
        target_id=client.id,
    )
    return client, secret


def list_service_clients(
    db: Session, *, limit: int, cursor: str | None
) -> KeysetPage[ServiceClient]:
    return paginate(
        db, select(ServiceClient), creation_order(ServiceClient), limit=limit, cursor=cursor
    )


def get_service_client(db: Session, *, client_id: uuid.UUID) -> ServiceClient:
    client = db.get(ServiceClient, client_id)
    if client is None:
        raise NotFound()
    return client


def revoke_service_client(db: Session, *, actor: Actor, client_id: uuid.UUID) -> None:
    client = get_service_client(db, client_id=client_id)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        audit.record(
            db,
            actor.who,
            AuditAction.service_client_revoked,
            target_type="service_client",
            target_id=client.id,
        )
