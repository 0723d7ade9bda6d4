"""A clock the tests can move: the app's notion of now, with real time running underneath."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.core.clock import system_time, use_time_source


@dataclass
class Clock:
    """Moves the app's notion of now; real time keeps running underneath."""

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return system_time() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, moment: datetime) -> None:
        self.offset = moment - system_time()


@contextmanager
def installed_clock() -> Iterator[Clock]:
    """A clock that the whole app reads inside the block (``backend.core.clock``'s one seam:
    every ``utcnow`` and every column default goes through it)."""
    clock = Clock()
    with use_time_source(clock.now):
        yield clock
