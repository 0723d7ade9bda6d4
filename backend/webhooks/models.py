"""Webhook endpoints, the messages queued for them, and one delivery per message and endpoint.

The messages are a transactional outbox: written in the transaction of the change they tell
of, so a change that rolls back sends nothing, and delivered by the worker after commit.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum, utcnow


class DisabledBecause(StrEnum):
    owner = "owner"  # the client turned it off
    admin = "admin"  # staff turned it off (support)
    failing = "failing"  # every delivery failed for too long (delivery.DISABLE_WHEN_FAILING_FOR)


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class WebhookEndpoint(UUIDPrimaryKey, Timestamps, Base):
    """Where one service client receives the events it subscribed to.

    The signing secret itself is never stored: the endpoint keeps a random seed and the id of
    the server key it was made with, and the secret is derived from both when a delivery is
    signed (``signing.secret_of``), as two-step sign-in's TOTP secrets are. A copy of the
    database alone signs nothing.
    """

    __tablename__ = "webhook_endpoint"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_client.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None]
    disabled_because: Mapped[DisabledBecause | None] = mapped_column(string_enum(DisabledBecause))
    secret_seed: Mapped[str] = mapped_column(String(64))
    secret_key_id: Mapped[str] = mapped_column(String(100))
    # After a rotation, the secret before it signs too until this time (the grace period).
    previous_secret_seed: Mapped[str | None] = mapped_column(String(64))
    previous_secret_key_id: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None]
    # Since when every delivery attempt has failed; None after a success.
    failing_since: Mapped[datetime | None]


class WebhookMessage(UUIDPrimaryKey, Base):
    """One event as sent: its ``webhook-id`` and the exact body that is signed."""

    __tablename__ = "webhook_message"

    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(UUIDPrimaryKey, Timestamps, Base):
    """A message on its way to one endpoint: its attempts and how the last one went."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index(None, "status", "next_attempt_at"),)

    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_message.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The start of the receiver's last answer, for the log; never more (it is theirs).
    last_response_excerpt: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None]
