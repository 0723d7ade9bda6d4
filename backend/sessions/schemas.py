"""Request and response shapes of schedules, sessions, RSVPs, attendance and reports."""

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    Field,
    StringConstraints,
    model_validator,
)

from backend.core.vocabulary import AwareInstant, Day, StrictModel, Timezone
from backend.groups.models import GroupFormat
from backend.sessions.models import AttendanceStatus, RecordedVia, RsvpStatus, SessionStatus
from backend.sessions.recurrence import InvalidRecurrence, normalise_rule

Duration = Annotated[
    int, Field(ge=5, le=720, description="How long each meeting lasts, in minutes (5-720).")
]
SessionCapacity = Annotated[
    int, Field(ge=1, le=500, description="Most members `going` at once; default: the group's.")
]
LocationNote = Annotated[
    str,
    Field(min_length=1, max_length=300, description="Where this meeting is, when not the usual."),
]


def _rule(value: str) -> str:
    try:
        return normalise_rule(value)
    except InvalidRecurrence as exc:
        raise ValueError(str(exc)) from exc


RRule = Annotated[
    str,
    Field(
        min_length=6,
        max_length=300,
        description="An RFC 5545 recurrence rule without DTSTART, UNTIL or COUNT, e.g. "
        "'FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' or "
        "'FREQ=MONTHLY;BYDAY=1TH'.",
        examples=["FREQ=WEEKLY;BYDAY=TU"],
    ),
    AfterValidator(_rule),
]


def _minutes(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("Give the local time without an offset, e.g. '19:00'.")
    return value.replace(second=0, microsecond=0)


LocalTime = Annotated[
    time,
    AfterValidator(_minutes),
    Field(description="Local start time in the schedule's time zone, e.g. '19:00'."),
]


class ScheduleCreate(StrictModel):
    rrule: RRule
    start_time: LocalTime
    duration_minutes: Duration
    timezone: Timezone
    starts_on: Day = Field(description="The first day the series may meet (local date).")
    until: Day | None = Field(default=None, description="The last day it may meet, if any.")
    capacity: SessionCapacity | None = None
    location: LocationNote | None = None
    online_url: AnyHttpUrl | None = Field(
        default=None, description="A link for these meetings; only active members see it."
    )

    @model_validator(mode="after")
    def _until_after_start(self) -> "ScheduleCreate":
        if self.until is not None and self.until < self.starts_on:
            raise ValueError("until must be on or after starts_on.")
        return self


class ScheduleUpdate(StrictModel):
    """Changes to the whole series. Past sessions and sessions changed on their own stay as
    they are; future ones are regenerated (RSVPs kept when the date stays the same)."""

    rrule: RRule | None = None
    start_time: LocalTime | None = None
    duration_minutes: Duration | None = None
    timezone: Timezone | None = None
    until: Day | None = None
    capacity: SessionCapacity | None = None
    location: LocationNote | None = None
    online_url: AnyHttpUrl | None = None


class ScheduleRead(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    rrule: str
    description: str = Field(
        description="When it meets in plain English, in its own time zone, e.g. 'Every other "
        "Monday, 6:30\u20137:30 pm'; 'Meets regularly' for a rule too unusual to put in words."
    )
    start_time: time
    duration_minutes: int
    timezone: str
    starts_on: date
    until: date | None
    capacity: int | None
    location: str | None
    online_url: str | None = Field(description="Present for active members only.")
    ended_at: datetime | None


class PreviewMeeting(BaseModel):
    starts_at: datetime
    ends_at: datetime
    local_start: datetime = Field(description="The start in the schedule's time zone.")


class SchedulePreview(BaseModel):
    """What a schedule would be, before it is saved: nothing is written."""

    description: str = Field(
        description="When it would meet in plain English, in its own time zone, as "
        "ScheduleRead.description says it."
    )
    timezone: str
    next_meetings: list[PreviewMeeting] = Field(
        description="Its next meetings (at most 6) from now or from starts_on, whichever is "
        "later; fewer when `until` comes first."
    )


class ScheduleList(BaseModel):
    items: list[ScheduleRead]
    next_cursor: str | None = None


class SessionCreate(StrictModel):
    starts_at: AwareInstant = Field(description="RFC 3339 with an offset or Z.")
    duration_minutes: Duration
    timezone: Timezone
    capacity: SessionCapacity | None = None
    location: LocationNote | None = None
    online_url: AnyHttpUrl | None = None


class SessionUpdate(StrictModel):
    """Cancel, restore or move one meeting, or change its seats or place. Members who RSVPd
    are told about a cancellation or a new time."""

    status: SessionStatus | None = None
    cancel_reason: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    starts_at: AwareInstant | None = None
    duration_minutes: Duration | None = None
    capacity: SessionCapacity | None = None
    location: LocationNote | None = None
    online_url: AnyHttpUrl | None = None


class MyRsvp(BaseModel):
    status: RsvpStatus
    waitlist_position: int | None = Field(description="1 is next in line; null unless waitlisted.")


class SessionRead(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    group_name: str
    group_slug: str
    group_format: GroupFormat = Field(description="in_person, online or hybrid.")
    schedule_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    local_start: datetime = Field(description="The start in the session's own time zone.")
    status: SessionStatus
    cancel_reason: str | None
    moved_from: datetime | None = Field(
        default=None,
        description="For a meeting of a series that was moved on its own: when the series had "
        "it. null for meetings at their planned time and for one-off meetings.",
    )
    capacity: int
    going: int
    waitlisted: int
    seats_left: int
    location: str | None = Field(description="This meeting's own place note, if it has one.")
    place: str | None = Field(
        description="Where to go: the meeting's place note, else the group's address and city; "
        "null for an online group without a note."
    )
    online_url: str | None = Field(description="Present for active members only.")
    my_rsvp: MyRsvp | None


class SessionList(BaseModel):
    items: list[SessionRead]
    next_cursor: str | None


class MySession(SessionRead):
    """One of my meetings: a session of a group I am an active member of."""


class MySessionList(BaseModel):
    items: list[MySession]
    next_cursor: str | None


class RsvpWrite(StrictModel):
    # Plain strings: a Literal of enum members makes validation messages show Python reprs.
    status: Literal["going", "not_going"]


class CheckInCode(BaseModel):
    code: str = Field(description="Show this to the room; it changes every few minutes.")
    valid_until: datetime


class CheckIn(StrictModel):
    code: Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$"),
        Field(description="The six digits shown in the room."),
    ]


class AttendanceRead(BaseModel):
    session_id: uuid.UUID
    user_id: uuid.UUID
    status: AttendanceStatus
    recorded_via: RecordedVia
    recorded_at: datetime


class AttendanceEntry(StrictModel):
    user_id: uuid.UUID
    status: AttendanceStatus


class AttendanceUpdate(StrictModel):
    records: Annotated[list[AttendanceEntry], Field(min_length=1, max_length=500)]


class AttendanceRow(BaseModel):
    user_id: uuid.UUID
    display_name: str | None = Field(
        description="null for integrators that may write attendance but not read it."
    )
    status: AttendanceStatus
    recorded_via: RecordedVia
    recorded_at: datetime
    anonymous: bool = Field(
        default=False, description="The member chose anonymous attendance (shown to admins)."
    )


class AttendanceSheet(BaseModel):
    records: list[AttendanceRow]
    anonymous: dict[AttendanceStatus, int] = Field(
        description="Members with anonymous attendance, counted by status and not named; "
        "empty when fewer than three of them are on the sheet (see anonymous_left_out)."
    )
    anonymous_left_out: bool = Field(
        default=False,
        description="One or two members with anonymous attendance are on the sheet and are "
        "not counted here: so few could be picked out. Admins see them named.",
    )


class ReportSession(BaseModel):
    session_id: uuid.UUID
    starts_at: datetime
    status: Literal["held", "cancelled", "upcoming"]
    headcount: int
    capacity: int
    rsvps: int
    no_shows: int | None = Field(description="null until the session has ended.")
    anonymous_left_out: bool = Field(
        default=False,
        description="One or two members with anonymous attendance took part and are left out "
        "of this row's figures: so few could be picked out. Admins get every figure whole.",
    )


class ReportMember(BaseModel):
    user_id: uuid.UUID
    display_name: str
    attended: int
    rate: float = Field(description="Share of the held sessions attended (0-1).")
    anonymous: bool = False


class AttendanceReport(BaseModel):
    group_id: uuid.UUID
    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    sessions: list[ReportSession]
    members: list[ReportMember]
    anonymous_attendees: int | None = Field(
        description="Members with anonymous attendance who attended; named only to admins. "
        "null when one or two did: so few could be picked out."
    )

    model_config = {"populate_by_name": True}


class MyAttendance(BaseModel):
    session_id: uuid.UUID
    group_id: uuid.UUID
    group_name: str
    group_slug: str
    starts_at: datetime
    status: AttendanceStatus
    recorded_via: RecordedVia


class MyAttendanceList(BaseModel):
    items: list[MyAttendance]
    next_cursor: str | None


class CalendarUrl(BaseModel):
    url: str = Field(description="Secret: anyone with it can read your meeting times.")
