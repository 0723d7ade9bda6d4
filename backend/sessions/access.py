"""Who may reach a meeting, a series or a group's meetings: loaded and authorised in one place.

Managing anything of a group (its series, its meetings, their attendance) is the groups
domain's one policy (``groups.service.managed_group``): 404 for a group the actor may not know
of, 403 for one they may see but not manage. Integrators holding ``sessions:read`` read every
group's meetings (without meeting links); those holding ``attendance:*`` reach every group's
attendance.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.errors import NotFound
from backend.groups import permissions as group_permissions
from backend.groups.models import GroupMembership, MembershipStatus, SupportGroup
from backend.groups.service import GroupAccess, managed_group, require_manager, visible_group
from backend.sessions import permissions
from backend.sessions.exceptions import MembershipPending, NotAMember
from backend.sessions.models import GroupSession, Schedule

__all__ = ["GroupAccess", "managed_group"]


@dataclass(frozen=True)
class SessionAccess:
    """A session with its group, the actor and the actor's membership in the group."""

    session: GroupSession
    group: SupportGroup
    membership: GroupMembership | None
    actor: Actor

    @property
    def is_member(self) -> bool:
        return group_permissions.is_active_member(self.membership)

    @property
    def as_group(self) -> GroupAccess:
        return GroupAccess(self.group, self.membership, self.actor)


def _load(db: Session, session_id: uuid.UUID) -> GroupSession:
    session = db.get(GroupSession, session_id)
    if session is None:
        raise NotFound()
    return session


def visible_session(db: Session, session_id: uuid.UUID, actor: Actor) -> SessionAccess:
    """A session of a group the actor may know of (else 404, like a random id)."""
    session = _load(db, session_id)
    group = visible_group(db, session.group_id, actor)
    return SessionAccess(session, group.group, group.membership, actor)


def _any_session(db: Session, session_id: uuid.UUID, actor: Actor) -> SessionAccess:
    """For integrators, whose scopes cover every group of the service."""
    session = _load(db, session_id)
    return SessionAccess(session, db.get_one(SupportGroup, session.group_id), None, actor)


def readable_session(db: Session, session_id: uuid.UUID, actor: Actor) -> SessionAccess:
    if permissions.reads_every_group(actor):
        return _any_session(db, session_id, actor)
    return visible_session(db, session_id, actor)


def readable_group(db: Session, group_id: uuid.UUID, actor: Actor) -> GroupAccess:
    """The group whose meetings the actor may read: any for integrators holding
    ``sessions:read``, else one they may know of."""
    if not permissions.reads_every_group(actor):
        return visible_group(db, group_id, actor)
    group = db.get(SupportGroup, group_id)
    if group is None:
        raise NotFound()
    return GroupAccess(group, None, actor)


def shows_meeting_link(access: GroupAccess | SessionAccess) -> bool:
    return permissions.can_see_meeting_link(access.actor, access.membership)


def member_session(
    db: Session, session_id: uuid.UUID, actor: Actor, *, doing: str
) -> SessionAccess:
    """The session of a group the actor is an active member of. Someone who may see the
    meeting but is not a member is told what to do about it (403: join first, or wait for the
    approval they asked for); a meeting they may not see is 404, like a random id. ``doing``
    finishes the sentence "only its members can ...", e.g. "RSVP for its meetings"."""
    access = visible_session(db, session_id, actor)
    if access.is_member:
        return access
    if access.membership is not None and access.membership.status == MembershipStatus.pending:
        raise MembershipPending(doing)
    raise NotAMember(doing)


def managed_session(db: Session, session_id: uuid.UUID, actor: Actor) -> SessionAccess:
    """The session of a group the actor may manage (the groups domain's one policy)."""
    access = visible_session(db, session_id, actor)
    require_manager(access.as_group)
    return access


def attendance_session(
    db: Session, session_id: uuid.UUID, actor: Actor, *, scope: str
) -> SessionAccess:
    """A meeting whose attendance the actor may handle: a group they manage, or any for an
    integrator holding ``scope`` (the route's dependency has checked the scope already)."""
    if actor.holds(scope):
        return _any_session(db, session_id, actor)
    return managed_session(db, session_id, actor)


def attendance_group(db: Session, group_id: uuid.UUID, actor: Actor, *, scope: str) -> GroupAccess:
    if actor.holds(scope):
        group = db.get(SupportGroup, group_id)
        if group is None:
            raise NotFound()
        return GroupAccess(group, None, actor)
    return managed_group(db, group_id, actor)


def managed_schedule(db: Session, schedule_id: uuid.UUID, actor: Actor) -> Schedule:
    """A series of a group the actor may manage (the groups domain's one policy)."""
    schedule = db.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound()
    managed_group(db, schedule.group_id, actor)
    return schedule


def meeting_of(access: GroupAccess, session: GroupSession) -> SessionAccess:
    """A meeting just made in a group, seen with the access the group was reached with."""
    return SessionAccess(session, access.group, access.membership, access.actor)
