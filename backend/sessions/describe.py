"""When a group meets, in words: a schedule's normalised RRULE read back as plain English in
the group's own time ("Tuesdays, 7:00-8:30 pm", "Every other Monday, 6:00-7:00 pm", "First
Thursday of the month, 7:00-8:30 pm"), and what kind of pattern it is.

Pure functions (no database). Only rules whose every part is understood are put in words;
anything else is "Meets regularly" rather than a guess, since a wrong day is worse than a
vague one. The words stay the same across daylight-saving changes: they are local time.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from backend.core import times
from backend.groups.models import GroupFormat, SupportGroup

Frequency = Literal["weekly", "every_other_week", "monthly", "other"]
FALLBACK = "Meets regularly"
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
ORDINALS[-2] = "second to last"
# Parts of a rule the words below account for; WKST only moves where a week starts.
UNDERSTOOD = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Pattern:
    frequency: Frequency
    weekdays: list[str]  # "tuesday", Monday first
    start_time: time
    end_time: time
    description: str


@dataclass(frozen=True)
class _Day:
    ordinal: int | None
    weekday: int  # Monday = 0


def end_of(start_time: time, duration_minutes: int) -> time:
    """The local clock time a meeting ends (past midnight it wraps: 11:30 pm + 90 = 1:00 am)."""
    return (
        datetime.combine(date(2000, 1, 1), start_time) + timedelta(minutes=duration_minutes)
    ).time()


def describe(
    rule_text: str, *, starts_on: date, start_time: time, duration_minutes: int
) -> Pattern:
    """The pattern of a normalised rule (``FREQ=WEEKLY;BYDAY=TU``) starting on ``starts_on``
    at local ``start_time``."""
    parts = dict(part.partition("=")[::2] for part in rule_text.split(";"))
    end_time = end_of(start_time, duration_minutes)
    days = _days(parts.get("BYDAY"))
    weekdays = _weekdays(parts, days, starts_on)
    frequency = _frequency(parts)
    words = None
    if days is not None and set(parts) <= UNDERSTOOD:
        words = _words(parts, days, starts_on)
    if words is None:
        return Pattern(frequency, weekdays, start_time, end_time, FALLBACK)
    when = f"{words}, {times.clock_range(start_time, end_time)}"
    return Pattern(frequency, weekdays, start_time, end_time, when[:1].upper() + when[1:])


def _days(byday: str | None) -> list[_Day] | None:
    """BYDAY as (ordinal, weekday) pairs; [] without BYDAY; None when it cannot be read."""
    if byday is None:
        return []
    days = []
    for entry in byday.split(","):
        match = _BYDAY.match(entry)
        if match is None:
            return None
        days.append(_Day(int(match[1]) if match[1] else None, CODES.index(match[2])))
    return days


def _weekdays(parts: dict[str, str], days: list[_Day] | None, starts_on: date) -> list[str]:
    if days:
        return [DAY_NAMES[n] for n in sorted({day.weekday for day in days})]
    if days is None:
        return []
    if parts["FREQ"] == "WEEKLY":  # RFC 5545: the weekday of the first meeting
        return [DAY_NAMES[starts_on.weekday()]]
    if parts["FREQ"] == "DAILY":
        return list(DAY_NAMES)
    return []


def _interval(parts: dict[str, str]) -> int:
    return int(parts.get("INTERVAL", "1"))


def _frequency(parts: dict[str, str]) -> Frequency:
    interval = _interval(parts)
    if parts["FREQ"] == "WEEKLY" and interval == 1:
        return "weekly"
    if parts["FREQ"] == "WEEKLY" and interval == 2:
        return "every_other_week"
    if parts["FREQ"] == "MONTHLY" and interval == 1:
        return "monthly"
    return "other"


def _words(parts: dict[str, str], days: list[_Day], starts_on: date) -> str | None:
    frequency, interval = parts["FREQ"], _interval(parts)
    if frequency == "WEEKLY" and "BYMONTHDAY" not in parts and "BYSETPOS" not in parts:
        if any(day.ordinal is not None for day in days):
            return None
        weekdays = sorted({day.weekday for day in days} or {starts_on.weekday()})
        if interval == 1:
            return _every(weekdays)
        names = _listed([times.DAY_NAMES[n] for n in weekdays])
        if interval == 2:
            return f"every other {names}"
        return f"every {interval} weeks on {names}"
    if frequency == "DAILY" and interval == 1 and set(parts) <= {"FREQ", "INTERVAL", "BYDAY"}:
        if any(day.ordinal is not None for day in days):
            return None
        return _every(sorted({day.weekday for day in days}) or list(range(7)))
    if frequency == "MONTHLY" and interval in (1, 2):
        which = _monthly(parts, days, starts_on)
        if which is None:
            return None
        return f"{which} of {'the month' if interval == 1 else 'every other month'}"
    return None


def _every(weekdays: list[int]) -> str:
    """``Tuesdays``, ``Mondays and Fridays``, ``Weekdays``, ``Every day``."""
    if weekdays == list(range(7)):
        return "every day"
    if weekdays == list(range(5)):
        return "weekdays"
    return _listed([f"{times.DAY_NAMES[n]}s" for n in weekdays])


def _monthly(parts: dict[str, str], days: list[_Day], starts_on: date) -> str | None:
    """``first Thursday``, ``second and fourth Saturday``, ``the 15th``, ``the last day``."""
    if days and "BYMONTHDAY" not in parts:
        if "BYSETPOS" in parts:
            positions = parts["BYSETPOS"].split(",")
            if len(days) != 1 or days[0].ordinal is not None or len(positions) != 1:
                return None
            days = [_Day(int(positions[0]), days[0].weekday)]
        if any(day.ordinal not in ORDINALS for day in days):
            return None
        # First to fifth, then the ones counted from the end: "second and last Friday".
        ordinals = [day.ordinal for day in days if day.ordinal is not None]
        ordered = sorted(zip(ordinals, days, strict=True), key=lambda p: (p[0] < 0, p[0]))
        if len({day.weekday for day in days}) == 1:
            return (
                f"{_listed([ORDINALS[n] for n, _ in ordered])} {times.DAY_NAMES[days[0].weekday]}"
            )
        return _listed([f"{ORDINALS[n]} {times.DAY_NAMES[day.weekday]}" for n, day in ordered])
    if days or "BYSETPOS" in parts:
        return None
    monthday = parts.get("BYMONTHDAY", str(starts_on.day))
    if monthday == "-1":
        return "the last day"
    if not monthday.isdigit() or not 1 <= int(monthday) <= 31:
        return None
    return f"the {_nth(int(monthday))}"


def _nth(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _listed(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def meeting_place(location: str | None, group: SupportGroup) -> str | None:
    """Where a meeting is: its own note, else the group's address and city (none for an
    online group)."""
    if location:
        return location
    if group.format == GroupFormat.online:
        return None
    return ", ".join(part for part in (group.address, group.city) if part) or None
