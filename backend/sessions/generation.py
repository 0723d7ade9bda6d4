"""Meetings generated from their series ahead of time: on demand when a window is read, and
hourly by the worker for every series (so the directory's day filter finds them)."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.db import lock_for_update
from backend.core.orm import utcnow
from backend.groups.models import (
    GroupStatus,
    SupportGroup,
)
from backend.sessions import recurrence as rec
from backend.sessions.models import GroupSession, Schedule

# Whoever reads meetings finds them at least this far ahead (the 12 weeks promised) ...
READS_NEED_AHEAD = timedelta(weeks=12)
# ... and a series that falls short is generated this far: 13 weeks is a quarter, and the week
# between the two means reads top a series up about once a week, not on every request (each
# top-up locks the series and writes).
GENERATE_AHEAD = timedelta(weeks=13)


def occurrences(
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


def new_session(group: SupportGroup, schedule: Schedule, occ: rec.Occurrence) -> GroupSession:
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


def extend(db: Session, schedule: Schedule, until: datetime) -> None:
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
    for occ in occurrences(schedule, schedule.generated_until, until):
        if occ.key not in existing:
            db.add(new_session(group, schedule, occ))
    schedule.generated_until = until
    db.flush()


def needed_until(window_end: datetime) -> datetime:
    """How far the series must be generated for a read of meetings up to ``window_end``."""
    return max(window_end, utcnow() + READS_NEED_AHEAD)


def ensure_generated(db: Session, group_ids: Sequence[uuid.UUID], until: datetime) -> None:
    """Top up the groups' schedules so every session before ``until`` exists; a series that
    falls short is generated to ``GENERATE_AHEAD`` from now (or to ``until``, when later)."""
    if not group_ids:
        return
    target = max(until, utcnow() + GENERATE_AHEAD)
    for schedule in db.scalars(
        select(Schedule).where(
            Schedule.group_id.in_(group_ids),
            Schedule.ended_at.is_(None),
            Schedule.generated_until < until,
        )
    ):
        extend(db, schedule, target)


def generate_all_ahead(db: Session) -> None:
    """Keep every live schedule generated ``GENERATE_AHEAD`` from now (CLI and seed)."""
    target = utcnow() + GENERATE_AHEAD
    live = select(SupportGroup.id).where(SupportGroup.status != GroupStatus.archived)
    ensure_generated(db, list(db.scalars(live)), target)
