"""sessions: schedules, sessions, RSVPs, attendance, calendar feeds

Revision ID: 0007_sessions
Revises: 0006_idempotency
Create Date: 2026-11-28 04:23:09.669663+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sessions"
down_revision: str | None = "0006_idempotency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_feed_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_user_id")),
    )
    op.create_table(
        "schedule",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("rrule", sa.String(length=300), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("generated_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity >= 1", name=op.f("ck_schedule_capacity_positive")
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 720", name=op.f("ck_schedule_duration_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_schedule_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_schedule_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule")),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_session",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("occurrence_key", sa.String(length=19), nullable=True),
        sa.Column("is_exception", sa.Boolean(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("local_weekday", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "cancelled",
                name="sessionstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cancel_reason", sa.String(length=300), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_group_session_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_group_session_ends_after_start")),
        sa.CheckConstraint(
            "local_weekday BETWEEN 0 AND 6", name=op.f("ck_group_session_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_group_session_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedule.id"],
            name=op.f("fk_group_session_schedule_id_schedule"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_session")),
        sa.UniqueConstraint(
            "schedule_id",
            "occurrence_key",
            name=op.f("uq_group_session_schedule_id_occurrence_key"),
        ),
    )
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_session_group_starts", ["group_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_session_schedule_id"), ["schedule_id"], unique=False
        )

    op.create_table(
        "attendance_record",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "late",
                "excused",
                "absent",
                name="attendancestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "recorded_via",
            sa.Enum(
                "self_check_in",
                "facilitator",
                "integrator",
                name="recordedvia",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_client_id"],
            ["service_client.id"],
            name=op.f("fk_attendance_record_recorded_by_client_id_service_client"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_attendance_record_recorded_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_attendance_record_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_attendance_record_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_record")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_attendance_record_session_id_user_id")
        ),
    )
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_record_user_id"), ["user_id"], unique=False)

    op.create_table(
        "rsvp",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "going",
                "waitlisted",
                "not_going",
                name="rsvpstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_rsvp_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_rsvp_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvp")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_rsvp_session_id_user_id")),
    )
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rsvp_session_status_requested",
            ["session_id", "status", "requested_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_rsvp_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rsvp_user_id"))
        batch_op.drop_index("ix_rsvp_session_status_requested")

    op.drop_table("rsvp")
    with op.batch_alter_table("attendance_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_record_user_id"))

    op.drop_table("attendance_record")
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_session_schedule_id"))
        batch_op.drop_index("ix_group_session_group_starts")

    op.drop_table("group_session")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_group_id"))

    op.drop_table("schedule")
    op.drop_table("calendar_feed")
