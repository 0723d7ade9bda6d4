"""Moderation: what members report, and what staff decide about it.

A *case* is one thing reported (a member, a story, a resource or a circle), in one circle when
the report came from one; every *report* filed about it while it is open folds into it, the
same person's repeats included. Staff move the case along (open, in review), assign it, write
notes for each other, and close it with *actions* (dismiss, or a decision carried out by the
domain that owns the thing: groups remove, mentoring ends a match, the library unpublishes,
accounts suspend or close).

Everything here is written about someone by someone else, so it is for staff only; the person
a case is about never learns who reported them, and reporters hear the outcome in general words.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum


class TargetType(StrEnum):
    member = "member"
    story = "story"
    resource = "resource"
    circle = "circle"


class Reason(StrEnum):
    """The short list a reporter picks from (the API's ``reason``)."""

    someone_at_risk = "someone_at_risk"  # someone may hurt themselves: urgent
    threat = "threat"  # a threat to hurt someone: urgent
    harassment = "harassment"
    hate = "hate"
    sexual_content = "sexual_content"
    private_information = "private_information"  # sharing someone's private details
    harmful_advice = "harmful_advice"
    spam = "spam"
    other = "other"


URGENT_REASONS = frozenset({Reason.someone_at_risk, Reason.threat})


class CaseStatus(StrEnum):
    open = "open"
    in_review = "in_review"
    actioned = "actioned"
    dismissed = "dismissed"


OPEN_STATUSES = (CaseStatus.open, CaseStatus.in_review)


class ActionKind(StrEnum):
    dismiss = "dismiss"
    warn = "warn"
    remove_from_circle = "remove_from_circle"
    end_match = "end_match"
    unpublish = "unpublish"
    suspend = "suspend"
    close_account = "close_account"


class ModerationCase(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "moderation_case"
    __table_args__ = (Index(None, "status", "priority", "last_reported_at"),)

    target_type: Mapped[TargetType] = mapped_column(string_enum(TargetType))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # The circle the reports came from (member reports made from a circle, or the circle
    # reported): its facilitators see the case.
    group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("support_group.id", ondelete="SET NULL"), index=True
    )
    # The person the case is about (the member reported, a story's author), never shown the
    # case; None for staff-written resources and circles.
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CaseStatus] = mapped_column(string_enum(CaseStatus), default=CaseStatus.open)
    # 1 when any report spoke of immediate danger: the top of the queue.
    priority: Mapped[int] = mapped_column(default=0)
    # Set while the case is open (target and circle), cleared when it closes: at most one open
    # case per thing reported, even when two people report it at the same moment.
    open_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    last_reported_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ModerationReport(UUIDPrimaryKey, Timestamps, Base):
    """One report filed: who, why, what they said."""

    __tablename__ = "moderation_report"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[Reason] = mapped_column(string_enum(Reason))
    details: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)


class ModerationNote(UUIDPrimaryKey, Timestamps, Base):
    """What staff write to each other about a case; never shown to members."""

    __tablename__ = "moderation_note"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)


class ModerationAction(UUIDPrimaryKey, Timestamps, Base):
    """A decision on a case, as it was carried out."""

    __tablename__ = "moderation_action"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActionKind] = mapped_column(string_enum(ActionKind))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # What the action was applied to, when more than the case says: the circle a member was
    # removed from, the match ended, how long a suspension lasts.
    group_id: Mapped[uuid.UUID | None]
    match_id: Mapped[uuid.UUID | None]
    until: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


def open_key(target_type: TargetType, target_id: uuid.UUID, group_id: uuid.UUID | None) -> str:
    """``ModerationCase.open_key`` of the open case about a target in a circle."""
    return f"{target_type.value}:{target_id}:{group_id or '-'}"
