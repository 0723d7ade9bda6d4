"""One meeting: a one-off, changing, moving or cancelling one (members who RSVPd are told),
and closing every meeting of an archived group.

Series live in ``schedules``, generation ahead of time in ``generation``, seats and the
waitlist in ``rsvps``, what people see in ``views``. Seats are decided under a lock on the
session row (``lock_for_update``), so however many RSVPs arrive at once, no more are ``going``
than the session has seats, on SQLite and PostgreSQL.
"""

import uuid
from datetime import UTC, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.orm import utcnow
from backend.groups.models import (
    GroupStatus,
    SupportGroup,
)
from backend.groups.service import GroupAccess, require_manager
from backend.sessions import notices, outbound
from backend.sessions import recurrence as rec
from backend.sessions.access import SessionAccess
from backend.sessions.exceptions import (
    InvalidSchedule,
    SessionOver,
    SessionStarted,
)
from backend.sessions.models import GroupSession, Schedule, SessionStatus
from backend.sessions.rsvps import promote_waitlisted
from backend.sessions.schemas import (
    SessionCreate,
    SessionUpdate,
)


def ensure_not_archived(group: SupportGroup) -> None:
    if group.status == GroupStatus.archived:
        raise InvalidSchedule("This group is archived, so it has no more meetings.")


def retire(db: Session, settings: Settings, session: GroupSession, reason: str) -> None:
    """A future session its series no longer makes: cancelled (and people told) when someone
    RSVPd, otherwise removed."""
    session.occurrence_key = None
    people = notices.people_with_rsvps(db, session)
    # Either way it will not take place: integrators who read it hear so.
    outbound.meeting_cancelled(db, session)
    if people:
        session.status = SessionStatus.cancelled
        session.cancel_reason = reason
        session.sequence += 1
        notices.cancelled(db, settings, session, people)
    else:
        db.delete(session)


def create_session(db: Session, access: GroupAccess, *, data: SessionCreate) -> GroupSession:
    """A one-off meeting, outside any series, of a group ``access`` manages."""
    group = require_manager(access).group
    ensure_not_archived(group)
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
    db: Session, settings: Settings, access: SessionAccess, *, data: SessionUpdate
) -> GroupSession:
    """Cancel, restore or move one occurrence, or change its seats or place, without touching
    the rest of its series. Everyone who RSVPd hears about a cancellation or a new time. An
    archived circle's meetings stay as archiving left them: it cannot reopen, so none returns."""
    ensure_not_archived(require_manager(access.as_group).group)
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
    previous_start, previous_status = session.starts_at, session.status

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
    if session.status == SessionStatus.cancelled and previous_status != session.status:
        outbound.meeting_cancelled(db, session)
    elif session.status == SessionStatus.scheduled and previous_status == SessionStatus.cancelled:
        outbound.meeting_restored(db, session)
    elif session.status == SessionStatus.scheduled and previous_start != session.starts_at:
        outbound.meeting_moved(db, session, previous_start)
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
    return session


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
        retire(db, settings, session, "This group has closed.")
    db.flush()
