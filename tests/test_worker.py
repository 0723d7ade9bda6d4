"""The worker (``circles worker``): periodic jobs when they are due, then the outbox; and the
domain events that tie the domains together (backend/core/events.py, backend/wiring.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.core.config import Settings
from backend.core.db import create_db_engine, create_session_factory
from backend.core.events import Event, EventBus, Job, NotWired, bus
from backend.notifications.models import OutboxMessage
from backend.notifications.senders import create_sender
from backend.notifications.service import enqueue_email
from backend.worker import Worker
from tests.conftest import DATABASES, DatabaseUnderTest


@dataclass(frozen=True)
class Happened(Event):
    what: str


def test_handlers_run_in_order_and_an_unwired_bus_refuses_to_drop_events(
    settings: Settings, database: DatabaseUnderTest
) -> None:
    events = EventBus()
    with Session(database.engine) as db:
        with pytest.raises(NotWired):
            events.publish(db, settings, Happened("too early"))
        seen: list[str] = []
        events.subscribe(Happened, lambda _db, _settings, event: seen.append("a:" + event.what))
        events.subscribe(Happened, lambda _db, _settings, event: seen.append("b:" + event.what))
        events.wired = True
        events.publish(db, settings, Happened("left"))
    assert seen == ["a:left", "b:left"]


@pytest.mark.real_commits  # sessions of its own on the engine
def test_a_failing_handler_fails_the_publisher(
    settings: Settings, database: DatabaseUnderTest
) -> None:
    """What a handler could not do rolls back with the request that caused it."""
    events = EventBus()

    def refuse(_db: Session, _settings: Settings, _event: Happened) -> None:
        raise RuntimeError("no")

    events.subscribe(Happened, refuse)
    events.wired = True
    factory = create_session_factory(database.engine)

    def a_request() -> None:
        with factory.begin() as db:
            enqueue_email(db, to_address="a@example.org", subject="s", body_text="b", user_id=None)
            db.flush()
            events.publish(db, settings, Happened("x"))

    with pytest.raises(RuntimeError):
        a_request()
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_app_wires_the_jobs_the_worker_runs() -> None:
    assert bus.wired
    assert {job.name for job in bus.jobs} == {
        "generate meetings ahead",
        "lapse unanswered proposals",
        "forget old webhook deliveries",
        "expire referrals",
        "send reminders",
        "send morning summaries",
        "forget delivered messages",
    }


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.real_commits  # the worker's own sessions
def test_jobs_run_when_due_and_one_failure_stops_nothing(
    settings: Settings, database: DatabaseUnderTest
) -> None:
    runs: list[str] = []

    def broken(_db: Session, _settings: Settings) -> None:
        runs.append("broken")
        raise RuntimeError("a bug in one job")

    def hourly(_db: Session, _settings: Settings) -> None:
        runs.append("hourly")

    clock = FakeClock()
    factory = create_session_factory(database.engine)
    worker = Worker(
        factory,
        settings,
        create_sender(settings),
        [Job("broken", timedelta(minutes=1), broken), Job("hourly", timedelta(hours=1), hourly)],
        monotonic=clock,
    )
    with factory.begin() as db:
        enqueue_email(db, to_address="a@example.org", subject="s", body_text="b", user_id=None)
    assert worker.run_once() == 1  # the broken job did not keep the email from going
    assert runs == ["broken", "hourly"]
    clock.now += 120
    worker.run_once()
    assert runs == ["broken", "hourly", "broken"]  # the hourly job is not due yet
    clock.now += 3600
    worker.run_once()
    assert runs == ["broken", "hourly", "broken", "broken", "hourly"]


@pytest.mark.parametrize(
    ("env", "embedded", "interval", "runs"),
    [
        ("development", None, 5.0, True),  # `make run` is one command
        ("production", None, 5.0, False),  # `circles worker` does it
        ("production", True, 5.0, True),
        ("development", False, 5.0, False),
        ("development", None, 0.0, False),  # tests deliver the outbox themselves
    ],
)
def test_web_processes_run_the_worker_only_in_development(
    env: Literal["development", "production"], embedded: bool | None, interval: float, runs: bool
) -> None:
    settings = Settings.model_construct(
        env=env, embedded_worker=embedded, outbox_interval_seconds=interval
    )
    assert settings.runs_embedded_worker is runs


@pytest.mark.parametrize("kind", DATABASES)
def test_circles_worker_once_delivers_the_outbox(
    kind: str,
    fresh_database: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    url = fresh_database(kind)
    monkeypatch.setenv("CIRCLES_DATABASE_URL", url)
    monkeypatch.setenv("CIRCLES_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    engine = create_db_engine(url)
    try:
        with create_session_factory(engine).begin() as db:
            for n in range(3):
                enqueue_email(
                    db,
                    to_address=f"person{n}@example.org",
                    subject="Hello",
                    body_text="A test message.",
                    user_id=None,
                )
        result = runner.invoke(cli, ["worker", "--once"])
        assert result.exit_code == 0, result.output
        assert "3 email(s) sent" in result.output
        with engine.connect() as connection:
            unsent = connection.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
        assert unsent == 0
    finally:
        engine.dispose()
