"""Schedules and sessions, RSVPs and waitlists: the rules, kept out of the routers.

Sessions are generated from a schedule ahead of time (``GENERATE_AHEAD``) and topped up
whenever someone reads or writes them, so no background job is needed for a meeting to exist.
Seats are decided under a lock on the session row (``lock_for_update``), so however many RSVPs
arrive at once, no more are ``going`` than the session has seats, on SQLite and PostgreSQL.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, SortKey, paginate
from backend.core.uniqueness import lock_and_reread
from backend.groups import permissions
from backend.groups import service as groups
from backend.groups.exceptions import NotFacilitator
from backend.groups.models import (
    GroupFormat,
    GroupMembership,
    GroupStatus,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.groups.schemas import MAX_SCHEDULE_SUMMARIES, NextSession, ScheduleSummary
from backend.sessions import describe, notices
from backend.sessions import recurrence as rec
from backend.sessions.exceptions import (
    FacilitatorsNeedNoSeat,
    InvalidSchedule,
    InvalidWindow,
    MembershipPending,
    NotAMember,
    RsvpLimit,
    ScheduleEnded,
    SessionCancelled,
    SessionOver,
    SessionStarted,
)
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, Schedule, SessionStatus
from backend.sessions.schemas import (
    MyRsvp,
    MySession,
    ScheduleCreate,
    ScheduleRead,
    ScheduleUpdate,
    SessionCreate,
    SessionRead,
    SessionUpdate,
)

# Sessions exist at least this far ahead; 13 weeks is a quarter, more than the 12 promised.
GENERATE_AHEAD = timedelta(weeks=13)
# A list may look at most this far: wider windows are paged by the caller's next request.
MAX_WINDOW = timedelta(days=366)
# Sessions are generated on demand up to here, so a typo of a year cannot fill the database.
MAX_LOOKAHEAD = timedelta(days=3 * 366)
DEFAULT_WINDOW = timedelta(weeks=4)
# Per-member cap on RSVPs held for upcoming meetings (SECURITY.md: caps on business flows).
MAX_OPEN_RSVPS = 100

SESSION_ORDER = [
    SortKey(GroupSession.starts_at, datetime.fromisoformat, lambda value: value.isoformat()),
    SortKey(GroupSession.id, lambda value: uuid.UUID(str(value))),
]


@dataclass(frozen=True)
class SessionAccess:
    """A session with its group and what the viewer may do there."""

    session: GroupSession
    group: SupportGroup
    membership: GroupMembership | None

    @property
    def is_member(self) -> bool:
        return permissions.is_active_member(self.membership)


# --- access -----------------------------------------------------------------------------------


def _session_access(db: Session, session_id: uuid.UUID, viewer: User | None) -> SessionAccess:
    session = db.get(GroupSession, session_id)
    if session is None:
        raise NotFound()
    group, membership = groups.visible_group(db, session.group_id, viewer)
    return SessionAccess(session, group, membership)


def member_session(db: Session, session_id: uuid.UUID, user: User, *, doing: str) -> SessionAccess:
    """The session of a group the user is an active member of. Someone who may see the
    meeting but is not a member is told what to do about it (403: join first, or wait for the
    approval they asked for); a meeting they may not see is 404, like a random id. ``doing``
    finishes the sentence "only its members can ...", e.g. "RSVP for its meetings"."""
    access = _session_access(db, session_id, user)
    if access.is_member:
        return access
    if access.membership is not None and access.membership.status == MembershipStatus.pending:
        raise MembershipPending(doing)
    raise NotAMember(doing)


def managed_session(db: Session, session_id: uuid.UUID, actor: User) -> SessionAccess:
    """The session of a group the actor facilitates (or any, for admins). Members of the group
    get 403; people outside it get 404."""
    access = _session_access(db, session_id, actor)
    _require_manager(actor, access.membership)
    return access


def any_session(db: Session, session_id: uuid.UUID) -> SessionAccess:
    """For integrators, whose scopes cover every group of the service."""
    session = db.get(GroupSession, session_id)
    if session is None:
        raise NotFound()
    group = db.get(SupportGroup, session.group_id)
    assert group is not None  # a foreign key
    return SessionAccess(session, group, None)


def _require_manager(actor: User, membership: GroupMembership | None) -> None:
    """Facilitators of the group and admins pass; its members get 403; people outside it, who
    may not even know it, 404."""
    if permissions.can_manage_group(actor, membership):
        return
    if permissions.is_active_member(membership):
        raise NotFacilitator()
    raise NotFound()


def managed_group(db: Session, group_id: uuid.UUID, actor: User) -> SupportGroup:
    """A group the actor facilitates (or any, for admins)."""
    group, membership = groups.visible_group(db, group_id, actor)
    _require_manager(actor, membership)
    return group


def _readable_group(
    db: Session, group_id: uuid.UUID, viewer: User | None, *, can_read_all: bool
) -> tuple[SupportGroup, GroupMembership | None]:
    """The group as the viewer may see it; integrators (``can_read_all``) see every group."""
    if not can_read_all:
        return groups.visible_group(db, group_id, viewer)
    group = db.get(SupportGroup, group_id)
    if group is None:
        raise NotFound()
    return group, None


@dataclass(frozen=True)
class GroupLabel:
    name: str
    slug: str


def group_labels(db: Session, group_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, GroupLabel]:
    return {
        row.id: GroupLabel(row.name, row.slug)
        for row in db.execute(
            select(SupportGroup.id, SupportGroup.name, SupportGroup.slug).where(
                SupportGroup.id.in_(set(group_ids))
            )
        )
    }


def meeting_place(location: str | None, group: SupportGroup) -> str | None:
    """Where a meeting is: its own note, else the group's address and city (none for an
    online group)."""
    if location:
        return location
    if group.format == GroupFormat.online:
        return None
    return ", ".join(part for part in (group.address, group.city) if part) or None


def _ensure_not_archived(group: SupportGroup) -> None:
    if group.status == GroupStatus.archived:
        raise InvalidSchedule("This group is archived, so it has no more meetings.")


# --- when groups meet, for the directory -------------------------------------------------------


@dataclass(frozen=True)
class Timetable:
    schedules: list[ScheduleSummary]
    next_session: NextSession | None


def current_schedule(now: datetime) -> ColumnElement[bool]:
    """A schedule that has not ended: not stopped, and its last day (``until``) not over yet.
    ``until`` is a local date; a day is over everywhere once it is over at UTC-12, so that is
    the day compared, with no zone arithmetic in SQL."""
    return Schedule.ended_at.is_(None) & or_(
        Schedule.until.is_(None), Schedule.until >= (now - timedelta(hours=12)).date()
    )


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def schedule_summary(
    *, rrule: str, starts_on: date, start_time: time, duration_minutes: int, timezone: str
) -> ScheduleSummary:
    pattern = describe.describe(
        rrule, starts_on=starts_on, start_time=start_time, duration_minutes=duration_minutes
    )
    return ScheduleSummary.model_validate(
        {
            "rrule": rrule,
            "frequency": pattern.frequency,
            "weekdays": pattern.weekdays,
            "start_time": _clock(pattern.start_time),
            "end_time": _clock(pattern.end_time),
            "duration_minutes": duration_minutes,
            "timezone": timezone,
            "description": pattern.description,
        }
    )


def timetables(
    db: Session, group_ids: Sequence[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, Timetable]:
    """Each group's current schedules (at most ``MAX_SCHEDULE_SUMMARIES``, oldest first) and
    its next meeting that has not ended, among those generated: two queries whatever the
    number of groups (window functions pick per group)."""
    if not group_ids:
        return {}
    ranked_schedules = (
        select(
            Schedule.group_id,
            Schedule.rrule,
            Schedule.starts_on,
            Schedule.start_time,
            Schedule.duration_minutes,
            Schedule.timezone,
            func.row_number()
            .over(partition_by=Schedule.group_id, order_by=(Schedule.created_at, Schedule.id))
            .label("rank"),
        )
        .where(Schedule.group_id.in_(group_ids), current_schedule(now))
        .subquery()
    )
    schedules: dict[uuid.UUID, list[ScheduleSummary]] = defaultdict(list)
    for row in db.execute(
        select(ranked_schedules)
        .where(ranked_schedules.c.rank <= MAX_SCHEDULE_SUMMARIES)
        .order_by(ranked_schedules.c.group_id, ranked_schedules.c.rank)
    ):
        schedules[row.group_id].append(
            schedule_summary(
                rrule=row.rrule,
                starts_on=row.starts_on,
                start_time=row.start_time,
                duration_minutes=row.duration_minutes,
                timezone=row.timezone,
            )
        )
    ranked_sessions = (
        select(
            GroupSession.id,
            GroupSession.group_id,
            GroupSession.starts_at,
            GroupSession.ends_at,
            GroupSession.timezone,
            GroupSession.status,
            GroupSession.capacity,
            func.row_number()
            .over(
                partition_by=GroupSession.group_id,
                order_by=(GroupSession.starts_at, GroupSession.id),
            )
            .label("rank"),
        )
        .where(
            GroupSession.group_id.in_(group_ids),
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.ends_at > now,  # a meeting in progress is still the next one
        )
        .subquery()
    )
    going = (
        select(func.count())
        .where(Rsvp.session_id == ranked_sessions.c.id, Rsvp.status == RsvpStatus.going)
        .scalar_subquery()
    )
    upcoming = {
        row.group_id: NextSession(
            id=row.id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            timezone=row.timezone,
            status=row.status,
            seats_left=max(0, row.capacity - row.going),
        )
        for row in db.execute(
            select(ranked_sessions, going.label("going")).where(ranked_sessions.c.rank == 1)
        )
    }
    return {
        group_id: Timetable(schedules.get(group_id, []), upcoming.get(group_id))
        for group_id in group_ids
    }


# --- generation -------------------------------------------------------------------------------


def _occurrences(
    schedule: Schedule, window_start: datetime, window_end: datetime
) -> list[rec.Occurrence]:
    return list(
        rec.occurrences(
            rule_text=schedule.rrule,
            starts_on=schedule.starts_on,
            start_time=schedule.start_time,
            duration_minutes=schedule.duration_minutes,
            timezone=schedule.timezone,
            until=schedule.until,
            window_start=window_start,
            window_end=window_end,
        )
    )


def _new_session(group: SupportGroup, schedule: Schedule, occ: rec.Occurrence) -> GroupSession:
    return GroupSession(
        group_id=group.id,
        schedule_id=schedule.id,
        occurrence_key=occ.key,
        starts_at=occ.starts_at,
        ends_at=occ.ends_at,
        timezone=schedule.timezone,
        local_weekday=occ.local_start.weekday(),
        capacity=schedule.capacity or group.capacity,
        location=schedule.location,
        online_url=schedule.online_url,
    )


def _extend(db: Session, schedule: Schedule, until: datetime) -> None:
    """Create the schedule's sessions that start before ``until`` and do not exist yet."""
    if schedule.ended_at is not None or schedule.generated_until >= until:
        return
    lock_for_update(db, Schedule.id, schedule.id)
    db.refresh(schedule)  # another request may have generated while we waited
    if schedule.ended_at is not None or schedule.generated_until >= until:
        return
    group = db.get(SupportGroup, schedule.group_id)
    assert group is not None
    existing = set(
        db.scalars(
            select(GroupSession.occurrence_key).where(
                GroupSession.schedule_id == schedule.id,
                GroupSession.starts_at >= schedule.generated_until - timedelta(days=1),
            )
        )
    )
    for occ in _occurrences(schedule, schedule.generated_until, until):
        if occ.key not in existing:
            db.add(_new_session(group, schedule, occ))
    schedule.generated_until = until
    db.flush()


def ensure_generated(db: Session, group_ids: Sequence[uuid.UUID], until: datetime) -> None:
    """Top up the groups' schedules so every session before ``until`` exists."""
    if not group_ids:
        return
    for schedule in db.scalars(
        select(Schedule).where(
            Schedule.group_id.in_(group_ids),
            Schedule.ended_at.is_(None),
            Schedule.generated_until < until,
        )
    ):
        _extend(db, schedule, until)


def generate_all_ahead(db: Session) -> None:
    """Keep every live schedule generated ``GENERATE_AHEAD`` from now (CLI and seed)."""
    target = utcnow() + GENERATE_AHEAD
    live = select(SupportGroup.id).where(SupportGroup.status != GroupStatus.archived)
    ensure_generated(db, list(db.scalars(live)), target)


# --- reading ----------------------------------------------------------------------------------


def _counts(db: Session, session_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if session_ids:
        for session_id, status, count in db.execute(
            select(Rsvp.session_id, Rsvp.status, func.count())
            .where(Rsvp.session_id.in_(session_ids))
            .group_by(Rsvp.session_id, Rsvp.status)
        ):
            counts[session_id][status] = count
    return counts


def waitlist_position(db: Session, rsvp: Rsvp) -> int | None:
    if rsvp.status != RsvpStatus.waitlisted:
        return None
    ahead = db.scalar(
        select(func.count()).where(
            Rsvp.session_id == rsvp.session_id,
            Rsvp.status == RsvpStatus.waitlisted,
            (Rsvp.requested_at < rsvp.requested_at)
            | ((Rsvp.requested_at == rsvp.requested_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return int(ahead or 0) + 1


def _my_rsvps(
    db: Session, session_ids: Sequence[uuid.UUID], viewer: User | None
) -> dict[uuid.UUID, MyRsvp]:
    if viewer is None or not session_ids:
        return {}
    mine = db.scalars(
        select(Rsvp).where(Rsvp.session_id.in_(session_ids), Rsvp.user_id == viewer.id)
    )
    return {
        r.session_id: MyRsvp(status=r.status, waitlist_position=waitlist_position(db, r))
        for r in mine
    }


def planned_start(session: GroupSession) -> datetime | None:
    """When a meeting of a series was moved on its own: the time its series had it at."""
    if session.occurrence_key is None or not session.is_exception:
        return None
    local = datetime.fromisoformat(session.occurrence_key).replace(
        tzinfo=rec.zone(session.timezone)
    )
    planned = local.astimezone(UTC)
    return planned if planned != session.starts_at else None


def _meeting_link(session: GroupSession, group: SupportGroup) -> str | None:
    return session.online_url or group.online_url


def reads(
    db: Session,
    sessions: Sequence[GroupSession],
    *,
    viewer: User | None,
    links_for: set[uuid.UUID],
) -> list[SessionRead]:
    """Sessions as the viewer may see them; ``links_for`` holds the groups whose meeting links
    the viewer may see."""
    ids = [s.id for s in sessions]
    counts = _counts(db, ids)
    mine = _my_rsvps(db, ids, viewer)
    group_ids = {s.group_id for s in sessions}
    groups_by_id = {
        g.id: g for g in db.scalars(select(SupportGroup).where(SupportGroup.id.in_(group_ids)))
    }
    result = []
    for s in sessions:
        going = counts[s.id][RsvpStatus.going]
        group = groups_by_id[s.group_id]
        result.append(
            SessionRead(
                id=s.id,
                group_id=s.group_id,
                group_name=group.name,
                group_slug=group.slug,
                group_format=group.format,
                schedule_id=s.schedule_id,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                timezone=s.timezone,
                local_start=s.starts_at.astimezone(rec.zone(s.timezone)),
                status=s.status,
                cancel_reason=s.cancel_reason,
                moved_from=planned_start(s),
                capacity=s.capacity,
                going=going,
                waitlisted=counts[s.id][RsvpStatus.waitlisted],
                seats_left=max(0, s.capacity - going),
                location=s.location,
                place=meeting_place(s.location, group),
                online_url=_meeting_link(s, group) if s.group_id in links_for else None,
                my_rsvp=mine.get(s.id),
            )
        )
    return result


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    start = start.astimezone(UTC) if start else utcnow()
    end = end.astimezone(UTC) if end else start + DEFAULT_WINDOW
    if end <= start:
        raise InvalidWindow("'to' must be later than 'from'.")
    if end - start > MAX_WINDOW:
        raise InvalidWindow("Ask for at most 366 days at a time ('from' to 'to').")
    if end > utcnow() + MAX_LOOKAHEAD:
        raise InvalidWindow("Meetings can be listed up to three years ahead.")
    return start, end


def list_group_sessions(
    db: Session,
    *,
    viewer: User | None,
    can_read_all: bool,
    group_id: uuid.UUID,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> KeysetPage[SessionRead]:
    """Every session of the group starting in [start, end), cancelled ones included."""
    group, membership = _readable_group(db, group_id, viewer, can_read_all=can_read_all)
    window_start, window_end = _window(start, end)
    ensure_generated(db, [group.id], max(window_end, utcnow() + GENERATE_AHEAD))
    page: KeysetPage[GroupSession] = paginate(
        db,
        select(GroupSession).where(
            GroupSession.group_id == group.id,
            GroupSession.starts_at >= window_start,
            GroupSession.starts_at < window_end,
        ),
        SESSION_ORDER,
        limit=limit,
        cursor=cursor,
    )
    links = {group.id} if permissions.can_see_meeting_link(viewer, membership) else set()
    return KeysetPage(reads(db, page.items, viewer=viewer, links_for=links), page.next_cursor)


def readable_session(
    db: Session, *, viewer: User | None, can_read_all: bool, session_id: uuid.UUID
) -> tuple[SessionAccess, bool]:
    """The session as the viewer may read it (integrators, ``can_read_all``, read every one),
    and whether they may see its meeting link."""
    if can_read_all:
        return any_session(db, session_id), False
    access = _session_access(db, session_id, viewer)
    return access, permissions.can_see_meeting_link(viewer, access.membership)


def get_session(
    db: Session, *, viewer: User | None, can_read_all: bool, session_id: uuid.UUID
) -> SessionRead:
    access, show_link = readable_session(
        db, viewer=viewer, can_read_all=can_read_all, session_id=session_id
    )
    links = {access.group.id} if show_link else set()
    return reads(db, [access.session], viewer=viewer, links_for=links)[0]


def my_sessions(
    db: Session,
    *,
    user: User,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> KeysetPage[MySession]:
    """Upcoming sessions of the groups I am an active member of (cancelled ones too, so a
    change is visible), with my RSVP."""
    window_start, window_end = _window(start, end)
    group_ids = list(
        db.scalars(
            select(GroupMembership.group_id).where(
                GroupMembership.user_id == user.id,
                GroupMembership.status == MembershipStatus.active,
            )
        )
    )
    ensure_generated(db, group_ids, max(window_end, utcnow() + GENERATE_AHEAD))
    page: KeysetPage[GroupSession] = paginate(
        db,
        select(GroupSession).where(
            GroupSession.group_id.in_(group_ids),
            GroupSession.ends_at > window_start,
            GroupSession.starts_at < window_end,
        ),
        SESSION_ORDER,
        limit=limit,
        cursor=cursor,
    )
    items = [
        MySession(**read.model_dump())
        for read in reads(db, page.items, viewer=user, links_for=set(group_ids))
    ]
    return KeysetPage(items, page.next_cursor)


# --- schedules --------------------------------------------------------------------------------


def schedule_read(schedule: Schedule, *, show_link: bool) -> ScheduleRead:
    return ScheduleRead(
        id=schedule.id,
        group_id=schedule.group_id,
        rrule=schedule.rrule,
        start_time=schedule.start_time,
        duration_minutes=schedule.duration_minutes,
        timezone=schedule.timezone,
        starts_on=schedule.starts_on,
        until=schedule.until,
        capacity=schedule.capacity,
        location=schedule.location,
        online_url=schedule.online_url if show_link else None,
        ended_at=schedule.ended_at,
    )


def list_schedules(
    db: Session, *, viewer: User | None, can_read_all: bool, group_id: uuid.UUID
) -> list[ScheduleRead]:
    group, membership = _readable_group(db, group_id, viewer, can_read_all=can_read_all)
    show_link = not can_read_all and permissions.can_see_meeting_link(viewer, membership)
    rows = db.scalars(
        select(Schedule).where(Schedule.group_id == group.id).order_by(Schedule.created_at)
    )
    return [schedule_read(s, show_link=show_link) for s in rows]


def _check_series(
    rrule: str, starts_on: date, start_time: time, timezone: str, until: date | None
) -> None:
    try:
        first = rec.first_occurrence(
            rule_text=rrule, starts_on=starts_on, start_time=start_time, until=until
        )
    except rec.InvalidRecurrence as exc:
        raise InvalidSchedule(str(exc)) from exc
    if first is None:
        raise InvalidSchedule(
            "This rule makes no meetings between starts_on and until. Check the days or dates."
        )


def create_schedule(
    db: Session, *, actor: User, group_id: uuid.UUID, data: ScheduleCreate
) -> Schedule:
    group = managed_group(db, group_id, actor)
    _ensure_not_archived(group)
    _check_series(data.rrule, data.starts_on, data.start_time, data.timezone, data.until)
    start_of_series = rec.to_utc(
        datetime.combine(data.starts_on, time.min), rec.zone(data.timezone)
    )
    schedule = Schedule(
        group_id=group.id,
        rrule=data.rrule,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
        timezone=data.timezone,
        starts_on=data.starts_on,
        until=data.until,
        capacity=data.capacity,
        location=data.location,
        online_url=str(data.online_url) if data.online_url else None,
        generated_until=start_of_series,
        created_by_id=actor.id,
    )
    db.add(schedule)
    db.flush()
    _extend(db, schedule, max(utcnow(), start_of_series) + GENERATE_AHEAD)
    return schedule


def _managed_schedule(db: Session, schedule_id: uuid.UUID, actor: User) -> Schedule:
    schedule = db.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound()
    managed_group(db, schedule.group_id, actor)
    return schedule


def _retire(db: Session, settings: Settings, session: GroupSession, reason: str) -> None:
    """A future session its series no longer makes: cancelled (and people told) when someone
    RSVPd, otherwise removed."""
    session.occurrence_key = None
    people = notices.people_with_rsvps(db, session)
    if people:
        session.status = SessionStatus.cancelled
        session.cancel_reason = reason
        session.sequence += 1
        notices.cancelled(db, settings, session, people)
    else:
        db.delete(session)


TIMING_FIELDS = ("rrule", "start_time", "duration_minutes", "timezone", "until")


def update_schedule(
    db: Session, settings: Settings, *, actor: User, schedule_id: uuid.UUID, data: ScheduleUpdate
) -> Schedule:
    """Change the series from now on. Past sessions and sessions changed on their own keep
    their time; each future, untouched session follows the new rule: it moves within its day
    (RSVPs kept, people told), or is retired when the new rule has no meeting that day."""
    schedule = _managed_schedule(db, schedule_id, actor)
    if schedule.ended_at is not None:
        raise ScheduleEnded()
    lock_for_update(db, Schedule.id, schedule.id)
    db.refresh(schedule)
    changes = data.model_dump(exclude_unset=True)
    if "online_url" in changes and changes["online_url"] is not None:
        changes["online_url"] = str(changes["online_url"])
    timing = {k: v for k, v in changes.items() if k in TIMING_FIELDS}
    if "rrule" in timing and timing["rrule"] is None:
        raise InvalidSchedule("A schedule needs a rule; end the series to stop it.")
    for name in ("start_time", "duration_minutes", "timezone"):
        if name in timing and timing[name] is None:
            raise InvalidSchedule(f"Give {name} a value, or leave it out to keep it as it is.")
    now = utcnow()
    future_untouched = list(
        db.scalars(
            select(GroupSession).where(
                GroupSession.schedule_id == schedule.id,
                GroupSession.starts_at > now,
                GroupSession.occurrence_key.is_not(None),
                GroupSession.is_exception.is_(False),
                GroupSession.status == SessionStatus.scheduled,
            )
        )
    )
    for name in ("capacity", "location", "online_url"):
        if name in changes:
            setattr(schedule, name, changes[name])
    if any(getattr(schedule, k) != v for k, v in timing.items()):
        _restart_series(db, settings, schedule, timing, future_untouched, now)
    else:
        group = db.get(SupportGroup, schedule.group_id)
        assert group is not None
        for session in future_untouched:
            _apply_series_details(db, settings, schedule, group, session)
    db.flush()
    return schedule


def _apply_series_details(
    db: Session,
    settings: Settings,
    schedule: Schedule,
    group: SupportGroup,
    session: GroupSession,
) -> None:
    session.location = schedule.location
    session.online_url = schedule.online_url
    capacity = schedule.capacity or group.capacity
    if capacity != session.capacity:
        session.capacity = capacity
        db.flush()
        promote_waitlisted(db, settings, session)


def _restart_series(
    db: Session,
    settings: Settings,
    schedule: Schedule,
    timing: dict[str, object],
    future_untouched: list[GroupSession],
    now: datetime,
) -> None:
    rrule = str(timing.get("rrule", schedule.rrule))
    start_time = timing.get("start_time", schedule.start_time)
    duration = timing.get("duration_minutes", schedule.duration_minutes)
    new_tz = str(timing.get("timezone", schedule.timezone))
    until = timing.get("until", schedule.until)
    assert isinstance(start_time, time)
    assert isinstance(duration, int)
    assert until is None or isinstance(until, date)
    today = now.astimezone(rec.zone(new_tz)).date()
    starts_on = max(schedule.starts_on, today)
    _check_series(rrule, starts_on, start_time, new_tz, until)
    # Everything the old rule made stays as it is but leaves the series: past meetings keep
    # their times, and sessions changed on their own keep their changes.
    db.execute(
        update(GroupSession)
        .where(
            GroupSession.schedule_id == schedule.id,
            ~GroupSession.id.in_([s.id for s in future_untouched]),
        )
        .values(occurrence_key=None, is_exception=True)
    )
    for session in future_untouched:
        session.occurrence_key = None
    db.flush()
    schedule.rrule, schedule.start_time, schedule.duration_minutes = rrule, start_time, duration
    schedule.timezone, schedule.until, schedule.starts_on = new_tz, until, starts_on
    schedule.sequence += 1
    group = db.get(SupportGroup, schedule.group_id)
    assert group is not None
    horizon = max(schedule.generated_until, now + GENERATE_AHEAD)
    by_day: dict[date, list[GroupSession]] = defaultdict(list)
    for session in sorted(future_untouched, key=lambda s: s.starts_at):
        by_day[session.starts_at.astimezone(rec.zone(new_tz)).date()].append(session)
    for occ in _occurrences(schedule, now, horizon):
        same_day = by_day.get(occ.local_start.date())
        if same_day:
            session = same_day.pop(0)
            previous = session.starts_at
            session.occurrence_key = occ.key
            session.timezone = schedule.timezone
            session.local_weekday = occ.local_start.weekday()
            if (session.starts_at, session.ends_at) != (occ.starts_at, occ.ends_at):
                session.starts_at, session.ends_at = occ.starts_at, occ.ends_at
                session.sequence += 1
                people = notices.people_with_rsvps(db, session)
                if people and previous != occ.starts_at:
                    notices.moved(db, settings, session, previous, people)
            _apply_series_details(db, settings, schedule, group, session)
        else:
            db.add(_new_session(group, schedule, occ))
    for leftovers in by_day.values():
        for session in leftovers:
            _retire(db, settings, session, "The group's meeting schedule changed.")
    schedule.generated_until = horizon


def end_schedule(
    db: Session, settings: Settings, *, actor: User, schedule_id: uuid.UUID
) -> Schedule:
    """Stop the series: past meetings stay on record; future ones it made are cancelled (and
    people who RSVPd told) or removed when nobody had RSVPd."""
    schedule = _managed_schedule(db, schedule_id, actor)
    if schedule.ended_at is not None:
        return schedule
    schedule = lock_and_reread(db, schedule)
    if schedule.ended_at is not None:  # ended by another request while this one waited
        return schedule
    now = utcnow()
    future = db.scalars(
        select(GroupSession).where(
            GroupSession.schedule_id == schedule.id,
            GroupSession.starts_at > now,
            GroupSession.status == SessionStatus.scheduled,
        )
    )
    for session in future:
        _retire(db, settings, session, "This series of meetings has ended.")
    # Whatever else the series made in the future (cancelled or moved on its own) stands alone.
    db.execute(
        update(GroupSession)
        .where(GroupSession.schedule_id == schedule.id, GroupSession.starts_at > now)
        .values(occurrence_key=None, is_exception=True)
    )
    local_today = now.astimezone(rec.zone(schedule.timezone)).date()
    schedule.until = (
        max(schedule.starts_on, local_today)
        if schedule.until is None
        else min(schedule.until, max(schedule.starts_on, local_today))
    )
    schedule.ended_at = now
    schedule.sequence += 1
    db.flush()
    return schedule


# --- one session ------------------------------------------------------------------------------


def create_session(
    db: Session, *, actor: User, group_id: uuid.UUID, data: SessionCreate
) -> GroupSession:
    """A one-off meeting, outside any series."""
    group = managed_group(db, group_id, actor)
    _ensure_not_archived(group)
    starts_at = data.starts_at.astimezone(UTC).replace(microsecond=0)
    if starts_at <= utcnow():
        raise InvalidSchedule("A new meeting must start in the future.")
    session = GroupSession(
        group_id=group.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=data.duration_minutes),
        timezone=data.timezone,
        local_weekday=starts_at.astimezone(rec.zone(data.timezone)).weekday(),
        capacity=data.capacity or group.capacity,
        location=data.location,
        online_url=str(data.online_url) if data.online_url else None,
        is_exception=False,
    )
    db.add(session)
    db.flush()
    return session


def update_session(
    db: Session, settings: Settings, *, actor: User, session_id: uuid.UUID, data: SessionUpdate
) -> SessionAccess:
    """Cancel, restore or move one occurrence, or change its seats or place, without touching
    the rest of its series. Everyone who RSVPd hears about a cancellation or a new time."""
    access = managed_session(db, session_id, actor)
    session = access.session
    lock_for_update(db, GroupSession.id, session.id)
    db.refresh(session)
    now = utcnow()
    if session.ends_at <= now:
        raise SessionOver()
    changes = data.model_dump(exclude_unset=True)
    for name in ("status", "duration_minutes", "capacity"):
        if name in changes and changes[name] is None:
            raise InvalidSchedule(f"Give {name} a value, or leave it out to keep it as it is.")
    people = notices.people_with_rsvps(db, session)
    previous_start = session.starts_at

    new_start = session.starts_at
    if changes.get("starts_at") is not None:
        new_start = changes["starts_at"].astimezone(UTC).replace(microsecond=0)
    duration = changes.get("duration_minutes") or int(
        (session.ends_at - session.starts_at).total_seconds() // 60
    )
    timing_changed = (new_start, new_start + timedelta(minutes=duration)) != (
        session.starts_at,
        session.ends_at,
    )
    if timing_changed:
        if session.starts_at <= now:
            raise SessionStarted("This meeting has started, so its time can no longer change.")
        if new_start <= now:
            raise InvalidSchedule("A meeting can only be moved to a time in the future.")
        session.starts_at = new_start
        session.ends_at = new_start + timedelta(minutes=duration)
        session.local_weekday = new_start.astimezone(rec.zone(session.timezone)).weekday()
        session.is_exception = True
        session.sequence += 1
    for name in ("location", "cancel_reason"):
        if name in changes:
            setattr(session, name, changes[name])
    if "online_url" in changes:
        session.online_url = str(changes["online_url"]) if changes["online_url"] else None
    if changes.get("capacity") is not None and changes["capacity"] != session.capacity:
        session.capacity = changes["capacity"]
        session.is_exception = True
    status = changes.get("status")
    if status is not None and status != session.status:
        session.status = status
        session.sequence += 1
        if status == SessionStatus.scheduled:
            session.cancel_reason = None
    db.flush()
    if status == SessionStatus.cancelled and people:
        notices.cancelled(db, settings, session, people)
    elif status == SessionStatus.scheduled and people:
        notices.restored(db, settings, session, people)
    elif (
        timing_changed
        and session.status == SessionStatus.scheduled
        and people
        and previous_start != session.starts_at
    ):
        notices.moved(db, settings, session, previous_start, people)
    if session.status == SessionStatus.scheduled:
        promote_waitlisted(db, settings, session)
    return access


# --- RSVPs ------------------------------------------------------------------------------------


def _going(db: Session, session_id: uuid.UUID) -> int:
    return int(
        db.scalar(
            select(func.count()).where(
                Rsvp.session_id == session_id, Rsvp.status == RsvpStatus.going
            )
        )
        or 0
    )


def promote_waitlisted(db: Session, settings: Settings, session: GroupSession) -> None:
    """Give free seats to the first people waiting, and tell them. Call with the session row
    locked; nothing moves once the session has started or when it is cancelled."""
    if session.status != SessionStatus.scheduled or session.starts_at <= utcnow():
        return
    free = session.capacity - _going(db, session.id)
    if free <= 0:
        return
    waiting = list(
        db.scalars(
            select(Rsvp)
            .where(Rsvp.session_id == session.id, Rsvp.status == RsvpStatus.waitlisted)
            .order_by(Rsvp.requested_at, Rsvp.id)
            .limit(free)
        )
    )
    for rsvp in waiting:
        rsvp.status = RsvpStatus.going
        user = db.get(User, rsvp.user_id)
        if user is not None:
            notices.seat_opened(db, settings, session, user)
    db.flush()


def set_rsvp(
    db: Session, settings: Settings, *, user: User, session_id: uuid.UUID, wanted: RsvpStatus
) -> MyRsvp:
    access = member_session(db, session_id, user, doing="RSVP for its meetings")
    session = access.session
    if access.membership is not None and access.membership.role == MemberRole.facilitator:
        raise FacilitatorsNeedNoSeat()
    # Every decision below is made holding the session's row, so seats are counted once.
    lock_for_update(db, GroupSession.id, session.id)
    db.refresh(session)
    if session.status == SessionStatus.cancelled:
        raise SessionCancelled()
    now = utcnow()
    if session.starts_at <= now:
        raise SessionStarted()
    rsvp = db.scalar(select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.user_id == user.id))
    if wanted == RsvpStatus.going:
        if rsvp is None or rsvp.status == RsvpStatus.not_going:
            _check_rsvp_cap(db, user, now)
            seat_free = _going(db, session.id) < session.capacity
            queue = db.scalar(
                select(func.count()).where(
                    Rsvp.session_id == session.id, Rsvp.status == RsvpStatus.waitlisted
                )
            )
            # First come, first served: a free seat with people waiting belongs to them.
            status = RsvpStatus.going if seat_free and not queue else RsvpStatus.waitlisted
            if rsvp is None:
                rsvp = Rsvp(session_id=session.id, user_id=user.id, status=status, requested_at=now)
                db.add(rsvp)
            else:
                rsvp.status = status
                rsvp.requested_at = now
    else:
        was_going = rsvp is not None and rsvp.status == RsvpStatus.going
        if rsvp is None:
            rsvp = Rsvp(
                session_id=session.id,
                user_id=user.id,
                status=RsvpStatus.not_going,
                requested_at=now,
            )
            db.add(rsvp)
        rsvp.status = RsvpStatus.not_going
        db.flush()
        if was_going:
            promote_waitlisted(db, settings, session)
    db.flush()
    return MyRsvp(status=rsvp.status, waitlist_position=waitlist_position(db, rsvp))


def _check_rsvp_cap(db: Session, user: User, now: datetime) -> None:
    held = db.scalar(
        select(func.count())
        .select_from(Rsvp)
        .join(GroupSession, GroupSession.id == Rsvp.session_id)
        .where(
            Rsvp.user_id == user.id,
            Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
            GroupSession.starts_at > now,
        )
    )
    if (held or 0) >= MAX_OPEN_RSVPS:
        raise RsvpLimit()


def release_future_rsvps(
    db: Session, settings: Settings, *, group_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """When someone leaves or is removed from a group, their seats at its upcoming meetings go
    to the people waiting."""
    now = utcnow()
    held = list(
        db.scalars(
            select(Rsvp)
            .join(GroupSession, GroupSession.id == Rsvp.session_id)
            .where(
                GroupSession.group_id == group_id,
                GroupSession.starts_at > now,
                Rsvp.user_id == user_id,
                Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
            )
        )
    )
    for rsvp in held:
        session = db.get(GroupSession, rsvp.session_id)
        assert session is not None
        lock_for_update(db, GroupSession.id, session.id)
        was_going = rsvp.status == RsvpStatus.going
        rsvp.status = RsvpStatus.not_going
        db.flush()
        if was_going:
            promote_waitlisted(db, settings, session)


def release_all_future_rsvps(db: Session, settings: Settings, *, user_id: uuid.UUID) -> None:
    """Before an account is erased: its seats at every upcoming meeting go to the people
    waiting."""
    group_ids = set(
        db.scalars(
            select(GroupSession.group_id)
            .join(Rsvp, Rsvp.session_id == GroupSession.id)
            .where(Rsvp.user_id == user_id, GroupSession.starts_at > utcnow())
        )
    )
    for group_id in sorted(group_ids):
        release_future_rsvps(db, settings, group_id=group_id, user_id=user_id)


def close_group(db: Session, settings: Settings, *, group_id: uuid.UUID) -> None:
    """An archived group meets no more: its series end and its future meetings are cancelled
    (people who RSVPd are told) or removed."""
    now = utcnow()
    for schedule in db.scalars(
        select(Schedule).where(Schedule.group_id == group_id, Schedule.ended_at.is_(None))
    ):
        schedule.ended_at = now
    for session in db.scalars(
        select(GroupSession).where(
            GroupSession.group_id == group_id,
            GroupSession.starts_at > now,
            GroupSession.status == SessionStatus.scheduled,
        )
    ):
        _retire(db, settings, session, "This group has closed.")
    db.flush()
