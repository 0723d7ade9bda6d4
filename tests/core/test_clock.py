"""One clock seam: every ``utcnow`` in the app, column defaults included, reads the time from
``backend.core.clock``, so moving that one source moves the whole app's notion of now."""

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from backend.accounts.models import User
from backend.core import clock, orm
from backend.core.clock import system_time, use_time_source, utcnow
from tests.factories import make_user
from tests.support.clock import Clock

BACKEND = Path(__file__).resolve().parents[2] / "backend"
MOMENT = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_orm_utcnow_is_the_seam_itself() -> None:
    """The ~20 modules that ``from backend.core.orm import utcnow`` hold the seam's function,
    not a copy that a swapped source would miss."""
    assert orm.utcnow is clock.utcnow


def test_a_swapped_source_is_read_inside_the_block_and_restored_after() -> None:
    with use_time_source(lambda: MOMENT):
        assert utcnow() == MOMENT
        assert orm.utcnow() == MOMENT
    assert abs(utcnow() - system_time()) < timedelta(seconds=5)


def test_column_defaults_read_the_moved_clock(app: FastAPI, clock: Clock) -> None:
    clock.set(MOMENT)
    user = make_user(app)
    with app.state.session_factory() as db:
        stored = db.get_one(User, user.id)
        created, updated = stored.created_at, stored.updated_at
    assert abs(created - MOMENT) < timedelta(minutes=1)
    assert abs(updated - MOMENT) < timedelta(minutes=1)


def test_only_the_seam_and_token_times_read_the_machine_clock() -> None:
    """Token times stay on the machine's clock: jose checks them against real time."""
    allowed = {BACKEND / "core" / "clock.py", BACKEND / "core" / "security.py"}
    offenders = []
    for path in sorted(BACKEND.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"now", "utcnow", "today"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date"}
                and path not in allowed
            ):
                offenders.append(f"{path.relative_to(BACKEND)}:{node.lineno}")
    assert offenders == []
