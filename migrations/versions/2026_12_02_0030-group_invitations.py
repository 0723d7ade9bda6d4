"""groups: invitations into a circle (group_invitation)

A facilitator's invitation link: whoever opens it may join the circle until it expires, is
used up or is revoked. Only a digest of the link's secret is kept.

Revision ID: 0017_group_invitations
Revises: 0016_match_closed_because
Create Date: 2026-12-02 00:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_group_invitations"
down_revision: str | None = "0016_match_closed_because"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_invitation",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_uses > 0", name=op.f("ck_group_invitation_max_uses_positive")),
        sa.CheckConstraint(
            "uses >= 0 AND uses <= max_uses", name=op.f("ck_group_invitation_uses_within_limit")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_group_invitation_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["support_group.id"],
            name=op.f("fk_group_invitation_group_id_support_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_group_invitation_token_hash")),
    )
    with op.batch_alter_table("group_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_invitation_group_id"), ["group_id"], unique=False
        )


def downgrade() -> None:
    # The links stop working; memberships made through them stay as they are.
    with op.batch_alter_table("group_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_invitation_group_id"))
    op.drop_table("group_invitation")
