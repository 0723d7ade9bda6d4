"""Schedules: RFC 5545 rules in local time, generated ahead, edited from now on, and listed
for any window; one-off sessions; cancelling or moving one occurrence."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.sessions.generation import generate_all_ahead
from backend.sessions.models import GroupSession
from backend.sessions.schedules import MAX_LIVE_SCHEDULES
from tests.sessions.conftest import Circle, Clock, create_schedule, one_off
from tests.support.problems import assert_problem

NEW_YORK = ZoneInfo("America/New_York")


def sessions(
    client: TestClient, circle: Circle, start: str, end: str, **params: str | int
) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor = None
    while True:
        query: dict[str, str | int] = {"from": start, "to": end, "limit": 100, **params}
        if cursor:
            query["cursor"] = cursor
        response = client.get(
            f"{circle.base}/sessions", params=query, headers=circle.members[0].headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def local(item: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(item["starts_at"])).astimezone(NEW_YORK)


def test_weekly_meeting_keeps_its_local_time_across_the_dst_change(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)
    items = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")
    # Tuesdays in October and November 2026: DST ends on 1 November.
    assert [local(i).date() for i in items] == [
        date(2026, 10, 6) + timedelta(weeks=n) for n in range(8)
    ]
    assert {(local(i).hour, local(i).minute) for i in items} == {(19, 0)}
    utc_hours = {datetime.fromisoformat(str(i["starts_at"])).hour for i in items}
    assert utc_hours == {23, 0}  # 23:00Z in EDT, 00:00Z in EST
    first = items[0]
    assert first["starts_at"] == "2026-10-06T23:00:00Z"
    assert first["ends_at"] == "2026-10-07T00:30:00Z"
    assert first["timezone"] == "America/New_York"
    assert first["status"] == "scheduled"
    assert first["capacity"] == 12
    assert first["seats_left"] == 12


def test_sessions_are_generated_at_least_twelve_weeks_ahead_and_on_demand_further(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle, rrule="FREQ=MONTHLY;BYDAY=1TH")
    ahead = sessions(client, circle, "2026-10-01T00:00:00Z", "2027-10-01T00:00:00Z")
    # The first Thursday of each month, for a year, however far past the horizon.
    assert len(ahead) == 12
    assert all(local(i).weekday() == 3 and local(i).day <= 7 for i in ahead)
    clock.set(datetime(2027, 9, 1, 12, tzinfo=UTC))
    later = sessions(client, circle, "2027-09-01T00:00:00Z", "2028-03-01T00:00:00Z")
    assert len(later) == 6
    assert [i["id"] for i in later[:1]] == [ahead[-1]["id"]]  # generated once, not again


def test_every_other_week_and_until(client: TestClient, circle: Circle, clock: Clock) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", until="2026-11-30")
    items = sessions(client, circle, "2026-10-01T00:00:00Z", "2027-03-01T00:00:00Z")
    # Every other week counts from the week of starts_on (Thursday 1 October), as RFC 5545
    # counts from DTSTART: the Monday of that week is before the start, so the 12th is first.
    assert [local(i).date() for i in items] == [
        date(2026, 10, 12),
        date(2026, 10, 26),
        date(2026, 11, 9),
        date(2026, 11, 23),
    ]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"rrule": "FREQ=HOURLY"}, "daily, weekly, monthly or yearly"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "BYDAY takes days like MO"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=20270101T000000Z"}, "Leave UNTIL out"),
        ({"rrule": "FREQ=WEEKLY;COUNT=3"}, "Leave COUNT out"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"until": "2026-09-01"}, "until must be on or after starts_on"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "from 1 to 28"),
        ({"duration_minutes": 0}, "greater than or equal to 5"),
        # What an outside review used to fill the database or the CPU, each refused before
        # anything is expanded (the words say which check refused it):
        ({"rrule": "FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE=0,1,2"}, "start_time sets the time"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU;BYMINUTE=5"}, "meets at most once a day"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"}, "BYSETPOS takes positions from 1 to 4"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=MO,MO,MO;BYSETPOS=5"}, "from 1 to 4"),
        ({"rrule": "FREQ=MONTHLY;BYSETPOS=1"}, "give BYDAY too"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15"}, "not both"),
        ({"rrule": "FREQ=MONTHLY;BYDAY=6MO"}, "from 1 to 5"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYDAY=53MO"}, "from 1 to 5"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=1MO"}, "Numbered days like 1TH belong"),
        ({"rrule": "FREQ=WEEKLY;BYMONTHDAY=1"}, "leave BYMONTHDAY out"),
        ({"rrule": "FREQ=YEARLY;BYYEARDAY=100"}, "leave BYYEARDAY out"),
        ({"rrule": "FREQ=DAILY;INTERVAL=7;BYDAY=TU"}, "say FREQ=WEEKLY"),
        ({"rrule": "FREQ=WEEKLY;INTERVAL=400"}, "INTERVAL must be a whole number"),
        ({"rrule": "FREQ=WEEKLY;INTERVAL=1,2"}, "INTERVAL must be a whole number"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU;WKST=XX"}, "WKST names the day"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=13"}, "BYMONTH takes months"),
        ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=1;2"}, "not a NAME=VALUE part"),
        # The fifth Monday of October: none in 2026 or 2027, so none within a year.
        ({"rrule": "FREQ=MONTHLY;INTERVAL=12;BYDAY=5MO"}, "in the year from starts_on"),
        ({"until": "2040-01-01"}, "at most 10 years after"),
        ({"until": "9999-12-31"}, "between the years 1900 and 2200"),
        ({"starts_on": "2020-01-01"}, "at most a year ago"),
        ({"starts_on": "2035-01-01"}, "at most two years ahead"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_with_the_reason(
    client: TestClient, circle: Circle, clock: Clock, fields: dict[str, object], fragment: str
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    body = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_time": "19:00",
        "duration_minutes": 90,
        "timezone": "America/New_York",
        "starts_on": "2026-10-01",
    } | fields
    response = client.post(
        f"{circle.base}/schedules", headers=circle.facilitator.headers, json=body
    )
    problem = assert_problem(response, 422)
    assert fragment in response.text, problem
    listed = client.get(f"{circle.base}/schedules", headers=circle.facilitator.headers)
    assert listed.json()["items"] == []


def test_one_occurrence_can_be_cancelled_or_moved_without_touching_the_rest(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)
    before = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z")
    headers = circle.facilitator.headers
    cancelled = client.patch(
        f"/api/v1/sessions/{before[1]['id']}",
        headers=headers,
        json={"status": "cancelled", "cancel_reason": "The room is closed for a holiday."},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    moved = client.patch(
        f"/api/v1/sessions/{before[2]['id']}",
        headers=headers,
        json={"starts_at": "2026-10-21T23:00:00Z"},
    )
    assert moved.status_code == 200, moved.text
    after = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z")
    assert [(i["id"], i["status"]) for i in after] == [
        (before[0]["id"], "scheduled"),
        (before[1]["id"], "cancelled"),
        (before[2]["id"], "scheduled"),
        (before[3]["id"], "scheduled"),
    ]
    assert after[2]["starts_at"] == "2026-10-21T23:00:00Z"
    assert after[3]["starts_at"] == before[3]["starts_at"]
    # The moved one says when it was planned, so its page can say it moved; the rest do not.
    assert after[2]["moved_from"] == before[2]["starts_at"]
    assert [i["moved_from"] for i in (after[0], after[1], after[3])] == [None, None, None]


def test_editing_the_series_moves_future_untouched_sessions_and_keeps_rsvps(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    schedule = create_schedule(client, circle)
    clock.set(datetime(2026, 10, 15, 12, tzinfo=UTC))  # two meetings are past
    before = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-11-15T00:00:00Z")
    member = circle.members[0]
    future = before[2]
    going = client.put(
        f"/api/v1/sessions/{future['id']}/rsvp", headers=member.headers, json={"status": "going"}
    )
    assert going.json()["status"] == "going"
    moved_one = client.patch(
        f"/api/v1/sessions/{before[3]['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": "2026-10-28T22:00:00Z"},
    )
    assert moved_one.status_code == 200
    edited = client.patch(
        f"/api/v1/schedules/{schedule['id']}",
        headers=circle.facilitator.headers,
        json={"start_time": "18:00"},
    )
    assert edited.status_code == 200, edited.text
    after = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-11-15T00:00:00Z")
    by_id = {i["id"]: i for i in after}
    # Past meetings keep their time; the individually moved one keeps its own.
    assert by_id[before[0]["id"]]["starts_at"] == before[0]["starts_at"]
    assert by_id[before[3]["id"]]["starts_at"] == "2026-10-28T22:00:00Z"
    # The next meeting moved an hour earlier on the same day and kept the RSVP.
    assert local(by_id[future["id"]]).hour == 18
    assert by_id[future["id"]]["my_rsvp"] == {"status": "going", "waitlist_position": None}
    later = [i for i in after if local(i).date() > date(2026, 10, 28)]
    assert later
    assert all(local(i).hour == 18 for i in later)


def test_a_one_off_session_and_its_validation(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    start = clock.now() + timedelta(days=3)
    session = one_off(client, circle, start.replace(microsecond=0), capacity=5)
    assert session["capacity"] == 5
    assert session["schedule_id"] is None
    past = client.post(
        f"{circle.base}/sessions",
        headers=circle.facilitator.headers,
        json={
            "starts_at": (clock.now() - timedelta(hours=1)).isoformat(),
            "duration_minutes": 60,
            "timezone": "UTC",
        },
    )
    assert_problem(past, 422)
    naive = client.post(
        f"{circle.base}/sessions",
        headers=circle.facilitator.headers,
        json={"starts_at": "2027-01-01T10:00:00", "duration_minutes": 60, "timezone": "UTC"},
    )
    assert_problem(naive, 422)


def test_housekeeping_keeps_every_schedule_generated_ahead(
    client: TestClient, app: FastAPI, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)
    clock.set(datetime(2027, 3, 1, 12, tzinfo=UTC))  # nobody looked for five months
    with app.state.session_factory.begin() as db:
        generate_all_ahead(db)
    with app.state.session_factory() as db:
        last = db.scalar(
            select(func.max(GroupSession.starts_at)).where(GroupSession.group_id == circle.group.id)
        )
    assert last is not None
    assert last >= datetime(2027, 3, 1, tzinfo=UTC) + timedelta(weeks=12)


def test_every_rule_the_checks_allow_meets_within_a_year_at_most_once_a_day(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    rules = [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE",
        "FREQ=WEEKLY;INTERVAL=12;BYDAY=SU;WKST=SU",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=YEARLY;BYMONTH=12;BYDAY=2SA",
        "FREQ=YEARLY;BYDAY=52MO",
    ]
    for rule in rules:
        schedule = create_schedule(client, circle, rrule=rule)
        items = sessions(client, circle, "2026-10-01T00:00:00Z", "2027-10-01T00:00:00Z")
        mine = [i for i in items if i["schedule_id"] == schedule["id"]]
        assert mine, rule
        days = [local(i).date() for i in mine]
        assert len(days) == len(set(days)), rule
        ended = client.post(
            f"/api/v1/schedules/{schedule['id']}/end", headers=circle.facilitator.headers
        )
        assert ended.status_code == 200, ended.text


def test_a_circle_runs_a_bounded_number_of_series(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    for _ in range(MAX_LIVE_SCHEDULES):
        create_schedule(client, circle, rrule="FREQ=MONTHLY;BYDAY=1TU")
    body = {
        "rrule": "FREQ=MONTHLY;BYDAY=1TU",
        "start_time": "19:00",
        "duration_minutes": 90,
        "timezone": "America/New_York",
        "starts_on": "2026-10-01",
    }
    refused = client.post(f"{circle.base}/schedules", headers=circle.facilitator.headers, json=body)
    assert_problem(refused, 422)
    assert "at most 20 series at once" in refused.text


def test_an_anonymous_read_never_generates_meetings(
    app: FastAPI, client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle, rrule="FREQ=DAILY")

    def stored() -> int:
        with app.state.session_factory() as db:
            return int(db.scalar(select(func.count()).select_from(GroupSession)) or 0)

    before = stored()
    far: dict[str, str | int] = {
        "from": "2028-06-01T00:00:00Z",
        "to": "2029-05-01T00:00:00Z",
        "limit": 100,
    }
    anonymous = client.get(f"{circle.base}/sessions", params=far)
    assert anonymous.status_code == 200, anonymous.text
    assert anonymous.json()["items"] == []  # beyond what is kept generated
    assert stored() == before
    member = client.get(f"{circle.base}/sessions", params=far, headers=circle.members[0].headers)
    assert member.status_code == 200, member.text
    assert len(member.json()["items"]) == 100
    assert stored() > before


def test_an_archived_circles_meetings_cannot_be_restored_or_moved(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)
    meeting = sessions(client, circle, "2026-10-01T00:00:00Z", "2026-10-15T00:00:00Z")[0]
    going = client.put(
        f"/api/v1/sessions/{meeting['id']}/rsvp",
        headers=circle.members[0].headers,
        json={"status": "going"},
    )
    assert going.status_code == 200, going.text
    archived = client.post(f"{circle.base}/archive", headers=circle.facilitator.headers)
    assert archived.status_code == 200, archived.text
    url = f"/api/v1/sessions/{meeting['id']}"
    assert client.get(url, headers=circle.facilitator.headers).json()["status"] == "cancelled"

    for change in ({"status": "scheduled"}, {"starts_at": "2026-10-07T22:00:00Z"}):
        refused = client.patch(url, headers=circle.facilitator.headers, json=change)
        assert "archived" in assert_problem(refused, 422)["detail"]
    assert client.get(url, headers=circle.facilitator.headers).json()["status"] == "cancelled"
