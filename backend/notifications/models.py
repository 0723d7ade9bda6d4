"""The outbox: email is written in the same transaction as the change that causes it, and
delivered after commit, so a rolled-back change never sends mail and a sent mail is never lost."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey


class OutboxMessage(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index(None, "sent_at", "claimed_at"),)

    # Erasing an account removes its undelivered mail too.
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
