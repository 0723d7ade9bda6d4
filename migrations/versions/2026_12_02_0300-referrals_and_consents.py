"""referrals: a person referred to a circle, and what they agree to share (referral,
referral_consent)

A counseling service (or a staff member) refers a person by email; the person answers through
a link whose secret is kept only as a digest (the address too: a keyed digest, for "already
referred"), and agrees, part by part, to what the referrer may learn. Each consent keeps the
words it was given in and their version.

Revision ID: 0019_referrals
Revises: 0018_webhooks
Create Date: 2026-12-02 03:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_referrals"
down_revision: str | None = "0018_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("referrer_client_id", sa.Uuid(), nullable=True),
        sa.Column("referrer_user_id", sa.Uuid(), nullable=True),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("invitation_email_id", sa.Uuid(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("asks_outcome", sa.Boolean(), nullable=False),
        sa.Column("asks_attendance", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "sent",
                "opened",
                "joined",
                "declined",
                "expired",
                name="referralstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expiry_noted", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_shared", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_referral_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_email_id"],
            ["outbox_message.id"],
            name=op.f("fk_referral_invitation_email_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_client_id"],
            ["service_client.id"],
            name=op.f("fk_referral_referrer_client_id_service_client"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_user_id"],
            ["user_account.id"],
            name=op.f("fk_referral_referrer_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_referral_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_referral_token_hash")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_expiry_noted_expires_at"),
            ["expiry_noted", "expires_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_referral_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_referrer_client_id"), ["referrer_client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_referrer_user_id"), ["referrer_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_user_id"), ["user_id"], unique=False)

    op.create_table(
        "referral_consent",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "part",
            sa.Enum(
                "outcome",
                "attendance",
                name="consentpart",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("wording_version", sa.String(length=20), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_consent_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_referral_consent_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_consent")),
    )
    with op.batch_alter_table("referral_consent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_consent_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_consent_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    # Referrals and their consents go; memberships made through them stay as they are.
    with op.batch_alter_table("referral_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_consent_user_id"))
        batch_op.drop_index(batch_op.f("ix_referral_consent_referral_id"))

    op.drop_table("referral_consent")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_user_id"))
        batch_op.drop_index(batch_op.f("ix_referral_referrer_user_id"))
        batch_op.drop_index(batch_op.f("ix_referral_referrer_client_id"))
        batch_op.drop_index(batch_op.f("ix_referral_group_id"))
        batch_op.drop_index(batch_op.f("ix_referral_expiry_noted_expires_at"))

    op.drop_table("referral")
