"""RSVPs and waitlists: never more going than seats, whatever arrives at once; first come,
first served; a freed seat goes to the first person waiting, who is told."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.accounts.models import Role
from backend.notifications.models import OutboxMessage
from tests.factories import Person, join, make_person
from tests.sessions.conftest import Circle, Clock, make_circle, one_off
from tests.support.problems import assert_problem

SEATS = 10
PEOPLE = 50


def rsvp(client: TestClient, person: Person, session_id: object, status: str) -> dict[str, object]:
    response = client.put(
        f"/api/v1/sessions/{session_id}/rsvp", headers=person.headers, json={"status": status}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def outbox_to(app: FastAPI, email: str) -> list[OutboxMessage]:
    """The emails queued for ``email``, in the order they were written."""
    with app.state.session_factory() as db:
        return list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == email)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        )


@pytest.mark.real_commits
def test_fifty_simultaneous_rsvps_for_ten_seats(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=PEOPLE, capacity=PEOPLE)
    session = one_off(client, circle, clock.now() + timedelta(days=2), capacity=SEATS)

    def going(person: Person) -> tuple[Person, dict[str, object]]:
        response = client.put(
            f"/api/v1/sessions/{session['id']}/rsvp",
            headers=person.headers,
            json={"status": "going"},
        )
        assert response.status_code == 200, response.text
        return person, response.json()

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        answers = list(pool.map(going, circle.members))

    statuses = [answer["status"] for _, answer in answers]
    assert statuses.count("going") == SEATS
    assert statuses.count("waitlisted") == PEOPLE - SEATS
    positions = sorted(
        int(answer["waitlist_position"])  # type: ignore[call-overload]
        for _, answer in answers
        if answer["status"] == "waitlisted"
    )
    # Each position was given once: the line is a line, not a crowd.
    assert positions == list(range(1, PEOPLE - SEATS + 1))
    read = client.get(f"/api/v1/sessions/{session['id']}", headers=circle.members[0].headers)
    assert read.json()["going"] == SEATS
    assert read.json()["waitlisted"] == PEOPLE - SEATS
    assert read.json()["seats_left"] == 0

    # A seat freed goes to whoever was first in line, and they are told.
    waiting = sorted(
        ((int(a["waitlist_position"]), p) for p, a in answers if a["status"] == "waitlisted"),  # type: ignore[call-overload]
        key=lambda pair: pair[0],
    )
    first, second = waiting[0][1], waiting[1][1]
    leaver = next(p for p, a in answers if a["status"] == "going")
    assert rsvp(client, leaver, session["id"], "not_going") == {
        "status": "not_going",
        "waitlist_position": None,
    }
    mine = client.get(f"/api/v1/sessions/{session['id']}", headers=first.headers).json()
    assert mine["my_rsvp"] == {"status": "going", "waitlist_position": None}
    next_in_line = client.get(f"/api/v1/sessions/{session['id']}", headers=second.headers).json()
    assert next_in_line["my_rsvp"] == {"status": "waitlisted", "waitlist_position": 1}
    notices = outbox_to(app, first.email)
    assert [n.subject for n in notices] == [
        "You are on the waitlist for a circle meeting",
        "A seat opened up for you",
    ]
    assert circle.group.name not in notices[1].body_text


def test_waitlist_is_first_come_first_served(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=4)
    session = one_off(client, circle, clock.now() + timedelta(days=1), capacity=1)
    a, b, c, d = circle.members
    assert rsvp(client, a, session["id"], "going")["status"] == "going"
    assert rsvp(client, b, session["id"], "going") == {
        "status": "waitlisted",
        "waitlist_position": 1,
    }
    assert rsvp(client, c, session["id"], "going") == {
        "status": "waitlisted",
        "waitlist_position": 2,
    }
    # Asking again keeps one's place; stepping out of line and back in goes to the back.
    assert rsvp(client, b, session["id"], "going")["waitlist_position"] == 1
    rsvp(client, b, session["id"], "not_going")
    assert rsvp(client, b, session["id"], "going")["waitlist_position"] == 2
    # A new arrival never jumps the line, even while a seat is briefly free.
    rsvp(client, a, session["id"], "not_going")
    assert rsvp(client, d, session["id"], "going") == {
        "status": "waitlisted",
        "waitlist_position": 2,
    }
    mine = client.get(f"/api/v1/sessions/{session['id']}", headers=c.headers).json()
    assert mine["my_rsvp"]["status"] == "going"


def test_raising_capacity_promotes_and_a_cancelled_session_takes_no_rsvps(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=3)
    session = one_off(client, circle, clock.now() + timedelta(days=1), capacity=1)
    for person in circle.members:
        rsvp(client, person, session["id"], "going")
    raised = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"capacity": 2},
    )
    assert raised.json()["going"] == 2
    assert raised.json()["waitlisted"] == 1
    cancelled = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancelled.status_code == 200
    refused = client.put(
        f"/api/v1/sessions/{session['id']}/rsvp",
        headers=circle.members[2].headers,
        json={"status": "going"},
    )
    assert_problem(refused, 409)
    assert refused.json()["type"].endswith("session-cancelled")


def test_rsvps_close_when_the_session_starts(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=1)
    session = one_off(client, circle, clock.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=1, minutes=1))
    response = client.put(
        f"/api/v1/sessions/{session['id']}/rsvp",
        headers=circle.members[0].headers,
        json={"status": "going"},
    )
    assert_problem(response, 409)
    assert response.json()["type"].endswith("session-started")


def test_leaving_the_group_frees_the_seat_for_the_next_person(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=2)
    session = one_off(client, circle, clock.now() + timedelta(days=1), capacity=1)
    first, second = circle.members
    rsvp(client, first, session["id"], "going")
    rsvp(client, second, session["id"], "going")
    left = client.delete(f"{circle.base}/members/{first.user.id}", headers=first.headers)
    assert left.status_code == 204
    mine = client.get(f"/api/v1/sessions/{session['id']}", headers=second.headers).json()
    assert mine["my_rsvp"]["status"] == "going"
    assert mine["going"] == 1


def test_a_deactivated_account_gives_up_its_seats_and_keeps_its_memberships(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    """The same rule as leaving, for every group at once (backend/wiring.py): someone who can
    no longer sign in holds no seat that another person waits for."""
    circle = make_circle(client, members=2)
    session = one_off(client, circle, clock.now() + timedelta(days=1), capacity=1)
    first, second = circle.members
    rsvp(client, first, session["id"], "going")
    assert rsvp(client, second, session["id"], "going")["status"] == "waitlisted"
    admin = make_person(client, role=Role.admin)
    closed = client.patch(
        f"/api/v1/users/{first.user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert closed.status_code == 200, closed.text
    mine = client.get(f"/api/v1/sessions/{session['id']}", headers=second.headers).json()
    assert mine["my_rsvp"]["status"] == "going"
    assert mine["going"] == 1
    members = client.get(f"{circle.base}/members", headers=second.headers).json()["items"]
    assert str(first.user.id) in {member["user_id"] for member in members}  # reopened: back


def test_who_may_rsvp(client: TestClient, circle: Circle, clock: Clock) -> None:
    session = one_off(client, circle, clock.now() + timedelta(days=1))
    url = f"/api/v1/sessions/{session['id']}/rsvp"
    assert_problem(client.put(url, json={"status": "going"}), 401)
    outsider = make_person(client)
    # Listed group: an outsider may see the session but not answer for it.
    assert (
        client.get(f"/api/v1/sessions/{session['id']}", headers=outsider.headers).status_code == 200
    )
    refused = client.put(url, headers=outsider.headers, json={"status": "going"})
    assert assert_problem(refused, 403)["type"].endswith("not-a-member")
    facilitator = client.put(url, headers=circle.facilitator.headers, json={"status": "going"})
    assert_problem(facilitator, 409)
    bad = client.put(url, headers=circle.members[0].headers, json={"status": "waitlisted"})
    assert_problem(bad, 422)
    pending_person = make_person(client)
    join(client, pending_person, circle.group.id)  # open group: active at once
    assert (
        client.put(url, headers=pending_person.headers, json={"status": "going"}).status_code == 200
    )


def test_a_member_holds_a_bounded_number_of_rsvps(
    client: TestClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cap on a business flow (SECURITY.md): one account cannot hold every seat in sight."""
    monkeypatch.setattr("backend.sessions.rsvps.MAX_OPEN_RSVPS", 2)
    circle = make_circle(client, members=1)
    member = circle.members[0]
    meetings = [one_off(client, circle, clock.now() + timedelta(days=n + 1)) for n in range(3)]
    for meeting in meetings[:2]:
        assert rsvp(client, member, meeting["id"], "going")["status"] == "going"
    refused = client.put(
        f"/api/v1/sessions/{meetings[2]['id']}/rsvp",
        headers=member.headers,
        json={"status": "going"},
    )
    assert assert_problem(refused, 409)["type"].endswith("rsvp-limit")
    # Saying "not going" to one frees a place for another.
    rsvp(client, member, meetings[0]["id"], "not_going")
    assert rsvp(client, member, meetings[2]["id"], "going")["status"] == "going"
