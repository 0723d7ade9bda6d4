"""Request and response shapes of the resource library."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, Field, StringConstraints

from backend.core.vocabulary import Day, LanguageCode, StrictModel, TopicSlug
from backend.library.models import ResourceStatus, ResourceType, StoryStatus

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
ContentNote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class Contact(StrictModel):
    """How to reach a service or hotline; exported to Open Referral HSDS."""

    organization: Line | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    website: AnyHttpUrl | None = None
    address: Line | None = None
    hours: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class Governance(StrictModel):
    reviewer_name: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        default=None, description="The clinician who reviewed the content."
    )
    reviewed_on: Day | None = None
    review_due_on: Day | None = None


class ResourceCreate(StrictModel):
    title: Title
    summary: Summary
    body_markdown: Body
    type: ResourceType
    topics: list[TopicSlug] = Field(min_length=1, max_length=8)
    language: LanguageCode = "en"
    audience: Annotated[str, StringConstraints(max_length=100)] | None = None
    url: AnyHttpUrl | None = None
    contact: Contact | None = None
    content_notes: list[ContentNote] = Field(default_factory=list, max_length=10)
    governance: Governance | None = None


class ResourceUpdate(StrictModel):
    title: Title | None = None
    summary: Summary | None = None
    body_markdown: Body | None = None
    type: ResourceType | None = None
    topics: list[TopicSlug] | None = Field(default=None, min_length=1, max_length=8)
    language: LanguageCode | None = None
    audience: Annotated[str, StringConstraints(max_length=100)] | None = None
    url: AnyHttpUrl | None = None
    contact: Contact | None = None
    content_notes: list[ContentNote] | None = Field(default=None, max_length=10)
    governance: Governance | None = None
    status: ResourceStatus | None = Field(
        default=None, description="draft -> published -> archived (or back to draft)."
    )


class ResourcePreviewRequest(StrictModel):
    body_markdown: Body


class ResourcePreview(BaseModel):
    body_html: str = Field(description="The body as publishing renders it: sanitised HTML.")
    reading_minutes: int


class ResourceSummary(BaseModel):
    id: uuid.UUID
    title: str
    summary: str
    type: ResourceType
    topics: list[str]
    language: str
    audience: str | None
    reading_minutes: int
    content_notes: list[str]
    url: str | None
    byline: str | None = Field(description="For stories: the author's pseudonym or Anonymous.")
    status: ResourceStatus
    published_at: datetime | None


class ResourceDue(ResourceSummary):
    review_due_on: date = Field(description="The day its clinical review was due.")


class ResourceRead(ResourceSummary):
    body_markdown: str
    body_html: str = Field(description="The body rendered to sanitised HTML.")
    contact: Contact | None
    governance: Governance
    updated_at: datetime


class BookmarkRead(BaseModel):
    resource: ResourceSummary
    saved_at: datetime


class StoryCreate(StrictModel):
    title: Title
    body_markdown: Annotated[str, StringConstraints(min_length=50, max_length=20_000)]
    topics: list[TopicSlug] = Field(min_length=1, max_length=5)
    anonymous: bool = Field(
        default=False, description="Published as 'Anonymous' instead of your display name."
    )
    language: LanguageCode = "en"


class StoryUpdate(StrictModel):
    title: Title | None = None
    body_markdown: Annotated[str, StringConstraints(min_length=50, max_length=20_000)] | None = None
    topics: list[TopicSlug] | None = Field(default=None, min_length=1, max_length=5)
    anonymous: bool | None = None


class StoryReview(StrictModel):
    decision: Literal["approve", "return"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="Required when returning: what to change, kindly."
    )


class StoryRead(BaseModel):
    id: uuid.UUID
    title: str
    body_markdown: str
    topics: list[str]
    anonymous: bool
    language: str
    status: StoryStatus
    review_note: str | None
    resource_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
