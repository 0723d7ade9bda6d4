"""Migrations: one head, upgrade -> downgrade -> upgrade on both databases, and the migrated
schema matches the models exactly (``alembic check``)."""

from collections.abc import Callable

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from backend.core.db import create_db_engine
from backend.core.migrations import alembic_config
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
