"""initial: the baseline every later migration builds on

The foundation has no tables of its own yet; each domain adds its tables in its own revision.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28 02:00:00+00:00
"""

from collections.abc import Sequence

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
