"""GET/PATCH /reports and notes: the moderation queue, seen by exactly the staff who moderate
each case, never by the person it is about; every read and change is in the audit trail."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from tests.factories import Person, client_token, make_person, make_service_client
from tests.library.test_resources import published
from tests.moderation.helpers import (
    REPORTS,
    acted,
    filed,
    only_case,
    queue,
    read_case,
)
from tests.moderation.test_reports import published_story
from tests.safety.test_audit import events
from tests.sessions.conftest import Circle, make_circle
from tests.support.problems import assert_problem


@pytest.fixture
def admin(client: TestClient) -> Person:
    return make_person(client, role=Role.admin)


def member_case(client: TestClient, circle: Circle, **fields: Any) -> dict[str, Any]:
    """The first member of ``circle`` reports the second from the circle."""
    reporter, reported = circle.members[:2]
    return filed(
        client, reporter, "member", reported.user.id, group_id=str(circle.group.id), **fields
    )


# --- access -----------------------------------------------------------------------------------


def test_only_moderators_have_a_queue(client: TestClient, app: FastAPI, admin: Person) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    case = only_case(client, admin)
    assert_problem(client.get(REPORTS), 401)
    member = make_person(client)
    for path in (REPORTS, f"{REPORTS}/{case['id']}"):
        problem = assert_problem(client.get(path, headers=member.headers), 403)
        assert problem["type"].endswith("not-a-moderator")
    integrator = make_service_client(app, scopes=list(Scope))
    token = client_token(client, integrator)
    assert_problem(client.get(REPORTS, headers={"Authorization": f"Bearer {token}"}), 403)


def test_each_case_is_seen_by_the_staff_who_moderate_it(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=3)
    elsewhere = make_circle(client, members=1)
    reporter = circle.members[0]
    from_circle = member_case(client, circle)
    filed(client, reporter, "member", circle.members[2].user.id)  # no circle: admins
    filed(client, reporter, "circle", circle.group.id)  # the circle itself: admins
    author = make_person(client)
    filed(client, reporter, "story", published_story(client, author))
    editor = make_person(client, role=Role.facilitator)
    filed(client, reporter, "resource", published(client, editor))

    everything = queue(client, admin)
    assert len(everything) == 5
    kinds = {c["target_type"] for c in queue(client, circle.facilitator)}
    # The circle's facilitator (a facilitator by role too: a story reviewer and editor).
    assert kinds == {"member", "story", "resource"}
    (in_circle,) = [c for c in queue(client, circle.facilitator) if c["target_type"] == "member"]
    assert in_circle["group_id"] == str(circle.group.id)
    other_facilitator = elsewhere.facilitator
    assert {c["target_type"] for c in queue(client, other_facilitator)} == {"story", "resource"}
    member_case_id = next(c["id"] for c in everything if c["group_id"] == str(circle.group.id))
    unknown = client.get(f"{REPORTS}/{member_case_id}", headers=other_facilitator.headers)
    random = client.get(f"{REPORTS}/{uuid.uuid4()}", headers=other_facilitator.headers)
    assert assert_problem(unknown, 404) | {"request_id": 0, "instance": 0} == assert_problem(
        random, 404
    ) | {"request_id": 0, "instance": 0}
    assert from_circle["id"] not in str(everything)  # the receipt's id is the report's own


def test_no_one_sees_a_case_about_themselves(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    co_facilitator = circle.members[1]
    promoted = client.patch(
        f"{circle.base}/members/{co_facilitator.user.id}",
        headers=circle.facilitator.headers,
        json={"role": "facilitator"},
    )
    assert promoted.status_code == 200, promoted.text
    filed(
        client,
        circle.members[0],
        "member",
        circle.facilitator.user.id,
        group_id=str(circle.group.id),
    )
    assert queue(client, circle.facilitator) == []
    (case,) = queue(client, co_facilitator)
    assert_problem(client.get(f"{REPORTS}/{case['id']}", headers=circle.facilitator.headers), 404)
    other_admin = make_person(client, role=Role.admin)
    filed(client, circle.members[0], "member", admin.user.id)
    assert all(c["subject_id"] != str(admin.user.id) for c in queue(client, admin))
    assert any(c["subject_id"] == str(admin.user.id) for c in queue(client, other_admin))


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_pages_urgent_first_then_newest(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=6)
    reporter = circle.members[0]
    for person in circle.members[1:4]:
        filed(client, reporter, "member", person.user.id)
    filed(client, reporter, "member", circle.members[4].user.id, reason="someone_at_risk")
    filed(client, reporter, "member", circle.members[5].user.id)
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(REPORTS, headers=admin.headers, params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    subjects = [c["subject_id"] for c in seen]
    expected = [circle.members[i].user.id for i in (4, 5, 3, 2, 1)]
    assert subjects == [str(i) for i in expected]


def test_closed_cases_leave_the_queue_and_are_found_by_status(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    case = only_case(client, admin)
    acted(client, admin, case["id"], "dismiss")
    assert queue(client, admin) == []
    assert [c["id"] for c in queue(client, admin, status="dismissed")] == [case["id"]]
    assert queue(client, admin, status="actioned") == []
    assert_problem(client.get(REPORTS, headers=admin.headers, params={"status": "gone"}), 422)


def test_a_case_shows_every_report_with_its_reporter_to_staff(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=3)
    member_case(client, circle, details="Said something cruel about my grief.")
    filed(
        client,
        circle.members[2],
        "member",
        circle.members[1].user.id,
        group_id=str(circle.group.id),
        reason="hate",
    )
    case = read_case(client, circle.facilitator, only_case(client, admin)["id"])
    assert [(r["reporter_name"], r["reason"]) for r in case["reports"]] == [
        (circle.members[0].user.display_name, "harassment"),
        (circle.members[2].user.display_name, "hate"),
    ]
    assert case["reports"][0]["details"] == "Said something cruel about my grief."
    assert case["notes"] == []
    assert case["actions"] == []


# --- moving a case along ----------------------------------------------------------------------


def test_staff_review_assign_and_note_a_case(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    case_id = only_case(client, admin)["id"]
    path = f"{REPORTS}/{case_id}"
    facilitator = circle.facilitator
    changed = client.patch(
        path,
        headers=admin.headers,
        json={"status": "in_review", "assigned_to_id": str(facilitator.user.id)},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "in_review"
    assert changed.json()["assigned_to_id"] == str(facilitator.user.id)
    assert [c["id"] for c in queue(client, facilitator, assigned_to_me="true")] == [case_id]
    assert queue(client, admin, assigned_to_me="true") == []
    noted = client.post(f"{path}/notes", headers=facilitator.headers, json={"body": "Called them."})
    assert noted.status_code == 201, noted.text
    (note,) = noted.json()["notes"]
    assert (note["author_name"], note["body"]) == (facilitator.user.display_name, "Called them.")
    # Reporters see none of it.
    reporter = circle.members[0]
    (mine,) = client.get("/api/v1/me/reports", headers=reporter.headers).json()["items"]
    assert mine["status"] == "in_review"
    assert "Called them" not in str(mine)
    unassigned = client.patch(path, headers=facilitator.headers, json={"assigned_to_id": None})
    assert unassigned.json()["assigned_to_id"] is None


def test_a_case_is_assigned_only_to_someone_who_may_see_it(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    path = f"{REPORTS}/{only_case(client, admin)['id']}"
    elsewhere = make_circle(client, members=0)
    for who in (circle.members[0], circle.members[1], elsewhere.facilitator):
        problem = assert_problem(
            client.patch(path, headers=admin.headers, json={"assigned_to_id": str(who.user.id)}),
            422,
        )
        assert problem["type"].endswith("not-assignable")
    assert_problem(
        client.patch(path, headers=admin.headers, json={"assigned_to_id": str(uuid.uuid4())}), 422
    )
    assert_problem(client.patch(path, headers=admin.headers, json={"status": "actioned"}), 422)
    assert_problem(client.patch(path, headers=admin.headers, json={"priority": 1}), 422)
    assert read_case(client, admin, path.rsplit("/", 1)[1])["assigned_to_id"] is None


def test_a_dismissed_case_is_reopened_unless_a_newer_one_is_open(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    case_id = only_case(client, admin)["id"]
    path = f"{REPORTS}/{case_id}"
    acted(client, admin, case_id, "dismiss")
    assert_problem(client.patch(path, headers=admin.headers, json={"status": "in_review"}), 409)
    reopened = client.patch(path, headers=admin.headers, json={"status": "open"})
    assert reopened.status_code == 200, reopened.text
    # A report now folds into the reopened case.
    member_case(client, circle)
    assert only_case(client, admin)["report_count"] == 2
    acted(client, admin, case_id, "dismiss")
    member_case(client, circle)  # a new case
    problem = assert_problem(
        client.patch(path, headers=admin.headers, json={"status": "open"}), 409
    )
    assert "newer open case" in problem["detail"]


def test_reads_and_changes_of_cases_are_audited_and_not_exported(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=2)
    member_case(client, circle)
    case_id = only_case(client, admin)["id"]
    read_case(client, circle.facilitator, case_id)
    client.post(f"{REPORTS}/{case_id}/notes", headers=admin.headers, json={"body": "Seen."})
    acted(client, admin, case_id, "dismiss")
    reported = circle.members[1]
    trail = events(client, admin, subject_id=str(reported.user.id))
    actions = {e["action"] for e in trail}
    assert {
        "report_queue.read",
        "report.read",
        "report.note_added",
        "report.action_taken",
    } <= actions
    read = next(e for e in trail if e["action"] == "report.read")
    assert read["actor_id"] == str(circle.facilitator.user.id)
    assert read["group_id"] == str(circle.group.id)
    # The reported person's export lists reads of their data, but none that would tell them
    # they were reported.
    export = client.get("/api/v1/me/export", headers=reported.headers).json()
    assert not [r for r in export["reads_of_my_data"] if r["action"].startswith("report")]
    assert export["records"]["moderation_report"] == []  # only reports they made
    assert "moderation_case" not in export["records"]
    # The reporter's export holds their own report.
    reporter_export = client.get("/api/v1/me/export", headers=circle.members[0].headers).json()
    assert [r["reason"] for r in reporter_export["records"]["moderation_report"]] == ["harassment"]
