"""Run Alembic from code (the CLI, ``serve`` and the tests) with the repository's config."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from backend.core.config import get_settings


def _alembic_ini() -> Path:
    """Next to the package in a checkout; the working directory in an installed image."""
    for candidate in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (candidate / "alembic.ini").is_file():
            return candidate / "alembic.ini"
    raise FileNotFoundError("alembic.ini not found next to the package or in the working folder")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(_alembic_ini()))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection | None = None) -> None:
    if connection is None:
        # Resolve settings first so a bad configuration fails with its own message.
        get_settings()
    command.upgrade(alembic_config(connection), "head")
