"""library: resources, topics, bookmarks, full-text search

Search lives beside the models: on SQLite an FTS5 table over resource kept in step by
triggers; on PostgreSQL a GIN index on the weighted document backend/library/search.py queries
(the expression below must stay identical to POSTGRES_DOCUMENT_SQL there). A later migration
that rebuilds the resource table on SQLite must recreate the triggers and run
INSERT INTO resource_fts(resource_fts) VALUES ('rebuild').

Revision ID: 0004_library
Revises: 0003_groups
Create Date: 2026-11-28 02:52:33.139740+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

POSTGRES_DOCUMENT_SQL = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body_markdown, '')), 'C')"
)
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE resource_fts USING fts5("
    "title, summary, body_markdown, content='resource', tokenize='porter unicode61')",
    "CREATE TRIGGER resource_fts_after_insert AFTER INSERT ON resource BEGIN "
    "INSERT INTO resource_fts(rowid, title, summary, body_markdown) "
    "VALUES (new.rowid, new.title, new.summary, new.body_markdown); END",
    "CREATE TRIGGER resource_fts_after_delete AFTER DELETE ON resource BEGIN "
    "INSERT INTO resource_fts(resource_fts, rowid, title, summary, body_markdown) "
    "VALUES ('delete', old.rowid, old.title, old.summary, old.body_markdown); END",
    "CREATE TRIGGER resource_fts_after_update AFTER UPDATE ON resource BEGIN "
    "INSERT INTO resource_fts(resource_fts, rowid, title, summary, body_markdown) "
    "VALUES ('delete', old.rowid, old.title, old.summary, old.body_markdown); "
    "INSERT INTO resource_fts(rowid, title, summary, body_markdown) "
    "VALUES (new.rowid, new.title, new.summary, new.body_markdown); END",
]

revision: str = "0004_library"
down_revision: str | None = "0003_groups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column(
            "type",
            sa.Enum(
                "article",
                "worksheet",
                "video",
                "hotline",
                "service",
                "story",
                name="resourcetype",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("audience", sa.String(length=100), nullable=True),
        sa.Column("reading_minutes", sa.Integer(), nullable=False),
        sa.Column("content_notes", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "archived",
                name="resourcestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=100), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_website", sa.String(length=500), nullable=True),
        sa.Column("contact_address", sa.String(length=300), nullable=True),
        sa.Column("contact_hours", sa.String(length=200), nullable=True),
        sa.Column("organization_name", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_resource_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_language"), ["language"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resource_review_due_on"), ["review_due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_resource_status_published_at"), ["status", "published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_resource_type"), ["type"], unique=False)

    op.create_table(
        "bookmark",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_bookmark_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_bookmark_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "resource_id", name=op.f("pk_bookmark")),
    )
    with op.batch_alter_table("bookmark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookmark_resource_id"), ["resource_id"], unique=False)

    op.create_table(
        "resource_topic",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("topic_slug", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_resource_topic_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_slug"],
            ["topic.slug"],
            name=op.f("fk_resource_topic_topic_slug_topic"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("resource_id", "topic_slug", name=op.f("pk_resource_topic")),
    )
    with op.batch_alter_table("resource_topic", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_topic_topic_slug"), ["topic_slug"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_resource_search ON resource USING gin (({POSTGRES_DOCUMENT_SQL}))"
        )
    else:
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_resource_search")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER resource_fts_after_{trigger}")
        op.execute("DROP TABLE resource_fts")
    with op.batch_alter_table("resource_topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_topic_topic_slug"))

    op.drop_table("resource_topic")
    with op.batch_alter_table("bookmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookmark_resource_id"))

    op.drop_table("bookmark")
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_type"))
        batch_op.drop_index(batch_op.f("ix_resource_status_published_at"))
        batch_op.drop_index(batch_op.f("ix_resource_review_due_on"))
        batch_op.drop_index(batch_op.f("ix_resource_language"))

    op.drop_table("resource")
