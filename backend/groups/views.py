"""What people see of groups: the directory, group pages, member lists and "my groups".

When groups meet is kept by sessions, which build on groups; a group's page shows it all the
same through the ``MeetingTimes`` port, which the composition root (``backend.wiring``) fills
with the sessions domain's answer.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.errors import NotFound
from backend.core.events import NotWired
from backend.core.orm import utcnow
from backend.core.pagination import (
    KeysetPage,
    SortKey,
    contains_pattern,
    creation_order,
    escape_like,
    paginate,
)
from backend.groups import permissions
from backend.groups.invitations import state_of
from backend.groups.models import (
    GroupFormat,
    GroupInvitation,
    GroupMembership,
    GroupStatus,
    GroupTopic,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Visibility,
)
from backend.groups.schemas import (
    TIMES_OF_DAY,
    WEEKDAYS,
    Directory,
    GroupRead,
    GroupSummary,
    InvitationCreated,
    InvitationPreview,
    InvitationRead,
    Location,
    MemberRead,
    MyGroup,
    MyMembership,
    NextSession,
    ScheduleSummary,
    TimeOfDay,
    Weekday,
)
from backend.groups.service import (
    LOCATION_FIELDS,
    SLUG,
    GroupAccess,
    membership_of,
    seats_taken,
    visible_group,
)
from backend.safety.models import MemberBlock

DIRECTORY_ORDER = [SortKey(SupportGroup.slug, str)]


@dataclass(frozen=True)
class Timetable:
    schedules: list[ScheduleSummary]
    next_session: NextSession | None


class MeetingTimes(Protocol):
    """When groups meet, as the directory shows and filters it."""

    def timetables(
        self, db: Session, group_ids: Sequence[uuid.UUID], *, now: datetime
    ) -> dict[uuid.UUID, Timetable]:
        """Each group's current schedules and next meeting, in a fixed number of queries."""
        ...

    def meets_on(self, weekday: int, *, now: datetime) -> ColumnElement[bool]:
        """``SupportGroup`` has an upcoming meeting on this local weekday (0 is Monday)."""
        ...

    def starts_between(self, start: time, end: time, *, now: datetime) -> ColumnElement[bool]:
        """A current schedule of ``SupportGroup`` starts at ``start`` or later and before
        ``end`` in its local time (wrapping past midnight when ``end`` is earlier)."""
        ...


_meeting_times: MeetingTimes | None = None


def use_meeting_times(provider: MeetingTimes) -> None:
    """Called once by the composition root."""
    global _meeting_times
    _meeting_times = provider


def meeting_times() -> MeetingTimes:
    if _meeting_times is None:
        raise NotWired("groups.views needs MeetingTimes: call backend.wiring.wire() first")
    return _meeting_times


def _summaries(db: Session, groups: Sequence[SupportGroup], actor: Actor) -> list[GroupSummary]:
    """Directory entries for a page of groups, in five queries whatever the page size."""
    ids = [group.id for group in groups]
    meets = meeting_times().timetables(db, ids, now=utcnow())
    topics: dict[uuid.UUID, list[str]] = defaultdict(list)
    for group_id, slug in db.execute(
        select(GroupTopic.group_id, GroupTopic.topic_slug)
        .where(GroupTopic.group_id.in_(ids))
        .order_by(GroupTopic.topic_slug)
    ):
        topics[group_id].append(slug)
    taken = seats_taken(db, ids)
    mine: dict[uuid.UUID, GroupMembership] = {}
    if actor.person_id is not None:
        mine = {
            m.group_id: m
            for m in db.scalars(
                select(GroupMembership).where(
                    GroupMembership.user_id == actor.person_id, GroupMembership.group_id.in_(ids)
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


def group_page(db: Session, group: SupportGroup, actor: Actor) -> GroupRead:
    """A group as its page shows it to ``actor`` (the meeting link only for members)."""
    summary = _summaries(db, [group], actor)[0]
    membership = membership_of(db, group.id, actor)
    location = Location.model_validate({field: getattr(group, field) for field in LOCATION_FIELDS})
    return GroupRead(
        **summary.model_dump(),
        location=location if any(location.model_dump().values()) else None,
        online_url=group.online_url
        if permissions.can_see_meeting_link(actor, membership)
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
    return meeting_times().meets_on(WEEKDAYS.index(day), now=utcnow())


def _starts_in(band: TimeOfDay) -> ColumnElement[bool]:
    """A current schedule of the group starts in this band of the day, in its local time."""
    start, end = TIMES_OF_DAY[band]
    return meeting_times().starts_between(start, end, now=utcnow())


def directory(
    db: Session,
    *,
    actor: Actor,
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
    if not actor.is_admin:
        visible = SupportGroup.visibility == Visibility.listed
        if actor.person_id is not None:
            visible = or_(
                visible,
                exists().where(
                    GroupMembership.group_id == SupportGroup.id,
                    GroupMembership.user_id == actor.person_id,
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
    return KeysetPage(_summaries(db, page.items, actor), page.next_cursor), total


def directory_answer(
    db: Session, *, actor: Actor, **filters: Any
) -> tuple[Directory, float | None]:
    """A directory page as the API answers it, and for how many seconds at most it stays true
    as time passes (until the first of its next meetings ends), for the public answers cache."""
    page, total = directory(db, actor=actor, **filters)
    answer = Directory(items=page.items, next_cursor=page.next_cursor, total=total)
    return answer, _true_for(page.items)


def group_answer(db: Session, access: GroupAccess) -> tuple[GroupRead, float | None]:
    """A group's page, and for how many seconds at most time leaves it true."""
    page = get_group(db, access)
    return page, _true_for([page])


def group_by_slug_answer(db: Session, *, actor: Actor, slug: str) -> tuple[GroupRead, float | None]:
    page = get_group_by_slug(db, actor=actor, slug=slug)
    return page, _true_for([page])


def _true_for(groups: Sequence[GroupSummary]) -> float | None:
    """Seconds until the first of the groups' next meetings ends (then another is next)."""
    ends = [g.next_session.ends_at for g in groups if g.next_session is not None]
    return (min(ends) - utcnow()).total_seconds() if ends else None


def get_group(db: Session, access: GroupAccess) -> GroupRead:
    return group_page(db, access.group, access.actor)


def get_group_by_slug(db: Session, *, actor: Actor, slug: str) -> GroupRead:
    """The same page as ``get_group``, under the same rule: a group the actor may not know
    of is the NotFound of a slug nobody has."""
    if not SLUG.fullmatch(slug):  # nothing else is a slug, so nothing else is looked up
        raise NotFound()
    group_id = db.scalar(select(SupportGroup.id).where(SupportGroup.slug == slug))
    if group_id is None:
        raise NotFound()
    return get_group(db, visible_group(db, group_id, actor))


# Facilitators first ("facilitator" sorts before "member"), then in the order they came.
MEMBERS_ORDER = [SortKey(GroupMembership.role, MemberRole), *creation_order(GroupMembership)]


def list_members(
    db: Session, access: GroupAccess, *, limit: int, cursor: str | None
) -> KeysetPage[MemberRead]:
    """Pseudonyms and group roles, for the group's active members and admins. Facilitators
    also see pending requests."""
    group, membership = access.group, access.membership
    if not permissions.can_see_members(access.actor, membership):
        raise NotFound()
    statuses = [MembershipStatus.active]
    if access.may_manage:
        statuses.append(MembershipStatus.pending)
    query = select(GroupMembership).where(
        GroupMembership.group_id == group.id, GroupMembership.status.in_(statuses)
    )
    if not access.may_manage and access.actor.person_id is not None:
        # Someone who blocked the viewer is not listed to them (facilitators stay listed:
        # members need to know who runs the circle, and staff see everyone).
        query = query.where(
            or_(
                GroupMembership.role == MemberRole.facilitator,
                GroupMembership.user_id.not_in(
                    select(MemberBlock.blocker_id).where(
                        MemberBlock.blocked_id == access.actor.person_id
                    )
                ),
            )
        )
    page: KeysetPage[GroupMembership] = paginate(
        db,
        query,
        MEMBERS_ORDER,
        limit=limit,
        cursor=cursor,
    )
    people = {
        person.id: person
        for person in db.scalars(select(User).where(User.id.in_([m.user_id for m in page.items])))
    }
    members = [
        MemberRead(
            user_id=member.user_id,
            display_name=people[member.user_id].display_name,
            pronouns=people[member.user_id].pronouns,
            role=member.role,
            status=member.status,
        )
        for member in page.items
    ]
    audit.record(
        db,
        access.actor.who,
        AuditAction.member_list_read,
        target_type="support_group",
        target_id=group.id,
        group_id=group.id,
        subjects=[member.user_id for member in members],
    )
    return KeysetPage(members, page.next_cursor)


# The caller's groups by slug (unique, so the order is a keyset by itself).
MY_GROUPS_ORDER = [SortKey(SupportGroup.slug, str)]


def my_groups(db: Session, *, actor: Actor, limit: int, cursor: str | None) -> KeysetPage[MyGroup]:
    user_id = actor.person.id
    mine = (GroupMembership.user_id == user_id) & GroupMembership.status.in_(
        [MembershipStatus.active, MembershipStatus.pending]
    )
    page: KeysetPage[SupportGroup] = paginate(
        db,
        select(SupportGroup).join(
            GroupMembership, (GroupMembership.group_id == SupportGroup.id) & mine
        ),
        MY_GROUPS_ORDER,
        limit=limit,
        cursor=cursor,
    )
    memberships = {
        m.group_id: m
        for m in db.scalars(
            select(GroupMembership).where(
                mine, GroupMembership.group_id.in_([g.id for g in page.items])
            )
        )
    }
    summaries = _summaries(db, page.items, actor)
    items = [
        MyGroup(
            group=summary,
            role=memberships[group.id].role,
            status=memberships[group.id].status,
            joined_at=memberships[group.id].joined_at,
        )
        for group, summary in zip(page.items, summaries, strict=True)
    ]
    return KeysetPage(items, page.next_cursor)


# --- invitations ----------------------------------------------------------------------------


def invitation_read(invitation: GroupInvitation) -> InvitationRead:
    """An invitation for its circle's facilitators: never its secret."""
    return InvitationRead(
        id=invitation.id,
        group_id=invitation.group_id,
        state=state_of(invitation, utcnow()),
        expires_at=invitation.expires_at,
        max_uses=invitation.max_uses,
        uses=invitation.uses,
        uses_left=max(invitation.max_uses - invitation.uses, 0),
        revoked_at=invitation.revoked_at,
        created_at=invitation.created_at,
    )


def invitation_created(invitation: GroupInvitation, *, token: str, url: str) -> InvitationCreated:
    return InvitationCreated(**invitation_read(invitation).model_dump(), token=token, url=url)


def invitation_preview(
    db: Session, invitation: GroupInvitation, group: SupportGroup, actor: Actor
) -> InvitationPreview:
    return circle_preview(db, group, actor, expires_at=invitation.expires_at)


def circle_preview(
    db: Session, group: SupportGroup, actor: Actor, *, expires_at: datetime
) -> InvitationPreview:
    """The circle as someone invited to it (by a facilitator's link, by a referral) needs to
    know it to decide: what it is, when it meets, its guidelines and room (never where it
    meets online), and until when the invitation holds."""
    summary = _summaries(db, [group], actor)[0]
    membership = membership_of(db, group.id, actor)
    return InvitationPreview(
        group_id=group.id,
        name=group.name,
        description=group.description,
        format=group.format,
        language=group.language,
        city=group.city,
        region=group.region,
        country=group.country,
        accessibility_notes=group.accessibility_notes,
        schedules=summary.schedules,
        next_session=summary.next_session,
        guidelines=group.guidelines,
        guidelines_version=group.guidelines_version,
        status=group.status,
        seats_left=summary.seats_left,
        expires_at=expires_at,
        already_member=permissions.is_active_member(membership),
    )
