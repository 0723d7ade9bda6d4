"""A background thread per process that delivers the outbox every few seconds, and runs
light housekeeping (such as keeping meetings generated ahead) now and then."""

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from backend.core.db import is_database_unavailable
from backend.notifications.senders import EmailSender
from backend.notifications.service import deliver_pending

logger = logging.getLogger(__name__)


HOUSEKEEPING_EVERY_S = 3600.0


class OutboxWorker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        sender: EmailSender,
        interval: float,
        housekeeping: Callable[[Session], None] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.sender = sender
        self.interval = interval
        self.housekeeping = housekeeping
        self._last_housekeeping = float("-inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._housekeep()
                deliver_pending(self.session_factory, self.sender)
            except Exception as exc:
                # The database being away (or a table missing before migrations) must not
                # kill the thread; the next round tries again.
                if not is_database_unavailable(exc):
                    logger.exception("outbox delivery round failed")

    def _housekeep(self) -> None:
        if self.housekeeping is None:
            return
        if time.monotonic() - self._last_housekeeping < HOUSEKEEPING_EVERY_S:
            return
        self._last_housekeeping = time.monotonic()
        with self.session_factory.begin() as db:
            self.housekeeping(db)
