"""The database layer: SQLite runs with foreign keys, WAL and a busy timeout; timestamps are
stored in UTC and always come back time-zone aware, on both databases."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from backend.accounts.models import AuthSession, User
from tests.conftest import DatabaseUnderTest

# These check the engine itself, on connections of their own.
pytestmark = pytest.mark.real_commits


@pytest.mark.sqlite_only  # PostgreSQL has these built in
def test_sqlite_connections_use_foreign_keys_wal_and_a_busy_timeout(
    database: DatabaseUnderTest,
) -> None:
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_foreign_keys_are_enforced(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db:
        db.add(AuthSession(user_id=uuid.uuid4()))  # no such user
        with pytest.raises(IntegrityError):
            db.flush()


def test_times_come_back_aware_and_in_utc(database: DatabaseUnderTest) -> None:
    login = datetime(2026, 11, 28, 20, 30, tzinfo=timezone(timedelta(hours=2)))
    with Session(database.engine) as db, db.begin():
        db.add(
            User(
                email="times@example.org",
                password_hash="x",
                display_name="Times",
                last_login_at=login,
            )
        )
    with Session(database.engine) as db:
        stored = db.scalar(select(User.last_login_at).where(User.email == "times@example.org"))
    assert stored == login
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored.hour == 18


def test_a_naive_time_is_refused_rather_than_guessed(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db:
        db.add(
            User(
                email="naive@example.org",
                password_hash="x",
                display_name="Naive",
                last_login_at=datetime(2026, 11, 28, 20, 30),  # noqa: DTZ001
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            db.flush()
