"""Migrations: one head, upgrade -> downgrade -> upgrade on both databases, and the migrated
schema matches the models exactly (``alembic check``)."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Integer,
    String,
    Uuid,
    column,
    inspect,
    select,
    table,
)
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.db import create_db_engine
from backend.core.migrations import alembic_config
from backend.core.orm import UTCDateTime
from backend.mentoring.matches import LAPSED_REASON
from backend.mentoring.models import MatchStatus, MentorMatch
from backend.models import Base
from backend.moderation.actions import MATCH_ENDED_REASON
from backend.safety.models import MemberBlock
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


TEXT_COLUMNS = ("email", "password_hash", "display_name", "timezone", "role", "attendance_privacy")


@pytest.mark.parametrize("kind", DATABASES)
def test_accounts_made_before_email_confirmation_count_as_confirmed(
    kind: str, fresh_database: Callable[[str], str]
) -> None:
    engine = create_db_engine(fresh_database(kind))
    made_at = datetime(2026, 11, 30, 17, 45, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "0008_mentoring")
            # The account table as it was at that revision.
            before = table(
                "user_account",
                column("id", Uuid()),
                *(column(name, String()) for name in TEXT_COLUMNS),
                column("languages", JSON()),
                column("is_active", Boolean()),
                column("calendar_shows_group_names", Boolean()),
                column("token_version", Integer()),
                column("created_at", UTCDateTime()),
                column("updated_at", UTCDateTime()),
            )
            connection.execute(
                before.insert().values(
                    id=uuid.uuid4(),
                    email="early@example.org",
                    password_hash="x",
                    display_name="Early",
                    timezone="UTC",
                    role="member",
                    attendance_privacy="named",
                    languages=[],
                    is_active=True,
                    calendar_shows_group_names=False,
                    token_version=0,
                    created_at=made_at,
                    updated_at=made_at,
                )
            )
            command.upgrade(config, "head")
            after = table("user_account", column("email_confirmed_at", UTCDateTime()))
            assert connection.scalar(select(after.c.email_confirmed_at)) == made_at
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", DATABASES)
def test_matches_closed_before_closed_because_are_filled_in(
    kind: str, fresh_database: Callable[[str], str]
) -> None:
    """Each close the older rows can still tell apart gets its cause (0016's docstring)."""
    engine = create_db_engine(fresh_database(kind))
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            db = Session(bind=connection)
            people = [
                User(
                    email=f"p{n}@example.org",
                    password_hash="x",
                    display_name=f"P{n}",
                    is_active=n != 9,
                )
                for n in range(10)
            ]
            db.add_all(people)
            db.flush()
            ids = [p.id for p in people]
            db.add(MemberBlock(blocker_id=ids[2], blocked_id=ids[3]))
            # (mentor, mentee, status, ended by, words) -> the cause the backfill should find
            rows = {
                (0, 1, MatchStatus.declined, None, LAPSED_REASON): "lapsed",
                (0, 4, MatchStatus.ended, 5, MATCH_ENDED_REASON): "moderation",
                (2, 3, MatchStatus.ended, 2, None): "blocked",
                (9, 6, MatchStatus.declined, 9, None): "account_closed",
                (0, 6, MatchStatus.ended, None, None): "account_closed",
                (0, 7, MatchStatus.declined, None, None): "mentor_rejected",
                (0, 8, MatchStatus.declined, 0, "not now"): "declined",
                (4, 8, MatchStatus.withdrawn, 8, None): "withdrawn",
                (4, 1, MatchStatus.ended, 1, "we are done"): "ended_by_pair",
                (4, 6, MatchStatus.ended, 5, "for safety"): "ended_by_admin",
                (4, 7, MatchStatus.active, None, None): None,
            }
            made: dict[uuid.UUID, str | None] = {}
            for key, cause in rows.items():
                mentor, mentee, status, by, words = key
                match = MentorMatch(
                    mentor_id=ids[mentor],
                    mentee_id=ids[mentee],
                    status=status,
                    ended_by_id=None if by is None else ids[by],
                    close_reason=words,
                )
                db.add(match)
                db.flush()
                made[match.id] = cause
            db.close()
            command.downgrade(config, "0015_two_factor")
            command.upgrade(config, "head")
            found: dict[uuid.UUID, str | None] = dict(
                connection.execute(
                    select(table("mentor_match", column("id", Uuid()), column("closed_because")))
                ).all()
            )
            assert found == made
    finally:
        engine.dispose()
