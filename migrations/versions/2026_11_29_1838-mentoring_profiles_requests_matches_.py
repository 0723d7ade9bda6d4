"""mentoring: profiles, requests, matches, check-ins, feedback, blocks

Revision ID: 0008_mentoring
Revises: 0007_sessions
Create Date: 2026-11-29 18:38:06.125714+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_mentoring"
down_revision: str | None = "0007_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matching_run",
        sa.Column("run_by_id", sa.Uuid(), nullable=True),
        sa.Column("open_requests", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("total_score", sa.Double(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_by_id"],
            ["user_account.id"],
            name=op.f("fk_matching_run_run_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_run")),
    )
    op.create_table(
        "member_block",
        sa.Column("blocker_id", sa.Uuid(), nullable=False),
        sa.Column("blocked_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["user_account.id"],
            name=op.f("fk_member_block_blocked_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["user_account.id"],
            name=op.f("fk_member_block_blocker_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_member_block")),
    )
    with op.batch_alter_table("member_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_block_blocked_id"), ["blocked_id"], unique=False
        )

    op.create_table(
        "mentee_request",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("preferred_mentor_gender", sa.String(length=40), nullable=True),
        sa.Column("min_years_in_recovery", sa.Double(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "min_years_in_recovery IS NULL OR "
            "(min_years_in_recovery >= 0 AND min_years_in_recovery <= 80)",
            name=op.f("ck_mentee_request_min_years_range"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_mentee_request_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentee_request")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mentee_request_user_id")),
    )
    op.create_table(
        "mentor_profile",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("experience_areas", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("years_in_recovery", sa.Double(), nullable=True),
        sa.Column("gender", sa.String(length=40), nullable=True),
        sa.Column("bio", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="mentorstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity BETWEEN 1 AND 10", name=op.f("ck_mentor_profile_capacity_range")
        ),
        sa.CheckConstraint(
            "years_in_recovery IS NULL OR (years_in_recovery >= 0 AND years_in_recovery <= 80)",
            name=op.f("ck_mentor_profile_years_range"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_mentor_profile_reviewed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_mentor_profile_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_profile")),
        sa.UniqueConstraint("user_id", name=op.f("uq_mentor_profile_user_id")),
    )
    with op.batch_alter_table("mentor_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_profile_status"), ["status"], unique=False)

    op.create_table(
        "mentor_match",
        sa.Column("mentor_id", sa.Uuid(), nullable=False),
        sa.Column("mentee_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "active",
                "ended",
                "declined",
                "withdrawn",
                name="matchstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("proposed_by_id", sa.Uuid(), nullable=True),
        sa.Column("matching_run_id", sa.Uuid(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Uuid(), nullable=True),
        sa.Column("close_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mentor_id <> mentee_id", name=op.f("ck_mentor_match_not_self")),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_mentor_match_ended_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["matching_run_id"],
            ["matching_run.id"],
            name=op.f("fk_mentor_match_matching_run_id_matching_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"], ["user_account.id"], name=op.f("fk_mentor_match_mentee_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["user_account.id"], name=op.f("fk_mentor_match_mentor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_mentor_match_proposed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_match")),
    )
    with op.batch_alter_table("mentor_match", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentor_match_mentor_status", ["mentor_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_mentor_match_mentee_status", ["mentee_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_mentor_match_open_mentee",
            ["mentee_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('proposed', 'active')"),
            postgresql_where=sa.text("status IN ('proposed', 'active')"),
        )

    op.create_table(
        "match_feedback",
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_match_feedback_rating_range")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_match_feedback_author_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mentor_match.id"],
            name=op.f("fk_match_feedback_match_id_mentor_match"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
        sa.UniqueConstraint(
            "match_id", "author_id", name=op.f("uq_match_feedback_match_id_author_id")
        ),
    )
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_feedback_author_id"), ["author_id"], unique=False
        )

    op.create_table(
        "mentoring_check_in",
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 600", name=op.f("ck_mentoring_check_in_duration_range")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_mentoring_check_in_author_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["mentor_match.id"],
            name=op.f("fk_mentoring_check_in_match_id_mentor_match"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_check_in")),
    )
    with op.batch_alter_table("mentoring_check_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_check_in_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_mentoring_check_in_match_met", ["match_id", "met_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mentoring_check_in", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_check_in_match_met")
        batch_op.drop_index(batch_op.f("ix_mentoring_check_in_author_id"))

    op.drop_table("mentoring_check_in")
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_feedback_author_id"))

    op.drop_table("match_feedback")
    with op.batch_alter_table("mentor_match", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_mentor_match_open_mentee",
            sqlite_where=sa.text("status IN ('proposed', 'active')"),
            postgresql_where=sa.text("status IN ('proposed', 'active')"),
        )
        batch_op.drop_index("ix_mentor_match_mentee_status")
        batch_op.drop_index("ix_mentor_match_mentor_status")

    op.drop_table("mentor_match")
    with op.batch_alter_table("mentor_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_profile_status"))

    op.drop_table("mentor_profile")
    op.drop_table("mentee_request")
    with op.batch_alter_table("member_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_block_blocked_id"))

    op.drop_table("member_block")
    op.drop_table("matching_run")
