"""Moderation as an outside review attacks it: each test here proves a defect found that way
stays fixed."""

import pytest
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.moderation import queue as moderation_queue
from tests.factories import Person, make_person
from tests.moderation.helpers import REPORTS, act, filed, only_case, queue, read_case
from tests.sessions.conftest import make_circle
from tests.support.concurrency import at_once, dawdle


def test_a_long_case_shows_its_newest_reports_and_notes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: a case page showed the *oldest* 200 reports and notes, so past that the newest
    ones (an urgent report, the note that matters now) were never shown to anyone."""
    monkeypatch.setattr(moderation_queue, "MAX_SHOWN", 2)
    monkeypatch.setattr(moderation_queue, "MAX_NOTES", 2)
    circle = make_circle(client, members=4)
    reported, *reporters = circle.members
    group = str(circle.group.id)
    for reporter in reporters[:2]:
        filed(client, reporter, "member", reported.user.id, group_id=group)
    filed(
        client,
        reporters[2],
        "member",
        reported.user.id,
        group_id=group,
        reason="someone_at_risk",
    )
    case_id = only_case(client, circle.facilitator)["id"]
    for body in ("first note", "second note", "latest note"):
        note = client.post(
            f"{REPORTS}/{case_id}/notes", headers=circle.facilitator.headers, json={"body": body}
        )
        assert note.status_code == 201, note.text

    case = read_case(client, circle.facilitator, case_id)

    assert case["report_count"] == 3
    assert [r["reporter_id"] for r in case["reports"]] == [
        str(reporters[1].user.id),
        str(reporters[2].user.id),
    ]
    assert case["reports"][-1]["urgent"] is True
    assert [n["body"] for n in case["notes"]] == ["second note", "latest note"]


# Races need requests in transactions of their own, at the same moment (tests/support).


@pytest.mark.real_commits
def test_moving_a_case_into_review_as_it_is_dismissed_does_not_reopen_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: PATCH read the case without its lock, so a move into review made while a
    dismissal was being written overwrote it: a dismissed case back "in review" in the
    queue, without its open key, beside any new case about the same person."""
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    co_facilitator = make_person(client, role=Role.admin)
    filed(client, reporter, "member", reported.user.id, group_id=str(circle.group.id))
    case_id = only_case(client, circle.facilitator)["id"]
    dawdle(monkeypatch, moderation_queue, "visible_case")

    moved, dismissed = at_once(
        lambda: client.patch(
            f"{REPORTS}/{case_id}",
            headers=circle.facilitator.headers,
            json={"status": "in_review"},
        ),
        lambda: act(client, co_facilitator, case_id, "dismiss"),
    )

    final = read_case(client, co_facilitator, case_id)["status"]
    if dismissed.status_code == 200 and moved.status_code == 200:
        # Both may succeed only one after the other: into review first, then dismissed.
        assert final == "dismissed"
    else:
        assert dismissed.status_code == 200, dismissed.text
        assert moved.status_code == 409, moved.text
        assert final == "dismissed"
    assert queue(client, co_facilitator) == []


def test_a_reported_admin_learns_nothing_of_the_case_from_the_audit_trail(
    client: TestClient,
) -> None:
    """Found: the case is 404 to the admin it is about, but the audit trail showed them its
    events (`report.read` by another admin, with the case's id), and filtering the trail by
    that case and a person's id told them whether that person had reported them."""
    reported_admin = make_person(client, role=Role.admin)
    other_admin = make_person(client, role=Role.admin)
    reporter = make_person(client)
    filed(client, reporter, "member", reported_admin.user.id)
    case_id = only_case(client, other_admin)["id"]
    read_case(client, other_admin, case_id)
    client.post(f"{REPORTS}/{case_id}/notes", headers=other_admin.headers, json={"body": "Seen."})
    assert client.get(f"{REPORTS}/{case_id}", headers=reported_admin.headers).status_code == 404

    def trail(admin: Person, **params: str) -> list[dict[str, object]]:
        response = client.get(
            "/api/v1/audit-events", headers=admin.headers, params={"limit": 100, **params}
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, object]] = response.json()["items"]
        return items

    by_case = {"target_id": case_id}
    probe = {"target_id": case_id, "subject_id": str(reporter.user.id)}
    assert trail(reported_admin, **by_case) == []
    assert trail(reported_admin, **probe) == []
    assert not [
        e
        for e in trail(reported_admin, subject_id=str(reported_admin.user.id))
        if str(e["action"]).startswith("report")
    ]
    csv = client.get(
        "/api/v1/audit-events",
        headers=reported_admin.headers | {"Accept": "text/csv"},
        params=by_case,
    )
    assert csv.status_code == 200
    assert case_id not in csv.text
    # The other admins still see every event of the case.
    assert {e["action"] for e in trail(other_admin, **by_case)} >= {
        "report.read",
        "report.note_added",
    }
    assert trail(other_admin, **probe)


def test_a_first_receipt_never_says_someone_else_reported_first(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    circle = make_circle(client, members=3)
    first, second, reported = circle.members
    filed(client, first, "member", reported.user.id)
    case_id = only_case(client, admin)["id"]
    moved = client.patch(
        f"{REPORTS}/{case_id}", headers=admin.headers, json={"status": "in_review"}
    )
    assert moved.status_code == 200, moved.text
    receipt = filed(client, second, "member", reported.user.id)
    assert receipt["status"] == "received"  # folded into the case in review, but not told so
    assert only_case(client, admin)["report_count"] == 2


@pytest.mark.parametrize(
    "details",
    ["I think he wants to kill  himself", "She said she might\nhurt herself", "want\u00a0to die"],
)
def test_danger_in_words_spaced_oddly_is_still_urgent(client: TestClient, details: str) -> None:
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    receipt = filed(client, reporter, "member", reported.user.id, reason="other", details=details)
    assert receipt["urgent"] is True
