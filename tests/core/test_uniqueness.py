"""The tools for requests that arrive together (backend/core/uniqueness.py) on both databases,
and the last line of defence: a write that still collides is a 409 problem, never a 500, with
nothing of the request kept and nothing of the clashing values in the log."""

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.db import DbSession
from backend.core.routing import API_PREFIX, JSONRoute
from backend.core.uniqueness import insert_once, lock_and_reread, reread
from backend.topics.models import Topic
from tests.conftest import DatabaseUnderTest
from tests.factories import make_user
from tests.support.problems import assert_problem

# Requests at once, on connections of their own: they commit for real.
pytestmark = pytest.mark.real_commits

CANARY_EMAIL = "canary-collision@example.org"
PROBE = f"{API_PREFIX}/probe-collisions"

probe = APIRouter(prefix=PROBE, route_class=JSONRoute, tags=["probe"])


@probe.post("/taken-email")
def write_then_collide(db: DbSession) -> None:
    # A first write that must not survive, then one that breaks a unique constraint.
    db.add(Topic(slug="kept-by-nobody", name="Kept by nobody"))
    db.add(User(email=CANARY_EMAIL, password_hash="x", display_name="Second"))
    db.flush()


@probe.post("/vanished-row")
def change_a_row_deleted_meanwhile(db: DbSession) -> None:
    topic = db.get_one(Topic, "vanishing")
    # As another request would, a moment before this one writes.
    db.execute(
        delete(Topic)
        .where(Topic.slug == "vanishing")
        .execution_options(synchronize_session=False)  # this session does not know of it
    )
    topic.name = "Renamed"
    db.flush()


@pytest.fixture
def probe_client(probe_app: FastAPI) -> Iterator[TestClient]:
    probe_app.include_router(probe)
    with TestClient(probe_app, raise_server_exceptions=False) as client:
        yield client


def topic_names(database: DatabaseUnderTest) -> dict[str, str]:
    with Session(database.engine) as db:
        return {t.slug: t.name for t in db.scalars(select(Topic))}


def test_a_leftover_unique_collision_is_a_409_problem_rolled_back_and_logged_without_values(
    probe_client: TestClient,
    app: FastAPI,
    database: DatabaseUnderTest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user(app, email=CANARY_EMAIL)

    response = probe_client.post(f"{PROBE}/taken-email")

    body = assert_problem(response, 409)
    assert body["type"] == "urn:strength-circles:problem:concurrent-change"
    assert body["title"] == "Changed at the same moment"
    assert "another request at the same moment" in body["detail"]
    assert "Reload" in body["detail"]
    assert CANARY_EMAIL not in response.text
    assert "kept-by-nobody" not in topic_names(database)
    assert "write collided with another request" in caplog.text
    assert CANARY_EMAIL not in caplog.text
    with Session(database.engine) as db:
        assert db.scalars(select(User.display_name).where(User.email == CANARY_EMAIL)).all() != [
            "Second"
        ]


def test_a_row_changed_after_another_request_deleted_it_is_a_409(
    probe_client: TestClient, database: DatabaseUnderTest
) -> None:
    with Session(database.engine) as db, db.begin():
        db.add(Topic(slug="vanishing", name="Vanishing"))

    response = probe_client.post(f"{PROBE}/vanished-row")

    body = assert_problem(response, 409)
    assert body["type"] == "urn:strength-circles:problem:concurrent-change"
    assert topic_names(database)["vanishing"] == "Vanishing"  # the delete was rolled back too


# --- the helpers, with a second transaction that really is in the way -------------------------


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start ``work`` in a thread; its result lands in the list."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    return thread, result


WAITS = 0.3  # long enough for a thread that is not blocked to have finished


def test_insert_once_inserts_then_finds(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db, db.begin():
        first, created = insert_once(db, Topic, key={"slug": "calm"}, values={"name": "Calm"})
        again, created_again = insert_once(
            db, Topic, key={"slug": "calm"}, values={"name": "Ignored"}
        )
        assert (created, created_again) == (True, False)
        assert again is first
        assert again.name == "Calm"
    assert topic_names(database)["calm"] == "Calm"


def test_insert_once_waits_for_an_identical_insert_in_flight_and_returns_its_row(
    database: DatabaseUnderTest,
) -> None:
    def second() -> tuple[str, bool]:
        with Session(database.engine) as db, db.begin():
            row, created = insert_once(
                db, Topic, key={"slug": "calm"}, values={"name": "Second try"}
            )
            return row.name, created

    with Session(database.engine) as first:
        _, created = insert_once(first, Topic, key={"slug": "calm"}, values={"name": "Calm"})
        assert created
        thread, result = in_thread(second)
        time.sleep(WAITS)
        assert thread.is_alive(), "the second insert did not wait for the first"
        first.commit()
        thread.join(timeout=10)

    assert result == [("Calm", False)]
    assert topic_names(database)["calm"] == "Calm"


def test_insert_once_inserts_when_the_identical_insert_in_flight_is_rolled_back(
    database: DatabaseUnderTest,
) -> None:
    def second() -> tuple[str, bool]:
        with Session(database.engine) as db, db.begin():
            row, created = insert_once(db, Topic, key={"slug": "calm"}, values={"name": "Second"})
            return row.name, created

    with Session(database.engine) as first:
        insert_once(first, Topic, key={"slug": "calm"}, values={"name": "Calm"})
        thread, result = in_thread(second)
        time.sleep(WAITS)
        first.rollback()
        thread.join(timeout=10)

    assert result == [("Second", True)]


def test_lock_and_reread_waits_for_the_holder_and_returns_what_it_committed(
    database: DatabaseUnderTest,
) -> None:
    with Session(database.engine) as db, db.begin():
        db.add(Topic(slug="calm", name="Calm"))

    with Session(database.engine) as late, Session(database.engine) as holder:
        stale = late.get_one(Topic, "calm")  # read before the other request changes it
        held = lock_and_reread(holder, holder.get_one(Topic, "calm"))
        held.name = "Calm, renamed"
        holder.flush()

        def lock_late() -> str:
            return lock_and_reread(late, stale).name

        thread, result = in_thread(lock_late)
        time.sleep(WAITS)
        assert thread.is_alive(), "lock_and_reread did not wait for the lock"
        holder.commit()
        thread.join(timeout=10)
        late.rollback()

    assert result == ["Calm, renamed"]


def test_reread_replaces_what_the_session_read_before(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db, db.begin():
        db.add(Topic(slug="calm", name="Calm"))
    with Session(database.engine) as db:
        before = db.get_one(Topic, "calm")
        with Session(database.engine) as other, other.begin():
            other.get_one(Topic, "calm").name = "Renamed elsewhere"
        assert db.scalars(select(Topic).where(Topic.slug == "calm")).one().name == "Calm"
        fresh = reread(db, select(Topic).where(Topic.slug == "calm"))
        assert fresh is before
        assert before.name == "Renamed elsewhere"
        assert reread(db, select(Topic).where(Topic.slug == str(uuid.uuid4()))) is None


def test_lock_and_reread_needs_a_stored_row(database: DatabaseUnderTest) -> None:
    with Session(database.engine) as db, pytest.raises(ValueError, match="in the database"):
        lock_and_reread(db, Topic(slug="never-stored", name="Never stored"))
