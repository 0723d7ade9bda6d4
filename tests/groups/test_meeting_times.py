"""When a group meets, as the directory shows it: each current schedule in words (in the
group's own time), the next meeting, the time-of-day filter, a page by slug; and all of it
for a page of groups in a constant number of queries."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.sessions.describe import describe
from tests.factories import Person, join, make_group, make_person
from tests.sessions.conftest import Circle, Clock, create_schedule, make_circle, one_off
from tests.support.problems import assert_problem
from tests.support.statements import counted

GROUPS = "/api/v1/groups"
EN = "\u2013"  # the en dash between two times


def entry(client: TestClient, circle: Circle, person: Person | None = None) -> dict[str, Any]:
    """The group's directory entry."""
    headers = person.headers if person else {}
    response = client.get(GROUPS, params={"limit": "100"}, headers=headers)
    assert response.status_code == 200, response.text
    (found,) = [g for g in response.json()["items"] if g["id"] == str(circle.group.id)]
    return dict(found)


# --- schedules in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "minutes", "frequency", "weekdays", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "19:00", 90, "weekly", ["tuesday"], f"Tuesdays, 7:00{EN}8:30 pm"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            "18:00",
            60,
            "every_other_week",
            ["monday"],
            f"Every other Monday, 6:00{EN}7:00 pm",
        ),
        (
            "FREQ=MONTHLY;BYDAY=1TH",
            "19:00",
            90,
            "monthly",
            ["thursday"],
            f"First Thursday of the month, 7:00{EN}8:30 pm",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR,MO",
            "07:30",
            60,
            "weekly",
            ["monday", "friday"],
            f"Mondays and Fridays, 7:30{EN}8:30 am",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2SA,4SA",
            "11:00",
            90,
            "monthly",
            ["saturday"],
            f"Second and fourth Saturday of the month, 11:00 am{EN}12:30 pm",
        ),
    ],
)
def test_each_current_schedule_is_described_in_the_groups_own_time(
    client: TestClient,
    clock: Clock,
    rule: str,
    start: str,
    minutes: int,
    frequency: str,
    weekdays: list[str],
    words: str,
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=1)
    create_schedule(client, circle, rrule=rule, start_time=start, duration_minutes=minutes)
    end = datetime.combine(date(2026, 1, 1), time.fromisoformat(start)) + timedelta(minutes=minutes)

    (schedule,) = entry(client, circle)["schedules"]

    assert schedule == {
        "rrule": rule,
        "frequency": frequency,
        "weekdays": weekdays,
        "start_time": start,
        "end_time": f"{end:%H:%M}",
        "duration_minutes": minutes,
        "timezone": "America/New_York",
        "description": words,
    }
    # The same words on the group's page and in the member's own list.
    page = client.get(f"{circle.base}").json()
    assert page["schedules"] == [schedule]
    mine = client.get("/api/v1/me/groups", headers=circle.members[0].headers).json()["items"]
    assert [item["group"]["schedules"] for item in mine] == [[schedule]]


@pytest.mark.parametrize(
    ("rule", "start", "minutes", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "12:00", 30, f"Weekdays, 12:00{EN}12:30 pm"),
        ("FREQ=DAILY", "08:00", 15, f"Every day, 8:00{EN}8:15 am"),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "18:00",
            60,
            f"Mondays, Wednesdays and Fridays, 6:00{EN}7:00 pm",
        ),
        ("FREQ=MONTHLY;BYDAY=-1FR", "19:00", 60, f"Last Friday of the month, 7:00{EN}8:00 pm"),
        (
            "FREQ=MONTHLY;BYDAY=TH;BYSETPOS=3",
            "19:00",
            60,
            f"Third Thursday of the month, 7:00{EN}8:00 pm",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "10:00", 60, f"The 15th of the month, 10:00{EN}11:00 am"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
            "19:00",
            60,
            f"First Monday of every other month, 7:00{EN}8:00 pm",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU",
            "16:00",
            60,
            f"Every 3 weeks on Sunday, 4:00{EN}5:00 pm",
        ),
        ("FREQ=WEEKLY", "19:00", 60, f"Thursdays, 7:00{EN}8:00 pm"),  # the weekday of starts_on
        ("FREQ=WEEKLY;BYDAY=SA", "23:30", 90, f"Saturdays, 11:30 pm{EN}1:00 am"),
        ("FREQ=YEARLY;BYMONTH=12", "19:00", 60, "Meets regularly"),
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=9,19", "19:00", 60, "Meets regularly"),
        ("FREQ=MONTHLY;BYDAY=TU", "19:00", 60, "Meets regularly"),
        ("FREQ=MONTHLY;INTERVAL=4;BYDAY=1TU", "19:00", 60, "Meets regularly"),
    ],
)
def test_rules_in_words_and_the_fallback_for_the_rest(
    rule: str, start: str, minutes: int, words: str
) -> None:
    pattern = describe(
        rule,
        starts_on=date(2026, 10, 1),
        start_time=time.fromisoformat(start),
        duration_minutes=minutes,
    )
    assert pattern.description == words
    assert "<" not in pattern.description


def test_the_words_stay_in_local_time_across_daylight_saving_while_utc_moves(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 21, 12, tzinfo=UTC))  # New York on summer time until 1 Nov
    circle = make_circle(client, members=0)
    create_schedule(client, circle)  # Tuesdays 19:00 America/New_York
    summer = entry(client, circle)

    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))  # standard time now
    winter = entry(client, circle)

    assert summer["schedules"] == winter["schedules"]
    assert winter["schedules"][0]["description"] == f"Tuesdays, 7:00{EN}8:30 pm"
    assert winter["schedules"][0]["start_time"] == "19:00"
    assert summer["next_session"]["starts_at"] == "2026-10-27T23:00:00Z"  # 19:00 EDT
    assert winter["next_session"]["starts_at"] == "2026-11-04T00:00:00Z"  # 19:00 EST
    assert winter["next_session"]["ends_at"] == "2026-11-04T01:30:00Z"
    assert winter["next_session"]["timezone"] == "America/New_York"


def test_only_current_schedules_are_shown_and_at_most_five(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=0)
    ended = create_schedule(client, circle, rrule="FREQ=WEEKLY;BYDAY=SU")
    finished = create_schedule(client, circle, rrule="FREQ=WEEKLY;BYDAY=SA", until="2026-10-10")
    days = ["MO", "TU", "WE", "TH", "FR", "SA"]
    for code in days:
        create_schedule(client, circle, rrule=f"FREQ=WEEKLY;BYDAY={code}", start_time="09:00")
    response = client.post(
        f"/api/v1/schedules/{ended['id']}/end", headers=circle.facilitator.headers
    )
    assert response.status_code == 200, response.text

    before_until = [s["rrule"] for s in entry(client, circle)["schedules"]]
    clock.set(datetime(2026, 10, 12, 12, tzinfo=UTC))  # 10 October is over everywhere
    after_until = [s["rrule"] for s in entry(client, circle)["schedules"]]

    assert before_until == [finished["rrule"]] + [f"FREQ=WEEKLY;BYDAY={d}" for d in days[:4]]
    assert after_until == [f"FREQ=WEEKLY;BYDAY={d}" for d in days[:5]]


# --- the next meeting -------------------------------------------------------------------------


def test_next_session_is_the_next_that_has_not_ended_skipping_cancelled_ones(
    client: TestClient, clock: Clock
) -> None:
    start = datetime(2026, 10, 6, 18, tzinfo=UTC)
    clock.set(start - timedelta(days=1))
    circle = make_circle(client, members=2, capacity=5)
    first = one_off(client, circle, start, minutes=60)
    second = one_off(client, circle, start + timedelta(days=7), minutes=60, capacity=3)
    third = one_off(client, circle, start + timedelta(days=14), minutes=60)
    for member in circle.members:
        going = client.put(
            f"/api/v1/sessions/{second['id']}/rsvp",
            headers=member.headers,
            json={"status": "going"},
        )
        assert going.status_code == 200, going.text

    assert entry(client, circle)["next_session"] == {
        "id": first["id"],
        "starts_at": "2026-10-06T18:00:00Z",
        "ends_at": "2026-10-06T19:00:00Z",
        "timezone": "America/New_York",
        "status": "scheduled",
        "seats_left": 5,
    }
    clock.set(start + timedelta(minutes=59))  # in progress: still the next meeting
    assert entry(client, circle)["next_session"]["id"] == first["id"]
    clock.set(start + timedelta(minutes=60))  # over
    upcoming = entry(client, circle)["next_session"]
    assert upcoming["id"] == second["id"]
    assert upcoming["seats_left"] == 1  # three seats, two going

    cancelled = client.patch(
        f"/api/v1/sessions/{second['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert entry(client, circle)["next_session"]["id"] == third["id"]

    clock.set(start + timedelta(days=15))
    assert entry(client, circle)["next_session"] is None


def test_a_group_without_meetings_has_no_schedules_and_no_next_session(
    client: TestClient,
) -> None:
    circle = make_circle(client, members=0)

    found = entry(client, circle)

    assert found["schedules"] == []
    assert found["next_session"] is None


# --- the number of queries does not grow with the page ----------------------------------------


def busy_group(client: TestClient, facilitator: Person, member: Person, number: int) -> None:
    """A group with two schedules, a one-off meeting with an RSVP, and ``member`` in it."""
    app = client.app
    assert isinstance(app, FastAPI)
    group = make_group(app, facilitator=facilitator.user, name=f"Counted Circle {number:02d}")
    circle = Circle(group, facilitator, [])
    create_schedule(client, circle, starts_on="2026-10-01")
    create_schedule(client, circle, rrule="FREQ=MONTHLY;BYDAY=1TH", starts_on="2026-10-01")
    join(client, member, group.id)
    meeting = one_off(client, circle, datetime(2026, 10, 2, 15, tzinfo=UTC))
    going = client.put(
        f"/api/v1/sessions/{meeting['id']}/rsvp", headers=member.headers, json={"status": "going"}
    )
    assert going.status_code == 200, going.text


def test_the_directory_and_my_groups_read_any_page_in_the_same_number_of_queries(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    app = client.app
    assert isinstance(app, FastAPI)
    facilitator = make_person(client, role=Role.facilitator)
    member = make_person(client)
    pages = {
        "directory, anonymous": (GROUPS, {}),
        "directory, signed in": (GROUPS, member.headers),
        "my groups": ("/api/v1/me/groups", member.headers),
    }

    def queries() -> dict[str, tuple[int, int]]:
        result = {}
        for name, (path, headers) in pages.items():
            client.get(path, params={"limit": "100"}, headers=headers)  # warm
            with counted(app) as statements:
                response = client.get(path, params={"limit": "100"}, headers=headers)
            assert response.status_code == 200, response.text
            items = response.json()["items"]
            groups = [item.get("group", item) for item in items]
            assert all(g["schedules"] and g["next_session"] for g in groups), name
            result[name] = (len(items), len(statements))
        return result

    for number in range(2):
        busy_group(client, facilitator, member, number)
    two = queries()
    for number in range(2, 20):
        busy_group(client, facilitator, member, number)
    twenty = queries()

    for name in pages:
        assert (two[name][0], twenty[name][0]) == (2, 20), name
        assert twenty[name][1] == two[name][1], (name, two[name], twenty[name])


# --- the time of day --------------------------------------------------------------------------

BANDS = {
    "04:59": "night",
    "05:00": "morning",
    "11:59": "morning",
    "12:00": "midday",
    "16:59": "midday",
    "17:00": "evening",
    "20:59": "evening",
    "21:00": "night",
    "23:30": "night",
    "00:00": "night",
}


def names(client: TestClient, **params: str) -> list[str]:
    response = client.get(GROUPS, params={"limit": "100", **params})
    assert response.status_code == 200, response.text
    return sorted(g["name"] for g in response.json()["items"])


def test_time_of_day_finds_groups_by_the_local_start_of_a_current_schedule(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    for start in BANDS:
        circle = make_circle(client, members=0, name=f"Starts At {start}")
        # Tokyo: the band is the group's own hour, whatever it is in UTC or for the caller.
        create_schedule(client, circle, start_time=start, timezone="Asia/Tokyo")
    twice = make_circle(client, members=0, name="Morning And Evening")
    create_schedule(client, twice, start_time="07:00")
    create_schedule(client, twice, start_time="18:00", rrule="FREQ=WEEKLY;BYDAY=TH")
    stopped = make_circle(client, members=0, name="Evening Series Ended")
    series = create_schedule(client, stopped, start_time="18:30")
    response = client.post(
        f"/api/v1/schedules/{series['id']}/end", headers=stopped.facilitator.headers
    )
    assert response.status_code == 200, response.text

    for band in ("morning", "midday", "evening", "night"):
        expected = sorted(f"Starts At {start}" for start, b in BANDS.items() if b == band)
        if band in ("morning", "evening"):
            expected = sorted([*expected, "Morning And Evening"])
        assert names(client, time_of_day=band) == expected, band
    assert names(client, time_of_day="evening", day="thursday") == ["Morning And Evening"]
    assert_problem(client.get(GROUPS, params={"time_of_day": "dusk"}), 422)


# --- a page by its slug -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Members", "Sessions", "Schedules", "Attendance Report"])
def test_a_slug_that_reads_like_a_sub_page_is_still_the_group(
    client: TestClient, name: str
) -> None:
    """/groups/by-slug/members is the group "members", not the member list of a group whose
    id would be "by-slug": the route is declared before the /groups/{group_id}/... ones."""
    circle = make_circle(client, members=0, name=name)
    slug = circle.group.slug
    assert slug == name.lower().replace(" ", "-")

    response = client.get(f"{GROUPS}/by-slug/{slug}")

    assert response.status_code == 200, response.text
    assert response.json()["id"] == str(circle.group.id)
    assert response.json() == client.get(circle.base).json()


@pytest.mark.parametrize("slug", ["a%00b", "UPPER", "-dash-first", "caf%C3%A9", "x" * 120])
def test_what_cannot_be_a_slug_is_the_404_of_an_unknown_one(client: TestClient, slug: str) -> None:
    response = client.get(f"{GROUPS}/by-slug/{slug}")
    unknown = client.get(f"{GROUPS}/by-slug/no-group-has-this-slug")

    assert assert_problem(response, 404)["detail"] == assert_problem(unknown, 404)["detail"]
