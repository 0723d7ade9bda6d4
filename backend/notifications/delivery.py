"""Delivering what waits in an outbox (email, push), the same way for both.

Safe in several processes at once: a message is claimed by a conditional update before it is
sent, so two workers never send the same one. A failed attempt is retried later, each wait
longer than the one before; after the last attempt the message is marked failed and kept, with
its error, so nothing is lost silently. A claim older than ``CLAIM_TIMEOUT`` belongs to a
worker that died mid-send, and the message is tried again.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.core.orm import utcnow
from backend.notifications.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)
BATCH_SIZE = 50
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)

D = TypeVar("D", bound=Delivery)
P = TypeVar("P")


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, 90 s, 4.5 min, ...
    up to 6 hours (eight attempts span about nine hours)."""
    wait: timedelta = FIRST_RETRY * 3 ** (attempts - 1)
    return min(wait, LONGEST_WAIT)


def _claimable(model: type[Delivery], now: datetime) -> list[Any]:
    return [
        model.sent_at.is_(None),
        model.failed_at.is_(None),
        or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
        or_(model.claimed_at.is_(None), model.claimed_at < now - CLAIM_TIMEOUT),
    ]


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver_due(
    session_factory: sessionmaker[Session],
    model: type[D],
    *,
    what: str,
    prepare: Callable[[Session, D], P],
    send: Callable[[P], None],
    gone: Callable[[Session, D, Exception], bool] = lambda db, message, exc: False,
) -> int:
    """Send the messages of ``model`` that are due, at most ``BATCH_SIZE``; returns how many
    were sent. ``prepare`` reads what sending needs, in the claim's short transaction;
    ``send`` sends it with no transaction open (a slow server holds no database locks).
    ``gone`` is asked about a failure, in a transaction: true means the message can never
    arrive and ``gone`` has removed it (an expired push subscription, with its messages)."""
    with session_factory.begin() as db:
        now = utcnow()
        due = list(
            db.scalars(
                select(model.id)  # type: ignore[attr-defined]
                .where(*_claimable(model, now))
                .order_by(model.created_at)  # type: ignore[attr-defined]
                .limit(BATCH_SIZE)
            )
        )
    sent = 0
    for message_id in due:
        with session_factory.begin() as db:
            now = utcnow()
            claimed = db.execute(
                update(model)
                .where(model.id == message_id, *_claimable(model, now))  # type: ignore[attr-defined]
                .values(claimed_at=now, attempts=model.attempts + 1)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker has it
            prepared = prepare(db, db.get_one(model, message_id))
        try:
            send(prepared)
        except Exception as exc:
            # The kind of error only: its text may hold an address or a subject.
            logger.warning("%s delivery failed (%s); it will be retried", what, type(exc).__name__)
            _record_failure(session_factory, model, message_id, exc, gone)
            continue
        with session_factory.begin() as db:
            db.execute(
                update(model)
                .where(model.id == message_id)  # type: ignore[attr-defined]
                .values(sent_at=utcnow())
            )
        sent += 1
    return sent


def _record_failure(
    session_factory: sessionmaker[Session],
    model: type[D],
    message_id: uuid.UUID,
    exc: Exception,
    gone: Callable[[Session, D, Exception], bool],
) -> None:
    with session_factory.begin() as db:
        message = db.get(model, message_id)
        if message is None:  # removed meanwhile (an erased account takes its mail along)
            return
        if gone(db, message, exc):
            return
        now = utcnow()
        message.claimed_at = None
        message.last_error = describe(exc)
        if message.attempts >= MAX_ATTEMPTS:
            message.failed_at = now
        else:
            message.next_attempt_at = now + retry_wait(message.attempts)
