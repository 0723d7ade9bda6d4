"""Matches that need an admin's attention, outside in: who may ask, then each kind (a lapsed
proposal, a block, a moderation action, a closed account, a quiet match), what is never listed,
and that the pair (above all a blocked person) never learns why their match closed."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.accounts.models import Role
from backend.core.config import Settings
from backend.mentoring.attention import LISTED_FOR, QUIET_AFTER
from backend.mentoring.matches import PROPOSAL_LAPSES_AFTER
from backend.mentoring.models import CloseCause, MentorMatch
from tests.factories import Person, make_person
from tests.mentoring.test_flow import API
from tests.mentoring.test_lapse import run_housekeeping
from tests.mentoring.test_rules import (
    act,
    active,
    block,
    check_in,
    mentee,
    mentor,
    proposed,
    set_active,
)
from tests.moderation.helpers import acted, filed, only_case
from tests.support.clock import Clock
from tests.support.problems import assert_problem

ATTENTION = f"{API}/matches/attention"


def attention(client: TestClient, admin: Person) -> list[dict[str, Any]]:
    response = client.get(ATTENTION, params={"limit": 100}, headers=admin.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def kinds(client: TestClient, admin: Person) -> dict[str, str]:
    """match id -> kind of attention."""
    return {item["match_id"]: item["kind"] for item in attention(client, admin)}


def closed_because(app: FastAPI, match_id: str) -> CloseCause | None:
    with app.state.session_factory() as db:
        cause: CloseCause | None = db.scalar(
            select(MentorMatch.closed_because).where(MentorMatch.id == uuid.UUID(match_id))
        )
        return cause


@pytest.fixture
def admin(client: TestClient) -> Person:
    return make_person(client, role=Role.admin)


# --- who may ask ------------------------------------------------------------------------------


def test_only_admins_see_the_matches_that_need_attention(client: TestClient) -> None:
    assert_problem(client.get(ATTENTION), 401)
    for role in (Role.member, Role.facilitator):
        assert_problem(client.get(ATTENTION, headers=make_person(client, role=role).headers), 403)


# --- each kind --------------------------------------------------------------------------------


def test_a_lapsed_proposal_is_listed_while_the_mentee_waits(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock, admin: Person
) -> None:
    silent, other = mentor(client, admin), mentor(client, admin)
    seeker = mentee(client)
    match = proposed(client, seeker, silent)
    assert attention(client, admin) == []

    clock.advance(PROPOSAL_LAPSES_AFTER + timedelta(hours=1))
    run_housekeeping(app, settings)
    (item,) = attention(client, admin)
    assert (item["match_id"], item["kind"], item["status"]) == (match["id"], "lapsed", "declined")
    assert item["mentee"]["user_id"] == str(seeker.user.id)
    assert item["mentor"]["display_name"] == silent.user.display_name
    assert item["mentee_waiting"] is True
    assert item["check_ins"] == 0
    assert closed_because(app, match["id"]) == CloseCause.lapsed

    # An admin proposes another mentor: the mentee no longer waits.
    response = client.post(
        f"{API}/matches",
        json={"mentor_id": str(other.user.id), "mentee_id": str(seeker.user.id)},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    (item,) = attention(client, admin)
    assert item["mentee_waiting"] is False

    # After a while it is no longer news.
    clock.advance(LISTED_FOR)
    assert kinds(client, admin) == {}


def test_a_deactivated_mentee_is_not_said_to_be_waiting(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock, admin: Person
) -> None:
    seeker = mentee(client)
    proposed(client, seeker, mentor(client, admin))
    clock.advance(PROPOSAL_LAPSES_AFTER + timedelta(hours=1))
    run_housekeeping(app, settings)
    assert attention(client, admin)[0]["mentee_waiting"] is True

    off = client.patch(
        f"/api/v1/users/{seeker.user.id}", json={"is_active": False}, headers=admin.headers
    )
    assert off.status_code == 200, off.text
    # Their request is kept, but nobody can be proposed to them: no "still waiting".
    assert attention(client, admin)[0]["mentee_waiting"] is False


def test_a_match_ended_by_a_block_is_listed_and_the_pair_learn_only_that_it_ended(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    guide, seeker = mentor(client, admin), mentee(client)
    match = active(client, seeker, guide)
    block(client, guide, seeker)
    assert kinds(client, admin) == {match["id"]: "blocked"}
    assert closed_because(app, match["id"]) == CloseCause.blocked

    # The blocked person sees an ended match, no reason, and no word of why, anywhere.
    for person in (seeker, guide):
        seen = client.get(f"{API}/matches/{match['id']}", headers=person.headers).json()
        assert (seen["status"], seen["close_reason"]) == ("ended", None)
        assert "closed_because" not in seen
    export = client.get("/api/v1/me/export", headers=seeker.headers)
    assert export.status_code == 200, export.text
    assert "closed_because" not in export.text
    assert '"blocked"' not in export.text


def test_a_match_ended_by_moderation_is_listed(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    helper, seeker = mentor(client, admin), mentee(client)
    match = active(client, seeker, helper)
    filed(client, seeker, "member", helper.user.id, reason="harassment")
    acted(client, admin, only_case(client, admin)["id"], "end_match", match_id=match["id"])
    assert kinds(client, admin) == {match["id"]: "moderation"}
    assert closed_because(app, match["id"]) == CloseCause.moderation


def test_matches_closed_because_an_account_closed_are_listed(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    leaving, seeker = mentor(client, admin), mentee(client)
    meeting = active(client, seeker, leaving)
    waiting_for = mentor(client, admin)
    waiting = proposed(client, mentee(client), waiting_for)
    set_active(client, admin, leaving, is_active=False)
    set_active(client, admin, waiting_for, is_active=False)
    assert kinds(client, admin) == {
        meeting["id"]: "account_closed",
        waiting["id"]: "account_closed",
    }
    (item,) = [i for i in attention(client, admin) if i["match_id"] == meeting["id"]]
    assert (item["status"], item["mentee_waiting"]) == ("ended", True)


def test_an_active_match_with_no_check_in_for_30_days_is_quiet(
    client: TestClient, app: FastAPI, clock: Clock, admin: Person
) -> None:
    guide, seeker = mentor(client, admin), mentee(client)
    match = active(client, seeker, guide)
    clock.advance(QUIET_AFTER - timedelta(days=1))
    assert kinds(client, admin) == {}  # newly accepted: not quiet yet

    clock.advance(timedelta(days=2))
    (item,) = attention(client, admin)
    assert (item["kind"], item["status"], item["check_ins"]) == ("quiet", "active", 0)

    response = check_in(client, seeker, match["id"], clock.now().date())
    assert response.status_code == 201, response.text
    assert kinds(client, admin) == {}  # a check-in logged: no longer quiet

    clock.advance(QUIET_AFTER + timedelta(days=1))
    (item,) = attention(client, admin)
    assert (item["kind"], item["check_ins"]) == ("quiet", 1)
    assert item["since"] == response.json()["created_at"]
    # Counted, never read: no notes in the list.
    assert "met on" not in str(item)


# --- what is not listed, and why every close says why -----------------------------------------


def test_closes_by_the_pair_or_an_admin_are_not_listed_but_say_why(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    guide = mentor(client, admin, capacity=5)
    declined = proposed(client, mentee(client), guide)
    act(client, guide, declined["id"], "decline")
    withdrawn_by = mentee(client)
    withdrawn = proposed(client, withdrawn_by, guide)
    act(client, withdrawn_by, withdrawn["id"], "withdraw")
    ended_by = mentee(client)
    ended = active(client, ended_by, guide)
    act(client, ended_by, ended["id"], "end", reason="we are done")
    by_admin = active(client, mentee(client), guide)
    act(client, admin, by_admin["id"], "end", reason="for safety")
    waiting = proposed(client, mentee(client), guide)
    response = client.post(
        f"{API}/mentors/{guide.user.id}/approval",
        json={"decision": "reject"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text

    assert attention(client, admin) == []
    assert closed_because(app, declined["id"]) == CloseCause.declined
    assert closed_because(app, withdrawn["id"]) == CloseCause.withdrawn
    assert closed_because(app, ended["id"]) == CloseCause.ended_by_pair
    assert closed_because(app, by_admin["id"]) == CloseCause.ended_by_admin
    assert closed_because(app, waiting["id"]) == CloseCause.mentor_rejected


def test_the_list_is_paged_newest_change_first(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    made = []
    for _ in range(5):
        guide, seeker = mentor(client, admin), mentee(client)
        match = active(client, seeker, guide)
        block(client, seeker, guide)
        made.append(match["id"])
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get(ATTENTION, params=params, headers=admin.headers).json()
        seen.extend(item["match_id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))
