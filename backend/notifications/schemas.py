"""Shapes of the notification centre, notification settings, web push, unsubscribe links, and
the development mail pages."""

import uuid
from datetime import datetime, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend.core.pagination import Page
from backend.core.vocabulary import StrictModel
from backend.notifications.models import NotificationKind


class DevMailRead(BaseModel):
    to: str
    subject: str
    body_text: str
    created_at: datetime


# --- the notification centre ------------------------------------------------------------------


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: NotificationKind
    title: str
    body: str
    link: str = Field(description="Where in the web app to look: a path such as /my-meetings.")
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page[NotificationRead]):
    unread_count: int = Field(description="How many of all the person's notifications are unread.")


class UnreadCount(BaseModel):
    unread_count: int


class MarkRead(StrictModel):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


# --- settings ---------------------------------------------------------------------------------


class ChannelChoice(BaseModel):
    email: bool
    push: bool = Field(
        description="On the devices where push is turned on (see /me/push-subscriptions)."
    )
    app: bool = Field(description="In the web app's notification centre.")


class ChannelChange(StrictModel):
    email: bool | None = None
    push: bool | None = None
    app: bool | None = None


class KindChannels(BaseModel):
    reminders: ChannelChoice = Field(description="Before meetings you are going to.")
    changes: ChannelChoice = Field(
        description="Waitlist places, meetings moved or cancelled, answers to join requests."
    )
    mentoring: ChannelChoice
    moderation: ChannelChoice = Field(description="Outcomes of reports and notes from staff.")
    digests: ChannelChoice = Field(
        description="Facilitators' morning summary of the day's meetings."
    )


class KindChannelsChange(StrictModel):
    reminders: ChannelChange | None = None
    changes: ChannelChange | None = None
    mentoring: ChannelChange | None = None
    moderation: ChannelChange | None = None
    digests: ChannelChange | None = None


# Longer, and a reminder moved out of them could land back inside (before_quiet_hours).
MAX_QUIET_HOURS = 20


class QuietHours(StrictModel):
    start: time = Field(description="Local time, in your time zone, when quiet hours begin.")
    end: time = Field(description="When they end (earlier than start: they run past midnight).")

    @model_validator(mode="after")
    def not_empty(self) -> "QuietHours":
        if self.start == self.end:
            raise ValueError("Quiet hours need an end that differs from their start.")
        if any(
            moment.second or moment.microsecond or moment.tzinfo
            for moment in (self.start, self.end)
        ):
            raise ValueError("Give quiet hours as hours and minutes, such as 22:00.")
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        if minutes % (24 * 60) > MAX_QUIET_HOURS * 60:
            raise ValueError(
                f"Quiet hours can last at most {MAX_QUIET_HOURS} hours, so that reminders still "
                "have a time to reach you. Choose a later start or an earlier end."
            )
        return self


class Reminders(BaseModel):
    day_before: bool = Field(description="24 hours before.")
    hour_before: bool = Field(description="1 hour before, with the link for an online meeting.")


class RemindersChange(StrictModel):
    day_before: bool | None = None
    hour_before: bool | None = None


class NotificationSettingsRead(BaseModel):
    reminders: Reminders
    quiet_hours: QuietHours | None = Field(
        description="Nothing is sent then; a reminder due in them comes just before they begin."
    )
    name_circles: bool = Field(
        description="Whether messages may name the circle. Off, they say only 'your circle'."
    )
    channels: KindChannels
    timezone: str = Field(description="Your time zone (set on your profile), for quiet hours.")
    always_sent: str = Field(description="What is sent whatever these settings say.")


class NotificationSettingsUpdate(StrictModel):
    """Only what is given changes; ``quiet_hours: null`` turns quiet hours off."""

    reminders: RemindersChange | None = None
    quiet_hours: QuietHours | None = None
    name_circles: bool | None = None
    channels: KindChannelsChange | None = None


# --- web push ---------------------------------------------------------------------------------


class PushKey(BaseModel):
    public_key: str = Field(description="The VAPID application server key (base64url).")


class PushKeys(StrictModel):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionCreate(StrictModel):
    """A browser's PushSubscription, as ``subscription.toJSON()`` gives it."""

    endpoint: str = Field(min_length=1, max_length=1000)
    keys: PushKeys
    expirationTime: float | None = None  # noqa: N815 - the Push API's own name


class PushSubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    endpoint: str
    created_at: datetime


# --- one-click unsubscribe --------------------------------------------------------------------


class UnsubscribeRead(BaseModel):
    kind: NotificationKind
    description: str = Field(description="Which emails the link stops, in words.")
    email_on: bool = Field(description="Whether these emails are still being sent.")
