"""The refusals of groups and meetings in words people can act on: what is expected, never a
Python repr, and times in the reader's own zone, written one way."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import Person, join, make_person
from tests.sessions.conftest import Circle, Clock, make_circle, one_off
from tests.sessions.test_rsvp import outbox_to
from tests.support.problems import assert_no_python_repr, assert_problem

# Tuesday 3 March 2026, 7:00 pm in Chicago (CST, UTC-6).
MEETING = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)


def set_timezone(client: TestClient, person: Person, zone: str) -> None:
    response = client.patch("/api/v1/me", headers=person.headers, json={"timezone": zone})
    assert response.status_code == 200, response.text


def problem_text(response: object) -> str:
    """Everything a person may read in a problem: the detail and each field's message."""
    body = response.json()  # type: ignore[attr-defined]
    return " ".join([str(body.get("detail"))] + [e["msg"] for e in body.get("errors") or []])


def test_a_wrong_rsvp_status_says_which_words_to_send(client: TestClient, circle: Circle) -> None:
    session = one_off(client, circle, datetime(2030, 1, 1, 18, tzinfo=UTC))

    response = client.put(
        f"/api/v1/sessions/{session['id']}/rsvp",
        headers=circle.members[0].headers,
        json={"status": "maybe"},
    )

    body = assert_problem(response, 422)
    assert body["errors"][0]["msg"] == "Input should be 'going' or 'not_going'"
    assert_no_python_repr(problem_text(response))


def test_wrong_group_and_membership_statuses_say_which_words_to_send(
    client: TestClient, circle: Circle
) -> None:
    headers = circle.facilitator.headers
    member = circle.members[0]

    group = client.patch(circle.base, headers=headers, json={"status": "archived"})
    membership = client.patch(
        f"{circle.base}/members/{member.user.id}", headers=headers, json={"status": "removed"}
    )

    assert assert_problem(group, 422)["errors"][0]["msg"] == (
        "Input should be 'active' or 'paused'"
    )
    assert assert_problem(membership, 422)["errors"][0]["msg"] == "Input should be 'active'"
    for response in (group, membership):
        assert_no_python_repr(problem_text(response))
    paused = client.patch(circle.base, headers=headers, json={"status": "paused"})
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused"


def test_check_in_too_early_says_when_it_opens_in_each_readers_own_zone(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=1)
    member = circle.members[0]
    set_timezone(client, member, "America/Chicago")
    set_timezone(client, circle.facilitator, "Europe/London")
    session = one_off(client, circle, MEETING, timezone="America/Chicago")

    checking_in = client.post(
        f"/api/v1/sessions/{session['id']}/check-in",
        headers=member.headers,
        json={"code": "123456"},
    )
    code = client.get(
        f"/api/v1/sessions/{session['id']}/check-in-code", headers=circle.facilitator.headers
    )

    assert assert_problem(checking_in, 409)["detail"] == (
        "Check-in opens 30 minutes before the meeting starts: at 6:30 pm (America/Chicago time) "
        "on Tuesday, 3 March."
    )
    assert assert_problem(code, 409)["detail"] == (
        "Check-in opens 30 minutes before the meeting starts: at 12:30 am (Europe/London time) "
        "on Wednesday, 4 March."
    )


def test_a_member_who_never_chose_a_zone_reads_utc_and_is_told_so(
    client: TestClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=1)
    session = one_off(client, circle, MEETING, timezone="America/Chicago")

    response = client.post(
        f"/api/v1/sessions/{session['id']}/check-in",
        headers=circle.members[0].headers,
        json={"code": "123456"},
    )

    assert (
        "at 12:30 am (UTC time) on Wednesday, 4 March." in assert_problem(response, 409)["detail"]
    )


def test_emails_write_the_time_the_same_way_in_the_meetings_zone(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=1)
    member = circle.members[0]
    session = one_off(client, circle, MEETING, timezone="America/Chicago")
    going = client.put(
        f"/api/v1/sessions/{session['id']}/rsvp", headers=member.headers, json={"status": "going"}
    )
    assert going.status_code == 200, going.text

    cancelled = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )

    assert cancelled.status_code == 200, cancelled.text
    confirmation, notice = outbox_to(app, member.email)
    assert "7:00 pm (America/Chicago time) on Tuesday, 3 March" in " ".join(
        confirmation.body_text.split()
    )
    assert "The circle meeting at 7:00 pm (America/Chicago time) on Tuesday, 3 March that you" in (
        " ".join(notice.body_text.split())
    )


def test_an_unreadable_rule_names_the_part_to_check(client: TestClient, circle: Circle) -> None:
    schedule = {
        "start_time": "19:00",
        "duration_minutes": 60,
        "timezone": "America/Chicago",
        "starts_on": "2030-01-01",
    }
    cases = {
        "FREQ=WEEKLY;INTERVAL=X": "INTERVAL takes whole numbers separated by commas, not 'X'",
        "FREQ=MONTHLY;BYSETPOS=0;BYDAY=TU": "BYSETPOS takes positions from 1 to 4",
        "BYDAY=TU": "Say how often the group meets with FREQ",
    }
    for rule, words in cases.items():
        response = client.post(
            f"{circle.base}/schedules",
            headers=circle.facilitator.headers,
            json=schedule | {"rrule": rule},
        )
        assert words in problem_text(response), rule
        assert "__init__" not in response.text
        assert "positional argument" not in response.text
        assert_no_python_repr(problem_text(response))


def test_an_emptied_field_says_how_to_keep_it(client: TestClient, circle: Circle) -> None:
    session = one_off(client, circle, datetime(2030, 1, 1, 18, tzinfo=UTC))

    response = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": None},
    )

    assert assert_problem(response, 422)["detail"] == (
        "Give status a value, or leave it out to keep it as it is."
    )


def test_people_not_in_the_circle_are_told_to_join_or_to_wait_for_approval(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=1, join_policy="approval")
    session = one_off(client, circle, clock.now() + timedelta(minutes=10))
    outsider, asking, removed = (make_person(client) for _ in range(3))
    join(client, asking, circle.group.id)  # an approval group: pending
    join(client, removed, circle.group.id)
    approve = client.patch(
        f"{circle.base}/members/{removed.user.id}",
        headers=circle.facilitator.headers,
        json={"status": "active"},
    )
    assert approve.status_code == 200, approve.text
    gone = client.delete(
        f"{circle.base}/members/{removed.user.id}", headers=circle.facilitator.headers
    )
    assert gone.status_code == 204
    calls = (
        ("PUT", "rsvp", {"status": "going"}, "RSVP for its meetings"),
        ("POST", "check-in", {"code": "123456"}, "check in at its meetings"),
    )

    for person, kind, words in (
        (outsider, "not-a-member", "Join this circle first"),
        (removed, "not-a-member", "Join this circle first"),
        (asking, "membership-pending", "waiting for a facilitator's approval"),
    ):
        for method, action, body, doing in calls:
            response = client.request(
                method,
                f"/api/v1/sessions/{session['id']}/{action}",
                headers=person.headers,
                json=body,
            )
            problem = assert_problem(response, 403)
            assert problem["type"].endswith(kind)
            assert words in problem["detail"]
            assert doing in problem["detail"]
            assert circle.group.name not in response.text
            assert_no_python_repr(problem_text(response))
