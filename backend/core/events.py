"""Domain events: how one domain lets others react to what happened, without importing them.

A domain publishes a fact in its own words (``GroupArchived``); the domains that care react in
handlers that the composition root (``backend.wiring``) subscribes. Handlers run at once, in
the publisher's database session, so what they change commits or rolls back with the request
that caused it: there is no "archived but its meetings still open" in between.

Periodic jobs are registered the same way and run by the worker (``circles worker``), never
by web processes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from backend.core.config import Settings


class Event:
    """Base of every domain event: a frozen dataclass named in the past tense."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Session, Settings, Any], None]


@dataclass(frozen=True)
class Job:
    """Work the worker does every ``every``; it must be safe to run in several processes."""

    name: str
    every: timedelta
    run: Callable[[Session, Settings], object]


class NotWired(RuntimeError):
    """An event was published before the composition root subscribed the handlers."""


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = {}
        self._jobs: list[Job] = []
        self.wired = False

    def subscribe(
        self, event_type: type[E], handler: Callable[[Session, Settings, E], None]
    ) -> None:
        self._handlers.setdefault(event_type, []).append(handler)

    def handlers(self, event_type: type[Event]) -> list[Handler]:
        return list(self._handlers.get(event_type, []))

    def add_job(self, job: Job) -> None:
        self._jobs.append(job)

    @property
    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def publish(self, db: Session, settings: Settings, event: Event) -> None:
        """Run every handler of ``event`` now, in order of subscription, in ``db``'s
        transaction. A handler's error propagates, so the whole request rolls back."""
        if not self.wired:
            # Dropping consequences silently (seats kept, matches left open) would be worse
            # than failing: every entry point wires the bus first.
            raise NotWired(f"{type(event).__name__} was published before backend.wiring.wire()")
        for handler in self._handlers.get(type(event), []):
            handler(db, settings, event)


# The process's one bus: services publish here; backend.wiring fills it once.
bus = EventBus()


def publish(db: Session, settings: Settings, event: Event) -> None:
    bus.publish(db, settings, event)
