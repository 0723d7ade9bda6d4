"""What a person wants to be told, on which channel, and when not to be disturbed.

A person who never changed anything has the defaults: every kind on every channel (push only
reaches devices they subscribed), both reminders, no quiet hours, circles not named. Security
messages always go, by email and in the app.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.uniqueness import insert_once, lock_and_reread
from backend.notifications.models import Channel, NotificationKind, NotificationSettings

# A message moved out of quiet hours is due this long before they begin: the worker runs its
# jobs every minute and delivers every few seconds, so "the last minute" could slip into them.
BEFORE_QUIET_HOURS = timedelta(minutes=15)

SWITCHABLE_KINDS = tuple(kind for kind in NotificationKind if kind is not NotificationKind.security)


def pair(kind: NotificationKind, channel: Channel) -> str:
    return f"{kind.value}.{channel.value}"


@dataclass(frozen=True)
class Preferences:
    remind_day_before: bool = True
    remind_hour_before: bool = True
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    name_circles: bool = False
    switched_off: frozenset[str] = field(default_factory=frozenset)

    def wants(self, kind: NotificationKind, channel: Channel) -> bool:
        if kind is NotificationKind.security:
            return channel is not Channel.push
        return pair(kind, channel) not in self.switched_off

    def in_quiet_hours(self, moment: datetime, timezone: str) -> bool:
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None or start == end:
            return False
        local = moment.astimezone(ZoneInfo(timezone)).time()
        if start < end:
            return start <= local < end
        return local >= start or local < end  # across midnight

    def after_quiet_hours(self, moment: datetime, timezone: str) -> datetime:
        """``moment``, or when it falls in quiet hours the moment they end."""
        if not self.in_quiet_hours(moment, timezone):
            return moment
        assert self.quiet_hours_end is not None
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        end = datetime.combine(local.date(), self.quiet_hours_end, tzinfo=zone)
        if end <= local:  # they end tomorrow morning
            end = datetime.combine(
                local.date() + timedelta(days=1), self.quiet_hours_end, tzinfo=zone
            )
        return end.astimezone(moment.tzinfo)

    def before_quiet_hours(self, moment: datetime, timezone: str, *, depth: int = 0) -> datetime:
        """``moment``, or when it falls in quiet hours a quarter of an hour before they began."""
        if not self.in_quiet_hours(moment, timezone):
            return moment
        assert self.quiet_hours_start is not None
        zone = ZoneInfo(timezone)
        local = moment.astimezone(zone)
        day = local.date()
        if self.quiet_hours_start > local.time():  # they began the evening before
            day -= timedelta(days=1)
        began = datetime.combine(day, self.quiet_hours_start, tzinfo=zone)
        # Counted back in real time from when the clocks first showed the start, so the
        # answer is never later than ``moment`` nor in quiet hours on a night the clocks
        # change (wall-clock arithmetic made a minute that does not exist, read as an hour
        # later).
        before = (_first_shown(began) - BEFORE_QUIET_HOURS).astimezone(moment.tzinfo)
        # When the only minutes outside quiet hours were skipped that night, that moment is
        # in the quiet hours of the day before: look again from there (once is enough, as
        # quiet hours leave at least four hours a day, but it is bounded all the same).
        if depth < 3:
            return self.before_quiet_hours(before, timezone, depth=depth + 1)
        return before


def _first_shown(local: datetime) -> datetime:
    """The instant (UTC) the clocks of ``local``'s zone first show ``local``: its first time
    when they show it twice (going back), the moment they jump past it when they skip it
    (going forward)."""
    first, second = (local.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
    if first <= second:
        return first
    # Skipped: the jump lies after ``second`` (the clocks still short of ``local``) and by
    # ``first`` (past it). Halve the interval down to the microsecond.
    wall = local.replace(tzinfo=None)
    short, past = second, first
    while past - short > timedelta(microseconds=1):
        middle = short + (past - short) // 2
        if middle.astimezone(local.tzinfo).replace(tzinfo=None) >= wall:
            past = middle
        else:
            short = middle
    return past


DEFAULTS = Preferences()


def _of(row: NotificationSettings | None) -> Preferences:
    if row is None:
        return DEFAULTS
    return Preferences(
        remind_day_before=row.remind_day_before,
        remind_hour_before=row.remind_hour_before,
        quiet_hours_start=row.quiet_hours_start,
        quiet_hours_end=row.quiet_hours_end,
        name_circles=row.name_circles,
        switched_off=frozenset(row.switched_off),
    )


def preferences_of(db: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Preferences]:
    """Everyone's preferences in one query; a person without a row has the defaults."""
    ids = list(set(user_ids))
    query = select(NotificationSettings).where(NotificationSettings.user_id.in_(ids))
    found = {row.user_id: _of(row) for row in db.scalars(query)} if ids else {}
    return {user_id: found.get(user_id, DEFAULTS) for user_id in ids}


def preferences(db: Session, user_id: uuid.UUID) -> Preferences:
    return _of(db.get(NotificationSettings, user_id))


def _row_to_change(db: Session, user_id: uuid.UUID) -> NotificationSettings:
    row, _ = insert_once(db, NotificationSettings, key={"user_id": user_id}, values={})
    # Two changes at once (two tabs): the second waits for the first and builds on it.
    return lock_and_reread(db, row)


@dataclass(frozen=True)
class PreferencesChange:
    """Only what is set changes; ``channels`` maps a kind to its channels' on/off."""

    remind_day_before: bool | None = None
    remind_hour_before: bool | None = None
    quiet_hours: tuple[time, time] | None = None
    clear_quiet_hours: bool = False
    name_circles: bool | None = None
    channels: dict[NotificationKind, dict[Channel, bool]] = field(default_factory=dict)


def change_preferences(db: Session, user_id: uuid.UUID, change: PreferencesChange) -> Preferences:
    row = _row_to_change(db, user_id)
    if change.remind_day_before is not None:
        row.remind_day_before = change.remind_day_before
    if change.remind_hour_before is not None:
        row.remind_hour_before = change.remind_hour_before
    if change.clear_quiet_hours:
        row.quiet_hours_start = row.quiet_hours_end = None
    elif change.quiet_hours is not None:
        row.quiet_hours_start, row.quiet_hours_end = change.quiet_hours
    if change.name_circles is not None:
        row.name_circles = change.name_circles
    off = set(row.switched_off)
    for kind, channels in change.channels.items():
        for channel, on in channels.items():
            (off.discard if on else off.add)(pair(kind, channel))
    # A new list, so the JSON column is seen to change; sorted, so it reads the same each time.
    row.switched_off = sorted(off)
    db.flush()
    return _of(row)


def switch_off(db: Session, user_id: uuid.UUID, kind: NotificationKind, channel: Channel) -> None:
    change_preferences(db, user_id, PreferencesChange(channels={kind: {channel: False}}))
