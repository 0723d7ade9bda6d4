"""What people see of meetings and series: a group's meetings, one meeting, "my meetings",
a group's schedules; meeting links only for those who may see them."""

import csv
import io
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import AttendancePrivacy
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.orm import utcnow
from backend.core.pagination import (
    KeysetPage,
    creation_order,
    id_key,
    moment_key,
    paginate,
)
from backend.core.spreadsheets import cell
from backend.groups.models import (
    GroupMembership,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.sessions import describe
from backend.sessions import recurrence as rec
from backend.sessions.access import GroupAccess, SessionAccess, shows_meeting_link
from backend.sessions.attendance import ATTENDED, people_by_id
from backend.sessions.describe import meeting_place
from backend.sessions.exceptions import (
    InvalidWindow,
)
from backend.sessions.generation import ensure_generated, needed_until
from backend.sessions.models import (
    AttendanceRecord,
    GroupSession,
    Rsvp,
    RsvpStatus,
    Schedule,
    SessionStatus,
)
from backend.sessions.permissions import ANONYMOUS_AT_LEAST, sees_anonymous_attendees
from backend.sessions.rsvps import waitlist_position
from backend.sessions.schemas import (
    AttendanceReport,
    MyAttendance,
    MyRsvp,
    MySession,
    ReportMember,
    ReportSession,
    ScheduleRead,
    SessionList,
    SessionRead,
)

# A list may look at most this far: wider windows are paged by the caller's next request.
MAX_WINDOW = timedelta(days=366)


# Sessions are generated on demand up to here, so a typo of a year cannot fill the database.
MAX_LOOKAHEAD = timedelta(days=3 * 366)


DEFAULT_WINDOW = timedelta(weeks=4)


SESSION_ORDER = [
    moment_key(GroupSession.starts_at),
    id_key(GroupSession.id),
]


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


def _my_rsvps(
    db: Session, session_ids: Sequence[uuid.UUID], actor: Actor
) -> dict[uuid.UUID, MyRsvp]:
    if actor.person_id is None or not session_ids:
        return {}
    mine = db.scalars(
        select(Rsvp).where(Rsvp.session_id.in_(session_ids), Rsvp.user_id == actor.person_id)
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
    actor: Actor,
    links_for: set[uuid.UUID],
) -> list[SessionRead]:
    """Sessions as ``actor`` may see them; ``links_for`` holds the groups whose meeting links
    they may see."""
    ids = [s.id for s in sessions]
    counts = _counts(db, ids)
    mine = _my_rsvps(db, ids, actor)
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
    access: GroupAccess,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> KeysetPage[SessionRead]:
    """Every session of the group starting in [start, end), cancelled ones included."""
    group = access.group
    window_start, window_end = _window(start, end)
    if not access.actor.is_anonymous:
        # An anonymous read never writes: it sees what the worker keeps generated (13 weeks
        # ahead), so nobody unknown can make the database grow by asking far ahead.
        ensure_generated(db, [group.id], needed_until(window_end))
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
    links = {group.id} if shows_meeting_link(access) else set()
    return KeysetPage(reads(db, page.items, actor=access.actor, links_for=links), page.next_cursor)


def group_sessions_answer(
    db: Session,
    access: GroupAccess,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[SessionList, float | None]:
    """``list_group_sessions`` as the API answers it, and for how many seconds at most time
    leaves it true: a window that starts now loses its first meeting when that starts."""
    page = list_group_sessions(db, access, start=start, end=end, limit=limit, cursor=cursor)
    answer = SessionList(items=page.items, next_cursor=page.next_cursor)
    if start is not None or not page.items:
        return answer, None
    return answer, (min(item.starts_at for item in page.items) - utcnow()).total_seconds()


def get_session(db: Session, access: SessionAccess) -> SessionRead:
    links = {access.group.id} if shows_meeting_link(access) else set()
    return reads(db, [access.session], actor=access.actor, links_for=links)[0]


def my_rsvp(db: Session, rsvp: Rsvp) -> MyRsvp:
    return MyRsvp(status=rsvp.status, waitlist_position=waitlist_position(db, rsvp))


def my_sessions(
    db: Session,
    *,
    actor: Actor,
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
                GroupMembership.user_id == actor.person.id,
                GroupMembership.status == MembershipStatus.active,
            )
        )
    )
    ensure_generated(db, group_ids, needed_until(window_end))
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
        for read in reads(db, page.items, actor=actor, links_for=set(group_ids))
    ]
    return KeysetPage(items, page.next_cursor)


def schedule_read(schedule: Schedule, *, show_link: bool) -> ScheduleRead:
    return ScheduleRead(
        id=schedule.id,
        group_id=schedule.group_id,
        rrule=schedule.rrule,
        description=describe.describe(
            schedule.rrule,
            starts_on=schedule.starts_on,
            start_time=schedule.start_time,
            duration_minutes=schedule.duration_minutes,
        ).description,
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
    db: Session, access: GroupAccess, *, limit: int, cursor: str | None
) -> KeysetPage[ScheduleRead]:
    """The group's series, ended ones too, oldest first."""
    show_link = shows_meeting_link(access)
    page: KeysetPage[Schedule] = paginate(
        db,
        select(Schedule).where(Schedule.group_id == access.group.id),
        creation_order(Schedule),
        limit=limit,
        cursor=cursor,
    )
    return KeysetPage([schedule_read(s, show_link=show_link) for s in page.items], page.next_cursor)


MAX_REPORT_WINDOW = timedelta(days=400)


def my_attendance(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[MyAttendance]:
    """My attendance history, newest first."""
    user = actor.person
    order = [
        moment_key(AttendanceRecord.recorded_at),
        id_key(AttendanceRecord.id),
    ]
    page: KeysetPage[AttendanceRecord] = paginate(
        db,
        select(AttendanceRecord).where(AttendanceRecord.user_id == user.id),
        order,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    session_ids = {r.session_id for r in page.items}
    sessions = {
        s.id: s for s in db.scalars(select(GroupSession).where(GroupSession.id.in_(session_ids)))
    }
    labels = group_labels(db, (s.group_id for s in sessions.values()))
    items = [
        MyAttendance(
            session_id=r.session_id,
            group_id=sessions[r.session_id].group_id,
            group_name=labels[sessions[r.session_id].group_id].name,
            group_slug=labels[sessions[r.session_id].group_id].slug,
            starts_at=sessions[r.session_id].starts_at,
            status=r.status,
            recorded_via=r.recorded_via,
        )
        for r in page.items
    ]
    return KeysetPage(items, page.next_cursor)


def attendance_report(
    db: Session,
    access: GroupAccess,
    *,
    start: datetime | None,
    end: datetime | None,
) -> AttendanceReport:
    """Per session (held, cancelled or upcoming; headcount, seats, RSVPs, no-shows) and per
    member (sessions attended and the share of held sessions) over [start, end)."""
    group, actor = access.group, access.actor
    now = utcnow()
    end = end.astimezone(UTC) if end else now
    start = start.astimezone(UTC) if start else end - timedelta(days=90)
    if end <= start:
        raise InvalidWindow("'to' must be later than 'from'.")
    if end - start > MAX_REPORT_WINDOW:
        raise InvalidWindow("A report covers at most 400 days; ask for a shorter window.")
    sessions = list(
        db.scalars(
            select(GroupSession)
            .where(
                GroupSession.group_id == group.id,
                GroupSession.starts_at >= start,
                GroupSession.starts_at < end,
            )
            .order_by(GroupSession.starts_at, GroupSession.id)
        )
    )
    ids = [s.id for s in sessions]
    going: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for session_id, user_id in db.execute(
        select(Rsvp.session_id, Rsvp.user_id).where(
            Rsvp.session_id.in_(ids), Rsvp.status == RsvpStatus.going
        )
    ):
        going[session_id].add(user_id)
    attended: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for session_id, user_id in db.execute(
        select(AttendanceRecord.session_id, AttendanceRecord.user_id).where(
            AttendanceRecord.session_id.in_(ids), AttendanceRecord.status.in_(ATTENDED)
        )
    ):
        attended[session_id].add(user_id)
    # The members (not facilitators) who could have attended, and everyone who took part.
    active_members = set(
        db.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group.id,
                GroupMembership.status == MembershipStatus.active,
                GroupMembership.role == MemberRole.member,
            )
        )
    )
    everyone = set().union(*going.values(), *attended.values())
    people = people_by_id(db, active_members | everyone)
    # Members with anonymous attendance who took part in a meeting count in its figures only
    # with at least ANONYMOUS_AT_LEAST others like them; fewer could be picked out (the figure
    # less the named attendees). Admins, who see them named, get every figure whole.
    anonymous_ids = (
        set()
        if sees_anonymous_attendees(actor)
        else {i for i in everyone if people[i].attendance_privacy == AttendancePrivacy.anonymous}
    )

    report_sessions = []
    held = []
    for s in sessions:
        if s.status == SessionStatus.cancelled:
            status = "cancelled"
        elif s.ends_at <= now:
            status = "held"
            held.append(s)
        else:
            status = "upcoming"
        came, said = attended[s.id], going[s.id]
        left_out = 0 < len((came | said) & anonymous_ids) < ANONYMOUS_AT_LEAST
        if left_out:
            came, said = came - anonymous_ids, said - anonymous_ids
        report_sessions.append(
            ReportSession(
                session_id=s.id,
                starts_at=s.starts_at,
                status=status,
                headcount=len(came),
                capacity=s.capacity,
                rsvps=len(said),
                no_shows=len(said - came) if status == "held" else None,
                anonymous_left_out=left_out,
            )
        )

    counts: Counter[uuid.UUID] = Counter()
    for s in held:
        counts.update(attended[s.id])
    # Listed: everyone who attended, and the members who could have.
    listed = active_members | set(counts)
    members: list[ReportMember] = []
    anonymous_attendees = 0
    for user_id in sorted(listed, key=lambda i: (people[i].display_name.lower(), str(i))):
        person = people[user_id]
        anonymous = person.attendance_privacy == AttendancePrivacy.anonymous
        if anonymous and counts[user_id]:
            anonymous_attendees += 1
        if anonymous and not sees_anonymous_attendees(actor):
            continue
        members.append(
            ReportMember(
                user_id=user_id,
                display_name=person.display_name,
                attended=counts[user_id],
                rate=round(counts[user_id] / len(held), 4) if held else 0.0,
                anonymous=anonymous,
            )
        )
    # In the audit trail with everyone it covers, named or counted.
    audit.record(
        db,
        actor.who,
        AuditAction.attendance_report_read,
        target_type="support_group",
        target_id=group.id,
        group_id=group.id,
        subjects=listed,
    )
    few = 0 < anonymous_attendees < ANONYMOUS_AT_LEAST and not sees_anonymous_attendees(actor)
    return AttendanceReport(
        group_id=group.id,
        from_=start,
        to=end,
        sessions=report_sessions,
        members=members,
        anonymous_attendees=None if few else anonymous_attendees,
    )


CSV_COLUMNS = [
    "section",
    "session_id",
    "starts_at",
    "status",
    "headcount",
    "capacity",
    "rsvps",
    "no_shows",
    "user_id",
    "display_name",
    "attended",
    "rate",
    "anonymous_left_out",
]


def report_csv(report: AttendanceReport) -> str:
    """One table for spreadsheets: a ``section`` column says whether a row is a session, a
    member or the count of anonymous attendees."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in report.sessions:
        writer.writerow(
            [
                cell(v)
                for v in (
                    "session",
                    s.session_id,
                    s.starts_at.isoformat().replace("+00:00", "Z"),
                    s.status,
                    s.headcount,
                    s.capacity,
                    s.rsvps,
                    s.no_shows,
                    None,
                    None,
                    None,
                    None,
                    "yes" if s.anonymous_left_out else "no",
                )
            ]
        )
    for m in report.members:
        writer.writerow(
            [
                cell(v)
                for v in (
                    "member",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    m.user_id,
                    m.display_name,
                    m.attended,
                    m.rate,
                    None,
                )
            ]
        )
    writer.writerow(["anonymous_attendees", *[""] * 9, report.anonymous_attendees, "", ""])
    return out.getvalue()
