"""groups: topics, support groups, membership

Also loads the starting topic vocabulary; admins add more through the API.

Revision ID: 0003_groups
Revises: 0002_accounts
Create Date: 2026-11-28 02:31:28.036031+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

STARTING_TOPICS = [
    ("anxiety", "Anxiety"),
    ("depression", "Depression"),
    ("bipolar", "Bipolar disorder"),
    ("grief-and-loss", "Grief and loss"),
    ("trauma-and-ptsd", "Trauma and PTSD"),
    ("substance-use", "Substance use and addiction"),
    ("eating-disorders", "Eating disorders"),
    ("family-and-caregivers", "Family and caregivers"),
    ("lgbtq", "LGBTQ+"),
    ("youth", "Youth"),
    ("veterans", "Veterans"),
    ("general-wellbeing", "General wellbeing"),
]

revision: str = "0003_groups"
down_revision: str | None = "0002_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topic",
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_topic")),
        sa.UniqueConstraint("name", name=op.f("uq_topic_name")),
    )
    op.create_table(
        "support_group",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "in_person",
                "online",
                "hybrid",
                name="groupformat",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("accessibility_notes", sa.Text(), nullable=True),
        sa.Column(
            "visibility",
            sa.Enum(
                "listed",
                "unlisted",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "join_policy",
            sa.Enum(
                "open",
                "approval",
                name="joinpolicy",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("guidelines_version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "paused",
                "archived",
                name="groupstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_support_group_capacity_positive")),
        sa.CheckConstraint(
            "guidelines_version > 0", name=op.f("ck_support_group_guidelines_version_positive")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_support_group_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_group")),
        sa.UniqueConstraint("slug", name=op.f("uq_support_group_slug")),
    )
    with op.batch_alter_table("support_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_group_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_group_status"), ["status"], unique=False)

    op.create_table(
        "group_membership",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "facilitator",
                name="memberrole",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "active",
                "removed",
                "left",
                name="membershipstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("guidelines_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guidelines_version_accepted", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_group_membership_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_group_membership_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_membership")),
        sa.UniqueConstraint(
            "group_id", "user_id", name=op.f("uq_group_membership_group_id_user_id")
        ),
    )
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_membership_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_membership_user_id_status"), ["user_id", "status"], unique=False
        )

    op.create_table(
        "group_topic",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("topic_slug", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_group_topic_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_slug"],
            ["topic.slug"],
            name=op.f("fk_group_topic_topic_slug_topic"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("group_id", "topic_slug", name=op.f("pk_group_topic")),
    )
    with op.batch_alter_table("group_topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_topic_topic_slug"), ["topic_slug"], unique=False)

    topic = sa.table(
        "topic",
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        topic, [{"slug": slug, "name": name, "created_at": now} for slug, name in STARTING_TOPICS]
    )


def downgrade() -> None:
    with op.batch_alter_table("group_topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_topic_topic_slug"))

    op.drop_table("group_topic")
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_membership_user_id_status"))
        batch_op.drop_index(batch_op.f("ix_group_membership_group_id"))

    op.drop_table("group_membership")
    with op.batch_alter_table("support_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_group_status"))
        batch_op.drop_index(batch_op.f("ix_support_group_language"))

    op.drop_table("support_group")
    op.drop_table("topic")
