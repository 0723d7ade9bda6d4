"""The ``circles`` command on both databases."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, inspect, select
from typer.testing import CliRunner

from backend.accounts.seed import DEMO_ACCOUNTS
from backend.cli import app as cli
from backend.core.config import get_settings
from backend.core.db import create_db_engine
from backend.groups.seed import DEMO_GROUPS
from backend.library.seed import DEMO_RESOURCES, DEMO_STORIES
from backend.main import create_app
from backend.mentoring.seed import DEMO_MENTORS, DEMO_PEOPLE, DEMO_REQUESTS
from backend.models import Base
from tests.conftest import DATABASES
from tests.factories import PASSWORD, sign_in

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
    assert first.exit_code == 0, first.output
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            counts = table_counts(connection)
        second = runner.invoke(cli, ["seed", "demo"])
        assert second.exit_code == 0, second.output
        with engine.connect() as connection:
            assert table_counts(connection) == counts  # the second run added nothing
    finally:
        engine.dispose()
    assert counts["user_account"] == len(DEMO_ACCOUNTS) + len(DEMO_PEOPLE)
    assert counts["mentor_profile"] == len(DEMO_MENTORS)
    assert counts["mentee_request"] == len(DEMO_REQUESTS)
    assert counts["mentor_match"] == 1  # the demo pair already meeting
    assert counts["support_group"] == len(DEMO_GROUPS)
    assert counts["group_membership"] > len(DEMO_GROUPS)  # facilitators plus demo members
    assert counts["resource"] == len(DEMO_RESOURCES) + len(DEMO_STORIES)
    assert counts["story"] == len(DEMO_STORIES)
    for email, password, _name, role in DEMO_ACCOUNTS:
        assert f"{role.value:<12} {email:<26} password: {password}" in second.output


def table_counts(connection: Connection) -> dict[str, int]:
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("kind", DATABASES)
def test_create_admin_then_promote(
    kind: str,
    environment: Path,
    fresh_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIRCLES_DATABASE_URL", fresh_database(kind))
    created = runner.invoke(
        cli, ["create-admin", "Boss@Example.org", "--password", "keeper of the keys"]
    )
    assert created.exit_code == 0, created.output
    assert "Created admin boss@example.org" in created.output
    settings = get_settings()
    with TestClient(create_app(settings)) as client:
        tokens = sign_in(client, "boss@example.org", "keeper of the keys")
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.json()["role"] == "admin"
        client.post(
            "/api/v1/auth/register",
            json={"email": "later@example.org", "password": PASSWORD, "display_name": "Later"},
        )
    promoted = runner.invoke(cli, ["create-admin", "later@example.org"])
    assert promoted.exit_code == 0, promoted.output
    assert "is now an admin" in promoted.output
    # Promotion does not confirm an address someone else may have signed up with.
    assert "not confirmed yet" in promoted.output


def test_create_admin_prompts_for_the_password_and_refuses_weak_ones(
    environment: Path, fresh_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRCLES_DATABASE_URL", fresh_database("sqlite"))
    weak = runner.invoke(cli, ["create-admin", "boss@example.org"], input="password1\npassword1\n")
    assert weak.exit_code == 1
    assert "most commonly used" in weak.output
    mismatch = runner.invoke(
        cli, ["create-admin", "boss@example.org"], input="first phrase here\nsecond one\nx\n"
    )
    assert mismatch.exit_code != 0
    good = runner.invoke(
        cli, ["create-admin", "boss@example.org"], input="keeper of the keys\nkeeper of the keys\n"
    )
    assert good.exit_code == 0, good.output


def test_openapi_writes_the_apps_document(environment: Path) -> None:
    output = environment / "out" / "openapi.json"
    result = runner.invoke(cli, ["openapi", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text()) == create_app().openapi()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "seed", "create-admin", "openapi"):
        assert command in result.output
