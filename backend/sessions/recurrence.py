"""Recurrence in local time: RFC 5545 rules expanded in the group's zone, then stored in UTC.

Pure functions (no database). A rule is expanded on naive local date-times and each
occurrence is placed in its IANA zone afterwards, so a 7 pm meeting stays at 7 pm local time
on both sides of a daylight-saving change. A local time that does not exist on a spring-forward
day is read with the offset before the change (RFC 5545 section 3.3.5), as zoneinfo does with
``fold=0``.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# Parts of a rule that the schedule's own fields carry instead.
FORBIDDEN_PARTS = ("DTSTART", "UNTIL", "COUNT", "TZID")
# The time of day is the schedule's start_time, so a series meets at most once a day.
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# What each frequency may say. Every rule these parts allow (with the ranges checked below)
# makes meetings at a steady rate, which keeps expanding any rule bounded: the expansion
# searches period by period, to the year 9999, for a rule that never matches (an outside
# review found a 30 February costing seconds, and a rule of every minute making 131,040
# meetings).
PARTS_OF = {
    "DAILY": ("INTERVAL", "BYDAY"),
    "WEEKLY": ("INTERVAL", "BYDAY", "WKST"),
    "MONTHLY": ("INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"),
    "YEARLY": ("INTERVAL", "BYMONTH", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"),
}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_INTERVAL = 12
# Every month has a 28th; "the last day" is BYMONTHDAY=-1.
MAX_MONTH_DAY = 28
# A series must have its first meeting within this time of starts_on.
FIRST_MEETING_WITHIN = timedelta(days=366)
_WEEKDAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_WHOLE = re.compile(r"^[+-]?[0-9]{1,3}$")


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
    _check_parts(parts)
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


def _numbers(name: str, value: str) -> list[int]:
    items = value.split(",")
    if len(items) > 31 or not all(_WHOLE.match(item) for item in items):
        raise InvalidRecurrence(f"{name} takes whole numbers separated by commas, not '{value}'.")
    return [int(item) for item in items]


def _in_range(name: str, values: list[int], bound: int, meaning: str) -> None:
    if any(value == 0 or abs(value) > bound for value in values):
        raise InvalidRecurrence(
            f"{name} takes {meaning} from 1 to {bound}, or -1 to -{bound} counted from the end."
        )


def _check_parts(parts: dict[str, str]) -> None:
    """Refuse, before anything is expanded, every rule that could make more than one meeting
    a day or search for a long time without finding one (see PARTS_OF)."""
    frequency = parts["FREQ"]
    allowed = PARTS_OF[frequency]
    for name in parts:
        if name in TIME_PARTS:
            raise InvalidRecurrence(
                f"Leave {name} out of the rule: the schedule's start_time sets the time of "
                "day, and a series meets at most once a day."
            )
        if name != "FREQ" and name not in allowed:
            raise InvalidRecurrence(
                f"A {frequency.lower()} rule may say {', '.join(allowed)}; leave {name} out."
            )
    interval = _numbers("INTERVAL", parts.get("INTERVAL", "1"))
    if len(interval) != 1 or not 1 <= interval[0] <= MAX_INTERVAL:
        raise InvalidRecurrence(
            f"INTERVAL must be a whole number from 1 to {MAX_INTERVAL} (every 1 to "
            f"{MAX_INTERVAL} days, weeks, months or years)."
        )
    if "WKST" in parts and parts["WKST"] not in WEEKDAY_CODES:
        raise InvalidRecurrence(
            "WKST names the day a week starts on: MO, TU, WE, TH, FR, SA or SU."
        )
    months = _numbers("BYMONTH", parts["BYMONTH"]) if "BYMONTH" in parts else []
    if any(not 1 <= month <= 12 for month in months):
        raise InvalidRecurrence("BYMONTH takes months from 1 (January) to 12 (December).")
    if "BYMONTHDAY" in parts:
        if "BYDAY" in parts:
            raise InvalidRecurrence(
                "Choose days of the week (BYDAY) or days of the month (BYMONTHDAY), not both: "
                "together they rarely fall on the same day."
            )
        days = _numbers("BYMONTHDAY", parts["BYMONTHDAY"])
        _in_range(
            "BYMONTHDAY",
            days,
            MAX_MONTH_DAY,
            "days of the month (not every month has a 29th; -1 is the last day)",
        )
    weekdays = 0
    if "BYDAY" in parts:
        entries = [_WEEKDAY.match(entry) for entry in parts["BYDAY"].split(",")]
        if len(entries) > 7 * 5 or any(entry is None for entry in entries):
            raise InvalidRecurrence(
                "BYDAY takes days like MO, TU or, in monthly and yearly rules, numbered ones "
                "like 1TH (the first Thursday) or -1FR (the last Friday)."
            )
        ordinals = [int(entry[1]) for entry in entries if entry is not None and entry[1]]
        if ordinals and frequency in ("DAILY", "WEEKLY"):
            raise InvalidRecurrence(
                "Numbered days like 1TH belong to monthly or yearly rules; a "
                f"{frequency.lower()} rule takes days like TH."
            )
        # A fifth weekday comes in some months each year; the 53rd in some years.
        bound = 53 if frequency == "YEARLY" and not months else 5
        _in_range("A numbered day in BYDAY", ordinals, bound, "numbers")
        if ordinals and "BYSETPOS" in parts:
            raise InvalidRecurrence(
                "Use numbered days (like 1TH) or BYSETPOS, not both in one rule."
            )
        weekdays = len({entry[2] for entry in entries if entry is not None})
    if "BYSETPOS" in parts:
        if not weekdays:
            raise InvalidRecurrence(
                "BYSETPOS picks among the days BYDAY lists (e.g. BYDAY=MO,TU,WE,TH,FR;"
                "BYSETPOS=-1 for the last weekday): give BYDAY too."
            )
        # How many of those days every period surely has: four of each weekday a month.
        per_period = weekdays * 4 * (len(months) if months else 1)
        if frequency == "YEARLY" and not months:
            per_period = weekdays * 52
        _in_range("BYSETPOS", _numbers("BYSETPOS", parts["BYSETPOS"]), per_period, "positions")
    if frequency == "DAILY" and "BYDAY" in parts and interval[0] % 7 == 0:
        raise InvalidRecurrence(
            "Every seven days is every week: say FREQ=WEEKLY with the day instead."
        )


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


def next_occurrences(
    *,
    rule_text: str,
    starts_on: date,
    start_time: time,
    duration_minutes: int,
    timezone: str,
    until: date | None,
    after: datetime,
    count: int,
) -> list[Occurrence]:
    """The first ``count`` occurrences starting at or after ``after`` (aware), in order. The
    rules allowed make meetings at a steady rate and a series starts at most a year back, so
    this takes a bounded number of steps."""
    tz = zone(timezone)
    rule = _rule(rule_text, starts_on, start_time, until)
    local_from = after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    duration = timedelta(minutes=duration_minutes)
    found: list[Occurrence] = []
    for local_start in rule.xafter(local_from, inc=True):
        starts_at = to_utc(local_start, tz)
        if starts_at >= after:
            found.append(Occurrence(local_start, starts_at, starts_at + duration))
            if len(found) >= count:
                break
    return found


def kept_anchor(rule_text: str, anchor: date, today: date) -> date:
    """Where a series changed from now on counts its rhythm from: its old start, moved
    forward by whole periods of the rule (INTERVAL days or weeks; for monthly and yearly
    rules whole years, which every monthly interval divides into) to the last such day on or
    before today. So "every other week" keeps its weeks, and the expansion starts near today.
    RFC 5545 counts an interval from DTSTART: moving DTSTART to today would shift it."""
    if anchor >= today:
        return anchor
    parts = dict(part.split("=", 1) for part in rule_text.upper().split(";") if "=" in part)
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    frequency = parts.get("FREQ")
    if frequency in ("DAILY", "WEEKLY"):
        step = timedelta(days=interval * (7 if frequency == "WEEKLY" else 1))
        return anchor + step * ((today - anchor) // step)
    if frequency not in ("MONTHLY", "YEARLY"):
        return today
    years = math.lcm(interval, 12) // 12 if frequency == "MONTHLY" else interval
    whole = (today.year - anchor.year) // years * years
    for back in (0, years):
        moved = _same_day_years_on(anchor, whole - back)
        if moved <= today:
            return moved
    return anchor


def _same_day_years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def first_occurrence(
    *, rule_text: str, starts_on: date, start_time: time, until: date | None
) -> datetime | None:
    """The first local start of the series, or None when the rule makes none within
    ``FIRST_MEETING_WITHIN`` of ``starts_on`` (the rules allowed find it quickly)."""
    horizon = starts_on + FIRST_MEETING_WITHIN
    rule = _rule(rule_text, starts_on, start_time, min(until, horizon) if until else horizon)
    first: datetime | None = rule.after(datetime.combine(starts_on, time.min), inc=True)
    return first


def utc_until(until: date | None, timezone: str) -> datetime | None:
    """The end of the ``until`` day in local time, in UTC (RFC 5545 wants UNTIL in UTC when
    DTSTART has a TZID)."""
    if until is None:
        return None
    return to_utc(datetime.combine(until, time(23, 59, 59)), zone(timezone))
