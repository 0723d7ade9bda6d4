"""Telling people things: a notice goes, inside the caller's transaction, to the notification
centre and to each channel the person wants for its kind (email, push); the outboxes are
delivered after commit by the worker."""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.core.uniqueness import insert_once
from backend.notifications import push, unsubscribe
from backend.notifications.delivery import deliver_due
from backend.notifications.models import (
    Channel,
    Notification,
    NotificationKind,
    OutboxMessage,
    PushMessage,
    PushSubscription,
)
from backend.notifications.preferences import Preferences, preferences_of
from backend.notifications.senders import Email, EmailSender


class Recipient(Protocol):
    """Whom a notice goes to: an account (notifications sit below accounts, so they name
    only what they use)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def email(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def timezone(self) -> str: ...


def enqueue_email(
    db: Session,
    *,
    to_address: str,
    subject: str,
    body_text: str,
    user_id: uuid.UUID | None,
    kind: NotificationKind | None = None,
    unsubscribe_url: str | None = None,
    calendar: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage:
    """An email to send after commit. Account messages (sign-up, reset) go through this
    alone; everything a person can choose about goes through ``notify``."""
    message = OutboxMessage(
        user_id=user_id,
        to_address=to_address,
        subject=subject,
        body_text=body_text,
        kind=kind,
        unsubscribe_url=unsubscribe_url,
        calendar=calendar,
        next_attempt_at=not_before,
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


@dataclass(frozen=True)
class Notice:
    """One thing to tell people, on every channel they want for its kind.

    ``subject`` is the email's subject, the push message's title and the notification's
    title: like ``text``, it never names a circle or its topic unless the caller checked the
    person chose so (``Preferences.name_circles``). ``link`` is where in the app to look
    (a path such as ``/my-meetings``), signed off in the email as ``see``.
    """

    kind: NotificationKind
    subject: str
    text: str
    link: str
    see: str
    # Makes the notice exactly-once per person: a second notice with the same key is not
    # sent (reminders, which every worker may try to send).
    dedupe_key: str | None = None
    calendar: str | None = None
    channels: frozenset[Channel] = frozenset(Channel)
    # Email and push wait for the person's quiet hours to end (security messages never do).
    # False for what must not wait: the answer to something the person just did (an RSVP),
    # and what was timed to miss quiet hours already (reminders, summaries).
    wait_out_quiet_hours: bool = True
    # A notice about something at a set time (a meeting) waits no longer than this, quiet
    # hours or not: a cancellation must not arrive after the meeting began.
    needed_by: datetime | None = None


def email_body(
    settings: Settings, user: Recipient, notice: Notice, *, unsubscribe: str | None
) -> str:
    url = settings.public_url.rstrip("/")
    body = f"Hello {user.display_name},\n\n{notice.text}\n\n{notice.see}: {url}{notice.link}\n\n"
    if unsubscribe is not None:
        body += (
            "You can choose which messages we send you, and how, on your account page: "
            f"{url}/account#notifications\nTo stop emails like this one: {unsubscribe}\n\n"
        )
    return body + "Strength Circles\n"


def notify(
    db: Session,
    settings: Settings,
    user: Recipient,
    notice: Notice,
    *,
    wanted: Preferences,
    devices: Sequence[PushSubscription] = (),
) -> bool:
    """Tell ``user`` about ``notice`` on the channels they want (``wanted``), in the caller's
    transaction; False when a notice with the same ``dedupe_key`` was sent already."""
    channels = {c for c in notice.channels if wanted.wants(notice.kind, c)}
    values = {
        "kind": notice.kind,
        "title": notice.subject,
        "body": notice.text,
        "link": notice.link,
        "in_app": Channel.app in channels,
    }
    if notice.dedupe_key is None:
        db.add(Notification(user_id=user.id, **values))
    else:
        _, inserted = insert_once(
            db,
            Notification,
            key={"user_id": user.id, "dedupe_key": notice.dedupe_key},
            values=values,
        )
        if not inserted:
            return False
    switchable = notice.kind is not NotificationKind.security
    # Quiet hours hold email and push back until they end (the centre has it at once).
    now = utcnow()
    hold: datetime | None = None
    if switchable and notice.wait_out_quiet_hours:
        hold = wanted.after_quiet_hours(now, user.timezone)
        if notice.needed_by is not None:
            hold = min(hold, notice.needed_by)
        if hold <= now:
            hold = None
    if Channel.email in channels:
        token = unsubscribe.token_for(settings, user.id, notice.kind) if switchable else None
        enqueue_email(
            db,
            to_address=user.email,
            subject=notice.subject,
            body_text=email_body(
                settings, user, notice, unsubscribe=token and unsubscribe.page_url(settings, token)
            ),
            user_id=user.id,
            kind=notice.kind,
            unsubscribe_url=token and unsubscribe.one_click_url(settings, token),
            calendar=notice.calendar,
            not_before=hold,
        )
    if Channel.push in channels:
        push.queue(
            db, devices, title=notice.subject, text=notice.text, link=notice.link, not_before=hold
        )
    return True


NoticeFor = Callable[[Recipient, Preferences], Notice]


def notify_people(
    db: Session, settings: Settings, users: Iterable[Recipient], notice: Notice | NoticeFor
) -> int:
    """``notice`` to each person (their preferences and devices read in one query each); a
    function instead makes each person's own (their calendar file, their circle named if they
    chose so). Returns how many were sent (a dedupe key already used sends nothing)."""
    people = list(users)
    ids = [user.id for user in people]
    wanted = preferences_of(db, ids)
    devices = push.devices_of(db, ids)
    sent = 0
    for user in people:
        own = notice if isinstance(notice, Notice) else notice(user, wanted[user.id])
        sent += notify(
            db, settings, user, own, wanted=wanted[user.id], devices=devices.get(user.id, ())
        )
    return sent


def sent_keys(
    db: Session, kind: NotificationKind, *, since: datetime
) -> set[tuple[uuid.UUID, str]]:
    """(person, dedupe key) of every notice of ``kind`` with a key sent since ``since``."""
    return {
        (user_id, key)
        for user_id, key in db.execute(
            select(Notification.user_id, Notification.dedupe_key).where(
                Notification.kind == kind,
                Notification.dedupe_key.is_not(None),
                Notification.created_at >= since,
            )
        )
        if key is not None
    }


# --- the notification centre -------------------------------------------------------------------


def notifications_of(
    db: Session, user_id: uuid.UUID, *, limit: int, cursor: str | None
) -> KeysetPage[Notification]:
    """The person's notification centre, newest first."""
    query = select(Notification).where(Notification.user_id == user_id, Notification.in_app)
    return paginate(
        db, query, creation_order(Notification), limit=limit, cursor=cursor, descending=True
    )


def unread_count(db: Session, user_id: uuid.UUID) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == user_id, Notification.in_app, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(db: Session, user_id: uuid.UUID, notification_ids: Sequence[uuid.UUID] | None) -> int:
    """Mark the person's notifications read (``None``: all of them); returns how many were
    unread. Someone else's ids are ignored, as if they did not exist."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    result = db.execute(query.values(read_at=utcnow()))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- delivery ----------------------------------------------------------------------------------

# How long delivered messages are kept (for the person's export, and to see what was sent), and
# failed ones (for staff to look into). An email can hold a live link: it is not kept for ever.
KEEP_SENT_EMAIL = timedelta(days=30)
KEEP_SENT_PUSH = timedelta(days=7)
KEEP_FAILED = timedelta(days=90)


def forget_delivered(db: Session, settings: Settings) -> None:
    """The worker's job: the outboxes stay bounded. Messages waiting to be sent stay."""
    now = utcnow()
    for model, keep_sent in ((OutboxMessage, KEEP_SENT_EMAIL), (PushMessage, KEEP_SENT_PUSH)):
        db.execute(
            delete(model).where(
                or_(model.sent_at < now - keep_sent, model.failed_at < now - KEEP_FAILED)
            )
        )


def _email_of(db: Session, message: OutboxMessage) -> Email:
    return Email(
        to_address=message.to_address,
        subject=message.subject,
        body_text=message.body_text,
        unsubscribe_url=message.unsubscribe_url,
        calendar=message.calendar,
    )


def deliver_pending(session_factory: sessionmaker[Session], sender: EmailSender) -> int:
    """Send the email that is due; returns how many were sent (delivery.py says how it
    stays exactly-once and retries)."""
    return deliver_due(
        session_factory, OutboxMessage, what="email", prepare=_email_of, send=sender.send
    )
