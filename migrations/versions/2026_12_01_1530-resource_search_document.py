"""resource search: a stored, weighted search document on PostgreSQL

Ranking recomputed each resource's tsvector (to_tsvector of its whole body) for every match:
a word found in most of a 10,000-resource library took 1.4 s a query. The document is now a
generated column, computed when a resource is written, with the GIN index on it. SQLite's FTS5
table keeps its own index and is unchanged.

Revision ID: 0010_search_document
Revises: 0009_email_confirmation
Create Date: 2026-12-01 15:30:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_search_document"
down_revision: str | None = "0009_email_confirmation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The expression of backend/library/search.py at this revision (title A, summary B, body C).
DOCUMENT_SQL = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body_markdown, '')), 'C')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE resource ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT_SQL}) STORED"
    )
    op.execute("DROP INDEX ix_resource_search")
    op.execute("CREATE INDEX ix_resource_search ON resource USING gin (search_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_resource_search")
    op.execute(f"CREATE INDEX ix_resource_search ON resource USING gin (({DOCUMENT_SQL}))")
    op.execute("ALTER TABLE resource DROP COLUMN search_document")
