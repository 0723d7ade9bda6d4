"""directory changes: PostgreSQL notifies the API processes when what the directory shows changes

Triggers on the tables the public directory reads send NOTIFY directory_changed (delivered when
the writing transaction commits, once per transaction); each API process listens and stops
serving the anonymous directory answers it keeps (backend/core/public_cache.py). SQLite needs
nothing: the cache asks it for PRAGMA data_version.

Revision ID: 0011_directory_notify
Revises: 0010_search_document
Create Date: 2026-12-01 16:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_directory_notify"
down_revision: str | None = "0010_search_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the directory shows comes from these (groups, their topics and seats, schedules, the next
# meeting and the people going to it).
TABLES = ["support_group", "group_topic", "group_membership", "schedule", "group_session", "rsvp"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION circles_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('directory_changed', ''); RETURN NULL; END $$"
    )
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
    op.execute("DROP FUNCTION circles_directory_changed()")
