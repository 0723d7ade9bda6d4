"""Referrals and the consents the referred person gives to the referrer."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum


class ReferralStatus(StrEnum):
    """Where a referral really is. What a referrer sees depends on consent too
    (``schemas.ReferralState``)."""

    sent = "sent"
    opened = "opened"
    joined = "joined"
    declined = "declined"
    expired = "expired"


class ConsentPart(StrEnum):
    """What a referred person may agree to share with their referrer, each on its own."""

    # Whether they joined the circle or said no thanks.
    outcome = "outcome"
    # Which meetings of that circle they attended, from the time of consent.
    attendance = "attendance"


class Referral(UUIDPrimaryKey, Timestamps, Base):
    """A counseling service's (or a staff member's) referral of one person to one circle. The
    link's secret is kept only as a digest; the person's email only until they answer or the
    referral expires."""

    __tablename__ = "referral"
    # The expiry job reads the ones due.
    __table_args__ = (Index(None, "expiry_noted", "expires_at"),)

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_group.id", ondelete="CASCADE"), index=True
    )
    # Who referred: a service client, or a staff member. Kept apart so each can be asked
    # "your referrals" and so erasing a staff member leaves the client's referrals alone.
    referrer_client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("service_client.id", ondelete="SET NULL"), index=True
    )
    referrer_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # A keyed digest of the address the link was sent to, for "already referred" alone: the
    # address itself is not kept (only the email in the outbox holds it, until the referral is
    # answered or expires).
    email_digest: Mapped[str] = mapped_column(String(64))
    invitation_email_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    # The referrer's own reference (e.g. their case number), never shown to the person.
    external_id: Mapped[str | None] = mapped_column(String(100))
    # For the circle's facilitators only.
    note: Mapped[str | None] = mapped_column(Text)
    asks_outcome: Mapped[bool]
    asks_attendance: Mapped[bool]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(string_enum(ReferralStatus))
    expires_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    # The expiry job has seen it past its time (and told the referrer, if it then looks
    # expired to them: an answer the person does not share looks the same).
    expiry_noted: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None]
    # Someone without an account let the referrer know they said no thanks (a signed-in
    # person's choice is a ReferralConsent, which they can withdraw).
    decline_shared: Mapped[bool] = mapped_column(default=False)
    # The person who answered (signed in to join; declining needs no account).
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )


class ReferralConsent(UUIDPrimaryKey, Timestamps, Base):
    """One part of what a person agreed to share with their referrer, in the words they read
    (kept as given, with their version); withdrawing it ends all later sharing of that part.
    Rows are never deleted: an answer changed later withdraws the earlier one."""

    __tablename__ = "referral_consent"

    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[ConsentPart] = mapped_column(string_enum(ConsentPart))
    wording_version: Mapped[str] = mapped_column(String(20))
    words: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
