"""The ``circles`` command on both databases."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.core.db import create_db_engine
from backend.main import create_app
from tests.conftest import DATABASES

runner = CliRunner()


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CIRCLES_VAR_DIR", str(tmp_path / "var"))
    return tmp_path


@pytest.mark.parametrize("kind", DATABASES)
def test_migrate_then_seed_twice(
    kind: str,
    environment: Path,
    fresh_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = fresh_database(kind)
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    engine = create_db_engine(url)
    try:
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    first = runner.invoke(cli, ["seed", "demo"])
    second = runner.invoke(cli, ["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output


def test_openapi_writes_the_apps_document(environment: Path) -> None:
    output = environment / "out" / "openapi.json"
    result = runner.invoke(cli, ["openapi", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text()) == create_app().openapi()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "seed", "openapi"):
        assert command in result.output
