"""Alembic environment: the same settings and metadata as the app."""

from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, Enum

from backend.core.config import get_settings
from backend.core.db import create_db_engine
from backend.core.orm import UTCDateTime
from backend.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Migrations spell out plain SQLAlchemy types so they never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, Enum) and not obj.native_enum:
        # Alembic leaves out create_constraint; without it the CHECK would be lost.
        values = ", ".join(repr(value) for value in obj.enums)
        return (
            f"sa.Enum({values}, name={obj.name!r}, native_enum=False, "
            f"create_constraint={obj.create_constraint}, length={obj.length})"
        )
    return False


# Full-text search objects live outside the models (an FTS5 table and its shadow tables on
# SQLite; a generated tsvector column and its GIN index on PostgreSQL); their migrations own
# them.
SEARCH_OBJECTS = ("resource_fts", "ix_resource_search", "search_document")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (name and name.startswith(SEARCH_OBJECTS))


def run_migrations(connection: Connection) -> None:
    context.configure(
        include_name=include_name,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        render_item=render_item,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    # Tests hand over their own connection; everything else uses the app's settings.
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = create_db_engine(get_settings().resolved_database_url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run migrations against a database.")
run_online()
