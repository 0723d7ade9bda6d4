"""Between the notification API's shapes and the services: settings as the API shows them,
and a change as the services take it."""

from backend.notifications.models import Channel, NotificationKind
from backend.notifications.preferences import SWITCHABLE_KINDS, Preferences, PreferencesChange
from backend.notifications.schemas import (
    ChannelChoice,
    KindChannels,
    NotificationSettingsRead,
    NotificationSettingsUpdate,
    QuietHours,
    Reminders,
)

ALWAYS_SENT = (
    "Messages about your account's safety, such as a password reset link, always come by "
    "email, whatever you choose here."
)
# What one-click unsubscribe says it stops.
KIND_WORDS = {
    NotificationKind.reminders: "reminders before your meetings",
    NotificationKind.changes: "news about your waitlist places, meetings and join requests",
    NotificationKind.mentoring: "news about your peer mentoring",
    NotificationKind.moderation: "notes from the Strength Circles team",
    NotificationKind.digests: "the morning summary of your circles' meetings",
}


def settings_read(wanted: Preferences, *, timezone: str) -> NotificationSettingsRead:
    quiet = (
        QuietHours(start=wanted.quiet_hours_start, end=wanted.quiet_hours_end)
        if wanted.quiet_hours_start is not None and wanted.quiet_hours_end is not None
        else None
    )
    channels = {
        kind.value: ChannelChoice(
            email=wanted.wants(kind, Channel.email),
            push=wanted.wants(kind, Channel.push),
            app=wanted.wants(kind, Channel.app),
        )
        for kind in SWITCHABLE_KINDS
    }
    return NotificationSettingsRead(
        reminders=Reminders(
            day_before=wanted.remind_day_before, hour_before=wanted.remind_hour_before
        ),
        quiet_hours=quiet,
        name_circles=wanted.name_circles,
        channels=KindChannels(**channels),
        timezone=timezone,
        always_sent=ALWAYS_SENT,
    )


def change_of(update: NotificationSettingsUpdate) -> PreferencesChange:
    channels: dict[NotificationKind, dict[Channel, bool]] = {}
    if update.channels is not None:
        for kind in SWITCHABLE_KINDS:
            given = getattr(update.channels, kind.value)
            if given is not None:
                channels[kind] = {
                    Channel(name): on for name, on in given.model_dump().items() if on is not None
                }
    quiet_given = "quiet_hours" in update.model_fields_set
    return PreferencesChange(
        remind_day_before=update.reminders.day_before if update.reminders else None,
        remind_hour_before=update.reminders.hour_before if update.reminders else None,
        quiet_hours=(update.quiet_hours.start, update.quiet_hours.end)
        if update.quiet_hours is not None
        else None,
        clear_quiet_hours=quiet_given and update.quiet_hours is None,
        name_circles=update.name_circles,
        channels=channels,
    )
