"""Where a changed series counts its rhythm from (recurrence.kept_anchor): its old start moved
on by whole periods, so every other week, month or year keeps its turns."""

from datetime import date, datetime, time

import pytest
from dateutil.rrule import rrulestr

from backend.sessions.recurrence import kept_anchor

TODAY = date(2026, 10, 28)


@pytest.mark.parametrize(
    ("rule", "anchor", "expected"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2026, 10, 19), date(2026, 10, 19)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2025, 1, 6), date(2026, 10, 26)),
        ("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 1), date(2026, 10, 22)),
        ("FREQ=DAILY;INTERVAL=3", date(2026, 10, 1), date(2026, 10, 28)),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH", date(2025, 3, 5), date(2026, 3, 5)),
        ("FREQ=MONTHLY;INTERVAL=5;BYDAY=1TH", date(2020, 3, 5), date(2025, 3, 5)),
        ("FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=1", date(2021, 6, 1), date(2025, 6, 1)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=20", date(2024, 2, 29), date(2026, 2, 28)),
        # A series that has not started yet keeps its start.
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2026, 11, 9), date(2026, 11, 9)),
    ],
)
def test_the_start_moves_on_by_whole_periods_to_today_at_most(
    rule: str, anchor: date, expected: date
) -> None:
    assert kept_anchor(rule, anchor, TODAY) == expected


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=FR",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
        "FREQ=MONTHLY;INTERVAL=7;BYMONTHDAY=15",
        "FREQ=DAILY;INTERVAL=4",
    ],
)
def test_the_meetings_after_today_are_those_of_the_old_start(rule: str) -> None:
    anchor = date(2024, 4, 8)

    def after_today(start: date) -> list[datetime]:
        series = rrulestr(rule, dtstart=datetime.combine(start, time(18)))
        return list(series.xafter(datetime.combine(TODAY, time.min), count=8))

    assert after_today(kept_anchor(rule, anchor, TODAY)) == after_today(anchor)
