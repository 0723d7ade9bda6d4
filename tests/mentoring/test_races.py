"""Two things happening to one match, or one person, at the same moment: only one wins, and
nothing is left half-true. Each test widens the race window by slowing the step between the
check and the commit, so a missing lock loses every time rather than once in a while."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.mentoring import notices, profiles
from backend.mentoring.models import MenteeRequest, MentorMatch
from tests.factories import make_person
from tests.mentoring.test_flow import API
from tests.mentoring.test_rules import (
    ACCEPTED,
    ENDED,
    PROPOSED,
    WITHDRAWN,
    active,
    mentee,
    mentor,
    proposed,
    subjects,
)
from tests.support.concurrency import at_once, dawdle

# Races need requests in transactions of their own, at the same moment, on connections of
# their own: see tests/support/rollback.py.
pytestmark = pytest.mark.real_commits


def test_accept_and_withdraw_at_once_one_wins(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = proposed(client, seeker, guide)
    dawdle(monkeypatch, notices, "accepted")
    dawdle(monkeypatch, notices, "withdrawn")

    accept, withdraw = at_once(
        lambda: client.post(f"{API}/matches/{match['id']}/accept", headers=guide.headers),
        lambda: client.post(f"{API}/matches/{match['id']}/withdraw", headers=seeker.headers),
    )

    assert sorted([accept.status_code, withdraw.status_code]) == [200, 409]
    final = client.get(f"{API}/matches/{match['id']}", headers=seeker.headers).json()["status"]
    if accept.status_code == 200:
        assert final == "active"
        assert ACCEPTED in subjects(app, seeker)
        assert WITHDRAWN not in subjects(app, guide)
    else:
        assert final == "withdrawn"
        assert WITHDRAWN in subjects(app, guide)
        assert ACCEPTED not in subjects(app, seeker)


def test_ending_twice_at_once_ends_once(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, guide)
    dawdle(monkeypatch, notices, "ended")

    answers = at_once(
        *[
            lambda person=person: client.post(
                f"{API}/matches/{match['id']}/end", json={"reason": "time"}, headers=person.headers
            )
            for person in (guide, seeker)
        ]
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    assert subjects(app, guide).count(ENDED) + subjects(app, seeker).count(ENDED) == 1


def test_a_block_and_a_proposal_at_once_never_leave_the_pair_matched(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    dawdle(monkeypatch, notices, "proposed")

    proposal, block = at_once(
        lambda: client.post(
            f"{API}/matches", json={"mentor_id": str(guide.user.id)}, headers=seeker.headers
        ),
        lambda: client.put(f"/api/v1/me/blocks/{seeker.user.id}", headers=guide.headers),
    )

    assert block.status_code == 200, block.text
    assert proposal.status_code in (201, 409), proposal.text
    with app.state.session_factory() as db:
        still_open = db.scalar(
            select(func.count())
            .select_from(MentorMatch)
            .where(MentorMatch.status.in_(["proposed", "active"]))
        )
    assert still_open == 0


def test_saving_a_request_twice_at_once_saves_one(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeker = make_person(client)
    dawdle(monkeypatch, profiles, "request_of")
    body = {"needs": ["anxiety"], "languages": ["en"], "availability": []}

    answers = at_once(
        *[lambda: client.put(f"{API}/mentee-request", json=body, headers=seeker.headers)] * 2
    )

    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    with app.state.session_factory() as db:
        rows = db.scalar(select(func.count()).select_from(MenteeRequest))
    assert rows == 1


def test_deactivating_an_account_closes_its_open_matches(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=2)
    meeting, waiting = mentee(client), mentee(client)
    current = active(client, meeting, guide)
    pending = proposed(client, waiting, guide)

    response = client.patch(
        f"/api/v1/users/{guide.user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200, response.text

    seen = client.get(f"{API}/matches/{current['id']}", headers=meeting.headers).json()
    assert seen["status"] == "ended"
    assert ENDED in subjects(app, meeting)
    seen = client.get(f"{API}/matches/{pending['id']}", headers=waiting.headers).json()
    assert seen["status"] == "declined"
    # Both mentees can look for someone else straight away.
    for person in (meeting, waiting):
        request = client.get(f"{API}/mentee-request", headers=person.headers).json()
        assert request["open"] is True


def test_erasure_forgets_why_the_pair_was_matched(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, guide)
    assert match["reasons"]  # the pairing's reasons name the mentee's needs

    gone = client.request(
        "DELETE", "/api/v1/me", json={"password": guide.password}, headers=guide.headers
    )
    assert gone.status_code == 204, gone.text

    seen = client.get(f"{API}/matches/{match['id']}", headers=seeker.headers).json()
    assert seen["status"] == "ended"
    assert seen["reasons"] == []
    assert seen["score"] is None


def test_a_saved_run_emails_each_mentor_once(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=2)
    for _ in range(2):
        mentee(client)

    saved = client.post(f"{API}/matching-runs", json={"dry_run": False}, headers=admin.headers)
    assert saved.status_code == 201, saved.text
    assert len(saved.json()["proposals"]) == 2

    assert subjects(app, guide).count(PROPOSED) == 1
