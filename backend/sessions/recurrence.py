"""Recurrence in local time: RFC 5545 rules expanded in the group's zone, then stored in UTC.

Pure functions (no database). A rule is expanded on naive local date-times and each
occurrence is placed in its IANA zone afterwards, so a 7 pm meeting stays at 7 pm local time
on both sides of a daylight-saving change. A local time that does not exist on a spring-forward
day is read with the offset before the change (RFC 5545 section 3.3.5), as zoneinfo does with
``fold=0``.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# Parts of a rule that the schedule's own fields carry instead.
FORBIDDEN_PARTS = ("DTSTART", "UNTIL", "COUNT", "TZID")


class InvalidRecurrence(ValueError):
    """A rule, zone or date that cannot make a schedule; the message is for a person."""


@dataclass(frozen=True)
class Occurrence:
    local_start: datetime  # naive, in the schedule's zone: the RECURRENCE-ID
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC

    @property
    def key(self) -> str:
        return self.local_start.isoformat(timespec="seconds")


def zone(name: str) -> ZoneInfo:
    if name not in _known_zones():
        raise InvalidRecurrence(
            f"'{name}' is not an IANA time zone name. Use one such as 'America/Chicago'."
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed but broken
        raise InvalidRecurrence(f"The time zone '{name}' cannot be used.") from exc


def _known_zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    return _ZONES


_ZONES: set[str] | None = None


def normalise_rule(text: str) -> str:
    """The rule's canonical text without the ``RRULE:`` prefix, or InvalidRecurrence."""
    rule = text.strip().removeprefix("RRULE:").strip().upper()
    if not rule:
        raise InvalidRecurrence("Give a recurrence rule such as 'FREQ=WEEKLY;BYDAY=TU'.")
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise InvalidRecurrence(f"'{part}' is not a NAME=VALUE part of a recurrence rule.")
        if name in FORBIDDEN_PARTS:
            raise InvalidRecurrence(
                f"Leave {name} out of the rule: the schedule's starts_on, until and timezone "
                "fields set it."
            )
        if name in parts:
            raise InvalidRecurrence(f"{name} appears twice in the rule.")
        parts[name] = value
    if "FREQ" not in parts:
        raise InvalidRecurrence(
            "Say how often the group meets with FREQ, e.g. 'FREQ=WEEKLY;BYDAY=TU'."
        )
    if parts["FREQ"] not in ALLOWED_FREQUENCIES:
        raise InvalidRecurrence(
            "Meetings can repeat daily, weekly, monthly or yearly (FREQ=DAILY, WEEKLY, MONTHLY "
            "or YEARLY)."
        )
    if _parse(rule) is None:
        # Name the part that is wrong: the parser's own words are written for programmers.
        for name, value in parts.items():
            if name != "FREQ" and _parse(f"FREQ={parts['FREQ']};{name}={value}") is None:
                raise InvalidRecurrence(
                    f"The recurrence rule cannot be read: check its part '{name}={value}'."
                )
        raise InvalidRecurrence(
            "The recurrence rule cannot be read: its parts do not fit together."
        )
    return ";".join(f"{name}={value}" for name, value in parts.items())


def _parse(rule: str) -> rrule | None:
    try:
        # Naive on purpose: rules are expanded in local time (see the module docstring).
        parsed = rrulestr(rule, dtstart=datetime.combine(date(2000, 1, 3), time()), forceset=False)
    except (ValueError, TypeError):
        return None
    return parsed if isinstance(parsed, rrule) else None


def _rule(rule_text: str, starts_on: date, start_time: time, until: date | None) -> rrule:
    dtstart = datetime.combine(starts_on, start_time)
    rule = rrulestr(rule_text, dtstart=dtstart, forceset=False)
    assert isinstance(rule, rrule)  # normalise_rule refused sets
    if until is not None:
        rule = rule.replace(until=datetime.combine(until, time.max))
    return rule


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz).astimezone(UTC)


def occurrences(
    *,
    rule_text: str,
    starts_on: date,
    start_time: time,
    duration_minutes: int,
    timezone: str,
    until: date | None,
    window_start: datetime,
    window_end: datetime,
) -> Iterator[Occurrence]:
    """Occurrences starting in [window_start, window_end) (aware datetimes), in order."""
    tz = zone(timezone)
    rule = _rule(rule_text, starts_on, start_time, until)
    # Expand a day wider on each side in local time, then filter exactly in UTC.
    local_from = window_start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    local_to = window_end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    duration = timedelta(minutes=duration_minutes)
    for local_start in rule.between(local_from, local_to, inc=True):
        starts_at = to_utc(local_start, tz)
        if window_start <= starts_at < window_end:
            # Add the duration in UTC: a meeting across a DST change still lasts as long.
            yield Occurrence(local_start, starts_at, starts_at + duration)


def first_occurrence(
    *, rule_text: str, starts_on: date, start_time: time, until: date | None
) -> datetime | None:
    """The first local start of the series, or None when the rule makes none."""
    rule = _rule(rule_text, starts_on, start_time, until)
    first: datetime | None = rule.after(datetime.combine(starts_on, time.min), inc=True)
    return first


def utc_until(until: date | None, timezone: str) -> datetime | None:
    """The end of the ``until`` day in local time, in UTC (RFC 5545 wants UNTIL in UTC when
    DTSTART has a TZID)."""
    if until is None:
        return None
    return to_utc(datetime.combine(until, time(23, 59, 59)), zone(timezone))
