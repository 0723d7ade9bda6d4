"""Times as people read them. Every message, description and email that shows a time is
written with these, so it reads the same everywhere: "6:30 pm (America/Chicago time) on
Tuesday, 3 March", "Tuesdays, 7:00-8:30 pm" (ranges take an en dash).

The zone is always named with the time: a member may live elsewhere than the meeting, and a
time without its zone is a guess.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

EN_DASH = "\u2013"
# English names whatever the process locale (strftime's %A and %B follow it).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def clock(value: time) -> str:
    """``7:00 pm``, ``11:30 am``, ``12:00 pm`` (noon)."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def clock_range(start: time, end: time) -> str:
    """``7:00-8:30 pm``, or ``11:30 am-1:00 pm`` when the halves of the day differ (with an
    en dash between)."""
    first, last = clock(start), clock(end)
    if first[-2:] == last[-2:]:
        first = first[:-3]
    return f"{first}{EN_DASH}{last}"


def day(value: date, *, today: date | None = None) -> str:
    """``Tuesday, 3 March``; with the year when it is not this year's (``today``)."""
    words = f"{DAY_NAMES[value.weekday()]}, {value.day} {MONTH_NAMES[value.month - 1]}"
    if today is not None and value.year != today.year:
        words += f" {value.year}"
    return words


def moment(at: datetime, timezone: str, *, now: datetime | None = None) -> str:
    """``6:30 pm (America/Chicago time) on Tuesday, 3 March``: ``at`` in ``timezone``, which is
    named, with the year when it is not the year of ``now`` (default: ``at``'s own)."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    today = (now or at).astimezone(zone).date()
    return f"{clock(local.time())} ({timezone} time) on {day(local.date(), today=today)}"
