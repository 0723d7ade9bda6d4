"""Request and response shapes of groups and membership."""

import uuid
from datetime import datetime, time
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from backend.core.pagination import Page
from backend.core.vocabulary import LanguageCode, SessionStatus, StrictModel, TopicSlug
from backend.groups.models import (
    GroupFormat,
    GroupStatus,
    JoinPolicy,
    MemberRole,
    MembershipStatus,
    Visibility,
)

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
TimeOfDay = Literal["morning", "midday", "evening", "night"]
# Bands of a schedule's local start time, [from, to); night wraps past midnight.
TIMES_OF_DAY: dict[TimeOfDay, tuple[time, time]] = {
    "morning": (time(5), time(12)),
    "midday": (time(12), time(17)),
    "evening": (time(17), time(21)),
    "night": (time(21), time(5)),
}
Frequency = Literal["weekly", "every_other_week", "monthly", "other"]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
# At most this many schedules describe a group in a directory entry.
MAX_SCHEDULE_SUMMARIES = 5

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100)]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)
]
Guidelines = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)
]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Topics = Annotated[list[TopicSlug], Field(min_length=1, max_length=8)]
Capacity = Annotated[int, Field(ge=1, le=500, description="Most active members at once.")]


class Location(StrictModel):
    address: ShortText | None = None
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = (
        None
    )
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code, e.g. US."
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class _GroupFields(StrictModel):
    name: GroupName
    description: Description
    topics: Topics
    format: GroupFormat
    language: LanguageCode
    location: Location | None = None
    online_url: AnyHttpUrl | None = Field(
        default=None, description="The meeting link; only active members ever see it."
    )
    accessibility_notes: Notes | None = None
    visibility: Visibility = Visibility.listed
    join_policy: JoinPolicy = JoinPolicy.open
    capacity: Capacity = 20
    guidelines: Guidelines


def _problem_at(field: str, message: str, value: Any) -> InitErrorDetails:
    """A problem of the whole body told at the field it is about, so a form can show it there."""
    return InitErrorDetails(
        type=PydanticCustomError("value_error", message), loc=(field,), input=value
    )


class GroupCreate(_GroupFields):
    @model_validator(mode="after")
    def where_it_meets(self) -> "GroupCreate":
        problems: list[InitErrorDetails] = []
        if self.format in (GroupFormat.in_person, GroupFormat.hybrid) and not (
            self.location and (self.location.address or self.location.city)
        ):
            problems.append(
                _problem_at(
                    "location",
                    "An in-person or hybrid group needs a location (address or city).",
                    self.location.model_dump() if self.location else None,
                )
            )
        if self.format in (GroupFormat.online, GroupFormat.hybrid) and not self.online_url:
            problems.append(
                _problem_at("online_url", "An online or hybrid group needs an online_url.", None)
            )
        if problems:
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self


class GroupUpdate(StrictModel):
    """Fields to change; the rest stay as they are. Changing the guidelines starts a new
    version that members joining from now on accept."""

    name: GroupName | None = None
    description: Description | None = None
    topics: Topics | None = None
    format: GroupFormat | None = None
    language: LanguageCode | None = None
    location: Location | None = None
    online_url: AnyHttpUrl | None = None
    accessibility_notes: Notes | None = None
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None
    capacity: Capacity | None = None
    guidelines: Guidelines | None = None
    # Plain strings: a Literal of enum members makes validation messages show Python reprs.
    status: Literal["active", "paused"] | None = Field(
        default=None, description="Pause or resume; archiving has its own endpoint."
    )


class MyMembership(BaseModel):
    role: MemberRole
    status: MembershipStatus


class ScheduleSummary(BaseModel):
    """One current schedule of a group, as the directory shows it: in the group's own time."""

    rrule: str = Field(description="The RFC 5545 rule, normalised, e.g. 'FREQ=WEEKLY;BYDAY=TU'.")
    frequency: Frequency = Field(
        description="weekly, every_other_week or monthly; other for any other pattern."
    )
    weekdays: list[Weekday] = Field(
        description="The days it meets on, Monday first; empty for a day of the month."
    )
    start_time: ClockTime = Field(description="Local start, 24-hour, e.g. '19:00'.")
    end_time: ClockTime = Field(description="Local end, 24-hour, e.g. '20:30'.")
    duration_minutes: int
    timezone: str = Field(description="The IANA zone the times are in.")
    description: str = Field(
        description="When it meets in plain English, in the group's own time, e.g. 'Tuesdays, "
        "7:00\u20138:30 pm', 'Every other Monday, 6:00\u20137:00 pm', 'First Thursday of the "
        "month, 7:00\u20138:30 pm'; 'Meets regularly' for a rule too unusual to put in words."
    )


class NextSession(BaseModel):
    """The group's next meeting that has not ended (one in progress counts; cancelled ones do
    not), among the meetings already generated."""

    id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: SessionStatus
    seats_left: int


class GroupSummary(BaseModel):
    """A directory entry: what anyone may see of a listed group."""

    id: uuid.UUID
    slug: str
    name: str
    description: str
    topics: list[str]
    format: GroupFormat
    language: str
    city: str | None
    region: str | None
    country: str | None
    visibility: Visibility
    join_policy: JoinPolicy
    status: GroupStatus
    capacity: int
    seats_left: int
    my_membership: MyMembership | None = None
    schedules: list[ScheduleSummary] = Field(
        description=f"Its current (not ended) schedules, at most {MAX_SCHEDULE_SUMMARIES}, "
        "oldest first.",
    )
    next_session: NextSession | None = Field(
        description="Its next meeting that has not ended, or null."
    )


class Directory(Page[GroupSummary]):
    """A page of the directory; the first one also says how many groups match in all."""

    total: int | None = Field(
        default=None,
        description="How many groups match the filters, on the first page (without `cursor`); "
        "null on later pages.",
    )


class GroupRead(GroupSummary):
    location: Location | None
    online_url: str | None = Field(description="Present for active members only.")
    accessibility_notes: str | None
    guidelines: str
    guidelines_version: int
    created_at: datetime
    updated_at: datetime


class JoinRequest(StrictModel):
    accept_guidelines: Literal[True] = Field(
        description="Must be true: joining means accepting the group's current guidelines."
    )


class MembershipRead(BaseModel):
    user_id: uuid.UUID
    group_id: uuid.UUID
    role: MemberRole
    status: MembershipStatus
    guidelines_version_accepted: int | None
    joined_at: datetime | None


class MemberRead(BaseModel):
    """How members appear to each other: a pseudonym and a group role, nothing more."""

    user_id: uuid.UUID
    display_name: str
    pronouns: str | None
    role: MemberRole
    status: MembershipStatus


class MembershipUpdate(StrictModel):
    status: Literal["active"] | None = Field(
        default=None, description="Approve a pending request (or re-admit a removed member)."
    )
    role: MemberRole | None = None


class MyGroup(BaseModel):
    group: GroupSummary
    role: MemberRole
    status: MembershipStatus
    joined_at: datetime | None


# --- invitations ----------------------------------------------------------------------------

InvitationState = Literal["live", "expired", "used_up", "revoked"]


class InvitationCreate(StrictModel):
    expires_in_days: int = Field(
        default=7, ge=1, le=30, description="Days until the link stops working (1-30)."
    )
    max_uses: int = Field(
        default=10, ge=1, le=100, description="How many people may join with it (1-100)."
    )


class InvitationRead(BaseModel):
    """An invitation as its circle's facilitators see it; the link itself is never shown
    again after it was made."""

    id: uuid.UUID
    group_id: uuid.UUID
    state: InvitationState
    expires_at: datetime
    max_uses: int
    uses: int
    uses_left: int
    revoked_at: datetime | None
    created_at: datetime


class InvitationCreated(InvitationRead):
    """A new invitation, with its secret link: shown this once, and only a digest is kept."""

    token: str = Field(description="The secret of the link; shown only in this answer.")
    url: str = Field(description="The link to share: anyone who has it may join the circle.")


class InvitationPreview(BaseModel):
    """What someone opening an invitation needs to decide whether to join."""

    group_id: uuid.UUID
    name: str
    description: str
    format: GroupFormat
    language: str
    city: str | None
    region: str | None
    country: str | None
    accessibility_notes: str | None
    schedules: list[ScheduleSummary]
    next_session: NextSession | None
    guidelines: str
    guidelines_version: int
    status: GroupStatus
    seats_left: int
    expires_at: datetime
    already_member: bool = Field(description="Whether the caller is an active member already.")
