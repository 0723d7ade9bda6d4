"""The worker: delivers the outbox every few seconds and runs the periodic jobs that
``backend.wiring`` registers, each in its own transaction.

In production it runs as its own process (``circles worker``), so web processes only answer
requests, however many of them there are. ``make run`` keeps one command: in development a
web process runs it in a background thread too (``Settings.runs_embedded_worker``).
Several workers may run at once: delivery claims messages, and every job is written to be
safe to run twice.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from backend.core.config import Settings
from backend.core.db import is_database_unavailable
from backend.core.events import Job
from backend.notifications.push import deliver_pushes
from backend.notifications.senders import EmailSender
from backend.notifications.service import deliver_pending
from backend.webhooks.delivery import deliver_webhooks

logger = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        sender: EmailSender,
        jobs: Sequence[Job],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.sender = sender
        self.jobs = list(jobs)
        self._monotonic = monotonic
        self._last_run: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One round: the jobs that are due, the email outbox, push messages, then the
        webhooks that are due. Returns the emails sent."""
        for job in self.jobs:
            now = self._monotonic()
            last = self._last_run.get(job.name)
            if last is not None and now - last < job.every.total_seconds():
                continue
            self._last_run[job.name] = now
            try:
                with self.session_factory.begin() as db:
                    job.run(db, self.settings)
            except Exception as exc:
                self._log_failure(job.name, exc)
        sent = 0
        try:
            sent = deliver_pending(self.session_factory, self.sender)
        except Exception as exc:
            self._log_failure("outbox", exc)
        try:
            deliver_pushes(self.session_factory, self.settings)
        except Exception as exc:
            self._log_failure("push", exc)
        try:
            deliver_webhooks(self.session_factory, self.settings)
        except Exception as exc:
            self._log_failure("webhooks", exc)
        return sent

    @staticmethod
    def _log_failure(what: str, exc: Exception) -> None:
        # The database being away (or a table missing before migrations) must not stop the
        # worker, nor fill the log; the next round tries again.
        if not is_database_unavailable(exc):
            logger.exception("worker: %s failed", what)

    def run_until_stopped(self) -> None:
        """Rounds every ``outbox_interval_seconds`` until ``stop()``; a round in progress
        finishes first."""
        interval = max(self.settings.outbox_interval_seconds, 0.1)
        while True:
            self.run_once()
            if self._stop.wait(interval):
                return

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self.run_until_stopped, name="worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.outbox_interval_seconds + 30)
