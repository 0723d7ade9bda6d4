"""The mentoring journey end to end: offer, approval, request, suggestions, proposal, answer,
check-ins, end, feedback; each step's rules next to it."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import Person, make_person
from tests.support.problems import assert_problem

API = "/api/v1/mentoring"
EVENINGS = [{"weekday": day, "start": "18:00", "end": "21:00"} for day in range(4)]


def offer(client: TestClient, person: Person, **fields: Any) -> dict[str, Any]:
    body = {
        "experience_areas": ["grief-and-loss", "anxiety"],
        "languages": ["en"],
        "availability": EVENINGS,
        "capacity": 2,
        "bio": "Been there.",
        **fields,
    }
    response = client.put(f"{API}/mentor-profile", json=body, headers=person.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def approve(client: TestClient, admin: Person, mentor: Person) -> None:
    response = client.post(
        f"{API}/mentors/{mentor.user.id}/approval",
        json={"decision": "approve"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text


def ask(client: TestClient, person: Person, **fields: Any) -> dict[str, Any]:
    body = {"needs": ["grief-and-loss"], "languages": ["en"], "availability": EVENINGS, **fields}
    response = client.put(f"{API}/mentee-request", json=body, headers=person.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_whole_journey(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    mentor = make_person(client)
    mentee = make_person(client)

    profile = offer(client, mentor)
    assert profile["status"] == "pending"
    ask(client, mentee)
    # A pending mentor is not suggested.
    response = client.get(f"{API}/suggestions", headers=mentee.headers)
    assert response.json()["items"] == []

    approve(client, admin, mentor)
    items = client.get(f"{API}/suggestions", headers=mentee.headers).json()["items"]
    assert [i["mentor_id"] for i in items] == [str(mentor.user.id)]
    assert 0 < items[0]["score"] <= 1
    assert "both speak English" in items[0]["reasons"]
    # The hours in common, in the mentee's own zone (both are on UTC here).
    assert [(t["weekday"], t["start"][:5], t["end"][:5]) for t in items[0]["common_times"]] == [
        (s["weekday"], s["start"], s["end"]) for s in EVENINGS
    ]

    response = client.post(
        f"{API}/matches", json={"mentor_id": str(mentor.user.id)}, headers=mentee.headers
    )
    assert response.status_code == 201, response.text
    match = response.json()
    assert match["status"] == "proposed"
    assert match["my_side"] == "mentee"

    # Only the mentor answers.
    assert_problem(client.post(f"{API}/matches/{match['id']}/accept", headers=mentee.headers), 403)
    response = client.post(f"{API}/matches/{match['id']}/accept", headers=mentor.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"

    today = datetime.now(UTC).date()
    response = client.post(
        f"{API}/matches/{match['id']}/check-ins",
        json={"met_on": today.isoformat(), "duration_minutes": 45, "notes": "a private note"},
        headers=mentee.headers,
    )
    assert response.status_code == 201, response.text
    response = client.post(
        f"{API}/matches/{match['id']}/check-ins",
        json={"met_on": (today + timedelta(days=2)).isoformat(), "duration_minutes": 45},
        headers=mentee.headers,
    )
    assert_problem(response, 422)
    listed = client.get(f"{API}/matches/{match['id']}/check-ins", headers=mentor.headers)
    assert [c["notes"] for c in listed.json()["items"]] == ["a private note"]
    # Admins see the match but never the notes.
    assert client.get(f"{API}/matches/{match['id']}", headers=admin.headers).status_code == 200
    assert_problem(client.get(f"{API}/matches/{match['id']}/check-ins", headers=admin.headers), 404)

    response = client.post(
        f"{API}/matches/{match['id']}/end", json={"reason": "moving away"}, headers=mentor.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ended"
    response = client.put(
        f"{API}/matches/{match['id']}/feedback",
        json={"rating": 5, "comment": "thank you"},
        headers=mentee.headers,
    )
    assert response.status_code == 200, response.text
    summary = client.get(f"{API}/feedback-summary", headers=admin.headers).json()
    # Not in the figures until its quarter is over (and then only in a batch of five or more).
    assert summary["from_mentees"] == {
        "count": 0,
        "waiting": 1,
        "average": None,
        "distribution": None,
    }

    # An ended pair is never proposed again.
    response = client.post(
        f"{API}/matches", json={"mentor_id": str(mentor.user.id)}, headers=mentee.headers
    )
    assert_problem(response, 409)
    assert client.get(f"{API}/suggestions", headers=mentee.headers).json()["items"] == []


def test_matching_run_dry_then_saved(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    mentors = [make_person(client) for _ in range(2)]
    for mentor in mentors:
        offer(client, mentor, capacity=1)
        approve(client, admin, mentor)
    mentees = [make_person(client) for _ in range(3)]
    for mentee in mentees:
        ask(client, mentee)
    dry = client.post(f"{API}/matching-runs", json={"dry_run": True}, headers=admin.headers)
    assert dry.status_code == 200, dry.text
    assert len(dry.json()["proposals"]) == 2
    assert len(dry.json()["unmatched"]) == 1
    # The preview names people by pseudonym, so an admin can read it.
    names = {person.user.id: person.user.display_name for person in mentors + mentees}
    for proposal in dry.json()["proposals"]:
        assert proposal["mentor_name"] == names[uuid.UUID(proposal["mentor_id"])]
        assert proposal["mentee_name"] == names[uuid.UUID(proposal["mentee_id"])]
    (left,) = dry.json()["unmatched_people"]
    assert left["mentee_id"] == dry.json()["unmatched"][0]
    assert left["display_name"] == names[uuid.UUID(left["mentee_id"])]
    assert left["reason_code"] == "mentors_paired_with_others"
    assert left["reason"].startswith("The mentors who fit were paired with others")
    assert client.get(f"{API}/matches", headers=admin.headers).json()["items"] == []
    saved = client.post(f"{API}/matching-runs", json={"dry_run": False}, headers=admin.headers)
    assert saved.status_code == 201, saved.text
    assert all(p["match_id"] for p in saved.json()["proposals"])
    assert len(client.get(f"{API}/matches", headers=admin.headers).json()["items"]) == 2
    again = client.post(f"{API}/matching-runs", json={"dry_run": True}, headers=admin.headers)
    assert again.json()["proposals"] == []
