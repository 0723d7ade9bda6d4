"""Mentor profiles, mentee requests, matches with their check-ins and feedback, member blocks.

Topic slugs, languages and weekly availability are stored as JSON lists: they are read whole,
scored in memory by ``matching.py``, and never queried row by row. Availability slots are in
the owner's own time zone (their account's), so moving house moves nothing by hand.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum


class MentorStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class MatchStatus(StrEnum):
    proposed = "proposed"  # waiting for the mentor
    active = "active"  # accepted: the pair meets
    ended = "ended"  # either side (or an admin) ended it
    declined = "declined"  # the mentor said no
    withdrawn = "withdrawn"  # the mentee (or an admin) took the proposal back


class CloseCause(StrEnum):
    """Why a match closed, in a word admins may see: never the pair's own words (those are
    ``close_reason``, for the pair alone). Set at every close; null while a match is open."""

    ended_by_pair = "ended_by_pair"  # one of the two ended it
    ended_by_admin = "ended_by_admin"  # an admin ended it, outside a moderation case
    declined = "declined"  # the mentor said no
    withdrawn = "withdrawn"  # the mentee (or an admin) took it back, or stopped looking
    lapsed = "lapsed"  # the mentor never answered
    blocked = "blocked"  # one of the two blocked the other: never shown to either
    moderation = "moderation"  # ended by a moderation action
    account_closed = "account_closed"  # one of the two accounts was deactivated or erased
    mentor_rejected = "mentor_rejected"  # the mentor's offer was turned down while it waited


# A pair that has been through one of these is never proposed again.
CLOSED_PAIR_STATUSES = (MatchStatus.ended, MatchStatus.declined, MatchStatus.withdrawn)
# These hold one of the mentor's seats, and a mentee has at most one of them at a time.
OPEN_MATCH_STATUSES = (MatchStatus.proposed, MatchStatus.active)


class MentorProfile(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "mentor_profile"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 10", name="capacity_range"),
        CheckConstraint(
            "years_in_recovery IS NULL OR (years_in_recovery >= 0 AND years_in_recovery <= 80)",
            name="years_range",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    experience_areas: Mapped[list[str]] = mapped_column(JSON)  # topic slugs
    languages: Mapped[list[str]] = mapped_column(JSON)
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{weekday, start, end}]
    capacity: Mapped[int]
    years_in_recovery: Mapped[float | None]
    gender: Mapped[str | None] = mapped_column(String(40))
    bio: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[MentorStatus] = mapped_column(
        string_enum(MentorStatus), default=MentorStatus.pending, index=True
    )
    # Paused mentors keep their mentees and take no new ones.
    paused: Mapped[bool] = mapped_column(default=False)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(String(500))


class MenteeRequest(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "mentee_request"
    __table_args__ = (
        CheckConstraint(
            "min_years_in_recovery IS NULL OR "
            "(min_years_in_recovery >= 0 AND min_years_in_recovery <= 80)",
            name="min_years_range",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    needs: Mapped[list[str]] = mapped_column(JSON)  # topic slugs
    languages: Mapped[list[str]] = mapped_column(JSON)
    availability: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    preferred_mentor_gender: Mapped[str | None] = mapped_column(String(40))
    min_years_in_recovery: Mapped[float | None]


class MatchingRun(UUIDPrimaryKey, Timestamps, Base):
    """A saved batch run: which admin ran it and what it proposed (dry runs are not saved)."""

    __tablename__ = "matching_run"

    run_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    open_requests: Mapped[int]
    proposed: Mapped[int]
    unmatched: Mapped[int]
    total_score: Mapped[float]


class MentorMatch(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "mentor_match"
    __table_args__ = (
        CheckConstraint("mentor_id <> mentee_id", name="not_self"),
        # One open match per mentee, held by the database under any number of writers.
        Index(
            "uq_mentor_match_open_mentee",
            "mentee_id",
            unique=True,
            sqlite_where=text("status IN ('proposed', 'active')"),
            postgresql_where=text("status IN ('proposed', 'active')"),
        ),
        Index("ix_mentor_match_mentor_status", "mentor_id", "status"),
        Index("ix_mentor_match_mentee_status", "mentee_id", "status"),
    )

    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[MatchStatus] = mapped_column(
        string_enum(MatchStatus), default=MatchStatus.proposed
    )
    # What the suggestion said when it was made: the pair can see why they were matched.
    score: Mapped[float | None]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    matching_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("matching_run.id", ondelete="SET NULL")
    )
    responded_at: Mapped[datetime | None]  # accepted, declined or withdrawn
    ended_at: Mapped[datetime | None]
    # Who ended, declined or withdrew it (None when the system did, e.g. a rejected mentor).
    ended_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Shown to the pair only: a decline or end reason is between them.
    close_reason: Mapped[str | None] = mapped_column(String(500))
    # Why it closed, for admins only (the pair sees only the status: a block is never told).
    closed_because: Mapped[CloseCause | None] = mapped_column(string_enum(CloseCause))


class MentoringCheckIn(UUIDPrimaryKey, Timestamps, Base):
    """A meeting of the pair; its notes are for the pair alone (not even admins read them)."""

    __tablename__ = "mentoring_check_in"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 600", name="duration_range"),
        Index("ix_mentoring_check_in_match_met", "match_id", "met_on"),
    )

    match_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mentor_match.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    met_on: Mapped[date]
    duration_minutes: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")


class MatchFeedback(UUIDPrimaryKey, Timestamps, Base):
    """One side's view of a finished match; admins see ratings only in aggregate."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        UniqueConstraint("match_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    match_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mentor_match.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Which side wrote it, so the summary can tell mentors' and mentees' views apart.
    side: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(String(2000))
