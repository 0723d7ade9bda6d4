"""The rules of groups: topics, starting and changing groups, and membership. What people
see of them is in ``views``."""

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import audit, events
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.uniqueness import lock_and_reread, reread
from backend.groups import exceptions as errors
from backend.groups import notices, permissions
from backend.groups.events import GroupArchived, MembershipEnded
from backend.groups.models import (
    GroupFormat,
    GroupMembership,
    GroupStatus,
    GroupTopic,
    JoinPolicy,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.groups.schemas import (
    GroupCreate,
    GroupUpdate,
    Location,
    MembershipUpdate,
)
from backend.topics.service import check_topics

# What _slugify and _unique_slug make.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LOCATION_FIELDS = ("address", "city", "region", "postal_code", "country", "latitude", "longitude")


# --- access: the one policy ------------------------------------------------------------------


@dataclass(frozen=True)
class GroupAccess:
    """A group, the actor, and the actor's membership in it: loaded and authorised once
    (``dependencies.VisibleGroup`` / ``ManagedGroup``), then handed to the service."""

    group: SupportGroup
    membership: GroupMembership | None
    actor: Actor

    @property
    def may_manage(self) -> bool:
        return permissions.can_manage_group(self.actor, self.membership)


def membership_of(db: Session, group_id: uuid.UUID, actor: Actor) -> GroupMembership | None:
    if actor.person_id is None:
        return None
    return db.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group_id, GroupMembership.user_id == actor.person_id
        )
    )


def visible_group(db: Session, group_id: uuid.UUID, actor: Actor) -> GroupAccess:
    """The group as ``actor`` may know it, or NotFound (404) when they may not."""
    group = db.get(SupportGroup, group_id)
    if group is None:
        raise NotFound()
    membership = membership_of(db, group_id, actor)
    if not permissions.can_see_group(actor, group, membership):
        raise NotFound()
    return GroupAccess(group, membership, actor)


def require_manager(access: GroupAccess) -> GroupAccess:
    """Facilitators of the group and admins pass; anyone else who may see the group is told
    so (403, NotFacilitator). With ``visible_group`` first, this is "may manage this group"."""
    if not access.may_manage:
        raise access.actor.refusal(
            errors.NotFacilitator(), facilitates=permissions.is_facilitator_of(access.membership)
        )
    return access


def managed_group(db: Session, group_id: uuid.UUID, actor: Actor) -> GroupAccess:
    """The group if ``actor`` may manage it: 404 when they may not know of it, else 403."""
    return require_manager(visible_group(db, group_id, actor))


def seats_taken(db: Session, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Active members per group; facilitators do not take a seat."""
    rows = db.execute(
        select(GroupMembership.group_id, func.count())
        .where(
            GroupMembership.group_id.in_(group_ids),
            GroupMembership.status == MembershipStatus.active,
            GroupMembership.role == MemberRole.member,
        )
        .group_by(GroupMembership.group_id)
    )
    return {group_id: count for group_id, count in rows}  # noqa: C416 (rows are Row objects)


# --- changing groups --------------------------------------------------------------------------


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100] or "group"


def _unique_slug(db: Session, name: str) -> str:
    base = _slugify(name)
    taken = set(
        db.scalars(
            select(SupportGroup.slug).where(
                or_(SupportGroup.slug == base, SupportGroup.slug.like(f"{base}-%"))
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _set_location(group: SupportGroup, location: Location | None) -> None:
    values = location.model_dump() if location else {}
    for field in LOCATION_FIELDS:
        setattr(group, field, values.get(field))


def _set_topics(db: Session, group: SupportGroup, slugs: Sequence[str]) -> None:
    wanted = check_topics(db, slugs)
    db.execute(delete(GroupTopic).where(GroupTopic.group_id == group.id))
    db.add_all(GroupTopic(group_id=group.id, topic_slug=slug) for slug in wanted)


def create_group(db: Session, *, actor: Actor, data: GroupCreate) -> SupportGroup:
    if not permissions.may_create_groups(actor):
        raise actor.refusal(errors.MayNotCreateGroups())
    group = SupportGroup(
        slug=_unique_slug(db, data.name),
        name=data.name,
        description=data.description,
        format=data.format,
        language=data.language,
        online_url=str(data.online_url) if data.online_url else None,
        accessibility_notes=data.accessibility_notes,
        visibility=data.visibility,
        join_policy=data.join_policy,
        capacity=data.capacity,
        guidelines=data.guidelines,
        guidelines_version=1,
        created_by_id=actor.person.id,
    )
    _set_location(group, data.location)
    db.add(group)
    db.flush()
    _set_topics(db, group, data.topics)
    now = utcnow()
    founder = GroupMembership(
        group_id=group.id,
        user_id=actor.person.id,
        role=MemberRole.facilitator,
        status=MembershipStatus.active,
        guidelines_accepted_at=now,
        guidelines_version_accepted=1,
        joined_at=now,
    )
    db.add(founder)
    db.flush()
    _audit(db, actor, AuditAction.membership_joined, founder)
    return group


def update_group(db: Session, access: GroupAccess, *, changes: GroupUpdate) -> SupportGroup:
    group = require_manager(access).group
    if group.status == GroupStatus.archived:
        raise errors.GroupNotJoinable("An archived group is kept as history and cannot change.")
    values = changes.model_dump(exclude_unset=True)
    if "topics" in values and values["topics"] is not None:
        _set_topics(db, group, values.pop("topics"))
    if "location" in values:
        values.pop("location")
        _set_location(group, changes.location)
    if "online_url" in values:
        values["online_url"] = str(changes.online_url) if changes.online_url else None
    if values.get("status") is not None:
        values["status"] = GroupStatus(values["status"])
    new_guidelines = values.get("guidelines")
    if new_guidelines is not None and new_guidelines != group.guidelines:
        group.guidelines_version += 1
    for field, value in values.items():
        if value is None and field not in ("accessibility_notes", "online_url"):
            continue  # required fields cannot be cleared
        setattr(group, field, value)
    _check_where_it_meets(group)
    db.flush()
    return group


def _check_where_it_meets(group: SupportGroup) -> None:
    """The circle as changed still has what its format needs (a new one is checked by its
    schema); the request's transaction is rolled back with the refusal, so nothing is kept."""
    issues = []
    if group.format in (GroupFormat.in_person, GroupFormat.hybrid) and not (
        group.address or group.city
    ):
        issues.append(
            ("location", "An in-person or hybrid group needs a location (address or city).")
        )
    if group.format in (GroupFormat.online, GroupFormat.hybrid) and not group.online_url:
        issues.append(("online_url", "An online or hybrid group needs an online_url."))
    if issues:
        raise errors.NowhereToMeet(issues)


def archive_group(db: Session, settings: Settings, access: GroupAccess) -> SupportGroup:
    group = require_manager(access).group
    # Closed once however often Archive is pressed: a second request waits here and sees the
    # first's work (a change that reads before writing keeps the lock it needs).
    group = lock_and_reread(db, group)
    if group.status != GroupStatus.archived:
        group.status = GroupStatus.archived
        group.archived_at = utcnow()
        db.flush()
        events.publish(db, settings, GroupArchived(group_id=group.id))
    return group


# --- membership -------------------------------------------------------------------------------


def _audit(db: Session, actor: Actor, action: AuditAction, membership: GroupMembership) -> None:
    """Every change of a membership is in the audit trail."""
    audit.record(
        db,
        actor.who,
        action,
        target_type="group_membership",
        target_id=membership.id,
        group_id=membership.group_id,
        subjects=[membership.user_id],
    )


def join_group(db: Session, access: GroupAccess) -> GroupMembership:
    """Open groups admit at once while there is room; approval groups, and anyone a
    facilitator removed before, wait for a facilitator."""
    group, user = access.group, access.actor.person
    # Joins of a group take turns, whatever its policy, and decide on the membership as it is
    # after the lock: the second click of a double-clicked Join finds the first one's (409),
    # instead of inserting it again.
    group = lock_and_reread(db, group)
    membership = reread(
        db,
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
        ),
    )
    if group.status != GroupStatus.active:
        raise errors.GroupNotJoinable()
    if membership is not None and membership.status in (
        MembershipStatus.active,
        MembershipStatus.pending,
    ):
        raise errors.AlreadyMember(
            "You are already a member of this group."
            if membership.status == MembershipStatus.active
            else "Your request to join is waiting for a facilitator."
        )
    # Someone a facilitator removed stays "removed" (removed_at) until a facilitator lets
    # them back in, however they leave and rejoin in between.
    needs_approval = group.join_policy == JoinPolicy.approval or (
        membership is not None and membership.removed_at is not None
    )
    # Seats are counted holding the group, so two last-seat joins cannot both get in.
    if not needs_approval and seats_taken(db, [group.id]).get(group.id, 0) >= group.capacity:
        raise errors.GroupFull()
    now = utcnow()
    if membership is None:
        membership = GroupMembership(group_id=group.id, user_id=user.id, role=MemberRole.member)
        db.add(membership)
    membership.role = MemberRole.member
    membership.status = MembershipStatus.pending if needs_approval else MembershipStatus.active
    membership.guidelines_accepted_at = now
    membership.guidelines_version_accepted = group.guidelines_version
    membership.joined_at = None if needs_approval else now
    db.flush()
    _audit(db, access.actor, AuditAction.membership_joined, membership)
    return membership


def _target(db: Session, group_id: uuid.UUID, user_id: uuid.UUID) -> GroupMembership:
    membership = db.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group_id, GroupMembership.user_id == user_id
        )
    )
    if membership is None or membership.status == MembershipStatus.left:
        raise NotFound()
    return membership


def _active_facilitators(db: Session, group_id: uuid.UUID) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                GroupMembership.group_id == group_id,
                GroupMembership.role == MemberRole.facilitator,
                GroupMembership.status == MembershipStatus.active,
            )
        )
        or 0
    )


def update_membership(
    db: Session,
    settings: Settings,
    access: GroupAccess,
    *,
    user_id: uuid.UUID,
    changes: MembershipUpdate,
) -> GroupMembership:
    """Approve a request (the person is told), re-admit a removed member, or change a
    member's group role."""
    group = require_manager(access).group
    # The group, then the membership as it is now: two facilitators answering the same
    # request at once take turns, and the second sees the first's answer (one email, not two).
    lock_for_update(db, SupportGroup.id, group.id)
    target = lock_and_reread(db, _target(db, group.id, user_id))
    if changes.status == MembershipStatus.active and target.status != MembershipStatus.active:
        if target.status not in (MembershipStatus.pending, MembershipStatus.removed):
            raise errors.NotPending()
        if (changes.role or target.role) == MemberRole.member and seats_taken(db, [group.id]).get(
            group.id, 0
        ) >= group.capacity:
            raise errors.GroupFull(
                "The group is full, so this request cannot be approved yet. Raise the "
                "capacity or wait for a place to open."
            )
        was_waiting = target.status == MembershipStatus.pending
        target.status = MembershipStatus.active
        target.joined_at = utcnow()
        target.removed_at = None
        db.flush()
        _audit(db, access.actor, AuditAction.membership_approved, target)
        if was_waiting:
            notices.request_approved(db, settings, db.get_one(User, target.user_id))
    if changes.role is not None and changes.role != target.role:
        if target.status != MembershipStatus.active:
            raise errors.NotPending("Only active members can be given a group role.")
        if target.role == MemberRole.facilitator and _active_facilitators(db, group.id) <= 1:
            raise errors.LastFacilitator()
        # A facilitator who becomes a member takes a seat, so there must be one.
        if (
            changes.role == MemberRole.member
            and seats_taken(db, [group.id]).get(group.id, 0) >= group.capacity
        ):
            raise errors.GroupFull(
                "The group is full, so this facilitator cannot become a member now. Raise "
                "the capacity first."
            )
        target.role = changes.role
        db.flush()
        _audit(db, access.actor, AuditAction.membership_role_changed, target)
    db.flush()
    return target


def remove_membership(
    db: Session,
    settings: Settings,
    access: GroupAccess,
    *,
    user_id: uuid.UUID,
    declined_notice: bool = True,
) -> None:
    """A member leaves (themselves), or a facilitator removes someone (who then needs
    approval to come back). Their seats at upcoming meetings go to the people waiting. A
    facilitator removing a pending request declines it, and the person is told kindly
    (``declined_notice``: moderation says its own words, or none)."""
    group, membership = access.group, access.membership
    leaving = access.actor.person_id == user_id
    if not leaving:
        require_manager(access)
    # As in update_membership: the group, then the membership as it is now.
    lock_for_update(db, SupportGroup.id, group.id)
    if leaving:
        if membership is None:
            raise NotFound()
        target = lock_and_reread(db, membership)
        if target.status not in (MembershipStatus.active, MembershipStatus.pending):
            raise NotFound()
    else:
        target = lock_and_reread(db, _target(db, group.id, user_id))
        if target.status == MembershipStatus.removed:
            return
    if (
        target.role == MemberRole.facilitator
        and target.status == MembershipStatus.active
        and _active_facilitators(db, group.id) <= 1
    ):
        raise errors.LastFacilitator()
    declined = declined_notice and not leaving and target.status == MembershipStatus.pending
    target.status = MembershipStatus.left if leaving else MembershipStatus.removed
    target.role = MemberRole.member
    if not leaving:
        target.removed_at = utcnow()
    db.flush()
    _audit(
        db,
        access.actor,
        AuditAction.membership_left if leaving else AuditAction.membership_removed,
        target,
    )
    events.publish(
        db,
        settings,
        MembershipEnded(group_id=group.id, user_id=target.user_id, removed=not leaving),
    )
    if declined:
        notices.request_declined(db, settings, db.get_one(User, target.user_id))
