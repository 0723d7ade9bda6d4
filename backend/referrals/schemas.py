"""Request and response shapes of referrals and consent. Requests forbid unknown fields."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field, StringConstraints

from backend.core.vocabulary import StrictModel
from backend.groups.schemas import InvitationPreview
from backend.referrals.models import ConsentPart

# What a referrer sees of a referral: where it is, as far as the person lets them know.
# ``not_shared``: the person answered and has not shared (or no longer shares) how.
ReferralState = Literal["sent", "opened", "joined", "declined", "expired", "not_shared"]

ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[ -~]+$"),
    Field(
        description=(
            "Your own reference for this referral (e.g. a case number), up to 100 printable "
            "ASCII characters. Never shown to the person; do not put their name in it."
        )
    ),
]


class ReferralCreate(StrictModel):
    group_id: uuid.UUID = Field(description="The circle, listed or unlisted.")
    email: EmailStr = Field(
        max_length=254,
        description="Where the invitation goes. Only a keyed digest of it is kept (to refuse "
        "a second referral while the first can be answered), and the email itself until "
        "they answer or it expires.",
    )
    note: str | None = Field(
        default=None,
        max_length=1000,
        description="For the circle's facilitators; the person referred sees it too.",
    )
    external_id: ExternalId | None = None
    ask_outcome: bool = Field(
        default=True, description="Ask the person to share whether they joined or said no."
    )
    ask_attendance: bool = Field(
        default=False,
        description="Ask the person to share which meetings of the circle they attend.",
    )
    expires_in_days: int = Field(
        default=30, ge=1, le=60, description="Days until the invitation stops working (1-60)."
    )


class ReferralRead(BaseModel):
    """A referral as its referrer sees it: only what the person agreed to share."""

    id: uuid.UUID
    group_id: uuid.UUID
    state: ReferralState
    external_id: str | None
    ask_outcome: bool
    ask_attendance: bool
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    answered_at: datetime | None = Field(description="Shown when the outcome is shared.")
    outcome_shared: bool = Field(description="The person shares whether they joined.")
    attendance_shared_since: datetime | None = Field(
        description="The person shares attendance from this moment on; null when they do not."
    )


class ReferralAttendance(BaseModel):
    """One meeting of the circle since the person agreed to share attendance."""

    meeting_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    attended: bool = Field(description="There (on time or late); false when absent or excused.")


class ConsentWording(BaseModel):
    part: ConsentPart
    title: str
    words: str


class ReferralPreview(BaseModel):
    """What a person opening their referral needs to decide: the circle, who referred them,
    and each thing they are asked to share, in the words they would agree to."""

    circle: InvitationPreview
    referrer_name: str
    asked: list[ConsentWording] = Field(description="Each part asked, to agree to separately.")
    consent_version: str = Field(description="Send it back with the answer.")
    how_to_stop: str
    note: str | None = Field(
        description="The referrer's note for the circle's facilitators, shown to the person too."
    )
    expires_at: datetime


class ReferralAccept(StrictModel):
    accept_guidelines: Literal[True] = Field(
        description="Must be true: joining means accepting the circle's current guidelines."
    )
    consent_version: str = Field(max_length=20, description="From the preview.")
    share: list[ConsentPart] = Field(
        default_factory=list,
        max_length=2,
        description="The parts the person agrees to share; empty shares nothing.",
    )


class ReferralDecline(StrictModel):
    consent_version: str = Field(max_length=20, description="From the preview.")
    share_outcome: bool = Field(
        default=False, description="Let the referrer know the person said no thanks."
    )


class ReferralAnswer(BaseModel):
    """What answering did: the circle joined (or not) and what is shared."""

    group_id: uuid.UUID
    joined: bool
    shared: list[ConsentPart]


class ConsentRead(BaseModel):
    """One thing a person agreed to share with someone who referred them."""

    id: uuid.UUID
    referral_id: uuid.UUID
    group_id: uuid.UUID
    group_name: str
    referrer_name: str
    part: ConsentPart
    title: str
    words: str = Field(description="The words agreed to, in the version given.")
    wording_version: str
    granted_at: datetime
    withdrawn_at: datetime | None


class CircleReferral(BaseModel):
    """A referral to a circle as its facilitators see it."""

    id: uuid.UUID
    referrer_name: str
    note: str | None
    state: Literal["waiting", "joined", "closed"] = Field(
        description="As far as the person shares it with the referrer: waiting (no shared "
        "answer yet), joined (they share that they joined), closed (expired, declined, or no "
        "longer shared)."
    )
    member_name: str | None = Field(description="The member's display name once they joined.")
    created_at: datetime
    expires_at: datetime
