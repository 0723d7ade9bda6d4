"""POST /reports/{id}/actions: decisions on a case, each carried out by the domain that owns
what it changes, by the staff allowed to; the reporter hears the outcome in general words and
the person reported never learns who reported them."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import Person, emails_to, make_person
from tests.mentoring.test_rules import active, mentee, mentor
from tests.moderation.helpers import REPORTS, act, acted, filed, my_reports, only_case, read_case
from tests.moderation.test_reports import published_story
from tests.sessions.conftest import Circle, make_circle
from tests.support.clock import Clock
from tests.support.problems import assert_problem

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def admin(client: TestClient) -> Person:
    return make_person(client, role=Role.admin)


def member_case(client: TestClient, circle: Circle, admin: Person, **fields: Any) -> str:
    """The first member of ``circle`` reports the second from the circle; the case's id."""
    reporter, reported = circle.members[:2]
    filed(client, reporter, "member", reported.user.id, group_id=str(circle.group.id), **fields)
    return str(only_case(client, admin)["id"])


def sign_in_answer(client: TestClient, person: Person) -> Any:
    return client.post(
        TOKEN,
        data={"grant_type": "password", "username": person.email, "password": person.password},
    )


def test_a_reported_story_is_handled_by_a_facilitator_and_an_admin(
    client: TestClient, app: FastAPI, admin: Person
) -> None:
    """The issue's "done when": a member reports a story; a facilitator and an admin act on it
    through the API."""
    author = make_person(client, display_name="Quiet Lantern")
    story_resource = published_story(client, author)
    reader = make_person(client)
    filed(client, reader, "story", story_resource, reason="harmful_advice", details="Dosing tips.")
    facilitator = make_person(client, role=Role.facilitator)
    (case,) = [c for c in _queue(client, facilitator) if c["target_type"] == "story"]
    path = f"{REPORTS}/{case['id']}"
    client.patch(path, headers=facilitator.headers, json={"status": "in_review"})
    client.post(
        f"{path}/notes", headers=facilitator.headers, json={"body": "Advice on medication."}
    )
    taken_down = acted(client, facilitator, case["id"], "unpublish", note="Medication advice.")
    assert taken_down["status"] == "actioned"
    assert client.get(f"/api/v1/resources/{story_resource}").status_code == 404
    (story,) = client.get("/api/v1/me/stories", headers=author.headers).json()["items"]
    assert story["status"] == "returned"
    assert "took this story down" in story["review_note"]
    # The admin follows up with the author.
    warned = acted(client, admin, case["id"], "warn")
    assert [a["action"] for a in warned["actions"]] == ["unpublish", "warn"]
    (notice,) = [m for m in emails_to(app, author.email) if "team" in m.subject]
    for secret in (reader.user.display_name, reader.email, "Dosing", "Medication"):
        assert secret not in notice.body_text
    (mine,) = my_reports(client, reader)
    assert (mine["status"], mine["outcome"]) == ("closed", "action_taken")
    assert "took action" in mine["message"]


def _queue(client: TestClient, who: Person) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(REPORTS, headers=who.headers).json()["items"]
    return items


def test_dismissing_tells_the_reporter_in_general_words(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    case_id = member_case(client, circle, admin)
    dismissed = acted(client, circle.facilitator, case_id, "dismiss", note="Misunderstanding.")
    assert dismissed["status"] == "dismissed"
    (mine,) = my_reports(client, circle.members[0])
    assert (mine["status"], mine["outcome"]) == ("closed", "no_action")
    assert "Misunderstanding" not in str(mine)
    # A dismissed case takes no more actions until reopened.
    problem = assert_problem(act(client, admin, case_id, "warn"), 409)
    assert problem["type"].endswith("case-closed")


def test_a_facilitator_removes_a_member_from_their_circle(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=2)
    reported = circle.members[1]
    case_id = member_case(client, circle, admin)
    done = acted(client, circle.facilitator, case_id, "remove_from_circle")
    (action,) = done["actions"]
    assert action["group_id"] == str(circle.group.id)
    members = client.get(f"{circle.base}/members", headers=circle.facilitator.headers).json()
    assert str(reported.user.id) not in {m["user_id"] for m in members["items"]}
    rejoined = client.post(
        f"{circle.base}/members", headers=reported.headers, json={"accept_guidelines": True}
    )
    assert rejoined.json()["status"] == "pending"  # back only with a facilitator's approval
    # A warning may follow on an actioned case; dismissing it may not.
    acted(client, circle.facilitator, case_id, "warn")
    assert_problem(act(client, circle.facilitator, case_id, "dismiss"), 409)


def test_what_only_admins_may_do(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    case_id = member_case(client, circle, admin)
    for action, fields in (
        ("suspend", {"until": "2030-01-01T00:00:00Z"}),
        ("close_account", {}),
        ("end_match", {"match_id": case_id}),
    ):
        problem = assert_problem(act(client, circle.facilitator, case_id, action, **fields), 403)
        assert "Only an admin" in problem["detail"]
    # Nor from another circle's facilitator, who does not know the case exists.
    other = make_circle(client, members=0).facilitator
    assert_problem(act(client, other, case_id, "dismiss"), 404)
    assert read_case(client, admin, case_id)["status"] == "open"


def test_an_admin_suspends_an_account_for_a_while(
    client: TestClient, admin: Person, clock: Clock
) -> None:
    circle = make_circle(client, members=2)
    reported = circle.members[1]
    case_id = member_case(client, circle, admin)
    for until in (None, clock.now() + timedelta(minutes=5), clock.now() + timedelta(days=400)):
        fields = {} if until is None else {"until": until.isoformat()}
        problem = assert_problem(act(client, admin, case_id, "suspend", **fields), 422)
        assert "at least an hour and at most a year" in problem["detail"]
    until = clock.now() + timedelta(days=7)
    done = acted(client, admin, case_id, "suspend", until=until.isoformat())
    assert done["actions"][0]["until"] is not None
    assert_problem(client.get("/api/v1/me", headers=reported.headers), 401)  # tokens ended
    problem = assert_problem(sign_in_answer(client, reported), 400)
    assert "paused until" in problem["detail"]
    user = client.get(f"/api/v1/users/{reported.user.id}", headers=admin.headers).json()
    assert user["suspended_until"] is not None
    assert user["is_active"] is True
    clock.advance(timedelta(days=7, minutes=1))
    assert sign_in_answer(client, reported).status_code == 200


def test_a_wrong_password_never_learns_of_the_suspension(
    client: TestClient, admin: Person, clock: Clock
) -> None:
    circle = make_circle(client, members=2)
    reported = circle.members[1]
    case_id = member_case(client, circle, admin)
    acted(client, admin, case_id, "suspend", until=(clock.now() + timedelta(days=2)).isoformat())
    wrong = client.post(
        TOKEN, data={"grant_type": "password", "username": reported.email, "password": "nope!"}
    )
    assert "paused" not in assert_problem(wrong, 400)["detail"]


def test_an_admin_closes_an_account(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    reported = circle.members[1]
    case_id = member_case(client, circle, admin)
    acted(client, admin, case_id, "close_account")
    assert "deactivated" in assert_problem(sign_in_answer(client, reported), 400)["detail"]


def test_an_admin_ends_the_reported_person_s_match(client: TestClient, admin: Person) -> None:
    helper = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, helper)
    unrelated = active(client, mentee(client), mentor(client, admin))
    filed(client, seeker, "member", helper.user.id, reason="harassment")
    case_id = only_case(client, admin)["id"]
    assert_problem(act(client, admin, case_id, "end_match"), 422)
    problem = assert_problem(
        act(client, admin, case_id, "end_match", match_id=unrelated["id"]), 422
    )
    assert "not one of the reported person's" in problem["detail"]
    done = acted(client, admin, case_id, "end_match", match_id=match["id"])
    assert done["actions"][0]["match_id"] == match["id"]
    ended = client.get(f"/api/v1/mentoring/matches/{match['id']}", headers=seeker.headers).json()
    assert ended["status"] == "ended"


def test_an_action_that_does_not_fit_changes_nothing(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    filed(client, circle.members[0], "circle", circle.group.id)
    case_id = only_case(client, admin)["id"]
    for action in ("warn", "remove_from_circle", "unpublish", "suspend", "close_account"):
        assert_problem(act(client, admin, case_id, action, until="2030-01-01T00:00:00Z"), 422)
    case = read_case(client, admin, case_id)
    assert (case["status"], case["actions"]) == ("open", [])
    assert_problem(act(client, admin, case_id, "ban"), 422)


def test_a_new_report_after_a_decision_opens_a_new_case(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    case_id = member_case(client, circle, admin)
    acted(client, admin, case_id, "warn")
    reporter, reported = circle.members
    filed(client, reporter, "member", reported.user.id, group_id=str(circle.group.id))
    (newer,) = _queue(client, admin)
    assert newer["id"] != case_id
    assert newer["report_count"] == 1
    # The first report's outcome is its own case's.
    outcomes = [r["outcome"] for r in my_reports(client, reporter)]
    assert outcomes == [None, "action_taken"]
