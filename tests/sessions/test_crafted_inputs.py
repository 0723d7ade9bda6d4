"""What an outside review sent to get 500s, and what else of its kind we found by crawling
every GET route with crafted parameters as every role: far dates, crafted cursors, NUL bytes.
Each must be a 4xx problem a person can act on, on both databases."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import make_person
from tests.sessions.conftest import Circle, Clock, create_schedule, one_off
from tests.support.problems import assert_problem

FAR_DATES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
]


def encoded(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CRAFTED_CURSORS = [
    "!!!",
    "a" * 5000,
    encoded([10**30]),
    encoded(["x"]),
    encoded([None]),
    encoded({"a": 1}),
    encoded([1e308]),
    encoded([True]),
    encoded([]),
    encoded(["\x00"]),
    # A time without an offset where the key is a moment: we never give out such a cursor.
    encoded(["2026-01-01T00:00:00", "8d3c1b2a-0000-4000-8000-000000000000"]),
]


@pytest.mark.parametrize("when", FAR_DATES)
def test_far_dates_in_a_window_are_a_422(
    client: TestClient, circle: Circle, clock: Clock, when: str
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)
    member, facilitator = circle.members[0].headers, circle.facilitator.headers
    asked = [
        (f"{circle.base}/sessions", {}),
        (f"{circle.base}/sessions", member),
        ("/api/v1/me/sessions", member),
        (f"{circle.base}/attendance-report", facilitator),
    ]
    for path, headers in asked:
        for name in ("from", "to"):
            response = client.get(path, params={name: when}, headers=headers)
            problem = assert_problem(response, 422)
            assert "between the years 1900 and 2200" in response.text, (path, name, problem)


def test_far_dates_in_bodies_are_a_422(client: TestClient, circle: Circle, clock: Clock) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    facilitator = circle.facilitator.headers
    body = {"duration_minutes": 60, "timezone": "America/Chicago"}
    for when in FAR_DATES:
        made = client.post(
            f"{circle.base}/sessions", headers=facilitator, json=body | {"starts_at": when}
        )
        assert_problem(made, 422)
    meeting = one_off(client, circle, clock.now() + timedelta(days=3))
    moved = client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=facilitator,
        json={"starts_at": "9999-12-31T23:59:59-14:00"},
    )
    assert_problem(moved, 422)
    series = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_time": "19:00",
        "duration_minutes": 90,
        "timezone": "America/New_York",
    }
    for starts_on in ("0001-01-01", "9999-12-31"):
        refused = client.post(
            f"{circle.base}/schedules", headers=facilitator, json=series | {"starts_on": starts_on}
        )
        assert_problem(refused, 422)
    editor = make_person(client, role=Role.facilitator)
    resource = {
        "title": "Grounding",
        "summary": "Five things you can see.",
        "body_markdown": "Name five things you can see.",
        "type": "worksheet",
        "topics": ["anxiety"],
        "governance": {"reviewed_on": "0001-01-01", "review_due_on": "9999-12-31"},
    }
    created = client.post("/api/v1/resources", headers=editor.headers, json=resource)
    assert_problem(created, 422)


@pytest.mark.parametrize("cursor", CRAFTED_CURSORS)
def test_crafted_cursors_never_fail_the_server(
    client: TestClient, circle: Circle, cursor: str
) -> None:
    """A cursor that decodes to a key of the right shape is a place in the order (["x"]:
    groups after "x"); anything else is a 422 that says what is wrong."""
    member = circle.members[0].headers
    malformed = cursor in ("!!!", "a" * 5000, encoded({"a": 1}), encoded([]))
    for path, headers in [
        ("/api/v1/groups", {}),
        ("/api/v1/groups", member),
        ("/api/v1/resources", {}),
        ("/api/v1/resources?q=breathing", {}),
        ("/api/v1/me/sessions", member),
        ("/api/v1/me/attendance", member),
        ("/api/v1/me/blocks", member),
        ("/api/v1/mentoring/matches", member),
        (f"{circle.base}/sessions", member),
    ]:
        response = client.get(path, params={"cursor": cursor}, headers=headers)
        assert response.status_code < 500, (path, response.text)
        if malformed or response.status_code >= 400:
            problem = assert_problem(response, 422)
            said = problem["type"].rsplit(":", 1)[-1]
            assert said in ("invalid-cursor", "validation", "unstorable-character"), problem


def test_nul_bytes_in_parameters_are_answered(client: TestClient, circle: Circle) -> None:
    member = circle.members[0].headers
    for path, params in [
        ("/api/v1/groups", {"q": "a\x00b"}),
        ("/api/v1/groups", {"topic": "\x00"}),
        ("/api/v1/resources", {"q": "\x00"}),
        ("/api/v1/resources", {"language": "e\x00n"}),
    ]:
        response = client.get(path, params=params, headers=member)
        assert response.status_code < 500, (path, response.text)
