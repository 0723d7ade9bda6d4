"""email confirmation: accounts confirm their address before signing in

Revision ID: 0009_email_confirmation
Revises: 0008_mentoring
Create Date: 2026-12-01 09:10:31.580941+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_email_confirmation"
down_revision: str | None = "0008_mentoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_confirmation_token",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_email_confirmation_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_confirmation_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_confirmation_token_token_hash")),
    )
    with op.batch_alter_table("email_confirmation_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_confirmation_token_user_id"), ["user_id"], unique=False
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Everyone who has an account today keeps signing in: their accounts count as confirmed
    # from when they were made.
    user_account = sa.table(
        "user_account",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("email_confirmed_at", sa.DateTime(timezone=True)),
    )
    op.execute(user_account.update().values(email_confirmed_at=user_account.c.created_at))


def downgrade() -> None:
    # This forgets which accounts were never confirmed: the code before it lets every account
    # sign in.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")

    with op.batch_alter_table("email_confirmation_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_confirmation_token_user_id"))

    op.drop_table("email_confirmation_token")
