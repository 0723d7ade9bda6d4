"""The resource library: governed psychoeducation, services and hotlines, and bookmarks."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum, utcnow


class ResourceType(StrEnum):
    article = "article"
    worksheet = "worksheet"
    video = "video"
    hotline = "hotline"
    service = "service"
    story = "story"


class ResourceStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class Resource(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "resource"
    __table_args__ = (Index(None, "status", "published_at"),)

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    body_markdown: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    type: Mapped[ResourceType] = mapped_column(string_enum(ResourceType), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    audience: Mapped[str | None] = mapped_column(String(100))
    reading_minutes: Mapped[int] = mapped_column(default=1)
    content_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[ResourceStatus] = mapped_column(
        string_enum(ResourceStatus), default=ResourceStatus.draft
    )
    published_at: Mapped[datetime | None]
    # Governance: who wrote it, which clinician reviewed it and when it is due again.
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewer_name: Mapped[str | None] = mapped_column(String(100))
    reviewed_on: Mapped[date | None]
    review_due_on: Mapped[date | None] = mapped_column(index=True)
    # Contact details of service and hotline resources (exported to Open Referral HSDS).
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_website: Mapped[str | None] = mapped_column(String(500))
    contact_address: Mapped[str | None] = mapped_column(String(300))
    contact_hours: Mapped[str | None] = mapped_column(String(200))
    organization_name: Mapped[str | None] = mapped_column(String(200))
    # Who a story is by, as readers see it: the author's pseudonym or "Anonymous".
    byline: Mapped[str | None] = mapped_column(String(60))


class ResourceTopic(Base):
    __tablename__ = "resource_topic"

    resource_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    topic_slug: Mapped[str] = mapped_column(
        ForeignKey("topic.slug", ondelete="RESTRICT", onupdate="CASCADE"),
        primary_key=True,
        index=True,
    )


class Bookmark(Base):
    __tablename__ = "bookmark"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoryStatus(StrEnum):
    submitted = "submitted"
    returned = "returned"
    published = "published"
    withdrawn = "withdrawn"


class Story(UUIDPrimaryKey, Timestamps, Base):
    """A member's recovery story: reviewed before it is published as a ``story`` resource."""

    __tablename__ = "story"

    author_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    anonymous: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(20), default="en")
    status: Mapped[StoryStatus] = mapped_column(
        string_enum(StoryStatus), default=StoryStatus.submitted, index=True
    )
    # What the reviewer asked the author to change; seen by the author and reviewers only.
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    resource_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resource.id", ondelete="SET NULL")
    )
