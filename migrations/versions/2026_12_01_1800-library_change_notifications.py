"""library changes: PostgreSQL notifies the API processes when what library searches show changes

Anonymous library searches are kept like the directory's answers (backend/core/public_cache.py),
so the tables they read notify the same channel: resources, their topics, and the topics'
names (which the directory shows too, and 0011 missed). SQLite needs nothing: the cache asks
it for PRAGMA data_version.

Revision ID: 0012_library_notify
Revises: 0011_directory_notify
Create Date: 2026-12-01 18:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_library_notify"
down_revision: str | None = "0011_directory_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The function circles_directory_changed() of 0011 sends the notification.
TABLES = ["resource", "resource_topic", "topic"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_directory_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION circles_directory_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_directory_changed ON {table}")
