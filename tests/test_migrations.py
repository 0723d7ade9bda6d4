"""Migrations: one head, upgrade -> downgrade -> upgrade on both databases, and the migrated
schema matches the models exactly (``alembic check``)."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Integer,
    String,
    Uuid,
    column,
    inspect,
    select,
    table,
)

from backend.core.db import create_db_engine
from backend.core.migrations import alembic_config
from backend.core.orm import UTCDateTime
from backend.models import Base
from tests.conftest import DATABASES


def test_there_is_a_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migrations have diverged into {heads}; merge them"


def model_tables(connection: Connection) -> set[str]:
    """Tables in the database, less Alembic's own and SQLite's full-text search tables."""
    return {
        name
        for name in inspect(connection).get_table_names()
        if name != "alembic_version" and not name.startswith("resource_fts")
    }


@pytest.mark.parametrize("kind", DATABASES)
def test_upgrade_downgrade_upgrade_then_check(
    kind: str, fresh_database: Callable[[str], str]
) -> None:
    engine = create_db_engine(fresh_database(kind))
    expected_tables = set(Base.metadata.tables)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            assert model_tables(connection) == expected_tables
            command.downgrade(config, "base")
            assert set(inspect(connection).get_table_names()) - {"alembic_version"} == set()
            command.upgrade(config, "head")
            # Fails with the differences when a model changed without a migration.
            command.check(config)
    finally:
        engine.dispose()


TEXT_COLUMNS = ("email", "password_hash", "display_name", "timezone", "role", "attendance_privacy")


@pytest.mark.parametrize("kind", DATABASES)
def test_accounts_made_before_email_confirmation_count_as_confirmed(
    kind: str, fresh_database: Callable[[str], str]
) -> None:
    engine = create_db_engine(fresh_database(kind))
    made_at = datetime(2026, 11, 30, 17, 45, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "0008_mentoring")
            # The account table as it was at that revision.
            before = table(
                "user_account",
                column("id", Uuid()),
                *(column(name, String()) for name in TEXT_COLUMNS),
                column("languages", JSON()),
                column("is_active", Boolean()),
                column("calendar_shows_group_names", Boolean()),
                column("token_version", Integer()),
                column("created_at", UTCDateTime()),
                column("updated_at", UTCDateTime()),
            )
            connection.execute(
                before.insert().values(
                    id=uuid.uuid4(),
                    email="early@example.org",
                    password_hash="x",
                    display_name="Early",
                    timezone="UTC",
                    role="member",
                    attendance_privacy="named",
                    languages=[],
                    is_active=True,
                    calendar_shows_group_names=False,
                    token_version=0,
                    created_at=made_at,
                    updated_at=made_at,
                )
            )
            command.upgrade(config, "head")
            after = table("user_account", column("email_confirmed_at", UTCDateTime()))
            assert connection.scalar(select(after.c.email_confirmed_at)) == made_at
    finally:
        engine.dispose()
