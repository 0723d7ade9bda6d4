"""notifications: the notification centre, preferences, web push, and email that retries
(notification, notification_settings, push_subscription, push_message; outbox_message gains
its kind, one-click unsubscribe address, calendar attachment, and retry bookkeeping)

A notification's (user_id, dedupe_key) is unique: a reminder is sent once however many
workers try. Email that already used up its attempts before this change is marked failed,
as the new delivery code marks it, rather than tried once more.

Revision ID: 0020_notifications
Revises: 0019_referrals
Create Date: 2026-12-02 07:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_notifications"
down_revision: str | None = "0019_referrals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reminders",
                "changes",
                "mentoring",
                "moderation",
                "digests",
                "security",
                name="notificationkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint(
            "user_id", "dedupe_key", name=op.f("uq_notification_user_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_user_id_created_at"),
            ["user_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("remind_day_before", sa.Boolean(), nullable=False),
        sa.Column("remind_hour_before", sa.Boolean(), nullable=False),
        sa.Column("quiet_hours_start", sa.Time(), nullable=True),
        sa.Column("quiet_hours_end", sa.Time(), nullable=True),
        sa.Column("name_circles", sa.Boolean(), nullable=False),
        sa.Column("switched_off", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_settings_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "push_subscription",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_push_subscription_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscription_endpoint")),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscription_user_id"), ["user_id"], unique=False)

    op.create_table(
        "push_message",
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["push_subscription.id"],
            name=op.f("fk_push_message_subscription_id_push_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_message")),
    )
    with op.batch_alter_table("push_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_message_sent_at_claimed_at"),
            ["sent_at", "claimed_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_push_message_subscription_id"), ["subscription_id"], unique=False
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "reminders",
                    "changes",
                    "mentoring",
                    "moderation",
                    "digests",
                    "security",
                    name="notificationkind",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("calendar", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))

    outbox = sa.table(
        "outbox_message",
        sa.column("sent_at", sa.DateTime(timezone=True)),
        sa.column("attempts", sa.Integer()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("failed_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= 8)
        .values(failed_at=outbox.c.updated_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("calendar")
        batch_op.drop_column("unsubscribe_url")
        # The CHECK on the kind's values goes first: SQLite's batch copy would keep it.
        batch_op.drop_constraint(batch_op.f("ck_outbox_message_notificationkind"), type_="check")
        batch_op.drop_column("kind")

    with op.batch_alter_table("push_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_message_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_push_message_sent_at_claimed_at"))

    op.drop_table("push_message")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_user_id"))

    op.drop_table("push_subscription")
    op.drop_table("notification_settings")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id_created_at"))

    op.drop_table("notification")
