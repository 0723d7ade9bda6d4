"""Reports and the moderation queue as the API shows them."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from backend.core.vocabulary import AwareInstant, StrictModel
from backend.library.crisis import CrisisResources
from backend.moderation.models import ActionKind, CaseStatus, Reason, TargetType

Details = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ReportCreate(StrictModel):
    target_type: TargetType
    target_id: uuid.UUID = Field(
        description="The member's user id, the story's or resource's id (as the library "
        "shows it), or the circle's id."
    )
    reason: Reason
    details: Details | None = Field(
        default=None, description="What happened, in your own words (optional, staff only)."
    )
    group_id: uuid.UUID | None = Field(
        default=None,
        description="For a member: the circle where it happened (you both belong to it); its "
        "facilitators then see the report. Without it, only admins do.",
    )
    region: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = Field(
        default=None,
        description="Your country (ISO 3166-1, e.g. 'US'), for the crisis lines an urgent "
        "report answers with.",
    )


ReporterStatus = Literal["received", "in_review", "closed"]
Outcome = Literal["action_taken", "no_action"]


class ReportReceipt(BaseModel):
    """What the reporter is told: never who else reported, never what was decided in detail."""

    id: uuid.UUID
    target_type: TargetType
    reason: Reason
    reported_at: datetime
    urgent: bool
    status: ReporterStatus
    outcome: Outcome | None = Field(description="Once closed: whether action was taken.")
    message: str = Field(description="What happens next, in plain words, to show as it is.")
    crisis_resources: CrisisResources | None = Field(
        default=None,
        description="When the report speaks of immediate danger: where to get help now.",
    )


class ReportFiled(BaseModel):
    """One report in a case, for staff."""

    id: uuid.UUID
    reporter_id: uuid.UUID
    reporter_name: str
    reason: Reason
    details: str | None
    urgent: bool
    reported_at: datetime


class CaseNoteRead(BaseModel):
    id: uuid.UUID
    author_id: uuid.UUID | None
    author_name: str | None
    body: str
    written_at: datetime


class CaseActionRead(BaseModel):
    id: uuid.UUID
    action: ActionKind
    actor_id: uuid.UUID | None
    actor_name: str | None
    taken_at: datetime
    group_id: uuid.UUID | None
    match_id: uuid.UUID | None
    until: datetime | None
    note: str | None


class CaseSummary(BaseModel):
    """One case in the queue: a thing reported, with every open report about it folded in."""

    id: uuid.UUID
    target_type: TargetType
    target_id: uuid.UUID
    target_label: str = Field(description="The member's pseudonym, the title or the name.")
    group_id: uuid.UUID | None
    subject_id: uuid.UUID | None = Field(description="The person the case is about, if any.")
    status: CaseStatus
    urgent: bool
    reasons: list[Reason] = Field(description="Every reason given, most serious first.")
    report_count: int
    reporter_count: int
    first_reported_at: datetime
    last_reported_at: datetime
    assigned_to_id: uuid.UUID | None


class CaseRead(CaseSummary):
    reports: list[ReportFiled]
    notes: list[CaseNoteRead]
    actions: list[CaseActionRead]


class CaseUpdate(StrictModel):
    """Move a case along or (re)assign it; decisions are actions (POST .../actions)."""

    status: Literal["open", "in_review"] | None = Field(
        default=None, description="'in_review' while someone looks; 'open' reopens a case."
    )
    assigned_to_id: uuid.UUID | None = Field(
        default=None, description="A staff member who may see the case; null unassigns."
    )


class CaseNoteCreate(StrictModel):
    body: NoteText


class CaseActionCreate(StrictModel):
    action: ActionKind
    note: Details | None = Field(default=None, description="Why, for the other staff.")
    group_id: uuid.UUID | None = Field(
        default=None,
        description="remove_from_circle: the circle (the case's own when it has one).",
    )
    match_id: uuid.UUID | None = Field(
        default=None, description="end_match: the reported person's match to end."
    )
    until: AwareInstant | None = Field(
        default=None, description="suspend: when the pause ends (at most a year ahead)."
    )


class QueueFilters(BaseModel):
    status: CaseStatus | None = None
    urgent: bool | None = None
    target_type: TargetType | None = None
    group_id: uuid.UUID | None = None
    assigned_to_me: bool = False
