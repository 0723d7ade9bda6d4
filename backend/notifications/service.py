"""Queueing email (inside the caller's transaction) and delivering it (after commit)."""

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.notifications.models import OutboxMessage
from backend.notifications.senders import EmailSender

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claim older than this belongs to a worker that died mid-send; the message is retried.
CLAIM_TIMEOUT = timedelta(minutes=5)
BATCH_SIZE = 50


class Recipient(Protocol):
    """Whom a notice goes to: an account (notifications sit below accounts, so they name
    only what they use)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def email(self) -> str: ...
    @property
    def display_name(self) -> str: ...


def enqueue_email(
    db: Session, *, to_address: str, subject: str, body_text: str, user_id: uuid.UUID | None
) -> OutboxMessage:
    message = OutboxMessage(
        user_id=user_id, to_address=to_address, subject=subject, body_text=body_text
    )
    db.add(message)
    return message


def newest_messages(db: Session, *, limit: int) -> list[OutboxMessage]:
    """The newest queued emails, sent or not, newest first."""
    return list(
        db.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def newest_message_to(db: Session, *, to_address: str) -> OutboxMessage | None:
    return db.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.to_address) == to_address.strip().lower())
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()


def notify_people(
    db: Session,
    settings: Settings,
    users: Iterable[Recipient],
    *,
    subject: str,
    text: str,
    see: str,
) -> None:
    """A plain notice to each person, greeted by pseudonym and signed off with where to look
    in the app (``see``, e.g. "See your meetings")."""
    url = settings.public_url.rstrip("/")
    for user in users:
        enqueue_email(
            db,
            to_address=user.email,
            subject=subject,
            body_text=f"Hello {user.display_name},\n\n{text}\n\n{see}: {url}\n\nStrength Circles\n",
            user_id=user.id,
        )


def deliver_pending(session_factory: sessionmaker[Session], sender: EmailSender) -> int:
    """Send what is waiting; returns how many were sent. Safe to run in several processes at
    once: a message is claimed by a conditional update before it is sent."""
    sent = 0
    with session_factory.begin() as db:
        now = utcnow()
        candidates = db.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                or_(
                    OutboxMessage.claimed_at.is_(None),
                    OutboxMessage.claimed_at < now - CLAIM_TIMEOUT,
                ),
            )
            .order_by(OutboxMessage.created_at)
            .limit(BATCH_SIZE)
        ).all()
    for message_id in candidates:
        if _deliver_one(session_factory, sender, message_id):
            sent += 1
    return sent


def _deliver_one(
    session_factory: sessionmaker[Session], sender: EmailSender, message_id: uuid.UUID
) -> bool:
    with session_factory.begin() as db:
        now = utcnow()
        claimed = db.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.sent_at.is_(None),
                or_(
                    OutboxMessage.claimed_at.is_(None),
                    OutboxMessage.claimed_at < now - CLAIM_TIMEOUT,
                ),
            )
            .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        message = db.get_one(OutboxMessage, message_id)
        to_address, subject, body_text = message.to_address, message.subject, message.body_text
    try:
        sender.send(to_address=to_address, subject=subject, body_text=body_text)
    except Exception as exc:
        logger.warning("email delivery failed (%s); it will be retried", type(exc).__name__)
        with session_factory.begin() as db:
            db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:500])
            )
        return False
    with session_factory.begin() as db:
        db.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(sent_at=utcnow())
        )
    return True
