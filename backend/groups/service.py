"""The rules of groups: the directory, group pages, membership and its privacy."""

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import (
    KeysetPage,
    SortKey,
    contains_pattern,
    escape_like,
    paginate,
)
from backend.core.uniqueness import insert_once, lock_and_reread, reread
from backend.groups import exceptions as errors
from backend.groups import permissions
from backend.groups.models import (
    GroupFormat,
    GroupMembership,
    GroupStatus,
    GroupTopic,
    JoinPolicy,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Topic,
    Visibility,
)
from backend.groups.schemas import (
    TIMES_OF_DAY,
    WEEKDAYS,
    GroupCreate,
    GroupRead,
    GroupSummary,
    GroupUpdate,
    Location,
    MemberRead,
    MembershipUpdate,
    MyGroup,
    MyMembership,
    TimeOfDay,
    TopicCreate,
    Weekday,
)

DIRECTORY_ORDER = [SortKey(SupportGroup.slug, str)]
# What _slugify and _unique_slug make.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LOCATION_FIELDS = ("address", "city", "region", "postal_code", "country", "latitude", "longitude")


# --- topics -----------------------------------------------------------------------------------


def list_topics(db: Session) -> list[Topic]:
    return list(db.scalars(select(Topic).order_by(Topic.name)))


def create_topic(db: Session, *, data: TopicCreate) -> Topic:
    clash = db.scalar(
        select(Topic.slug).where(
            # lower() on both sides in SQL: Python and SQLite fold non-ASCII case differently.
            or_(Topic.slug == data.slug, func.lower(Topic.name) == func.lower(data.name))
        )
    )
    if clash is not None:
        raise errors.TopicExists()
    # The same topic sent twice at once: the second finds the first's.
    topic, created = insert_once(db, Topic, key={"slug": data.slug}, values={"name": data.name})
    if not created:
        raise errors.TopicExists()
    return topic


def check_topics(db: Session, slugs: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(slugs))
    known = set(db.scalars(select(Topic.slug).where(Topic.slug.in_(wanted))))
    unknown = [slug for slug in wanted if slug not in known]
    if unknown:
        raise errors.UnknownTopics(
            f"Unknown topic(s): {', '.join(unknown)}. GET /api/v1/topics lists the ones to use."
        )
    return wanted


# --- reading groups ---------------------------------------------------------------------------


def membership_of(db: Session, group_id: uuid.UUID, user: User | None) -> GroupMembership | None:
    if user is None:
        return None
    return db.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group_id, GroupMembership.user_id == user.id
        )
    )


def visible_group(
    db: Session, group_id: uuid.UUID, viewer: User | None
) -> tuple[SupportGroup, GroupMembership | None]:
    """The group and the viewer's membership, or NotFound when the viewer may not know of it."""
    group = db.get(SupportGroup, group_id)
    if group is None:
        raise NotFound()
    membership = membership_of(db, group_id, viewer)
    if not permissions.can_see_group(viewer, group, membership):
        raise NotFound()
    return group, membership


def managed_group(
    db: Session, group_id: uuid.UUID, actor: User
) -> tuple[SupportGroup, GroupMembership | None]:
    group, membership = visible_group(db, group_id, actor)
    if not permissions.can_manage_group(actor, membership):
        raise errors.NotFacilitator()
    return group, membership


def _seats_taken(db: Session, group_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
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


def _summaries(
    db: Session, groups: Sequence[SupportGroup], viewer: User | None
) -> list[GroupSummary]:
    """Directory entries for a page of groups, in five queries whatever the page size."""
    # Sessions build on groups; see archive_group.
    from backend.sessions.service import timetables

    ids = [group.id for group in groups]
    meets = timetables(db, ids, now=utcnow())
    topics: dict[uuid.UUID, list[str]] = defaultdict(list)
    for group_id, slug in db.execute(
        select(GroupTopic.group_id, GroupTopic.topic_slug)
        .where(GroupTopic.group_id.in_(ids))
        .order_by(GroupTopic.topic_slug)
    ):
        topics[group_id].append(slug)
    taken = _seats_taken(db, ids)
    mine: dict[uuid.UUID, GroupMembership] = {}
    if viewer is not None:
        mine = {
            m.group_id: m
            for m in db.scalars(
                select(GroupMembership).where(
                    GroupMembership.user_id == viewer.id, GroupMembership.group_id.in_(ids)
                )
            )
        }
    return [
        GroupSummary(
            id=group.id,
            slug=group.slug,
            name=group.name,
            description=group.description,
            topics=topics[group.id],
            format=group.format,
            language=group.language,
            city=group.city,
            region=group.region,
            country=group.country,
            visibility=group.visibility,
            join_policy=group.join_policy,
            status=group.status,
            capacity=group.capacity,
            seats_left=max(0, group.capacity - taken.get(group.id, 0)),
            my_membership=(
                MyMembership(role=mine[group.id].role, status=mine[group.id].status)
                if group.id in mine
                else None
            ),
            schedules=meets[group.id].schedules,
            next_session=meets[group.id].next_session,
        )
        for group in groups
    ]


def _read(db: Session, group: SupportGroup, viewer: User | None) -> GroupRead:
    summary = _summaries(db, [group], viewer)[0]
    membership = membership_of(db, group.id, viewer)
    location = Location.model_validate({field: getattr(group, field) for field in LOCATION_FIELDS})
    return GroupRead(
        **summary.model_dump(),
        location=location if any(location.model_dump().values()) else None,
        online_url=group.online_url
        if permissions.can_see_meeting_link(viewer, membership)
        else None,
        accessibility_notes=group.accessibility_notes,
        guidelines=group.guidelines,
        guidelines_version=group.guidelines_version,
        created_at=group.created_at,
        updated_at=group.updated_at,
    )


def _language_matches(language: str) -> ColumnElement[bool]:
    # "es" finds "es" and "es-MX"; "es-MX" finds only "es-MX". Language tags ignore case
    # (RFC 5646), and lower() on both sides in SQL keeps both databases in agreement.
    stored = func.lower(SupportGroup.language)
    wanted = func.lower(language)
    return or_(
        stored == wanted,
        stored.like(func.lower(f"{escape_like(language)}-%"), escape="\\"),
    )


def _meets_on(day: Weekday) -> ColumnElement[bool]:
    """The group has an upcoming meeting on this weekday, in the group's own time zone."""
    # Sessions build on groups; see archive_group.
    from backend.sessions.models import GroupSession, SessionStatus

    return exists().where(
        GroupSession.group_id == SupportGroup.id,
        GroupSession.status == SessionStatus.scheduled,
        GroupSession.starts_at >= utcnow(),
        GroupSession.local_weekday == WEEKDAYS.index(day),
    )


def _starts_in(band: TimeOfDay) -> ColumnElement[bool]:
    """A current schedule of the group starts in this band of the day, in its local time."""
    from backend.sessions.models import Schedule  # see _meets_on
    from backend.sessions.service import current_schedule

    start, end = TIMES_OF_DAY[band]
    if start < end:
        in_band = (Schedule.start_time >= start) & (Schedule.start_time < end)
    else:  # the night wraps past midnight
        in_band = (Schedule.start_time >= start) | (Schedule.start_time < end)
    return exists().where(Schedule.group_id == SupportGroup.id, current_schedule(utcnow()), in_band)


def directory(
    db: Session,
    *,
    viewer: User | None,
    q: str | None,
    topic: str | None,
    format: GroupFormat | None,
    language: str | None,
    has_room: bool | None,
    limit: int,
    cursor: str | None,
    day: Weekday | None = None,
    time_of_day: TimeOfDay | None = None,
) -> tuple[KeysetPage[GroupSummary], int | None]:
    """Listed groups that are not archived, for anyone; unlisted ones only for their members
    and admins. In slug order (alphabetical by name), by keyset. With the first page, how many
    groups match in all (later pages leave the count out: the finder has it already)."""
    query = select(SupportGroup).where(SupportGroup.status != GroupStatus.archived)
    if not permissions.is_admin(viewer):
        visible = SupportGroup.visibility == Visibility.listed
        if viewer is not None:
            visible = or_(
                visible,
                exists().where(
                    GroupMembership.group_id == SupportGroup.id,
                    GroupMembership.user_id == viewer.id,
                    GroupMembership.status.in_([MembershipStatus.active, MembershipStatus.pending]),
                ),
            )
        query = query.where(visible)
    if q:
        pattern = contains_pattern(q.strip())
        query = query.where(
            or_(
                SupportGroup.name.ilike(pattern, escape="\\"),
                SupportGroup.description.ilike(pattern, escape="\\"),
            )
        )
    if topic:
        query = query.where(
            exists().where(GroupTopic.group_id == SupportGroup.id, GroupTopic.topic_slug == topic)
        )
    if format is not None:
        query = query.where(SupportGroup.format == format)
    if language:
        query = query.where(_language_matches(language))
    if day is not None:
        query = query.where(_meets_on(day))
    if time_of_day is not None:
        query = query.where(_starts_in(time_of_day))
    if has_room is not None:
        taken = (
            select(func.count())
            .where(
                GroupMembership.group_id == SupportGroup.id,
                GroupMembership.status == MembershipStatus.active,
                GroupMembership.role == MemberRole.member,
            )
            .scalar_subquery()
        )
        room = (SupportGroup.status == GroupStatus.active) & (taken < SupportGroup.capacity)
        query = query.where(room if has_room else ~room)
    page: KeysetPage[SupportGroup] = paginate(
        db, query, DIRECTORY_ORDER, limit=limit, cursor=cursor
    )
    total = None
    if cursor is None:
        total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    return KeysetPage(_summaries(db, page.items, viewer), page.next_cursor), total


def get_group(db: Session, *, viewer: User | None, group_id: uuid.UUID) -> GroupRead:
    group, _ = visible_group(db, group_id, viewer)
    return _read(db, group, viewer)


def get_group_by_slug(db: Session, *, viewer: User | None, slug: str) -> GroupRead:
    """The same page as ``get_group``, under the same rule: a group the viewer may not know
    of is the NotFound of a slug nobody has."""
    if not SLUG.fullmatch(slug):  # nothing else is a slug, so nothing else is looked up
        raise NotFound()
    group_id = db.scalar(select(SupportGroup.id).where(SupportGroup.slug == slug))
    if group_id is None:
        raise NotFound()
    return get_group(db, viewer=viewer, group_id=group_id)


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


def create_group(db: Session, *, actor: User, data: GroupCreate) -> GroupRead:
    if not permissions.may_create_groups(actor):
        raise errors.MayNotCreateGroups()
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
        created_by_id=actor.id,
    )
    _set_location(group, data.location)
    db.add(group)
    db.flush()
    _set_topics(db, group, data.topics)
    now = utcnow()
    db.add(
        GroupMembership(
            group_id=group.id,
            user_id=actor.id,
            role=MemberRole.facilitator,
            status=MembershipStatus.active,
            guidelines_accepted_at=now,
            guidelines_version_accepted=1,
            joined_at=now,
        )
    )
    db.flush()
    return _read(db, group, actor)


def update_group(
    db: Session, *, actor: User, group_id: uuid.UUID, changes: GroupUpdate
) -> GroupRead:
    group, _ = managed_group(db, group_id, actor)
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
    db.flush()
    return _read(db, group, actor)


def archive_group(
    db: Session, settings: Settings, *, actor: User, group_id: uuid.UUID
) -> GroupRead:
    # Sessions build on groups, so groups reach for them here rather than at import time.
    from backend.sessions.service import close_group

    group, _ = managed_group(db, group_id, actor)
    # Closed once however often Archive is pressed: a second request waits here and sees the
    # first's work. (The flush of the new status used to take this lock first by luck of the
    # order of the statements; now a change that reads before writing keeps it.)
    group = lock_and_reread(db, group)
    if group.status != GroupStatus.archived:
        group.status = GroupStatus.archived
        group.archived_at = utcnow()
        close_group(db, settings, group_id=group.id)
        db.flush()
    return _read(db, group, actor)


# --- membership -------------------------------------------------------------------------------


def join_group(db: Session, *, user: User, group_id: uuid.UUID) -> GroupMembership:
    """Open groups admit at once while there is room; approval groups, and anyone a
    facilitator removed before, wait for a facilitator."""
    group, _ = visible_group(db, group_id, user)
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
    if not needs_approval and _seats_taken(db, [group.id]).get(group.id, 0) >= group.capacity:
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
    return membership


def list_members(db: Session, *, viewer: User, group_id: uuid.UUID) -> list[MemberRead]:
    """Pseudonyms and group roles, for the group's active members and admins. Facilitators
    also see pending requests."""
    group, membership = visible_group(db, group_id, viewer)
    if not permissions.can_see_members(viewer, membership):
        raise NotFound()
    statuses = [MembershipStatus.active]
    if permissions.can_manage_group(viewer, membership):
        statuses.append(MembershipStatus.pending)
    rows = db.execute(
        select(GroupMembership, User.display_name, User.pronouns)
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id, GroupMembership.status.in_(statuses))
        .order_by(GroupMembership.role, User.display_name, User.id)  # facilitators first
    )
    return [
        MemberRead(
            user_id=member.user_id,
            display_name=display_name,
            pronouns=pronouns,
            role=member.role,
            status=member.status,
        )
        for member, display_name, pronouns in rows
    ]


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
    *,
    actor: User,
    group_id: uuid.UUID,
    user_id: uuid.UUID,
    changes: MembershipUpdate,
) -> GroupMembership:
    """Approve a request, re-admit a removed member, or change a member's group role."""
    group, _ = managed_group(db, group_id, actor)
    target = _target(db, group.id, user_id)
    if changes.status == MembershipStatus.active and target.status != MembershipStatus.active:
        if target.status not in (MembershipStatus.pending, MembershipStatus.removed):
            raise errors.NotPending()
        lock_for_update(db, SupportGroup.id, group.id)
        if (changes.role or target.role) == MemberRole.member and _seats_taken(db, [group.id]).get(
            group.id, 0
        ) >= group.capacity:
            raise errors.GroupFull(
                "The group is full, so this request cannot be approved yet. Raise the "
                "capacity or wait for a place to open."
            )
        target.status = MembershipStatus.active
        target.joined_at = utcnow()
        target.removed_at = None
    if changes.role is not None and changes.role != target.role:
        if target.status != MembershipStatus.active:
            raise errors.NotPending("Only active members can be given a group role.")
        if target.role == MemberRole.facilitator and _active_facilitators(db, group.id) <= 1:
            raise errors.LastFacilitator()
        if changes.role == MemberRole.member:
            # A facilitator who becomes a member takes a seat, so there must be one.
            lock_for_update(db, SupportGroup.id, group.id)
            if _seats_taken(db, [group.id]).get(group.id, 0) >= group.capacity:
                raise errors.GroupFull(
                    "The group is full, so this facilitator cannot become a member now. Raise "
                    "the capacity first."
                )
        target.role = changes.role
    db.flush()
    return target


def remove_membership(
    db: Session, settings: Settings, *, actor: User, group_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """A member leaves (themselves), or a facilitator removes someone (who then needs
    approval to come back). Their seats at upcoming meetings go to the people waiting."""
    from backend.sessions.service import release_future_rsvps  # see archive_group

    leaving = actor.id == user_id
    if leaving:
        group, membership = visible_group(db, group_id, actor)
        if membership is None or membership.status not in (
            MembershipStatus.active,
            MembershipStatus.pending,
        ):
            raise NotFound()
        target = membership
    else:
        group, _ = managed_group(db, group_id, actor)
        target = _target(db, group.id, user_id)
        if target.status == MembershipStatus.removed:
            return
    if (
        target.role == MemberRole.facilitator
        and target.status == MembershipStatus.active
        and _active_facilitators(db, group.id) <= 1
    ):
        raise errors.LastFacilitator()
    target.status = MembershipStatus.left if leaving else MembershipStatus.removed
    target.role = MemberRole.member
    if not leaving:
        target.removed_at = utcnow()
    db.flush()
    release_future_rsvps(db, settings, group_id=group.id, user_id=target.user_id)


def my_groups(db: Session, *, user: User) -> list[MyGroup]:
    rows = list(
        db.execute(
            select(GroupMembership, SupportGroup)
            .join(SupportGroup, SupportGroup.id == GroupMembership.group_id)
            .where(
                GroupMembership.user_id == user.id,
                GroupMembership.status.in_([MembershipStatus.active, MembershipStatus.pending]),
            )
            .order_by(SupportGroup.slug)
        )
    )
    summaries = _summaries(db, [group for _, group in rows], user)
    return [
        MyGroup(
            group=summary,
            role=membership.role,
            status=membership.status,
            joined_at=membership.joined_at,
        )
        for (membership, _), summary in zip(rows, summaries, strict=True)
    ]
