"""A clock the tests can move: the app's notion of now, with real time running underneath."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from backend.core import orm

# Every module that asks the time imports utcnow from these places.
CLOCK_USERS = (
    "backend.accounts.service",
    "backend.accounts.passwords",
    "backend.accounts.admin",
    "backend.sessions.service",
    "backend.sessions.generation",
    "backend.sessions.rsvps",
    "backend.sessions.schedules",
    "backend.sessions.views",
    "backend.sessions.attendance",
    "backend.sessions.calendar",
    "backend.sessions.notices",
    "backend.sessions.seed",
    "backend.core.ratelimit",
    "backend.groups.service",
    "backend.groups.views",
    "backend.mentoring.matches",
    "backend.mentoring.profiles",
    "backend.mentoring.runs",
    "backend.mentoring.checkins",
    "backend.mentoring.rows",
)


@dataclass
class Clock:
    """Moves the app's notion of now; real time keeps running underneath."""

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


def install_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    for module in CLOCK_USERS:
        monkeypatch.setattr(f"{module}.utcnow", clock.now)
    monkeypatch.setattr(orm, "utcnow", clock.now)
    return clock
