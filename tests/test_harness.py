"""The test harness itself: a rolled-back test leaves nothing behind, what its app commits is
seen by its next request but by no other connection, and what one connection cannot do fails
the test instead of passing on a database that only pretends (tests/support/rollback.py)."""

import gc
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.main import create_app
from tests.conftest import DatabaseUnderTest, app_settings, forget_apps
from tests.factories import make_user
from tests.support.rollback import NeedsRealCommits, SharedConnection, rolled_back

EMAIL = "harness@example.org"


def users_named(database: DatabaseUnderTest, email: str) -> int:
    """Count on a connection of the run's real engine: what is committed, nothing else."""
    with database.engine.connect() as connection:
        found = connection.scalar(select(func.count()).where(User.email == email))
    return int(found or 0)


def committed_elsewhere(database: DatabaseUnderTest, email: str) -> int:
    """Count on a driver connection outside every SQLAlchemy pool (so the guard allows it)."""
    assert User.__tablename__ == "user_account"
    query = "SELECT count(*) FROM user_account WHERE email = %s"
    url = make_url(database.url)
    if database.name == "sqlite":
        with sqlite3.connect(str(url.database)) as raw:
            return int(raw.execute(query.replace("%s", "?"), (email,)).fetchone()[0])
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database
    ) as raw:
        row = raw.execute(query, (email,)).fetchone()
        assert row is not None
        return int(row[0])


@contextmanager
def rolled_back_app(
    database: DatabaseUnderTest, tmp_path: Path
) -> Iterator[tuple[SharedConnection, FastAPI]]:
    with rolled_back(database.rollback_engine, database.url) as shared:
        app = create_app(app_settings(database.url, tmp_path))
        with TestClient(app, raise_server_exceptions=False):
            yield shared, app


def add_then_fail(app: FastAPI, email: str) -> None:
    with app.state.session_factory.begin() as db:
        db.add(User(email=email, password_hash="x", display_name="Lost"))
        db.flush()
        raise ValueError("on purpose")


def test_what_the_app_commits_is_seen_inside_and_gone_after(
    migrated_database: DatabaseUnderTest, tmp_path: Path
) -> None:
    with rolled_back_app(migrated_database, tmp_path) as (_, app):
        user = make_user(app, email=EMAIL)
        # get_db's commit was a savepoint's release: the next session sees it ...
        with app.state.session_factory() as db:
            assert db.get_one(User, user.id).email == EMAIL
        # ... and no other connection does, so nothing was committed for real.
        assert committed_elsewhere(migrated_database, EMAIL) == 0
    assert users_named(migrated_database, EMAIL) == 0


def test_a_request_that_fails_rolls_back_only_its_own_writes(
    migrated_database: DatabaseUnderTest, tmp_path: Path
) -> None:
    with rolled_back_app(migrated_database, tmp_path) as (shared, app):
        make_user(app, email=EMAIL)
        with pytest.raises(ValueError, match="on purpose"):
            add_then_fail(app, "lost@example.org")
        with app.state.session_factory() as db:
            emails = set(db.scalars(select(User.email)))
        assert EMAIL in emails
        assert "lost@example.org" not in emails
        assert shared.problems == []


def test_a_second_connection_fails_the_test(
    migrated_database: DatabaseUnderTest, tmp_path: Path
) -> None:
    with rolled_back_app(migrated_database, tmp_path) as (shared, _):
        with pytest.raises(NeedsRealCommits), migrated_database.engine.connect():
            pass
        assert shared.problems == ["a second database connection was checked out"]
        with pytest.raises(pytest.fail.Exception, match="real_commits"):
            shared.fail_on_problems()


def test_a_transaction_of_its_own_beside_the_requests_fails_the_test(
    migrated_database: DatabaseUnderTest, tmp_path: Path
) -> None:
    """Work meant to outlive the request's rollback on a connection of its own cannot be
    a savepoint inside the request's: the test must commit for real."""
    with rolled_back_app(migrated_database, tmp_path) as (shared, app):
        with app.state.session_factory() as db:
            db.execute(select(1))
            with pytest.raises(NeedsRealCommits), Session(bind=db.get_bind()) as side:
                side.execute(select(1))
        assert len(shared.problems) == 1


def test_two_rolled_back_connections_at_once_are_refused(
    migrated_database: DatabaseUnderTest,
) -> None:
    engine = migrated_database.rollback_engine
    with (
        rolled_back(engine, migrated_database.url),
        pytest.raises(NeedsRealCommits),
        rolled_back(engine, migrated_database.url),
    ):
        pass


@pytest.mark.real_commits
def test_a_real_commits_test_commits_for_real(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db, db.begin():
        db.add(User(email=EMAIL, password_hash="x", display_name="Real"))
    assert committed_elsewhere(database, EMAIL) == 1


def test_an_app_is_freed_once_its_test_is_done(tmp_path: Path) -> None:
    """Otherwise every test's app, routes and engine would pile up for the whole run (see
    forget_apps in tests/conftest.py)."""
    app = create_app(app_settings(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path))
    with TestClient(app) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/api/v1/crisis-resources").status_code == 200
    freed = weakref.ref(app)
    del app, client
    forget_apps()
    gc.collect()
    assert freed() is None
