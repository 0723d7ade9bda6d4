"""How many requests of a process work in the database at once (Settings.db_concurrency)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from backend.core.config import Settings
from backend.core.db import default_db_concurrency
from backend.main import create_app


def slots_of(tmp_path: Path, **settings: object) -> int:
    app = create_app(
        Settings(
            var_dir=tmp_path,
            database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
            outbox_interval_seconds=0,
            **settings,  # type: ignore[arg-type]
        )
    )
    with TestClient(app):
        value: int = app.state.db_slots.value
    return value


def test_by_default_sqlite_admits_two_and_postgresql_four(tmp_path: Path) -> None:
    assert slots_of(tmp_path) == 2
    assert default_db_concurrency("postgresql+psycopg://u@127.0.0.1/circles") == 4
    assert default_db_concurrency("sqlite:///var/circles.db") == 2


def test_the_setting_overrides_the_default(tmp_path: Path) -> None:
    assert slots_of(tmp_path, db_concurrency=7) == 7


@pytest.mark.parametrize("value", [0, 21])
def test_a_setting_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(ValidationError, match="db_concurrency"):
        Settings(db_concurrency=value)
