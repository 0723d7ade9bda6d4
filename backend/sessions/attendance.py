"""Check-in codes, attendance records and attendance reports.

Check-in codes are not stored: each is a keyed digest of the session and a ten-minute period,
so the code a facilitator shows changes by itself and is useless at any other session.
Attendance privacy: a member who chose ``anonymous`` counts in every figure but is named only
to themselves and to admins.
"""

import csv
import hmac
import io
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import AttendancePrivacy, User
from backend.core import ratelimit, times
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, SortKey, paginate
from backend.core.security import keyed_digest
from backend.core.uniqueness import insert_once
from backend.groups.models import GroupMembership, MemberRole, MembershipStatus
from backend.groups.service import GroupAccess, require_manager
from backend.sessions.access import SessionAccess
from backend.sessions.exceptions import (
    AttendanceNotOpen,
    CheckInNotOpen,
    InvalidWindow,
    SessionCancelled,
    TooManyCheckInTries,
    UnknownAttendees,
    WrongCheckInCode,
)
from backend.sessions.models import (
    AttendanceRecord,
    AttendanceStatus,
    GroupSession,
    RecordedVia,
    Rsvp,
    RsvpStatus,
    SessionStatus,
)
from backend.sessions.permissions import reads_attendee_names, sees_anonymous_attendees
from backend.sessions.schemas import (
    AttendanceEntry,
    AttendanceRead,
    AttendanceReport,
    AttendanceRow,
    AttendanceSheet,
    CheckInCode,
    MyAttendance,
    ReportMember,
    ReportSession,
)
from backend.sessions.views import group_labels

CHECK_IN_OPENS = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
CODE_PERIOD = timedelta(minutes=10)
CODE_DIGITS = 6
# Wrong codes per member and session before a pause: enough for typos, too few to guess
# one of a million codes.
WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
ATTENDED = (AttendanceStatus.present, AttendanceStatus.late)
MAX_REPORT_WINDOW = timedelta(days=400)


# --- check-in ---------------------------------------------------------------------------------


def _period(moment: datetime) -> int:
    return int(moment.timestamp() // CODE_PERIOD.total_seconds())


def _code(settings: Settings, session_id: uuid.UUID, period: int) -> str:
    digest = keyed_digest(settings, purpose="check-in-code", message=f"{session_id}:{period}")
    return str(int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def _check_in_window(session: GroupSession, now: datetime, *, viewer: User) -> None:
    """Open from 30 minutes before the start to the end; the refusal says when it opens in
    the viewer's own time zone."""
    if session.status == SessionStatus.cancelled:
        raise SessionCancelled()
    opens = session.starts_at - CHECK_IN_OPENS
    if now < opens:
        raise CheckInNotOpen(
            "Check-in opens 30 minutes before the meeting starts: at "
            f"{times.moment(opens, viewer.timezone, now=now)}."
        )
    if now >= session.ends_at:
        raise CheckInNotOpen(
            "This meeting has ended, so check-in is closed. A facilitator can still record "
            "your attendance."
        )


def check_in_code(db: Session, settings: Settings, access: SessionAccess) -> CheckInCode:
    """The code to show in the room, for a meeting ``access`` manages."""
    require_manager(access.as_group)
    now = utcnow()
    _check_in_window(access.session, now, viewer=access.actor.person)
    period = _period(now)
    period_end = datetime.fromtimestamp((period + 1) * CODE_PERIOD.total_seconds(), UTC)
    return CheckInCode(
        code=_code(settings, access.session.id, period),
        valid_until=min(period_end, access.session.ends_at),
    )


def _record(
    db: Session,
    session: GroupSession,
    user_id: uuid.UUID,
    status: AttendanceStatus,
    *,
    via: RecordedVia,
    by_user: uuid.UUID | None,
    by_client: uuid.UUID | None,
    keep_attended: bool = False,
) -> AttendanceRecord:
    """Record one person's attendance, first time or again. Two requests recording it at the
    same moment (a double-clicked check-in, a sheet saved twice) leave one record. A record
    that already says the same, by the same recorder, is left as it is (and so is one that
    says present or late, with ``keep_attended``)."""
    values = {
        "status": status,
        "recorded_via": via,
        "recorded_by_user_id": by_user,
        "recorded_by_client_id": by_client,
        "recorded_at": utcnow(),
    }
    record, created = insert_once(
        db, AttendanceRecord, key={"session_id": session.id, "user_id": user_id}, values=values
    )
    if created or (keep_attended and record.status in ATTENDED):
        return record
    if any(
        getattr(record, name) != value for name, value in values.items() if name != "recorded_at"
    ):
        for name, value in values.items():
            setattr(record, name, value)
    return record


def attendance_read(record: AttendanceRecord) -> AttendanceRead:
    return AttendanceRead(
        session_id=record.session_id,
        user_id=record.user_id,
        status=record.status,
        recorded_via=record.recorded_via,
        recorded_at=record.recorded_at,
    )


def check_in(
    db: Session, settings: Settings, access: SessionAccess, *, code: str
) -> AttendanceRecord:
    """Self check-in with the code shown in the room: present, or late after ten minutes."""
    user = access.actor.person
    session = access.session
    now = utcnow()
    _check_in_window(session, now, viewer=user)
    key = f"check-in:{session.id}:{user.id}"
    wait = ratelimit.retry_after_seconds(db, key, limit=WRONG_CODE_LIMIT, window=WRONG_CODE_WINDOW)
    if wait is not None:
        raise TooManyCheckInTries(retry_after=wait)
    period = _period(now)
    # The code of the previous period still works, so a code read out just before it
    # changes is not refused.
    valid = [_code(settings, session.id, p) for p in (period, period - 1)]
    given = code.strip()
    if not any(hmac.compare_digest(given, expected) for expected in valid):
        ratelimit.record_hit(db, key, window=WRONG_CODE_WINDOW)
        raise WrongCheckInCode()
    ratelimit.clear(db, key)
    existing = db.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.session_id == session.id, AttendanceRecord.user_id == user.id
        )
    )
    if existing is not None and existing.status in ATTENDED:
        return existing
    status = (
        AttendanceStatus.late if now > session.starts_at + LATE_AFTER else AttendanceStatus.present
    )
    record = _record(
        db,
        session,
        user.id,
        status,
        via=RecordedVia.self_check_in,
        by_user=user.id,
        by_client=None,
        keep_attended=True,
    )
    db.flush()
    return record


# --- attendance sheets ------------------------------------------------------------------------


def _people(db: Session, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))}


def _sheet(
    db: Session, session: GroupSession, *, sees_anonymous: bool, names: bool = True
) -> AttendanceSheet:
    records = list(
        db.scalars(
            select(AttendanceRecord)
            .where(AttendanceRecord.session_id == session.id)
            .order_by(AttendanceRecord.recorded_at, AttendanceRecord.id)
        )
    )
    people = _people(db, {r.user_id for r in records})
    rows: list[AttendanceRow] = []
    hidden: Counter[AttendanceStatus] = Counter()
    for record in records:
        person = people[record.user_id]
        anonymous = person.attendance_privacy == AttendancePrivacy.anonymous
        if anonymous and not sees_anonymous:
            hidden[record.status] += 1
            continue
        rows.append(
            AttendanceRow(
                user_id=record.user_id,
                display_name=person.display_name if names else None,
                status=record.status,
                recorded_via=record.recorded_via,
                recorded_at=record.recorded_at,
                anonymous=anonymous,
            )
        )
    return AttendanceSheet(records=rows, anonymous=dict(hidden))


def attendance_sheet(db: Session, access: SessionAccess) -> AttendanceSheet:
    """The meeting's sheet as ``access.actor`` may read it: members who chose anonymous
    attendance counted (named to admins), names only for those who may read them."""
    return _sheet(
        db,
        access.session,
        sees_anonymous=sees_anonymous_attendees(access.actor),
        names=reads_attendee_names(access.actor),
    )


def record_attendance(
    db: Session, access: SessionAccess, *, entries: list[AttendanceEntry]
) -> GroupSession:
    """Record many at once, all or nothing. Each record keeps who recorded it and how."""
    actor = access.actor
    session = access.session
    if session.status == SessionStatus.cancelled:
        raise SessionCancelled()
    if utcnow() < session.starts_at - CHECK_IN_OPENS:
        raise AttendanceNotOpen()
    ids = [entry.user_id for entry in entries]
    repeated = sorted({str(i) for i in ids if ids.count(i) > 1})
    if repeated:
        raise UnknownAttendees(f"Each member may appear once; repeated: {', '.join(repeated)}.")
    # Anyone who has been a member of the group (they may have left since) or who RSVPd.
    known = set(
        db.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == session.group_id,
                GroupMembership.user_id.in_(ids),
                GroupMembership.status != MembershipStatus.pending,
            )
        )
    ) | set(
        db.scalars(select(Rsvp.user_id).where(Rsvp.session_id == session.id, Rsvp.user_id.in_(ids)))
    )
    unknown = sorted(str(i) for i in set(ids) - known)
    if unknown:
        raise UnknownAttendees(
            f"These people are not members of this group, so nothing was recorded: "
            f"{', '.join(unknown)}."
        )
    via = RecordedVia.integrator if actor.is_integrator else RecordedVia.facilitator
    for entry in entries:
        _record(
            db,
            session,
            entry.user_id,
            entry.status,
            via=via,
            by_user=actor.person_id,
            by_client=actor.client.id if actor.client is not None else None,
        )
    db.flush()
    return session


def my_attendance(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[MyAttendance]:
    """My attendance history, newest first."""
    user = actor.person
    order = [
        SortKey(AttendanceRecord.recorded_at, datetime.fromisoformat, lambda v: v.isoformat()),
        SortKey(AttendanceRecord.id, lambda value: uuid.UUID(str(value))),
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


# --- reports ----------------------------------------------------------------------------------


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
        report_sessions.append(
            ReportSession(
                session_id=s.id,
                starts_at=s.starts_at,
                status=status,
                headcount=len(attended[s.id]),
                capacity=s.capacity,
                rsvps=len(going[s.id]),
                no_shows=len(going[s.id] - attended[s.id]) if status == "held" else None,
            )
        )

    counts: Counter[uuid.UUID] = Counter()
    for s in held:
        counts.update(attended[s.id])
    # Everyone who attended, and the members (not facilitators) who could have.
    active_members = set(
        db.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group.id,
                GroupMembership.status == MembershipStatus.active,
                GroupMembership.role == MemberRole.member,
            )
        )
    )
    people = _people(db, active_members | set(counts))
    members: list[ReportMember] = []
    anonymous_attendees = 0
    for user_id in sorted(people, key=lambda i: (people[i].display_name.lower(), str(i))):
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
    return AttendanceReport(
        group_id=group.id,
        from_=start,
        to=end,
        sessions=report_sessions,
        members=members,
        anonymous_attendees=anonymous_attendees,
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
]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula; display names are typed by members.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def report_csv(report: AttendanceReport) -> str:
    """One table for spreadsheets: a ``section`` column says whether a row is a session, a
    member or the count of anonymous attendees."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in report.sessions:
        writer.writerow(
            [
                _cell(v)
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
                )
            ]
        )
    for m in report.members:
        writer.writerow(
            [
                _cell(v)
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
                )
            ]
        )
    writer.writerow(
        ["anonymous_attendees", "", "", "", "", "", "", "", "", "", report.anonymous_attendees, ""]
    )
    return out.getvalue()
