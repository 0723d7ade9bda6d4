"""The ``circles`` command on both databases."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, inspect, select
from typer.testing import CliRunner

from backend import demo as demo_module
from backend.cli import app as cli
from backend.core.config import get_settings
from backend.core.db import create_db_engine
from backend.main import create_app
from backend.models import Base
from tests.conftest import DATABASES
from tests.factories import PASSWORD, sign_in
from tests.support.demo import DEMO_DIR, demo_content

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
    demo = demo_content()
    assert counts["user_account"] == len(demo.accounts) + len(demo.people)
    assert counts["mentor_profile"] == len(demo.mentors)
    assert counts["mentee_request"] == len(demo.requests)
    assert counts["mentor_match"] == 1  # the demo pair already meeting
    assert counts["support_group"] == len(demo.groups)
    assert counts["group_membership"] > len(demo.groups)  # facilitators plus demo members
    assert counts["resource"] == len(demo.resources) + len(demo.stories)
    assert counts["story"] == len(demo.stories)
    for account in demo.accounts:
        line = f"{account.role.value:<12} {account.email:<26} password: {account.password}"
        assert line in second.output
    # What the demo held before its content moved from Python into demo/: the same people,
    # circles, mentoring and library. (Meetings, RSVPs and attendance depend on the day.)
    assert {table: counts[table] for table in BEFORE_THE_MOVE} == BEFORE_THE_MOVE
    assert counts["group_session"] > 0
    assert counts["attendance_record"] > 0


BEFORE_THE_MOVE = {
    "user_account": 14,
    "support_group": 12,
    "group_topic": 18,
    "group_membership": 21,
    "schedule": 12,
    "mentor_profile": 7,
    "mentee_request": 6,
    "mentor_match": 1,
    "mentoring_check_in": 2,
    "resource": 36,
    "resource_topic": 80,
    "story": 3,
    "topic": 12,
}


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


def test_seed_demo_from_a_folder_given(
    environment: Path, fresh_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRCLES_DATABASE_URL", fresh_database("sqlite"))
    monkeypatch.setattr(demo_module, "CHECKOUT_DEMO_DIR", environment / "no-checkout")
    result = runner.invoke(cli, ["seed", "demo", "--from", str(DEMO_DIR)])
    assert result.exit_code == 0, result.output
    assert "33 library resources." in result.output


@pytest.mark.parametrize(
    ("how", "told"),
    [
        ("--from", "--from says"),
        ("CIRCLES_DEMO_DIR", "CIRCLES_DEMO_DIR says"),
        ("installed", "an installed copy (a wheel, the Docker image) carries none"),
    ],
)
def test_seed_demo_without_its_folder_says_what_to_pass(
    how: str,
    told: str,
    environment: Path,
    fresh_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = fresh_database("sqlite")
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    missing = environment / "nowhere"
    arguments = ["seed", "demo"]
    if how == "--from":
        arguments += ["--from", str(missing)]
    elif how == "CIRCLES_DEMO_DIR":
        monkeypatch.setenv("CIRCLES_DEMO_DIR", str(missing))
    else:  # as from a wheel: no demo/ beside the package
        monkeypatch.setattr(demo_module, "CHECKOUT_DEMO_DIR", missing)
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "Traceback" not in result.output
    assert told in result.output
    assert str(missing) in result.output
    assert "--from" in result.output
    assert not Path(url.removeprefix("sqlite:///")).exists()  # nothing was touched


def test_seed_demo_with_bad_content_names_the_file_and_the_field(
    environment: Path, fresh_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_database("sqlite")
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    folder = environment / "demo"
    shutil.copytree(DEMO_DIR, folder)
    groups = folder / "groups.yaml"
    groups.write_text(groups.read_text().replace("capacity: 14", "capacity: 900"))
    result = runner.invoke(cli, ["seed", "demo", "--from", str(folder)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"{groups} does not validate" in result.output
    assert "groups[0] (Tuesday Evening Anxiety Circle).capacity:" in result.output
    assert not Path(url.removeprefix("sqlite:///")).exists()
