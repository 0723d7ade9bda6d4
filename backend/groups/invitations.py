"""Invitations into a circle: a facilitator's link that lets whoever has it join, unlisted and
approval circles included (the invitation is the facilitator's yes), until it expires, is used
up or is revoked.

The link's secret is random (256 bits, URL-safe) and kept only as a SHA-256 digest, as reset
tokens are; it is shown once, in the answer that made it. Routes log their template, never the
path, so the secret stays out of the logs too.
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.core.security import hash_secret, new_secret
from backend.core.uniqueness import lock_and_reread, reread
from backend.groups import exceptions as errors
from backend.groups.models import (
    GroupInvitation,
    GroupMembership,
    GroupStatus,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.groups.schemas import InvitationCreate, InvitationState
from backend.groups.service import (
    GroupAccess,
    _audit,
    managed_group,
    require_manager,
    seats_taken,
)

# Live invitations a circle may have at once.
MAX_LIVE_INVITATIONS = 20
# Bytes of randomness in a link's secret (token_urlsafe: 43 characters).
TOKEN_BYTES = 32
INVITATIONS_ORDER = creation_order(GroupInvitation)


def state_of(invitation: GroupInvitation, now: datetime) -> InvitationState:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    if invitation.uses >= invitation.max_uses:
        return "used_up"
    return "live"


def invitation_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/invite/{token}"


def _live_count(db: Session, group_id: uuid.UUID, now: datetime) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                GroupInvitation.group_id == group_id,
                GroupInvitation.revoked_at.is_(None),
                GroupInvitation.expires_at > now,
                GroupInvitation.uses < GroupInvitation.max_uses,
            )
        )
        or 0
    )


def create_invitation(
    db: Session, access: GroupAccess, *, data: InvitationCreate
) -> tuple[GroupInvitation, str]:
    """A new invitation and its secret (the only time the secret is known)."""
    group = require_manager(access).group
    # Invitations of a circle are made in turn, so two at once cannot pass the limit together.
    group = lock_and_reread(db, group)
    if group.status == GroupStatus.archived:
        raise errors.GroupNotJoinable(
            "An archived circle takes no new members, so it cannot invite anyone."
        )
    now = utcnow()
    if _live_count(db, group.id, now) >= MAX_LIVE_INVITATIONS:
        raise errors.TooManyInvitations()
    token = new_secret(TOKEN_BYTES)
    invitation = GroupInvitation(
        group_id=group.id,
        created_by_id=access.actor.person.id,
        token_hash=hash_secret(token),
        expires_at=now + timedelta(days=data.expires_in_days),
        max_uses=data.max_uses,
        uses=0,
    )
    db.add(invitation)
    db.flush()
    return invitation, token


def list_invitations(
    db: Session, access: GroupAccess, *, limit: int, cursor: str | None
) -> KeysetPage[GroupInvitation]:
    """The circle's invitations, live and past, newest first."""
    group = require_manager(access).group
    return paginate(
        db,
        select(GroupInvitation).where(GroupInvitation.group_id == group.id),
        INVITATIONS_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )


def revoke_invitation(db: Session, actor: Actor, invitation_id: uuid.UUID) -> None:
    """The link stops working at once; revoking it again changes nothing."""
    invitation = db.get(GroupInvitation, invitation_id)
    if invitation is None:
        raise NotFound()
    # 404 for a circle the caller may not know of, 403 for one they may see but not manage.
    managed_group(db, invitation.group_id, actor)
    invitation = lock_and_reread(db, invitation)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.flush()


def _find_by_token(db: Session, token: str) -> GroupInvitation:
    invitation = db.scalar(
        select(GroupInvitation).where(GroupInvitation.token_hash == hash_secret(token))
    )
    if invitation is None:
        raise errors.InvitationNotFound()
    return invitation


def _check_usable(invitation: GroupInvitation, group: SupportGroup) -> None:
    state = state_of(invitation, utcnow())
    if state == "revoked":
        raise errors.InvitationNotFound()
    if state == "expired":
        raise errors.InvitationExpired()
    if state == "used_up":
        raise errors.InvitationUsedUp()
    if group.status == GroupStatus.archived:
        raise errors.CircleClosed()


def open_invitation(db: Session, token: str) -> tuple[GroupInvitation, SupportGroup]:
    """The invitation of ``token`` and its circle, if it may still be used: unknown or
    revoked is 404, expired or used up 410."""
    invitation = _find_by_token(db, token)
    group = db.get_one(SupportGroup, invitation.group_id)
    _check_usable(invitation, group)
    return invitation, group


def accept_invitation(db: Session, actor: Actor, token: str) -> GroupMembership:
    """Join the circle of the invitation as an active member, using one of its uses."""
    # The invitation, then its circle: two people taking the last use at once take turns,
    # and the second finds it used up; seats are counted holding the circle, as joins do.
    invitation = lock_and_reread(db, _find_by_token(db, token))
    group = lock_and_reread(db, db.get_one(SupportGroup, invitation.group_id))
    _check_usable(invitation, group)
    membership = admit_invited(db, actor, group)
    invitation.uses += 1
    db.flush()
    return membership


def admit_invited(db: Session, actor: Actor, group: SupportGroup) -> GroupMembership:
    """Make the signed-in person an active member of ``group``, locked by the caller, whatever
    its join policy or listing: someone with the standing to say yes (a facilitator's
    invitation, a referral) already has. They accept the guidelines themselves, now."""
    user = actor.person
    if group.status != GroupStatus.active:
        raise errors.GroupNotJoinable(
            "This circle is not taking new members at the moment. Your invitation still works: "
            "try again when the circle meets again, or ask its facilitators."
        )
    membership = reread(
        db,
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
        ),
    )
    if membership is not None and membership.status == MembershipStatus.active:
        raise errors.AlreadyMember("You are already a member of this circle.")
    # Removal stands until a facilitator lets the person back in by hand.
    if membership is not None and membership.removed_at is not None:
        raise errors.RemovedFromGroup()
    if seats_taken(db, [group.id]).get(group.id, 0) >= group.capacity:
        raise errors.GroupFull()
    now = utcnow()
    if membership is None:
        membership = GroupMembership(group_id=group.id, user_id=user.id, role=MemberRole.member)
        db.add(membership)
    # A request still waiting is answered by the invitation: the facilitator said yes.
    membership.role = MemberRole.member
    membership.status = MembershipStatus.active
    membership.guidelines_accepted_at = now
    membership.guidelines_version_accepted = group.guidelines_version
    membership.joined_at = now
    db.flush()
    _audit(db, actor, AuditAction.membership_joined, membership)
    return membership
