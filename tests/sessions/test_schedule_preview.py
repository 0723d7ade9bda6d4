"""A schedule previewed before it is saved: the rule in words and its next meetings, for the
people who may create it, refused as creating would refuse it, and nothing written."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.core.idempotency import IdempotencyRecord
from backend.sessions.models import GroupSession, Schedule
from tests.factories import make_person
from tests.sessions.conftest import Circle, Clock, make_circle
from tests.support.problems import assert_problem

BODY = {
    "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
    "start_time": "18:30",
    "duration_minutes": 60,
    "timezone": "America/New_York",
    "starts_on": "2026-10-19",
}


def preview(
    client: TestClient, circle: Circle, headers: dict[str, str] | None = None, **fields: object
) -> Any:
    return client.post(
        f"{circle.base}/schedules/preview",
        headers=circle.facilitator.headers if headers is None else headers,
        json=BODY | fields,
    )


# --- who may preview --------------------------------------------------------------------------


def test_anonymous_callers_are_asked_to_sign_in(client: TestClient, circle: Circle) -> None:
    assert_problem(preview(client, circle, headers={}), 401)


def test_members_and_other_circles_facilitators_may_not(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    assert_problem(preview(client, circle, headers=circle.members[0].headers), 403)
    other = make_circle(client, members=0)
    assert_problem(preview(client, circle, headers=other.facilitator.headers), 403)


def test_the_circles_facilitators_and_admins_may(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    admin = make_person(client, role=Role.admin)
    assert preview(client, circle).status_code == 200
    assert preview(client, circle, headers=admin.headers).status_code == 200


# --- what it says -----------------------------------------------------------------------------


def test_the_rule_in_words_and_the_next_six_meetings_across_a_dst_change(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    response = preview(client, circle)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["description"] == "Every other Monday, 6:30\u20137:30 pm"
    assert body["timezone"] == "America/New_York"
    # Daylight saving ends in New York on 1 November 2026: still 6:30 pm local, an hour later
    # in UTC.
    assert [m["local_start"] for m in body["next_meetings"]] == [
        "2026-10-19T18:30:00-04:00",
        "2026-11-02T18:30:00-05:00",
        "2026-11-16T18:30:00-05:00",
        "2026-11-30T18:30:00-05:00",
        "2026-12-14T18:30:00-05:00",
        "2026-12-28T18:30:00-05:00",
    ]
    assert body["next_meetings"][0]["starts_at"] == "2026-10-19T22:30:00Z"
    assert body["next_meetings"][0]["ends_at"] == "2026-10-19T23:30:00Z"
    assert body["next_meetings"][1]["starts_at"] == "2026-11-02T23:30:00Z"


def test_a_series_that_began_is_shown_from_now_on(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 11, 10, 12, tzinfo=UTC))
    body = preview(client, circle, rrule="FREQ=MONTHLY;BYDAY=-1FR", start_time="19:00").json()
    assert body["description"] == "Last Friday of the month, 7:00\u20138:00 pm"
    assert [m["local_start"][:10] for m in body["next_meetings"][:3]] == [
        "2026-11-27",
        "2026-12-25",
        "2027-01-29",
    ]


def test_until_cuts_the_meetings_short(client: TestClient, circle: Circle, clock: Clock) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    body = preview(client, circle, until="2026-11-16").json()
    assert [m["local_start"][:10] for m in body["next_meetings"]] == [
        "2026-10-19",
        "2026-11-02",
        "2026-11-16",
    ]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "BYDAY takes days like MO"),
        ({"rrule": "FREQ=HOURLY"}, "daily, weekly, monthly or yearly"),
        ({"until": "2026-10-01"}, "until must be on or after starts_on"),
        ({"starts_on": "2035-01-01"}, "at most two years ahead"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
    ],
)
def test_a_rule_creating_would_refuse_is_refused_the_same_way(
    client: TestClient, circle: Circle, clock: Clock, fields: dict[str, object], fragment: str
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    previewed = client.post(
        f"{circle.base}/schedules/preview", headers=circle.facilitator.headers, json=BODY | fields
    )
    created = client.post(
        f"{circle.base}/schedules", headers=circle.facilitator.headers, json=BODY | fields
    )
    body = assert_problem(previewed, 422)
    assert fragment in previewed.text, body
    same = ("type", "title", "detail", "errors")
    expected = assert_problem(created, 422)
    assert {k: body.get(k) for k in same} == {k: expected.get(k) for k in same}


def test_nothing_is_written(app: FastAPI, client: TestClient, circle: Circle, clock: Clock) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))

    def counts() -> tuple[int, ...]:
        with app.state.session_factory() as db:
            return tuple(
                int(db.scalar(select(func.count()).select_from(table)) or 0)
                for table in (Schedule, GroupSession, IdempotencyRecord)
            )

    before = counts()
    headers = circle.facilitator.headers | {"Idempotency-Key": "a-preview"}
    assert preview(client, circle, headers=headers).status_code == 200
    assert preview(client, circle, headers=headers, start_time="19:00").status_code == 200
    assert counts() == before


# --- a change of a series, previewed ----------------------------------------------------------


def _every_other_monday(client: TestClient, circle: Circle) -> dict[str, Any]:
    created = client.post(f"{circle.base}/schedules", headers=circle.facilitator.headers, json=BODY)
    assert created.status_code == 201, created.text
    schedule: dict[str, Any] = created.json()
    return schedule


def test_a_change_is_previewed_only_by_who_may_make_it(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    schedule = _every_other_monday(client, circle)
    url = f"/api/v1/schedules/{schedule['id']}/preview"
    change = {"start_time": "19:00"}
    assert_problem(client.post(url, json=change), 401)
    assert_problem(client.post(url, headers=circle.members[0].headers, json=change), 403)
    other = make_circle(client, members=0)
    assert_problem(client.post(url, headers=other.facilitator.headers, json=change), 403)
    admin = make_person(client, role=Role.admin)
    assert client.post(url, headers=admin.headers, json=change).status_code == 200
    ended = client.post(f"/api/v1/schedules/{schedule['id']}/end", headers=admin.headers)
    assert ended.status_code == 200
    assert_problem(client.post(url, headers=circle.facilitator.headers, json=change), 409)


def test_a_changed_every_other_week_series_keeps_its_weeks_and_the_preview_says_so(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    # Every other Monday from 19 October: 19 Oct, 2 Nov, 16 Nov, 30 Nov ... Changed on
    # Wednesday 28 October, the series keeps those weeks; counting from the day of the change
    # would have made it 9 Nov, 23 Nov (cancelling the meetings people planned for).
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    schedule = _every_other_monday(client, circle)
    clock.set(datetime(2026, 10, 28, 12, tzinfo=UTC))
    change = {"start_time": "19:00"}
    previewed = client.post(
        f"/api/v1/schedules/{schedule['id']}/preview",
        headers=circle.facilitator.headers,
        json=change,
    )
    assert previewed.status_code == 200, previewed.text
    days = [m["local_start"][:10] for m in previewed.json()["next_meetings"]]
    assert days[:3] == ["2026-11-02", "2026-11-16", "2026-11-30"]
    assert previewed.json()["description"] == "Every other Monday, 7:00\u20138:00 pm"

    saved = client.patch(
        f"/api/v1/schedules/{schedule['id']}", headers=circle.facilitator.headers, json=change
    )
    assert saved.status_code == 200, saved.text
    listed = client.get(
        f"{circle.base}/sessions",
        params={"from": "2026-10-28T12:00:00Z", "to": "2026-12-15T00:00:00Z", "limit": 100},
        headers=circle.facilitator.headers,
    ).json()["items"]
    live = [s["local_start"][:10] for s in listed if s["status"] == "scheduled"]
    assert live == ["2026-11-02", "2026-11-16", "2026-11-30"]  # the preview's, exactly
