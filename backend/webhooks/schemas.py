"""Request and response shapes of webhook endpoints and their deliveries."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from backend.core.vocabulary import StrictModel
from backend.webhooks.catalog import WebhookEventType, described_event_types
from backend.webhooks.models import DeliveryStatus, DisabledBecause

EVENT_TYPES_DESCRIPTION = (
    "The events to receive (at least one, each once):\n\n" + described_event_types()
)
EventTypes = Annotated[
    list[WebhookEventType],
    Field(min_length=1, max_length=len(WebhookEventType), description=EVENT_TYPES_DESCRIPTION),
]
Url = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2000,
        description="An https:// address on the public internet; redirects are not followed.",
        examples=["https://referrals.example.org/hooks/strength-circles"],
    ),
]
Description = Annotated[str | None, Field(max_length=200, description="A note for yourself.")]


def _each_once(kinds: list[WebhookEventType] | None) -> list[WebhookEventType] | None:
    if kinds is not None and len(set(kinds)) != len(kinds):
        raise ValueError("List each event type once.")
    return kinds


class WebhookEndpointCreate(StrictModel):
    url: Url
    event_types: EventTypes
    description: Description = None

    _unique = field_validator("event_types")(_each_once)


class WebhookEndpointUpdate(StrictModel):
    """Only what is sent changes. Admins may send only ``enabled``."""

    url: Url | None = None
    event_types: EventTypes | None = None
    description: Description = None
    enabled: bool | None = Field(
        default=None,
        description="false turns the endpoint off (nothing is queued for it); true turns it "
        "on again, starting fresh.",
    )

    _unique = field_validator("event_types")(_each_once)


class WebhookEndpointRead(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    url: str
    description: str | None
    event_types: list[WebhookEventType]
    enabled: bool
    disabled_at: datetime | None
    disabled_because: DisabledBecause | None = Field(
        description="`owner` or `admin` turned it off, or `failing`: every delivery failed "
        "for 5 days."
    )
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation: until when the secret before it still signs too."
    )
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(
        description="The signing secret (`whsec_...`), in this answer only: keep it safe."
    )


class WebhookSecret(BaseModel):
    secret: str = Field(description="The new signing secret, in this answer only.")
    previous_secret_expires_at: datetime = Field(
        description="Until then deliveries are signed with the previous secret as well."
    )


class WebhookDeliveryRead(BaseModel):
    id: uuid.UUID
    webhook_id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: WebhookEventType
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None = Field(description="What went wrong the last time, in words.")
    last_response_excerpt: str | None = Field(description="The start of your last answer.")
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
