"""Schedules, sessions, RSVPs, attendance records and calendar feeds.

Times are stored in UTC. A schedule keeps its rule in the group's local time and IANA zone;
each generated session remembers the local start it was generated for (``occurrence_key``,
the iCalendar RECURRENCE-ID), so an occurrence can be moved or cancelled on its own.
"""

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum
from backend.core.vocabulary import (
    SessionStatus as SessionStatus,  # re-exported: meetings say it too
)


class RsvpStatus(StrEnum):
    going = "going"
    waitlisted = "waitlisted"
    not_going = "not_going"


class AttendanceStatus(StrEnum):
    present = "present"
    late = "late"
    excused = "excused"
    absent = "absent"


class RecordedVia(StrEnum):
    self_check_in = "self_check_in"
    facilitator = "facilitator"
    integrator = "integrator"


class Schedule(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "schedule"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 720", name="duration_range"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_group.id", ondelete="CASCADE"), index=True
    )
    rrule: Mapped[str] = mapped_column(String(300))
    start_time: Mapped[time]
    duration_minutes: Mapped[int]
    timezone: Mapped[str] = mapped_column(String(64))
    # The series applies from this local date on; an edited series starts again from the edit.
    starts_on: Mapped[date]
    until: Mapped[date | None]
    capacity: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    # Sessions exist up to here (UTC); reads and writes extend it as time passes.
    generated_until: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # iCalendar SEQUENCE of the series: bumped when the series itself changes.
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class GroupSession(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "group_session"
    __table_args__ = (
        UniqueConstraint("schedule_id", "occurrence_key"),
        Index("ix_group_session_group_starts", "group_id", "starts_at"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("local_weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_group.id", ondelete="CASCADE"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("schedule.id", ondelete="SET NULL"), index=True
    )
    # The local start ("2027-02-23T19:00:00") the series generated this occurrence for; None
    # for one-off sessions and for sessions that no longer follow their series.
    occurrence_key: Mapped[str | None] = mapped_column(String(19))
    # Moved or edited on its own: series edits leave it alone.
    is_exception: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    # Monday = 0 in the session's own time zone, for the directory's day filter.
    local_weekday: Mapped[int]
    status: Mapped[SessionStatus] = mapped_column(
        string_enum(SessionStatus), default=SessionStatus.scheduled
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int]
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    # iCalendar SEQUENCE: bumped whenever time or status changes.
    sequence: Mapped[int] = mapped_column(default=0)


class Rsvp(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "rsvp"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        Index("ix_rsvp_session_status_requested", "session_id", "status", "requested_at"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_session.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RsvpStatus] = mapped_column(string_enum(RsvpStatus))
    # When the member asked for a seat: the waitlist is first come, first served by this.
    requested_at: Mapped[datetime]


class AttendanceRecord(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "attendance_record"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_session.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(string_enum(AttendanceStatus))
    recorded_via: Mapped[RecordedVia] = mapped_column(string_enum(RecordedVia))
    recorded_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_by_client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("service_client.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime]


class CalendarFeed(UUIDPrimaryKey, Timestamps, Base):
    """A member's secret feed. Its URL carries the id and a keyed digest of the id (see
    ``calendar.feed_token``), so the URL can be shown again without being stored; deleting the
    row revokes it."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
