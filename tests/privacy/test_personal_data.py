"""A member's own data: the export covers every table that refers to them (proved by walking
the metadata), shows nothing of anyone else, and erasure removes the person while keeping the
anonymous figures."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.models import Base
from backend.privacy.policy import REFERENCES
from tests.factories import PASSWORD, make_person, sign_up
from tests.sessions.conftest import Clock, make_circle, one_off
from tests.sessions.test_rsvp import rsvp
from tests.support.problems import assert_problem


def references_to_people() -> set[tuple[str, str]]:
    return {
        (table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "user_account"
    }


def test_every_reference_to_a_person_has_an_export_and_erasure_decision() -> None:
    assert references_to_people() == set(REFERENCES)


def test_export_holds_my_records_and_nothing_of_anyone_else(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=2)
    me, other = circle.members
    session = one_off(client, circle, clock.now() + timedelta(minutes=20))
    rsvp(client, me, session["id"], "going")
    rsvp(client, other, session["id"], "going")
    client.put(
        f"/api/v1/sessions/{session['id']}/attendance",
        headers=circle.facilitator.headers,
        json={
            "records": [
                {"user_id": str(me.user.id), "status": "present"},
                {"user_id": str(other.user.id), "status": "late"},
            ]
        },
    )
    client.get("/api/v1/me/calendar-url", headers=me.headers)

    response = client.get("/api/v1/me/export", headers=me.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["account"]["email"] == me.email
    assert "password_hash" not in body["account"]
    records = body["records"]
    assert [m["group_id"] for m in records["group_membership"]] == [str(circle.group.id)]
    assert [r["status"] for r in records["rsvp"]] == ["going"]
    assert [a["status"] for a in records["attendance_record"]] == ["present"]
    assert records["auth_session"]  # the sign-in this test made
    text = response.text
    for secret_or_other in (
        other.email,
        other.user.display_name,
        str(other.user.id),
        circle.facilitator.email,
        str(circle.facilitator.user.id),  # who recorded my attendance is staff's business
        me.user.password_hash if hasattr(me.user, "password_hash") else "$argon2",
    ):
        assert secret_or_other not in text
    assert "calendar_feed" not in records  # the feed id is the secret of its URL
    assert_problem(client.get("/api/v1/me/export"), 401)


@pytest.mark.real_commits
def test_erasure_removes_the_person_and_keeps_anonymous_figures(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=2)
    me, waiting = circle.members
    past = one_off(client, circle, clock.now() + timedelta(minutes=20))
    upcoming = one_off(client, circle, clock.now() + timedelta(days=3), capacity=1)
    rsvp(client, me, past["id"], "going")
    rsvp(client, me, upcoming["id"], "going")
    rsvp(client, waiting, upcoming["id"], "going")
    client.put(
        f"/api/v1/sessions/{past['id']}/attendance",
        headers=circle.facilitator.headers,
        json={"records": [{"user_id": str(me.user.id), "status": "present"}]},
    )
    story = client.post(
        "/api/v1/stories",
        headers=me.headers,
        json={
            "title": "Small steps",
            "body_markdown": "Some days were hard. Some days I sat with the group and listened.",
            "topics": ["anxiety"],
            "anonymous": False,
        },
    )
    assert story.status_code == 201, story.text
    approved = client.post(
        f"/api/v1/stories/{story.json()['id']}/review",
        headers=circle.facilitator.headers,
        json={"decision": "approve"},
    )
    assert approved.status_code == 200, approved.text
    assert "Small steps" in client.get("/api/v1/resources", params={"type": "story"}).text

    wrong = client.request(
        "DELETE", "/api/v1/me", headers=me.headers, json={"password": "not my password"}
    )
    assert_problem(wrong, 403)
    assert client.get("/api/v1/me", headers=me.headers).status_code == 200  # nothing happened

    gone = client.request("DELETE", "/api/v1/me", headers=me.headers, json={"password": PASSWORD})
    assert gone.status_code == 204, gone.text

    # Signed out everywhere, unable to sign in, and the address is free to register again.
    assert_problem(client.get("/api/v1/me", headers=me.headers), 401)
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": me.email, "password": PASSWORD},
    )
    assert token.status_code in (400, 401)
    # A new sign-up with the address gets a confirmation link, not "you have an account".
    sign_up(client, me.email, PASSWORD, "New start")

    # Their published story is gone from the library.
    assert "Small steps" not in client.get("/api/v1/resources", params={"type": "story"}).text
    # The seat went to the person waiting, and they were told.
    mine = client.get(f"/api/v1/sessions/{upcoming['id']}", headers=waiting.headers).json()
    assert mine["my_rsvp"]["status"] == "going"
    # The group no longer lists them; the attendance figures still count them, unnamed.
    members = client.get(f"{circle.base}/members", headers=circle.facilitator.headers).json()
    assert me.user.display_name not in str(members)
    clock.advance(timedelta(hours=3))
    report = client.get(f"{circle.base}/attendance-report", headers=circle.facilitator.headers)
    sessions = {s["session_id"]: s for s in report.json()["sessions"]}
    # Counted as anonymous: alone, too few to show apart to the facilitator (who could pick
    # them out); the admin's figures count them.
    assert sessions[past["id"]]["headcount"] == 0
    assert sessions[past["id"]]["anonymous_left_out"] is True
    assert me.user.display_name not in report.text
    assert me.email not in report.text
    admin = make_person(client, role="admin")  # type: ignore[arg-type]
    whole = client.get(f"{circle.base}/attendance-report", headers=admin.headers).json()
    assert {s["session_id"]: s for s in whole["sessions"]}[past["id"]]["headcount"] == 1
    erased = client.get(f"/api/v1/users/{me.user.id}", headers=admin.headers).json()
    assert erased["email"] != me.email
    assert erased["display_name"] == "Former member"
    assert erased["is_active"] is False
