"""``circles seed load``: a load database that keeps the services' rules, on both databases."""

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.core.db import create_db_engine
from backend.core.migrations import upgrade_to_head
from backend.loadseed import ADMIN_EMAIL, LOAD_PASSWORD, LoadSeed, LoadSizes
from backend.main import create_app
from backend.sessions.generation import generate_all_ahead
from backend.sessions.models import GroupSession
from tests.conftest import DATABASES, app_settings
from tests.factories import sign_in

runner = CliRunner()
SMALL = LoadSizes(members=400, groups=30, meetings=900, attendance=3_000, resources=60, mentors=20)


def scalar(connection: Connection, sql: str) -> int:
    return int(connection.execute(text(sql)).scalar_one())


@pytest.mark.parametrize("kind", DATABASES)
def test_the_load_seed_keeps_the_rules_and_the_app_reads_it(
    kind: str,
    fresh_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url = fresh_database(kind)
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    monkeypatch.setenv("CIRCLES_VAR_DIR", str(tmp_path / "var"))
    sizes = ["--members", "400", "--groups", "30", "--meetings", "900", "--attendance", "3000"]
    sizes += ["--resources", "60", "--mentors", "20"]
    result = runner.invoke(cli, ["seed", "load", *sizes])
    assert result.exit_code == 0, result.output
    assert "Load data is ready" in result.output

    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            # The sizes asked for (one admin and a facilitator per five groups besides).
            assert scalar(connection, "SELECT count(*) FROM user_account") == 400 + 1 + 6
            assert scalar(connection, "SELECT count(*) FROM support_group") == 30
            assert scalar(connection, "SELECT count(*) FROM resource") == 60
            assert scalar(connection, "SELECT count(*) FROM mentor_profile") == 20
            meetings = scalar(connection, "SELECT count(*) FROM group_session")
            assert 800 <= meetings <= 1_000
            records = scalar(connection, "SELECT count(*) FROM attendance_record")
            assert 2_000 <= records <= 3_000
            # No circle holds more members than its capacity.
            assert not connection.execute(
                text(
                    "SELECT g.id FROM support_group g JOIN group_membership m "
                    "ON m.group_id = g.id AND m.role = 'member' AND m.status = 'active' "
                    "GROUP BY g.id, g.capacity HAVING count(*) > g.capacity"
                )
            ).all()
            # Attendance only at meetings that are over, and only of that circle's members.
            assert not connection.execute(
                text(
                    "SELECT a.id FROM attendance_record a "
                    "JOIN group_session s ON s.id = a.session_id "
                    "LEFT JOIN group_membership m ON m.group_id = s.group_id "
                    "AND m.user_id = a.user_id AND m.status = 'active' "
                    "WHERE m.id IS NULL OR s.ends_at > CURRENT_TIMESTAMP"
                )
            ).all()
            # RSVPs only for upcoming meetings, never more going than seats.
            assert not connection.execute(
                text(
                    "SELECT s.id FROM rsvp r JOIN group_session s ON s.id = r.session_id "
                    "WHERE r.status = 'going' GROUP BY s.id, s.capacity, s.starts_at "
                    "HAVING count(*) > s.capacity OR s.starts_at < CURRENT_TIMESTAMP"
                )
            ).all()

        # The meetings are the series' own occurrences, generated as far as the worker
        # keeps them: its job finds nothing to add.
        with engine.connect() as connection, Session(bind=connection) as db:
            generate_all_ahead(db)
            db.flush()
            assert db.scalar(select(func.count()).select_from(GroupSession)) == meetings

        # A second run is refused, and adds nothing.
        again = runner.invoke(cli, ["seed", "load", *sizes])
        assert again.exit_code == 1
        assert "already holds the load seed" in again.output
        with engine.connect() as connection:
            assert scalar(connection, "SELECT count(*) FROM user_account") == 407
    finally:
        engine.dispose()

    # The app serves it: anyone can sign in with the load password, the directory lists it.
    with TestClient(create_app(app_settings(url, tmp_path))) as client:
        token = sign_in(client, "member-000001@load.example.org", LOAD_PASSWORD)["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/me/groups", headers=headers).status_code == 200
        page = client.get("/api/v1/groups", params={"limit": 5})
        assert page.status_code == 200
        assert len(page.json()["items"]) == 5
        assert sign_in(client, ADMIN_EMAIL, LOAD_PASSWORD)


def test_the_same_seed_gives_the_same_data(
    fresh_database: Callable[[str], str],
) -> None:
    emails = []
    for _ in range(2):
        engine = create_db_engine(fresh_database("sqlite"))
        try:
            with engine.begin() as connection:
                upgrade_to_head(connection)
                LoadSeed(connection, SMALL, seed=7).run()
                emails.append(
                    connection.execute(
                        text(
                            "SELECT u.email, g.slug FROM group_membership m "
                            "JOIN user_account u ON u.id = m.user_id "
                            "JOIN support_group g ON g.id = m.group_id ORDER BY u.email, g.slug"
                        )
                    ).all()
                )
        finally:
            engine.dispose()
    assert emails[0] == emails[1]
    assert len(emails[0]) > 100


def test_the_load_seed_never_runs_in_production(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CIRCLES_ENV", "production")
    monkeypatch.setenv("CIRCLES_JWT_SECRET", "p" * 64)
    monkeypatch.setenv("CIRCLES_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/none")
    result = runner.invoke(cli, ["seed", "load", "--scale", "0.01"])
    assert result.exit_code == 1
    assert "never runs in production" in result.output


def test_impossible_sizes_are_refused_before_anything_is_written(
    fresh_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = fresh_database("sqlite")
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    monkeypatch.setenv("CIRCLES_VAR_DIR", str(tmp_path / "var"))
    result = runner.invoke(cli, ["seed", "load", "--members", "5", "--mentors", "10"])
    assert result.exit_code == 1
    assert "more mentors than members" in result.output
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            assert scalar(connection, "SELECT count(*) FROM user_account") == 0
    finally:
        engine.dispose()
