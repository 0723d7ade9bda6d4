"""What people are told, and how.

- The outbox: email is written in the same transaction as the change that causes it, and
  delivered after commit, so a rolled-back change never sends mail and a sent mail is never
  lost. Push messages wait in an outbox of their own, one row per device.
- A notification is the record of telling a person something: the notification centre lists
  it, and its ``dedupe_key`` makes a reminder exactly-once however many workers run.
- Notification settings say which kinds of message a person wants on which channel, when
  their reminders come, and their quiet hours.
"""

import uuid
from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum, utcnow


class NotificationKind(StrEnum):
    """What a message is about; preferences are per kind. ``security`` (password resets,
    sign-ins, account changes) cannot be switched off."""

    reminders = "reminders"
    changes = "changes"
    mentoring = "mentoring"
    moderation = "moderation"
    digests = "digests"
    security = "security"


class Channel(StrEnum):
    email = "email"
    push = "push"
    app = "app"


class Delivery:
    """How far delivering one queued message has got (email and push alike)."""

    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # After a failed attempt, not before this (the wait grows with each attempt).
    next_attempt_at: Mapped[datetime | None]
    # Set when the last allowed attempt failed: the message stays, with its error, for staff.
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))


class OutboxMessage(Delivery, UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index(None, "sent_at", "claimed_at"),)

    # Erasing an account removes its undelivered mail too.
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    # None for account and security messages, which have no preference to switch off.
    kind: Mapped[NotificationKind | None] = mapped_column(string_enum(NotificationKind))
    # The one-click unsubscribe address (RFC 8058) for the List-Unsubscribe header.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    # An iCalendar file sent along (RSVP confirmations and changes), as text.
    calendar: Mapped[str | None] = mapped_column(Text)


class Notification(UUIDPrimaryKey, Base):
    __tablename__ = "notification"
    __table_args__ = (
        # One reminder per meeting, offset and version, however many workers try at once.
        UniqueConstraint("user_id", "dedupe_key"),
        Index(None, "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(string_enum(NotificationKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Where in the app to look: a path such as /my-meetings.
    link: Mapped[str] = mapped_column(String(300))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    # False when the person switched the app channel off for this kind: the row still
    # records that the message went (by email or push), so it is not sent twice.
    in_app: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class NotificationSettings(Base):
    """One row per person who changed anything; a person without one has the defaults."""

    __tablename__ = "notification_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    remind_day_before: Mapped[bool] = mapped_column(default=True)
    remind_hour_before: Mapped[bool] = mapped_column(default=True)
    # Local times in the person's time zone; both or neither. The quiet hours run from the
    # start up to (not including) the end, across midnight when the end is earlier.
    quiet_hours_start: Mapped[time | None]
    quiet_hours_end: Mapped[time | None]
    # Messages name the circle only when the person chose so (an inbox or a lock screen can
    # be seen by others).
    name_circles: Mapped[bool] = mapped_column(default=False)
    # "kind.channel" pairs the person switched off, e.g. "reminders.email".
    switched_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PushSubscription(UUIDPrimaryKey, Base):
    """One browser or installed app that agreed to receive push messages (the Push API's
    subscription: where to send, and the keys to encrypt for it)."""

    __tablename__ = "push_subscription"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushMessage(Delivery, UUIDPrimaryKey, Base):
    __tablename__ = "push_message"
    __table_args__ = (Index(None, "sent_at", "claimed_at"),)

    # The subscription going (unsubscribed, expired, account erased) takes its messages along.
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True
    )
    # {"title", "body", "url"}: what the service worker shows.
    payload: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
