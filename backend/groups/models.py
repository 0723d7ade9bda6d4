"""Support groups ("circles"), their topics, and who belongs to them."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum


class GroupFormat(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class Visibility(StrEnum):
    listed = "listed"
    unlisted = "unlisted"


class JoinPolicy(StrEnum):
    open = "open"
    approval = "approval"


class GroupStatus(StrEnum):
    active = "active"
    paused = "paused"
    archived = "archived"


class MemberRole(StrEnum):
    member = "member"
    facilitator = "facilitator"


class MembershipStatus(StrEnum):
    pending = "pending"
    active = "active"
    removed = "removed"
    left = "left"


class SupportGroup(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "support_group"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("guidelines_version > 0", name="guidelines_version_positive"),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    format: Mapped[GroupFormat] = mapped_column(string_enum(GroupFormat))
    language: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Shown to active members only.
    online_url: Mapped[str | None] = mapped_column(String(500))
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(string_enum(Visibility))
    join_policy: Mapped[JoinPolicy] = mapped_column(string_enum(JoinPolicy))
    capacity: Mapped[int]
    guidelines: Mapped[str] = mapped_column(Text)
    # Bumped whenever the guidelines text changes; joins record the version accepted.
    guidelines_version: Mapped[int] = mapped_column(default=1)
    status: Mapped[GroupStatus] = mapped_column(
        string_enum(GroupStatus), default=GroupStatus.active, index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    archived_at: Mapped[datetime | None]


class GroupTopic(Base):
    __tablename__ = "group_topic"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_group.id", ondelete="CASCADE"), primary_key=True
    )
    topic_slug: Mapped[str] = mapped_column(
        ForeignKey("topic.slug", ondelete="RESTRICT", onupdate="CASCADE"),
        primary_key=True,
        index=True,
    )


class GroupMembership(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "group_membership"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        Index(None, "user_id", "status"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_group.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole), default=MemberRole.member)
    status: Mapped[MembershipStatus] = mapped_column(string_enum(MembershipStatus))
    guidelines_accepted_at: Mapped[datetime | None]
    guidelines_version_accepted: Mapped[int | None]
    joined_at: Mapped[datetime | None]
    # Kept after removal so a removed member cannot slip back in through an open group.
    removed_at: Mapped[datetime | None]


class GroupInvitation(UUIDPrimaryKey, Timestamps, Base):
    """A link a facilitator hands out: whoever opens it may join the circle (unlisted or
    approval circles included) until it expires, is used up, or is revoked. The secret of the
    link is kept only as a digest."""

    __tablename__ = "group_invitation"
    __table_args__ = (
        CheckConstraint("max_uses > 0", name="max_uses_positive"),
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses_within_limit"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_group.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None]
