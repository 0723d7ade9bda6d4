"""When groups meet, for the directory and group pages: the sessions domain's answer to
``groups.views.MeetingTimes`` (plugged in by ``backend.wiring``)."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Select,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from backend.core.orm import UTCDateTime
from backend.groups.models import SupportGroup
from backend.groups.schemas import MAX_SCHEDULE_SUMMARIES, NextSession, ScheduleSummary
from backend.groups.views import Timetable
from backend.sessions import describe
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, Schedule, SessionStatus


def last_day_over(now: datetime) -> date:
    """``until`` is a local date; a day is over everywhere once it is over at UTC-12, so that
    is the day compared, with no zone arithmetic in SQL."""
    return (now - timedelta(hours=12)).date()


def current_schedule(last_day: date | ColumnElement[date]) -> ColumnElement[bool]:
    """A schedule that has not ended: not stopped, and its last day (``until``) not before
    ``last_day`` (``last_day_over(now)``, or a parameter that will hold it)."""
    return Schedule.ended_at.is_(None) & or_(Schedule.until.is_(None), Schedule.until >= last_day)


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


def _timetable_statements() -> tuple[Select[Any], Select[Any]]:
    """The two statements of ``timetables``, built once: their parameters are the groups
    (an expanding list) and the moment. Building them per call (two window subqueries and
    their column proxies) cost more than running them."""
    group_ids: BindParameter[list[uuid.UUID]] = bindparam("group_ids", expanding=True)
    now = bindparam("now", type_=UTCDateTime())
    last_day = bindparam("last_day", type_=Date())
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
        .where(Schedule.group_id.in_(group_ids), current_schedule(last_day))
        .subquery()
    )
    schedules = (
        select(ranked_schedules)
        .where(ranked_schedules.c.rank <= MAX_SCHEDULE_SUMMARIES)
        .order_by(ranked_schedules.c.group_id, ranked_schedules.c.rank)
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
    sessions = select(ranked_sessions, going.label("going")).where(ranked_sessions.c.rank == 1)
    return schedules, sessions


_SCHEDULES, _NEXT_SESSIONS = _timetable_statements()


def timetables(
    db: Session, group_ids: Sequence[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, Timetable]:
    """Each group's current schedules (at most ``MAX_SCHEDULE_SUMMARIES``, oldest first) and
    its next meeting that has not ended, among those generated: two queries whatever the
    number of groups (window functions pick per group)."""
    if not group_ids:
        return {}
    schedules: dict[uuid.UUID, list[ScheduleSummary]] = defaultdict(list)
    for row in db.execute(
        _SCHEDULES, {"group_ids": list(group_ids), "last_day": last_day_over(now)}
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
    upcoming = {
        row.group_id: NextSession(
            id=row.id,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            timezone=row.timezone,
            status=row.status,
            seats_left=max(0, row.capacity - row.going),
        )
        for row in db.execute(_NEXT_SESSIONS, {"group_ids": list(group_ids), "now": now})
    }
    return {
        group_id: Timetable(schedules.get(group_id, []), upcoming.get(group_id))
        for group_id in group_ids
    }


class SessionsMeetingTimes:
    """``groups.views.MeetingTimes`` over schedules and generated meetings."""

    def timetables(
        self, db: Session, group_ids: Sequence[uuid.UUID], *, now: datetime
    ) -> dict[uuid.UUID, Timetable]:
        return timetables(db, group_ids, now=now)

    def meets_on(self, weekday: int, *, now: datetime) -> ColumnElement[bool]:
        return exists().where(
            GroupSession.group_id == SupportGroup.id,
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.starts_at >= now,
            GroupSession.local_weekday == weekday,
        )

    def starts_between(self, start: time, end: time, *, now: datetime) -> ColumnElement[bool]:
        if start < end:
            in_band = (Schedule.start_time >= start) & (Schedule.start_time < end)
        else:  # the night wraps past midnight
            in_band = (Schedule.start_time >= start) | (Schedule.start_time < end)
        return exists().where(
            Schedule.group_id == SupportGroup.id, current_schedule(last_day_over(now)), in_band
        )
