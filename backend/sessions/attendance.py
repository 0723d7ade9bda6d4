"""Check-in codes, attendance records and attendance reports.

Check-in codes are not stored: each is a keyed digest of the session and a ten-minute period,
so the code a facilitator shows changes by itself and is useless at any other session.
Attendance privacy: a member who chose ``anonymous`` counts in every figure but is named only
to themselves and to admins.
"""

import hmac
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import AttendancePrivacy, User
from backend.core import audit, events, ratelimit, times
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.core.security import keyed_digest
from backend.core.uniqueness import insert_once
from backend.groups.models import GroupMembership, MembershipStatus
from backend.groups.service import require_manager
from backend.sessions.access import SessionAccess
from backend.sessions.events import AttendanceRecorded
from backend.sessions.exceptions import (
    AttendanceNotOpen,
    CheckInNotOpen,
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
    SessionStatus,
)
from backend.sessions.permissions import (
    ANONYMOUS_AT_LEAST,
    reads_attendee_names,
    sees_anonymous_attendees,
)
from backend.sessions.schemas import (
    AttendanceEntry,
    AttendanceRead,
    AttendanceRow,
    AttendanceSheet,
    CheckInCode,
)

CHECK_IN_OPENS = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
CODE_PERIOD = timedelta(minutes=10)
CODE_DIGITS = 6
# Wrong codes per member and session before a pause: enough for typos, too few to guess
# one of a million codes.
WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
ATTENDED = (AttendanceStatus.present, AttendanceStatus.late)


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
    wait = ratelimit.reserve(db, key, limit=WRONG_CODE_LIMIT, window=WRONG_CODE_WINDOW)
    if wait is not None:
        raise TooManyCheckInTries(retry_after=wait)
    period = _period(now)
    # The code of the previous period still works, so a code read out just before it
    # changes is not refused.
    valid = [_code(settings, session.id, p) for p in (period, period - 1)]
    given = code.strip()
    if not any(hmac.compare_digest(given, expected) for expected in valid):
        raise WrongCheckInCode()  # the try stays counted
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
    events.publish(
        db, settings, AttendanceRecorded(session.id, session.group_id, user_ids=(user.id,))
    )
    return record


# --- attendance sheets ------------------------------------------------------------------------


def people_by_id(db: Session, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))}


def _records(
    db: Session, session: GroupSession, *, only: set[uuid.UUID] | None = None
) -> list[AttendanceRecord]:
    query = select(AttendanceRecord).where(AttendanceRecord.session_id == session.id)
    if only is not None:
        query = query.where(AttendanceRecord.user_id.in_(only))
    return list(db.scalars(query.order_by(AttendanceRecord.recorded_at, AttendanceRecord.id)))


def _sheet(
    db: Session, records: list[AttendanceRecord], *, sees_anonymous: bool, names: bool = True
) -> AttendanceSheet:
    people = people_by_id(db, {r.user_id for r in records})
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
    # One or two hidden members could be picked out of their counts (see ANONYMOUS_AT_LEAST).
    if 0 < sum(hidden.values()) < ANONYMOUS_AT_LEAST:
        return AttendanceSheet(records=rows, anonymous={}, anonymous_left_out=True)
    return AttendanceSheet(records=rows, anonymous=dict(hidden))


def attendance_sheet(db: Session, access: SessionAccess) -> AttendanceSheet:
    """The meeting's sheet as ``access.actor`` may read it: members who chose anonymous
    attendance counted (named to admins), names only for those who may read them. The read
    is in the audit trail, with everyone whose attendance it shows or counts."""
    session = access.session
    records = _records(db, session)
    audit.record(
        db,
        access.actor.who,
        AuditAction.attendance_sheet_read,
        target_type="group_session",
        target_id=session.id,
        group_id=session.group_id,
        subjects=[record.user_id for record in records],
    )
    return _sheet(
        db,
        records,
        sees_anonymous=sees_anonymous_attendees(access.actor),
        names=reads_attendee_names(access.actor),
    )


def recorded_sheet(
    db: Session, access: SessionAccess, *, entries: list[AttendanceEntry]
) -> AttendanceSheet:
    """What recording answers: the sheet, to whoever may read it; to a client that may only
    write, just the rows it sent, so it learns nothing about anyone it did not name."""
    if reads_attendee_names(access.actor):
        return attendance_sheet(db, access)
    sent = {entry.user_id for entry in entries}
    return _sheet(db, _records(db, access.session, only=sent), sees_anonymous=True, names=False)


def record_attendance(
    db: Session, settings: Settings, access: SessionAccess, *, entries: list[AttendanceEntry]
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
    events.publish(db, settings, AttendanceRecorded(session.id, session.group_id, tuple(ids)))
    return session


# --- reports ----------------------------------------------------------------------------------
