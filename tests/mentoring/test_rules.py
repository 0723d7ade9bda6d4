"""The rules of peer mentoring, one at a time, through the API: what a profile or request may
say, who may be suggested or proposed (approval, pauses, accounts, capacity, preferences,
languages, blocks, earlier pairs), one open match per mentee, seats under concurrent
proposals, the batch run, what the emails say, check-ins, feedback, erasure and export, and
time zones."""

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select, update

from backend.accounts.models import Role
from backend.mentoring import notices
from backend.mentoring.models import MatchFeedback
from backend.notifications.models import OutboxMessage
from backend.privacy.service import ERASED_NAME
from tests.factories import PASSWORD, Person, make_person
from tests.mentoring.test_flow import API, EVENINGS, approve, ask, offer
from tests.support.clock import Clock
from tests.support.problems import assert_problem

PROBLEM = "urn:strength-circles:problem:"
PROPOSED = "Someone would like you as their peer mentor"
ACCEPTED = "Your peer mentor said yes"
DECLINED = "Your mentoring proposal was not taken up"
WITHDRAWN = "A mentoring proposal was withdrawn"
ENDED = "A mentoring match has ended"


# --- helpers ----------------------------------------------------------------------------------


def mentor(client: TestClient, admin: Person, **fields: Any) -> Person:
    """A new member with an approved mentor profile (``offer``'s defaults unless given)."""
    person = make_person(client)
    offer(client, person, **fields)
    approve(client, admin, person)
    return person


def mentee(client: TestClient, **fields: Any) -> Person:
    person = make_person(client)
    ask(client, person, **fields)
    return person


def propose(client: TestClient, who: Person, to: Person) -> Response:
    return client.post(f"{API}/matches", json={"mentor_id": str(to.user.id)}, headers=who.headers)


def proposed(client: TestClient, who: Person, to: Person) -> dict[str, Any]:
    response = propose(client, who, to)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "proposed"
    return dict(response.json())


def act(
    client: TestClient, person: Person, match_id: str, action: str, **body: Any
) -> dict[str, Any]:
    response = client.post(
        f"{API}/matches/{match_id}/{action}", json=body or None, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def active(client: TestClient, who: Person, to: Person) -> dict[str, Any]:
    """A match ``to`` has accepted."""
    match = proposed(client, who, to)
    assert act(client, to, match["id"], "accept")["status"] == "active"
    return match


def ended(client: TestClient, who: Person, to: Person) -> dict[str, Any]:
    match = active(client, who, to)
    assert act(client, who, match["id"], "end", reason="we are done")["status"] == "ended"
    return match


def suggested(client: TestClient, person: Person) -> list[str]:
    response = client.get(f"{API}/suggestions", params={"limit": 100}, headers=person.headers)
    assert response.status_code == 200, response.text
    return [item["mentor_id"] for item in response.json()["items"]]


def my_matches(client: TestClient, person: Person) -> list[dict[str, Any]]:
    response = client.get(f"{API}/matches", params={"limit": 100}, headers=person.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def match_of(client: TestClient, person: Person, match_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/matches/{match_id}", headers=person.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def run(client: TestClient, admin: Person, *, dry_run: bool) -> dict[str, Any]:
    response = client.post(f"{API}/matching-runs", json={"dry_run": dry_run}, headers=admin.headers)
    assert response.status_code == (200 if dry_run else 201), response.text
    return dict(response.json())


def pairs(result: dict[str, Any]) -> dict[str, str]:
    """mentee id -> mentor id of a run's proposals."""
    return {p["mentee_id"]: p["mentor_id"] for p in result["proposals"]}


def block(client: TestClient, blocker: Person, other: Person) -> dict[str, Any]:
    response = client.put(f"/api/v1/me/blocks/{other.user.id}", headers=blocker.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def unblock(client: TestClient, blocker: Person, other: Person) -> None:
    response = client.delete(f"/api/v1/me/blocks/{other.user.id}", headers=blocker.headers)
    assert response.status_code == 204, response.text


def check_in(client: TestClient, person: Person, match_id: str, met_on: object) -> Response:
    return client.post(
        f"{API}/matches/{match_id}/check-ins",
        json={"met_on": str(met_on), "duration_minutes": 45, "notes": f"met on {met_on}"},
        headers=person.headers,
    )


def rate(client: TestClient, person: Person, match_id: str, rating: int, comment: str) -> Response:
    return client.put(
        f"{API}/matches/{match_id}/feedback",
        json={"rating": rating, "comment": comment},
        headers=person.headers,
    )


def summary(client: TestClient, admin: Person) -> dict[str, Any]:
    response = client.get(f"{API}/feedback-summary", headers=admin.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def set_active(client: TestClient, admin: Person, person: Person, *, is_active: bool) -> None:
    response = client.patch(
        f"/api/v1/users/{person.user.id}", json={"is_active": is_active}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is is_active


def set_timezone(client: TestClient, person: Person, timezone: str) -> None:
    response = client.patch("/api/v1/me", json={"timezone": timezone}, headers=person.headers)
    assert response.status_code == 200, response.text


def outbox(app: FastAPI, person: Person) -> list[OutboxMessage]:
    with app.state.session_factory() as db:
        return list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == person.email)
                .order_by(OutboxMessage.created_at)
            )
        )


def subjects(app: FastAPI, person: Person) -> list[str]:
    return [message.subject for message in outbox(app, person)]


def conflict(response: Response, slug: str = "mentor-unavailable") -> None:
    assert_problem(response, 409)
    assert response.json()["type"] == PROBLEM + slug, response.text


def ids(*people: Person) -> set[str]:
    return {str(p.user.id) for p in people}


# --- validation -------------------------------------------------------------------------------


def test_profiles_and_requests_are_validated_and_nothing_is_saved_on_a_422(
    client: TestClient,
) -> None:
    person = make_person(client)
    base = {
        "experience_areas": ["anxiety"],
        "languages": ["en"],
        "availability": EVENINGS,
        "capacity": 2,
    }

    def put_profile(**changes: Any) -> dict[str, Any]:
        response = client.put(f"{API}/mentor-profile", json=base | changes, headers=person.headers)
        return assert_problem(response, 422)

    unknown = put_profile(experience_areas=["anxiety", "underwater-basket-weaving"])
    assert unknown["type"] == PROBLEM + "unknown-topics"
    assert "underwater-basket-weaving" in unknown["detail"]
    assert "anxiety" not in unknown["detail"]  # only the unknown one is named

    backwards = put_profile(availability=[{"weekday": 2, "start": "21:00", "end": "18:00"}])
    assert any("availability" in issue["loc"] for issue in backwards["errors"])
    for capacity in (0, 11):
        problem = put_profile(capacity=capacity)
        assert [issue["loc"][-1] for issue in problem["errors"]] == ["capacity"]
    typo = put_profile(capasity=3)
    assert any(issue["loc"][-1] == "capasity" for issue in typo["errors"])

    # None of those left a profile behind.
    missing = assert_problem(client.get(f"{API}/mentor-profile", headers=person.headers), 404)
    assert missing["type"] == PROBLEM + "no-mentor-profile"

    # A failed edit leaves the saved profile as it was.
    saved = client.put(f"{API}/mentor-profile", json=base, headers=person.headers)
    assert saved.status_code == 200, saved.text
    put_profile(experience_areas=["depression", "no-such-topic"], capacity=5, bio="changed")
    put_profile(capacity=11, bio="changed")
    after = client.get(f"{API}/mentor-profile", headers=person.headers).json()
    assert after["experience_areas"] == ["anxiety"]
    assert after["capacity"] == 2
    assert after["bio"] == ""
    assert after["updated_at"] == saved.json()["updated_at"]

    # The mentee request follows the same rules.
    request = {"needs": ["anxiety"], "languages": ["en"], "availability": EVENINGS}
    for changes, where in (
        ({"needs": ["not-a-topic"]}, None),
        ({"availability": [{"weekday": 0, "start": "10:00", "end": "09:30"}]}, "availability"),
        ({"preferences": {"mentor_gender": "woman", "colour": "green"}}, "colour"),
        ({"urgent": True}, "urgent"),
    ):
        response = client.put(
            f"{API}/mentee-request", json=request | changes, headers=person.headers
        )
        problem = assert_problem(response, 422)
        if where is None:
            assert problem["type"] == PROBLEM + "unknown-topics"
            assert "not-a-topic" in problem["detail"]
        else:
            assert any(where in issue["loc"] for issue in problem["errors"]), problem
    assert_problem(client.get(f"{API}/mentee-request", headers=person.headers), 404)


# --- approval and rejection -------------------------------------------------------------------


def test_a_rejected_mentor_who_edits_their_profile_waits_for_review_again(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    person = make_person(client)
    seeker = mentee(client)
    offer(client, person)
    response = client.post(
        f"{API}/mentors/{person.user.id}/approval",
        json={"decision": "reject", "note": "Please add a few words about yourself."},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["review_note"] == "Please add a few words about yourself."

    edited = offer(client, person, bio="Ten years of meetings, and glad to listen.")
    assert edited["status"] == "pending"
    assert edited["review_note"] is None
    queue = client.get(f"{API}/mentors", params={"status": "pending"}, headers=admin.headers)
    assert [p["user_id"] for p in queue.json()["items"]] == [str(person.user.id)]
    assert suggested(client, seeker) == []

    # An approved mentor's edits apply at once, without another review.
    approve(client, admin, person)
    assert offer(client, person, bio="Still here.")["status"] == "approved"
    assert suggested(client, seeker) == [str(person.user.id)]


def test_an_admin_cannot_approve_their_own_offer_to_mentor(client: TestClient) -> None:
    """Separation of duties: approving oneself would open pairs and their private notes with
    no one else's say. Another admin decides."""
    admin, other_admin = make_person(client, role=Role.admin), make_person(client, role=Role.admin)
    offer(client, admin)
    own = client.post(
        f"{API}/mentors/{admin.user.id}/approval",
        json={"decision": "approve"},
        headers=admin.headers,
    )
    assert assert_problem(own, 403)["type"].endswith("own-mentor-offer")
    mine = client.get(f"{API}/mentor-profile", headers=admin.headers)
    assert mine.json()["status"] == "pending"
    approve(client, other_admin, admin)


def test_rejecting_an_approved_mentor_declines_waiting_proposals_only(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=3)
    meeting, waiting = mentee(client), mentee(client)
    ongoing = active(client, meeting, guide)
    pending = proposed(client, waiting, guide)

    response = client.post(
        f"{API}/mentors/{guide.user.id}/approval",
        json={"decision": "reject"},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text

    assert match_of(client, waiting, pending["id"])["status"] == "declined"
    assert subjects(app, waiting)[-1] == DECLINED
    assert client.get(f"{API}/mentee-request", headers=waiting.headers).json()["open"] is True
    # The pair already meeting carries on, and no one tells them otherwise.
    assert match_of(client, meeting, ongoing["id"])["status"] == "active"
    assert DECLINED not in subjects(app, meeting)
    today = datetime.now(UTC).date()
    assert check_in(client, meeting, ongoing["id"], today).status_code == 201
    # A rejected mentor is no longer suggested or proposed.
    newcomer = mentee(client)
    assert suggested(client, newcomer) == []
    assert_problem(propose(client, newcomer, guide), 404)


# --- who may be suggested or proposed ---------------------------------------------------------


def test_paused_and_deactivated_mentors_are_neither_suggested_nor_proposed(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    resting = mentor(client, admin)
    leaving = mentor(client, admin)
    seeker = mentee(client)
    assert set(suggested(client, seeker)) == ids(resting, leaving)

    paused = offer(client, resting, paused=True)
    assert paused["status"] == "approved"
    assert paused["paused"] is True
    set_active(client, admin, leaving, is_active=False)
    assert suggested(client, seeker) == []
    conflict(propose(client, seeker, resting))
    conflict(propose(client, seeker, leaving))
    assert run(client, admin, dry_run=True)["unmatched"] == [str(seeker.user.id)]

    # It is the pause and the account that kept them out.
    offer(client, resting, paused=False)
    set_active(client, admin, leaving, is_active=True)
    assert set(suggested(client, seeker)) == ids(resting, leaving)


def test_a_full_mentor_is_not_suggested_and_a_direct_proposal_is_refused(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=2)
    first, second, third = mentee(client), mentee(client), mentee(client)
    active(client, first, guide)
    waiting = proposed(client, second, guide)  # proposed and active both hold a seat
    profile = client.get(f"{API}/mentor-profile", headers=guide.headers).json()
    assert profile["active_mentees"] == 2

    assert suggested(client, third) == []
    conflict(propose(client, third, guide))
    assert run(client, admin, dry_run=True)["proposals"] == []

    # A seat given back is free again.
    act(client, second, waiting["id"], "withdraw")
    assert suggested(client, third) == [str(guide.user.id)]
    proposed(client, third, guide)


def test_preferences_are_hard_constraints_and_a_language_must_be_shared(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    fits = mentor(client, admin, gender="Woman", years_in_recovery=6)
    other_gender = mentor(client, admin, gender="man", years_in_recovery=6)
    unsaid_gender = mentor(client, admin, years_in_recovery=6)
    too_recent = mentor(client, admin, gender="woman", years_in_recovery=1)
    unsaid_years = mentor(client, admin, gender="woman")
    spanish = mentor(client, admin, gender="woman", years_in_recovery=12, languages=["es"])

    seeker = mentee(client, preferences={"mentor_gender": "woman", "min_years_in_recovery": 5})
    assert suggested(client, seeker) == [str(fits.user.id)]
    for ruled_out in (other_gender, unsaid_gender, too_recent, unsaid_years, spanish):
        conflict(propose(client, seeker, ruled_out))
    assert pairs(run(client, admin, dry_run=True)) == {str(seeker.user.id): str(fits.user.id)}
    proposed(client, seeker, fits)

    # Without preferences, only the language decides; a regional variant shares its base.
    hablante = mentee(client, languages=["es-MX"])
    assert suggested(client, hablante) == [str(spanish.user.id)]
    conflict(propose(client, hablante, other_gender))
    anyone = mentee(client)
    assert set(suggested(client, anyone)) == ids(
        fits, other_gender, unsaid_gender, too_recent, unsaid_years
    )


def test_a_mentee_cannot_be_their_own_mentor(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    both = mentor(client, admin)
    ask(client, both)
    assert suggested(client, both) == []
    response = propose(client, both, both)
    assert response.status_code in (409, 422), response.text
    assert_problem(response, response.status_code)
    assert my_matches(client, both) == []
    assert run(client, admin, dry_run=True)["proposals"] == []


# --- one open match per mentee ----------------------------------------------------------------


def test_one_open_match_per_mentee_and_a_withdrawn_pair_is_not_suggested_again(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    first, second, third = (mentor(client, admin) for _ in range(3))
    seeker = mentee(client)
    match = proposed(client, seeker, first)
    conflict(propose(client, seeker, second), "already-matched")
    assert client.get(f"{API}/mentee-request", headers=seeker.headers).json()["open"] is False

    assert act(client, seeker, match["id"], "withdraw")["status"] == "withdrawn"
    assert subjects(app, first)[-1] == WITHDRAWN
    assert client.get(f"{API}/mentee-request", headers=seeker.headers).json()["open"] is True
    # The withdrawn pair is not offered again, however it is asked for.
    assert set(suggested(client, seeker)) == ids(second, third)
    conflict(propose(client, seeker, first))
    proposed(client, seeker, second)
    assert set(suggested(client, seeker)) == ids(second, third)  # second has a seat left
    statuses = {m["mentor"]["user_id"]: m["status"] for m in my_matches(client, seeker)}
    assert statuses == {str(first.user.id): "withdrawn", str(second.user.id): "proposed"}


# --- seats under concurrency ------------------------------------------------------------------

CROWD = 12
# How long the app dawdles between a proposal's seat check and its commit in the test below.
DAWDLE_SECONDS = 0.05


@pytest.mark.real_commits
def test_simultaneous_proposals_never_overfill_a_mentor(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=1)
    seekers = [mentee(client) for _ in range(CROWD)]

    # A proposal queues the mentor's email after it has counted the seats and before it
    # commits. Slowing that step down widens the window a missing lock would leave open, so
    # that the race is lost every time rather than once in a while.
    tell_mentor = notices.proposed

    def dawdle(*args: Any) -> None:
        time.sleep(DAWDLE_SECONDS)
        tell_mentor(*args)

    monkeypatch.setattr(notices, "proposed", dawdle)
    start = threading.Barrier(CROWD)

    def ask_for_guide(person: Person) -> Response:
        start.wait(timeout=30)
        return propose(client, person, guide)

    with ThreadPoolExecutor(max_workers=CROWD) as pool:
        answers = list(pool.map(ask_for_guide, seekers))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (CROWD - 1), [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            conflict(answer)
    matches = my_matches(client, admin)
    assert [m["status"] for m in matches] == ["proposed"]
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert matches[0]["id"] == winner["id"]
    assert client.get(f"{API}/mentor-profile", headers=guide.headers).json()["active_mentees"] == 1
    assert subjects(app, guide).count(PROPOSED) == 1


# --- blocks -----------------------------------------------------------------------------------


def test_blocks_hide_the_pair_both_ways_until_unblocked(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    assert suggested(client, seeker) == [str(guide.user.id)]

    for blocker, blocked in ((seeker, guide), (guide, seeker)):
        record = block(client, blocker, blocked)
        assert record["user_id"] == str(blocked.user.id)
        listed = client.get("/api/v1/me/blocks", headers=blocker.headers).json()["items"]
        assert [b["user_id"] for b in listed] == [str(blocked.user.id)]
        assert suggested(client, seeker) == []
        conflict(propose(client, seeker, guide))
        dry = run(client, admin, dry_run=True)
        assert dry["proposals"] == []
        assert dry["unmatched"] == [str(seeker.user.id)]
        # Why, in words that never tell a block from a pair that ended before.
        (why,) = dry["unmatched_people"]
        assert why["reason_code"] == "cannot_be_proposed_again"
        assert why["reason"] == "None of the mentors who fit can be proposed again."
        saved = run(client, admin, dry_run=False)
        assert saved["proposals"] == []
        assert saved["unmatched_people"][0]["reason_code"] == "cannot_be_proposed_again"
        unblock(client, blocker, blocked)
        assert client.get("/api/v1/me/blocks", headers=blocker.headers).json()["items"] == []
        assert suggested(client, seeker) == [str(guide.user.id)]
    assert my_matches(client, admin) == []

    problem = assert_problem(
        client.put(f"/api/v1/me/blocks/{seeker.user.id}", headers=seeker.headers), 422
    )
    assert problem["type"] == PROBLEM + "cannot-block-yourself"


def test_blocking_ends_an_open_match_and_the_other_side_is_told_only_that_it_ended(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = make_person(client, display_name="Juniper Quill")
    offer(client, guide)
    approve(client, admin, guide)
    seeker = make_person(client, display_name="Rowan Ashby")
    ask(client, seeker)
    match = active(client, seeker, guide)
    before = len(outbox(app, guide))

    block(client, guide, seeker)
    seen = match_of(client, seeker, match["id"])
    assert seen["status"] == "ended"
    assert seen["close_reason"] is None
    notice = outbox(app, seeker)[-1]
    assert notice.subject == ENDED
    for word in ("block", "Juniper", "Quill", "grief", "anxiety"):
        assert word.lower() not in (notice.subject + notice.body_text).lower()
    assert len(outbox(app, guide)) == before  # the blocker is not written to

    # Unblocking does not bring back a pair that has ended.
    unblock(client, guide, seeker)
    assert suggested(client, seeker) == []
    conflict(propose(client, seeker, guide))

    # A proposal still waiting is taken back, and its mentor told only that.
    other = mentor(client, admin)
    waiting = proposed(client, seeker, other)
    block(client, seeker, other)
    assert match_of(client, seeker, waiting["id"])["status"] == "withdrawn"
    notice = outbox(app, other)[-1]
    assert notice.subject == WITHDRAWN
    assert "block" not in notice.body_text.lower()
    assert "Rowan" not in notice.body_text


# --- the batch run ----------------------------------------------------------------------------


def test_matching_run_matches_everyone_where_greedy_by_score_would_not(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    # Both mentees fit the bilingual mentor; only one fits the English-only mentor. Taking the
    # best-scoring pair first (bilingual with the anxiety mentee) would leave the other out.
    bilingual = mentor(
        client, admin, capacity=1, languages=["en", "es"], experience_areas=["anxiety"]
    )
    english = mentor(client, admin, capacity=1, languages=["en"], experience_areas=["depression"])
    worried = mentee(client, needs=["anxiety"], languages=["en"])
    spanish = mentee(client, needs=["youth"], languages=["es"])
    # The trap is real: the worried mentee's best mentor is the only one the other can have.
    ranked = client.get(f"{API}/suggestions", headers=worried.headers).json()["items"]
    assert [s["mentor_id"] for s in ranked] == [str(bilingual.user.id), str(english.user.id)]
    assert ranked[0]["score"] > ranked[1]["score"]
    assert suggested(client, spanish) == [str(bilingual.user.id)]

    expected = {
        str(worried.user.id): str(english.user.id),
        str(spanish.user.id): str(bilingual.user.id),
    }
    dry = run(client, admin, dry_run=True)
    assert pairs(dry) == expected
    assert dry["unmatched"] == []
    assert dry["run_id"] is None
    assert all(p["match_id"] is None and p["reasons"] for p in dry["proposals"])
    assert my_matches(client, admin) == []
    assert PROPOSED not in subjects(app, english) + subjects(app, bilingual)

    saved = run(client, admin, dry_run=False)
    assert pairs(saved) == expected
    assert saved["run_id"] is not None
    matches = my_matches(client, admin)
    assert {m["mentee"]["user_id"]: m["mentor"]["user_id"] for m in matches} == expected
    assert {m["status"] for m in matches} == {"proposed"}
    assert {m["id"] for m in matches} == {p["match_id"] for p in saved["proposals"]}
    assert subjects(app, english).count(PROPOSED) == 1
    assert subjects(app, bilingual).count(PROPOSED) == 1
    # The mentees see why they were matched.
    mine = my_matches(client, spanish)
    assert "both speak Spanish" in mine[0]["reasons"]

    # A second run leaves proposed mentees alone...
    again = run(client, admin, dry_run=False)
    assert again["proposals"] == []
    assert again["open_requests"] == 0
    assert len(my_matches(client, admin)) == 2
    assert subjects(app, english).count(PROPOSED) == 1
    # ...and proposes only for whoever is new.
    third = mentor(client, admin, capacity=1)
    newcomer = mentee(client)
    latest = run(client, admin, dry_run=False)
    assert pairs(latest) == {str(newcomer.user.id): str(third.user.id)}
    assert len(my_matches(client, admin)) == 3


def test_matching_run_never_breaks_a_constraint(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    woman = mentor(client, admin, capacity=3, gender="woman", years_in_recovery=6)
    man = mentor(client, admin, capacity=3, gender="man", years_in_recovery=1)
    spanish = mentor(client, admin, capacity=3, languages=["es"])
    paused = mentor(client, admin, capacity=3, paused=True)
    deactivated = mentor(client, admin, capacity=3)
    set_active(client, admin, deactivated, is_active=False)
    pending = make_person(client)
    offer(client, pending, capacity=3)

    wants_woman = mentee(client, preferences={"mentor_gender": "woman"})
    wants_years = mentee(client, preferences={"min_years_in_recovery": 5})
    french = mentee(client, languages=["fr"])
    # Declined by the man, and has blocked the woman: no one is left who speaks English.
    turned_down = mentee(client)
    declined = proposed(client, turned_down, man)
    act(client, man, declined["id"], "decline", reason="no time just now")
    block(client, turned_down, woman)
    gone = mentee(client)
    set_active(client, admin, gone, is_active=False)

    allowed = {
        str(wants_woman.user.id): {str(woman.user.id)},
        str(wants_years.user.id): {str(woman.user.id)},
        str(french.user.id): set(),
        str(turned_down.user.id): set(),
    }
    for dry_run in (True, False):
        result = run(client, admin, dry_run=dry_run)
        assert result["open_requests"] == 4
        for mentee_id, mentor_id in pairs(result).items():
            assert mentor_id in allowed[mentee_id], (mentee_id, mentor_id)
        assert set(pairs(result)) == {str(wants_woman.user.id), str(wants_years.user.id)}
        assert set(result["unmatched"]) == {str(french.user.id), str(turned_down.user.id)}
        never = ids(spanish, paused, deactivated, pending, gone)
        assert never.isdisjoint(pairs(result).values())
        assert str(gone.user.id) not in set(pairs(result)) | set(result["unmatched"])


# --- what the emails say ----------------------------------------------------------------------


def test_notices_for_proposed_accepted_and_ended_name_no_topic_and_no_person(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = make_person(client, display_name="Juniper Quill")
    offer(client, guide, experience_areas=["grief-and-loss", "trauma-and-ptsd"])
    approve(client, admin, guide)
    seeker = make_person(client, display_name="Rowan Ashby")
    ask(client, seeker, needs=["grief-and-loss", "trauma-and-ptsd"])
    mentor_before, mentee_before = len(outbox(app, guide)), len(outbox(app, seeker))

    match = proposed(client, seeker, guide)
    # The match itself says what they share; the email must not.
    assert any("grief and loss" in reason for reason in match["reasons"])
    act(client, guide, match["id"], "accept")
    act(client, seeker, match["id"], "end", reason="I feel steadier now")

    to_mentor = outbox(app, guide)[mentor_before:]
    to_mentee = outbox(app, seeker)[mentee_before:]
    assert [m.subject for m in to_mentor] == [PROPOSED, ENDED]
    assert [m.subject for m in to_mentee] == [ACCEPTED]  # whoever ends it is not told
    assert {m.user_id for m in to_mentor} == {guide.user.id}
    assert {m.user_id for m in to_mentee} == {seeker.user.id}

    topics = client.get("/api/v1/topics").json()["items"]
    forbidden = [t["name"] for t in topics if t["slug"] in ("grief-and-loss", "trauma-and-ptsd")]
    forbidden += ["grief", "trauma", "PTSD", "steadier"]
    for messages, other in ((to_mentor, "Rowan Ashby"), (to_mentee, "Juniper Quill")):
        for message in messages:
            text = (message.subject + "\n" + message.body_text).lower()
            for word in [*forbidden, other, *other.split()]:
                assert word.lower() not in text, (word, message.subject)


# --- check-ins --------------------------------------------------------------------------------


def test_check_in_dates_states_and_newest_first_pages(client: TestClient, clock: Clock) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = proposed(client, seeker, guide)
    began = datetime.now(UTC).date()

    conflict(check_in(client, seeker, match["id"], began), "wrong-match-status")
    act(client, guide, match["id"], "accept")
    clock.advance(timedelta(days=10))
    today = clock.now().date()

    before = assert_problem(check_in(client, seeker, match["id"], began - timedelta(days=1)), 422)
    assert before["type"] == PROBLEM + "invalid-check-in-date"
    future = assert_problem(check_in(client, guide, match["id"], today + timedelta(days=1)), 422)
    assert future["type"] == PROBLEM + "invalid-check-in-date"

    days = [3, 1, 5, 2, 4, 0]
    for n, day in enumerate(days):
        author = seeker if n % 2 else guide
        response = check_in(client, author, match["id"], began + timedelta(days=day))
        assert response.status_code == 201, response.text
    assert check_in(client, seeker, match["id"], today).status_code == 201

    for reader in (seeker, guide):
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = client.get(
                f"{API}/matches/{match['id']}/check-ins", params=params, headers=reader.headers
            )
            assert page.status_code == 200, page.text
            assert len(page.json()["items"]) <= 3
            seen += [c["met_on"] for c in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        expected = [today] + [began + timedelta(days=d) for d in sorted(days, reverse=True)]
        assert seen == [d.isoformat() for d in expected]

    act(client, seeker, match["id"], "end", reason="all good")
    conflict(check_in(client, seeker, match["id"], today), "wrong-match-status")


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_only_after_the_end_and_a_second_put_replaces_the_first(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = proposed(client, seeker, guide)
    conflict(rate(client, seeker, match["id"], 4, "too soon"), "wrong-match-status")
    act(client, guide, match["id"], "accept")
    conflict(rate(client, seeker, match["id"], 4, "too soon"), "wrong-match-status")
    act(client, guide, match["id"], "end", reason="moving away")

    first = rate(client, seeker, match["id"], 2, "it was hard to find a time")
    assert first.status_code == 200, first.text
    second = rate(client, seeker, match["id"], 4, "on reflection, it helped")
    assert second.status_code == 200, second.text
    mine = client.get(f"{API}/matches/{match['id']}/feedback", headers=seeker.headers).json()
    assert (mine["rating"], mine["comment"], mine["side"]) == (
        4,
        "on reflection, it helped",
        "mentee",
    )
    assert rate(client, guide, match["id"], 5, "glad we met").status_code == 200
    totals = summary(client, admin)
    assert totals["matches_ended"] == 1
    waiting = {"count": 0, "waiting": 1, "average": None, "distribution": None}
    assert totals["from_mentees"] == waiting
    assert totals["from_mentors"] == waiting
    assert "reflection" not in json.dumps(totals)


def quarter_after(moment: datetime) -> datetime:
    """The first instant of the calendar quarter after the one ``moment`` is in."""
    first_month = 3 * ((moment.month - 1) // 3) + 1
    if first_month == 10:
        return datetime(moment.year + 1, 1, 1, tzinfo=UTC)
    return datetime(moment.year, first_month + 3, 1, tzinfo=UTC)


def test_feedback_figures_move_only_in_closed_batches_of_five(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    """No one rating can be read off the figures, not even by comparing them before and after
    it arrived: ratings count from the end of their quarter, in batches of at least five."""
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin, capacity=5)
    seekers = [mentee(client) for _ in range(6)]
    matches = [ended(client, seeker, guide) for seeker in seekers[:5]]
    ratings = [5, 4, 4, 1, 3]
    for n, (seeker, match, rating) in enumerate(zip(seekers, matches, ratings, strict=False)):
        assert rate(client, seeker, match["id"], rating, f"comment {n}").status_code == 200
    # Changing a rating replaces it while its quarter is open: still five ratings.
    again = rate(client, seekers[3], matches[3]["id"], 2, "second thoughts")
    assert again.status_code == 200, again.text
    nothing_yet = {"count": 0, "waiting": 5, "average": None, "distribution": None}
    assert summary(client, admin)["from_mentees"] == nothing_yet

    next_quarter = quarter_after(clock.now())
    clock.set(next_quarter + timedelta(days=1, hours=9))  # the quarter is over
    totals = summary(client, admin)
    assert totals["as_of"] == next_quarter.date().isoformat()
    assert totals["matches_ended"] == 5
    published = {
        "count": 5,
        "waiting": 0,
        "average": 3.6,
        "distribution": {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1},
    }
    assert totals["from_mentees"] == published
    assert totals["from_mentors"] == {
        "count": 0,
        "waiting": 0,
        "average": None,
        "distribution": None,
    }
    assert "comment" not in json.dumps(totals)
    # Published ratings are final.
    conflict(rate(client, seekers[0], matches[0]["id"], 1, "changed my mind"), "feedback-final")

    # A new rating leaves the figures as they were, even after its quarter, while it is the
    # only one of its batch: comparing the figures reveals nothing.
    late = ended(client, seekers[5], guide)
    assert rate(client, seekers[5], late["id"], 1, "one voice").status_code == 200
    with app.state.session_factory.begin() as db:
        # Row timestamps come from the real clock; this one was given in the test's quarter.
        db.execute(
            update(MatchFeedback)
            .where(MatchFeedback.match_id == uuid.UUID(late["id"]))
            .values(created_at=clock.now())
        )
    clock.set(quarter_after(next_quarter) + timedelta(days=2))
    later = summary(client, admin)["from_mentees"]
    assert {k: v for k, v in later.items() if k != "waiting"} == {
        k: v for k, v in published.items() if k != "waiting"
    }
    assert later["waiting"] == 1
    assert_problem(client.get(f"{API}/feedback-summary", headers=guide.headers), 403)


# --- erasure and export -----------------------------------------------------------------------


def test_erasing_a_mentor_ends_their_match_and_the_mentee_keeps_it(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = make_person(client, display_name="Juniper Quill")
    offer(client, guide)
    approve(client, admin, guide)
    seeker = mentee(client)
    match = active(client, seeker, guide)
    today = datetime.now(UTC).date()
    assert check_in(client, seeker, match["id"], today).status_code == 201
    assert check_in(client, guide, match["id"], today).status_code == 201

    gone = client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=guide.headers
    )
    assert gone.status_code == 204, gone.text

    seen = match_of(client, seeker, match["id"])
    assert seen["status"] == "ended"
    assert seen["ended_at"] is not None
    assert seen["mentor"]["display_name"] == ERASED_NAME
    assert "Juniper" not in json.dumps(my_matches(client, seeker))
    notice = outbox(app, seeker)[-1]
    assert notice.subject == ENDED
    assert "Juniper" not in notice.body_text
    # The profile went with them: not listed, not suggested.
    listed = client.get(f"{API}/mentors", params={"limit": 100}, headers=admin.headers).json()
    assert str(guide.user.id) not in {p["user_id"] for p in listed["items"]}
    assert suggested(client, mentee(client)) == []
    # The mentee's own notes are still theirs; the erased person's are gone.
    notes = client.get(f"{API}/matches/{match['id']}/check-ins", headers=seeker.headers).json()
    assert [c["author_id"] for c in notes["items"]] == [str(seeker.user.id)]
    # The mentee can still leave feedback on it.
    assert rate(client, seeker, match["id"], 4, "thank you").status_code == 200


def test_erasure_takes_the_reasons_the_person_wrote_with_them(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    turned_down, parted = mentee(client), mentee(client)
    declined = proposed(client, turned_down, guide)
    act(client, guide, declined["id"], "decline", reason="My divorce leaves me no time.")
    finished = active(client, parted, guide)
    act(client, guide, finished["id"], "end", reason="I am moving to my sister's.")
    for person, match in ((turned_down, declined), (parted, finished)):
        assert match_of(client, person, match["id"])["close_reason"]

    gone = client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=guide.headers
    )
    assert gone.status_code == 204, gone.text

    for person, match in ((turned_down, declined), (parted, finished)):
        assert match_of(client, person, match["id"])["close_reason"] is None
        export = client.get("/api/v1/me/export", headers=person.headers).text
        assert "divorce" not in export
        assert "sister" not in export


def test_export_holds_my_mentoring_records_and_never_the_other_persons_id(
    client: TestClient,
) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, guide)
    today = datetime.now(UTC).date()
    assert check_in(client, seeker, match["id"], today).status_code == 201
    assert check_in(client, guide, match["id"], today).status_code == 201
    act(client, guide, match["id"], "end", reason="time to fly")
    assert rate(client, seeker, match["id"], 5, "thank you").status_code == 200
    assert rate(client, guide, match["id"], 4, "it was good").status_code == 200

    own = ("mentor_match", "mentoring_check_in", "match_feedback")
    for person, other, tables in (
        (seeker, guide, ("mentee_request", *own)),
        (guide, seeker, ("mentor_profile", *own)),
    ):
        response = client.get("/api/v1/me/export", headers=person.headers)
        assert response.status_code == 200, response.text
        records = response.json()["records"]
        for table in tables:
            assert len(records[table]) == 1, (table, records.get(table))
        assert [m["id"] for m in records["mentor_match"]] == [match["id"]]
        assert records["mentor_match"][0]["status"] == "ended"
        assert records["mentoring_check_in"][0]["author_id"] == str(person.user.id)
        text = response.text
        assert str(other.user.id) not in text
        assert str(other.user.id.hex) not in text
        assert str(admin.user.id) not in text
    seeker_export = client.get("/api/v1/me/export", headers=seeker.headers).json()
    assert seeker_export["records"]["match_feedback"][0]["comment"] == "thank you"
    assert "it was good" not in json.dumps(seeker_export)


# --- time zones -------------------------------------------------------------------------------


def test_availability_is_compared_after_converting_time_zones(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    # Tuesday 08:00-12:00 in Tokyo is Monday 23:00 to Tuesday 03:00 UTC...
    tuesday_morning = [{"weekday": 1, "start": "08:00", "end": "12:00"}]
    tokyo = make_person(client)
    set_timezone(client, tokyo, "Asia/Tokyo")
    offer(client, tokyo, availability=tuesday_morning)
    approve(client, admin, tokyo)
    # ...the same local hours in UTC are not.
    in_utc = make_person(client)
    offer(client, in_utc, availability=tuesday_morning)
    approve(client, admin, in_utc)
    # Monday evening until midnight in New York is Monday 22:00 (EDT) or 23:00 (EST) to
    # Tuesday 04:00 or 05:00 UTC: four hours with Tokyo either way, none with UTC.
    seeker = make_person(client)
    set_timezone(client, seeker, "America/New_York")
    request = ask(client, seeker, availability=[{"weekday": 0, "start": "18:00", "end": "23:59"}])
    assert request["timezone"] == "America/New_York"
    profile = client.get(f"{API}/mentor-profile", headers=tokyo.headers).json()
    assert profile["timezone"] == "Asia/Tokyo"
    assert profile["availability"][0]["start"].startswith("08:00")  # kept in local time

    items = client.get(f"{API}/suggestions", headers=seeker.headers).json()["items"]
    assert [i["mentor_id"] for i in items] == [str(tokyo.user.id), str(in_utc.user.id)]
    reasons = {i["mentor_id"]: i["reasons"] for i in items}
    assert "4 hours a week in common" in reasons[str(tokyo.user.id)]
    assert "no weekly time in common yet" in reasons[str(in_utc.user.id)]
    assert items[0]["score"] > items[1]["score"]
