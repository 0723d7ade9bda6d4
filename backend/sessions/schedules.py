"""Series of meetings (RFC 5545 rules in the group's time zone): starting one, changing it
from now on, ending it."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.orm import utcnow
from backend.core.uniqueness import lock_and_reread
from backend.groups.models import (
    SupportGroup,
)
from backend.groups.service import GroupAccess, require_manager
from backend.sessions import describe, notices, outbound
from backend.sessions import recurrence as rec
from backend.sessions.exceptions import (
    InvalidSchedule,
    ScheduleEnded,
)
from backend.sessions.generation import GENERATE_AHEAD, extend, new_session, occurrences
from backend.sessions.models import GroupSession, Schedule, SessionStatus
from backend.sessions.rsvps import promote_waitlisted
from backend.sessions.schemas import (
    PreviewMeeting,
    ScheduleCreate,
    SchedulePreview,
    ScheduleUpdate,
)
from backend.sessions.service import ensure_not_archived, retire

# Bounds on what one series may make, so no request can fill the database or the CPU: a
# series starts at most a year back (its past meetings are generated once) and two years
# ahead, ends within ten years of its start, and a circle runs a bounded number at once.
MAX_START_BACK = timedelta(days=366)
MAX_START_AHEAD = timedelta(days=2 * 366)
MAX_SERIES_YEARS = 10
MAX_LIVE_SCHEDULES = 20


def _check_series(
    rrule: str, starts_on: date, start_time: time, timezone: str, until: date | None
) -> None:
    if until is not None and until > _years_after(starts_on, MAX_SERIES_YEARS):
        raise InvalidSchedule(
            f"until can be at most {MAX_SERIES_YEARS} years after the series starts; leave it "
            "out for a series with no set end."
        )
    try:
        first = rec.first_occurrence(
            rule_text=rrule, starts_on=starts_on, start_time=start_time, until=until
        )
    except rec.InvalidRecurrence as exc:
        raise InvalidSchedule(str(exc)) from exc
    if first is None:
        raise InvalidSchedule(
            "This rule makes no meetings between starts_on and until, or in the year from "
            "starts_on. Check the days or dates."
        )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_start(db: Session, group: SupportGroup, data: ScheduleCreate) -> None:
    today = utcnow().astimezone(rec.zone(data.timezone)).date()
    if data.starts_on < today - MAX_START_BACK:
        raise InvalidSchedule(
            "starts_on can be at most a year ago: record older meetings as one-off sessions."
        )
    if data.starts_on > today + MAX_START_AHEAD:
        raise InvalidSchedule("A series can start at most two years ahead.")
    live = db.scalar(
        select(func.count())
        .select_from(Schedule)
        .where(Schedule.group_id == group.id, Schedule.ended_at.is_(None))
    )
    if (live or 0) >= MAX_LIVE_SCHEDULES:
        raise InvalidSchedule(
            f"A circle can run at most {MAX_LIVE_SCHEDULES} series at once: end one it no "
            "longer needs first."
        )


def create_schedule(db: Session, access: GroupAccess, *, data: ScheduleCreate) -> Schedule:
    """A new series for a group ``access`` manages (``dependencies.ManagedGroup``)."""
    group = require_manager(access).group
    ensure_not_archived(group)
    _check_series(data.rrule, data.starts_on, data.start_time, data.timezone, data.until)
    _check_start(db, group, data)
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
        created_by_id=access.actor.person.id,
    )
    db.add(schedule)
    db.flush()
    extend(db, schedule, max(utcnow(), start_of_series) + GENERATE_AHEAD)
    return schedule


PREVIEW_MEETINGS = 6


def preview_schedule(db: Session, access: GroupAccess, *, data: ScheduleCreate) -> SchedulePreview:
    """What ``create_schedule`` would make, in words and its next meetings; nothing is written.
    Refused exactly as creating it would be."""
    group = require_manager(access).group
    ensure_not_archived(group)
    _check_series(data.rrule, data.starts_on, data.start_time, data.timezone, data.until)
    _check_start(db, group, data)
    start_of_series = rec.to_utc(
        datetime.combine(data.starts_on, time.min), rec.zone(data.timezone)
    )
    return _preview(
        data.rrule,
        data.starts_on,
        data.start_time,
        data.duration_minutes,
        data.timezone,
        data.until,
        after=max(utcnow(), start_of_series),
    )


def preview_change(schedule: Schedule, *, data: ScheduleUpdate) -> SchedulePreview:
    """What ``update_schedule`` would make of the series from now on, in words and its next
    meetings, counted from the same start the change would keep; nothing is written."""
    if schedule.ended_at is not None:
        raise ScheduleEnded()
    timing = {k: v for k, v in data.model_dump(exclude_unset=True).items() if k in TIMING_FIELDS}
    rrule = str(timing.get("rrule") or schedule.rrule)
    start_time = timing.get("start_time") or schedule.start_time
    duration = timing.get("duration_minutes") or schedule.duration_minutes
    timezone = str(timing.get("timezone") or schedule.timezone)
    until = timing.get("until", schedule.until)
    assert isinstance(start_time, time)
    assert isinstance(duration, int)
    assert until is None or isinstance(until, date)
    now = utcnow()
    starts_on = schedule.starts_on
    if (rrule, start_time, duration, timezone, until) != (
        schedule.rrule,
        schedule.start_time,
        schedule.duration_minutes,
        schedule.timezone,
        schedule.until,
    ):
        today = now.astimezone(rec.zone(timezone)).date()
        starts_on = rec.kept_anchor(rrule, schedule.starts_on, today)
    _check_series(rrule, starts_on, start_time, timezone, until)
    return _preview(rrule, starts_on, start_time, duration, timezone, until, after=now)


def _preview(
    rrule: str,
    starts_on: date,
    start_time: time,
    duration_minutes: int,
    timezone: str,
    until: date | None,
    *,
    after: datetime,
) -> SchedulePreview:
    tz = rec.zone(timezone)
    meetings = rec.next_occurrences(
        rule_text=rrule,
        starts_on=starts_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        timezone=timezone,
        until=until,
        after=after,
        count=PREVIEW_MEETINGS,
    )
    words = describe.describe(
        rrule, starts_on=starts_on, start_time=start_time, duration_minutes=duration_minutes
    )
    return SchedulePreview(
        description=words.description,
        timezone=timezone,
        next_meetings=[
            PreviewMeeting(
                starts_at=occ.starts_at,
                ends_at=occ.ends_at,
                local_start=occ.starts_at.astimezone(tz),
            )
            for occ in meetings
        ],
    )


TIMING_FIELDS = ("rrule", "start_time", "duration_minutes", "timezone", "until")


def update_schedule(
    db: Session, settings: Settings, schedule: Schedule, *, data: ScheduleUpdate
) -> Schedule:
    """Change the series from now on. Past sessions and sessions changed on their own keep
    their time; each future, untouched session follows the new rule: it moves within its day
    (RSVPs kept, people told), or is retired when the new rule has no meeting that day."""
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
    starts_on = rec.kept_anchor(rrule, schedule.starts_on, today)
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
    for occ in occurrences(schedule, now, horizon):
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
                if previous != occ.starts_at:
                    outbound.meeting_moved(db, session, previous)
                people = notices.people_with_rsvps(db, session)
                if people and previous != occ.starts_at:
                    notices.moved(db, settings, session, previous, people)
            _apply_series_details(db, settings, schedule, group, session)
        else:
            db.add(new_session(group, schedule, occ))
    for leftovers in by_day.values():
        for session in leftovers:
            retire(db, settings, session, "The group's meeting schedule changed.")
    schedule.generated_until = horizon


def end_schedule(db: Session, settings: Settings, schedule: Schedule) -> Schedule:
    """Stop the series: past meetings stay on record; future ones it made are cancelled (and
    people who RSVPd told) or removed when nobody had RSVPd."""
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
        retire(db, settings, session, "This series of meetings has ended.")
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
