"""A proposal the mentor never answers lapses after two weeks (the worker's housekeeping): the
mentee is free again and told, and the silent mentor is paused so no one else waits on them."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.core.config import Settings
from backend.core.events import bus
from backend.mentoring.matches import LAPSED_REASON, PROPOSAL_LAPSES_AFTER
from tests.factories import Person, make_person
from tests.mentoring.test_flow import API, approve, ask, offer
from tests.mentoring.test_rules import DECLINED, outbox
from tests.support.clock import Clock


def propose(client: TestClient, mentee: Person, mentor: Person) -> dict[str, object]:
    response = client.post(
        f"{API}/matches", json={"mentor_id": str(mentor.user.id)}, headers=mentee.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def run_housekeeping(app: FastAPI, settings: Settings) -> None:
    """Every periodic job, as one round of the worker runs them."""
    for job in bus.jobs:
        with app.state.session_factory.begin() as db:
            job.run(db, settings)


def test_an_unanswered_proposal_lapses_after_two_weeks(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    admin = make_person(client, role=Role.admin)
    silent, other = make_person(client), make_person(client)
    for mentor in (silent, other):
        offer(client, mentor)
        approve(client, admin, mentor)
    mentee = make_person(client)
    ask(client, mentee)
    match = propose(client, mentee, silent)

    clock.advance(PROPOSAL_LAPSES_AFTER - timedelta(hours=1))
    run_housekeeping(app, settings)
    seen = client.get(f"{API}/matches/{match['id']}", headers=mentee.headers).json()
    assert seen["status"] == "proposed"  # not yet

    clock.advance(timedelta(hours=2))
    run_housekeeping(app, settings)
    seen = client.get(f"{API}/matches/{match['id']}", headers=mentee.headers).json()
    assert seen["status"] == "declined"
    assert seen["close_reason"] == LAPSED_REASON
    assert [m.subject for m in outbox(app, mentee)] == [DECLINED]

    profile = client.get(f"{API}/mentor-profile", headers=silent.headers).json()
    assert profile["paused"] is True
    assert profile["active_mentees"] == 0
    (paused_notice,) = [m for m in outbox(app, silent) if "paused" in m.subject]
    assert "switch the pause off" in paused_notice.body_text

    # The mentee is free to be matched with someone else, and not with the silent mentor.
    suggested = client.get(f"{API}/suggestions", headers=mentee.headers).json()["items"]
    assert [s["mentor_id"] for s in suggested] == [str(other.user.id)]
    propose(client, mentee, other)

    # Running again changes nothing more.
    run_housekeeping(app, settings)
    assert len([m for m in outbox(app, silent) if "paused" in m.subject]) == 1


def test_answered_proposals_and_active_matches_never_lapse(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    admin = make_person(client, role=Role.admin)
    mentor = make_person(client)
    offer(client, mentor)
    approve(client, admin, mentor)
    mentee = make_person(client)
    ask(client, mentee)
    match = propose(client, mentee, mentor)
    accepted = client.post(f"{API}/matches/{match['id']}/accept", headers=mentor.headers)
    assert accepted.status_code == 200, accepted.text

    clock.advance(PROPOSAL_LAPSES_AFTER * 3)
    run_housekeeping(app, settings)
    seen = client.get(f"{API}/matches/{match['id']}", headers=mentee.headers).json()
    assert seen["status"] == "active"
    assert client.get(f"{API}/mentor-profile", headers=mentor.headers).json()["paused"] is False
