"""Request and response shapes of peer mentoring. Requests forbid unknown fields."""

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from backend.core.vocabulary import Day, LanguageCode, StrictModel, TopicSlug
from backend.mentoring.matching import UnmatchedReason
from backend.mentoring.models import MatchStatus, MentorStatus

Languages = Annotated[
    list[LanguageCode],
    Field(min_length=1, max_length=10, description="Languages you can talk in, e.g. ['en', 'es']."),
]
Gender = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    Field(description="In your own words; used only for a mentee's stated preference."),
]
Years = Annotated[float, Field(ge=0, le=80)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
CheckInMinutes = Annotated[int, Field(ge=5, le=600)]
CheckInNotes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class AvailabilitySlot(StrictModel):
    """A weekly window in your own time zone (the one on your profile)."""

    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    start: time = Field(description="Local time, e.g. '18:00'.")
    end: time = Field(description="Local time after start on the same day; '23:59' is midnight.")

    @field_validator("start", "end")
    @classmethod
    def _local_minutes(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("Give a local time without an offset, e.g. '18:00'.")
        return value.replace(second=0, microsecond=0)

    @model_validator(mode="after")
    def _ends_after_start(self) -> "AvailabilitySlot":
        if self.end <= self.start:
            raise ValueError(
                "A slot must end after it starts on the same day; split one that crosses "
                "midnight into two."
            )
        return self


Availability = Annotated[
    list[AvailabilitySlot],
    Field(max_length=28, description="Weekly slots in your own time zone; may be empty."),
]


class MentorProfileWrite(StrictModel):
    experience_areas: Annotated[list[TopicSlug], Field(min_length=1, max_length=10)] = Field(
        description="Topics you have lived experience with (slugs from GET /topics)."
    )
    languages: Languages
    availability: Availability
    capacity: int = Field(ge=1, le=10, description="Most mentees at once (1-10).")
    bio: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    years_in_recovery: Years | None = None
    gender: Gender | None = None
    paused: bool = Field(default=False, description="Keep your mentees and take no new ones.")


class MentorProfileRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    experience_areas: list[str]
    languages: list[str]
    availability: list[AvailabilitySlot]
    timezone: str = Field(description="The time zone of the availability slots.")
    capacity: int
    active_mentees: int = Field(description="Matches proposed to or accepted by the mentor.")
    bio: str
    years_in_recovery: float | None
    gender: str | None
    paused: bool
    status: MentorStatus
    review_note: str | None = Field(description="An admin's note on the decision, if any.")
    created_at: datetime
    updated_at: datetime


class ApprovalDecision(StrictModel):
    decision: Literal["approve", "reject"]
    note: Reason | None = None


class MenteePreferences(StrictModel):
    mentor_gender: Gender | None = Field(
        default=None, description="Only mentors who gave this gender are suggested."
    )
    min_years_in_recovery: Years | None = Field(
        default=None, description="Only mentors at least this far along are suggested."
    )


class MenteeRequestWrite(StrictModel):
    needs: Annotated[list[TopicSlug], Field(max_length=10)] = Field(
        description="What you would like support with (slugs from GET /topics); may be empty."
    )
    languages: Languages
    availability: Availability
    preferences: MenteePreferences | None = None


class MenteeRequestRead(BaseModel):
    user_id: uuid.UUID
    needs: list[str]
    languages: list[str]
    availability: list[AvailabilitySlot]
    timezone: str
    preferences: MenteePreferences
    open: bool = Field(description="Waiting for a mentor: no proposed or active match.")
    created_at: datetime
    updated_at: datetime


class Suggestion(BaseModel):
    mentor_id: uuid.UUID
    display_name: str
    score: float = Field(ge=0, le=1)
    reasons: list[str]
    common_times: list[AvailabilitySlot] = Field(
        description="The weekly windows you are both free, in your own time zone."
    )
    experience_areas: list[str]
    languages: list[str]
    bio: str


class SuggestionList(BaseModel):
    items: list[Suggestion]


class MatchCreate(StrictModel):
    mentor_id: uuid.UUID
    mentee_id: uuid.UUID | None = Field(
        default=None,
        description="Admins only: who the match is for. Members propose for themselves.",
    )


class MatchClose(StrictModel):
    reason: Reason | None = Field(default=None, description="Seen by the other person only.")


class MatchEnd(StrictModel):
    reason: Reason = Field(description="Seen by the other person only.")


class MatchPerson(BaseModel):
    user_id: uuid.UUID
    display_name: str


class MatchRead(BaseModel):
    id: uuid.UUID
    status: MatchStatus
    mentor: MatchPerson
    mentee: MatchPerson
    my_side: Literal["mentor", "mentee"] | None = Field(
        description="The caller's side of the pair; null for an admin looking on."
    )
    score: float | None
    reasons: list[str]
    close_reason: str | None = Field(description="For the pair only; null for admins.")
    proposed_at: datetime
    responded_at: datetime | None
    ended_at: datetime | None


class AttentionKind(StrEnum):
    lapsed = "lapsed"  # a proposal the mentor never answered
    blocked = "blocked"  # ended because one of the two blocked the other
    moderation = "moderation"  # ended by a moderation action
    account_closed = "account_closed"  # ended because one of the two accounts closed
    quiet = "quiet"  # active, with no check-in logged for a while


class AttentionMatch(BaseModel):
    """A match an admin may want to look at: what happened and when, never the pair's words."""

    match_id: uuid.UUID
    kind: AttentionKind
    since: datetime = Field(
        description="When it closed; for a quiet match, when a check-in was last logged (or "
        "when it was accepted, if none was)."
    )
    status: MatchStatus
    mentor: MatchPerson
    mentee: MatchPerson
    check_ins: int = Field(description="How many check-ins the pair logged (never their notes).")
    mentee_waiting: bool = Field(
        description="The mentee still asks for a mentor and has no proposed or active match."
    )


class CheckInCreate(StrictModel):
    met_on: Day
    duration_minutes: CheckInMinutes
    notes: CheckInNotes = ""


class CheckInRead(BaseModel):
    id: uuid.UUID
    match_id: uuid.UUID
    author_id: uuid.UUID
    met_on: date
    duration_minutes: int
    notes: str
    created_at: datetime


class FeedbackWrite(StrictModel):
    rating: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class FeedbackRead(BaseModel):
    match_id: uuid.UUID
    side: Literal["mentor", "mentee"]
    rating: int
    comment: str | None
    updated_at: datetime


class RatingSummary(BaseModel):
    count: int = Field(description="Ratings in the figures: given before `as_of`, in batches.")
    waiting: int = Field(description="Ratings not in the figures yet.")
    average: float | None = Field(description="Null until a first batch is published.")
    distribution: dict[str, int] | None = Field(description="Stars ('1'-'5') to how many.")


class FeedbackSummary(BaseModel):
    """Figures move only in closed batches of at least five ratings, each from a finished
    calendar quarter, so no one person's rating can be read off them, even by comparing the
    figures before and after it arrived."""

    as_of: date = Field(description="The figures cover ratings given before this day.")
    matches_ended: int
    from_mentees: RatingSummary
    from_mentors: RatingSummary


class MatchingRunRequest(StrictModel):
    dry_run: bool = Field(default=True, description="Show the proposals and save nothing.")


class Proposal(BaseModel):
    mentee_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_name: str = Field(description="The mentee's pseudonym, for the admin's preview.")
    mentor_name: str = Field(description="The mentor's pseudonym.")
    score: float
    reasons: list[str]
    match_id: uuid.UUID | None = Field(description="The proposed match, when saved.")


class UnmatchedMentee(BaseModel):
    mentee_id: uuid.UUID
    display_name: str
    reason_code: UnmatchedReason = Field(
        description="Why no mentor was proposed: the first hard constraint that left no one."
    )
    reason: str = Field(
        description="The same in words, for the admin; a block is never told apart from a "
        "pair that was declined or ended before."
    )


class MatchingRunResult(BaseModel):
    run_id: uuid.UUID | None = Field(description="Null for a dry run.")
    dry_run: bool
    open_requests: int
    proposals: list[Proposal]
    unmatched: list[uuid.UUID]
    unmatched_people: list[UnmatchedMentee] = Field(
        description="The same mentees as `unmatched`, with their pseudonyms."
    )
    total_score: float
