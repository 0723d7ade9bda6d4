"""The audit trail (backend/core/audit.py, GET /audit-events): who read or changed what, as
what and when, never the content; append-only; a read whose event cannot be written is not
answered; a member's export says who read their data."""

import base64
import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.core import audit as core_audit
from backend.core.audit import AuditEvent
from tests.factories import Person, client_token, make_person, make_service_client
from tests.mentoring.test_rules import active, mentee, mentor
from tests.sessions.conftest import Circle, make_circle, one_off
from tests.support.clock import Clock
from tests.support.problems import assert_problem

AUDIT = "/api/v1/audit-events"
EVENT_FIELDS = {
    "id",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "group_id",
    "request_id",
}


def events(client: TestClient, admin: Person, **params: Any) -> list[dict[str, Any]]:
    response = client.get(AUDIT, headers=admin.headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def attended(client: TestClient, circle: Circle, clock: Clock) -> str:
    """A meeting of ``circle`` that its first member attended; its id."""
    meeting = one_off(client, circle, clock.now() + timedelta(minutes=10))
    member = circle.members[0]
    written = client.put(
        f"/api/v1/sessions/{meeting['id']}/attendance",
        headers=circle.facilitator.headers,
        json={"records": [{"user_id": str(member.user.id), "status": "present"}]},
    )
    assert written.status_code == 200, written.text
    return str(meeting["id"])


def test_only_admins_read_the_trail(client: TestClient, app: FastAPI) -> None:
    assert_problem(client.get(AUDIT), 401)
    for role in (Role.member, Role.facilitator):
        assert_problem(client.get(AUDIT, headers=make_person(client, role=role).headers), 403)
    integrator = make_service_client(app, scopes=list(Scope))
    token = client_token(client, integrator)
    assert_problem(client.get(AUDIT, headers={"Authorization": f"Bearer {token}"}), 403)
    admin = make_person(client, role=Role.admin)
    assert client.get(AUDIT, headers=admin.headers).status_code == 200


def test_sensitive_reads_are_in_the_trail_without_their_content(
    client: TestClient, clock: Clock
) -> None:
    admin = make_person(client, role=Role.admin)
    circle = make_circle(client, members=2)
    member = circle.members[0]
    meeting = attended(client, circle, clock)
    facilitator = circle.facilitator.headers
    sheet = client.get(f"/api/v1/sessions/{meeting}/attendance", headers=facilitator)
    assert sheet.status_code == 200
    report = client.get(f"{circle.base}/attendance-report", headers=facilitator)
    assert report.status_code == 200
    members = client.get(f"{circle.base}/members", headers=member.headers)
    assert members.status_code == 200
    assert client.get(f"/api/v1/users/{member.user.id}", headers=admin.headers).status_code == 200
    assert client.get("/api/v1/users", headers=admin.headers).status_code == 200

    trail = events(client, admin)
    by_action = {event["action"]: event for event in reversed(trail)}  # the newest of each
    assert all(set(event) == EVENT_FIELDS for event in trail)  # never the content
    read = by_action["attendance_sheet.read"]
    assert (read["actor_role"], read["actor_id"]) == (
        "facilitator",
        str(circle.facilitator.user.id),
    )
    assert (read["target_type"], read["target_id"]) == ("group_session", meeting)
    assert read["group_id"] == str(circle.group.id)
    assert read["request_id"] == sheet.headers["x-request-id"]
    assert by_action["attendance_report.read"]["group_id"] == str(circle.group.id)
    assert by_action["member_list.read"]["actor_role"] == "member"
    person_read = by_action["person.read"]
    assert (person_read["actor_role"], person_read["target_id"]) == ("admin", str(member.user.id))
    assert "people.searched" in by_action
    # The events that read the member's data are found by them.
    about = {e["action"] for e in events(client, admin, subject_id=str(member.user.id))}
    assert {
        "attendance_sheet.read",
        "attendance_report.read",
        "member_list.read",
        "person.read",
    } <= about
    # Newest first, and reading the trail is in it too.
    assert events(client, admin)[0]["action"] == "audit.read"


def test_changes_by_admins_are_in_the_trail(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    person = make_person(client)
    users = f"/api/v1/users/{person.user.id}"
    assert (
        client.patch(users, headers=admin.headers, json={"role": "facilitator"}).status_code == 200
    )
    assert client.patch(users, headers=admin.headers, json={"is_active": False}).status_code == 200
    assert client.patch(users, headers=admin.headers, json={"is_active": True}).status_code == 200
    created = client.post(
        "/api/v1/service-clients",
        headers=admin.headers,
        json={"name": "Referrals", "scopes": ["groups:read"]},
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["client_id"]
    revoked = client.delete(f"/api/v1/service-clients/{client_id}", headers=admin.headers)
    assert revoked.status_code == 204
    trail = events(client, admin)
    changes = [(e["action"], e["target_id"]) for e in trail if not e["action"].endswith(".read")]
    assert changes == [
        ("service_client.revoked", client_id),
        ("service_client.created", client_id),
        ("account.reactivated", str(person.user.id)),
        ("account.deactivated", str(person.user.id)),
        ("role.changed", str(person.user.id)),
    ]
    only = events(client, admin, action="role.changed")
    assert [e["action"] for e in only] == ["role.changed"]


def test_each_event_names_its_actor_a_person_or_a_service_client(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    admin = make_person(client, role=Role.admin, display_name="Harbour")
    leaving = make_person(client, role=Role.admin, display_name="Willow")
    integrator = make_service_client(app, scopes=[Scope.attendance_read], name="Clinic EHR")
    circle = make_circle(client, members=1)
    meeting = one_off(client, circle, clock.now() + timedelta(minutes=10))
    token = client_token(client, integrator)
    sheet = f"/api/v1/sessions/{meeting['id']}/attendance"
    assert client.get(sheet, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.get(f"/api/v1/users/{circle.members[0].user.id}", headers=leaving.headers)
    assert (
        client.request(
            "DELETE", "/api/v1/me", headers=leaving.headers, json={"password": leaving.password}
        ).status_code
        == 204
    )

    trail = events(client, admin)
    named = {(e["action"], e["actor_name"]) for e in trail}
    assert ("attendance_sheet.read", "Clinic EHR") in named
    # An erased account's events stay, under the anonymous name: never the old one.
    assert ("person.read", "Former member") in named
    assert all(e["actor_name"] != "Willow" for e in trail)
    spreadsheet = client.get(AUDIT, headers=admin.headers | {"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(spreadsheet.text)))
    assert {"Clinic EHR", "Former member", "Harbour"} <= {row["actor_name"] for row in rows}


def test_pages_filters_and_the_csv_file(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    people = [make_person(client) for _ in range(5)]
    for person in people:
        client.get(f"/api/v1/users/{person.user.id}", headers=admin.headers)
    first = client.get(AUDIT, headers=admin.headers, params={"action": "person.read", "limit": 2})
    body = first.json()
    assert [e["target_id"] for e in body["items"]] == [str(p.user.id) for p in people[:-3:-1]]
    rest = client.get(
        AUDIT,
        headers=admin.headers,
        params={"action": "person.read", "limit": 10, "cursor": body["next_cursor"]},
    ).json()
    assert [e["target_id"] for e in rest["items"]] == [str(p.user.id) for p in people[2::-1]]
    assert rest["next_cursor"] is None
    spreadsheet = client.get(
        AUDIT, headers=admin.headers | {"Accept": "text/csv"}, params={"action": "person.read"}
    )
    assert spreadsheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(spreadsheet.text)))
    assert [row["target_id"] for row in rows] == [str(p.user.id) for p in reversed(people)]
    assert all(row["actor_role"] == "admin" for row in rows)
    assert_problem(client.get(AUDIT, headers=admin.headers, params={"action": "nonsense"}), 422)


def test_a_read_whose_event_cannot_be_written_is_not_answered(
    client: TestClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    circle = make_circle(client, members=1)
    meeting = attended(client, circle, clock)

    def failing(*_args: object, **_kwargs: object) -> None:
        raise SQLAlchemyError("the audit store is unavailable")

    monkeypatch.setattr(core_audit, "record", failing)
    response = client.get(
        f"/api/v1/sessions/{meeting}/attendance", headers=circle.facilitator.headers
    )
    assert response.status_code >= 500
    assert circle.members[0].user.display_name not in response.text
    assert str(circle.members[0].user.id) not in response.text


def test_a_members_export_says_who_read_their_data(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=1)
    member = circle.members[0]
    meeting = attended(client, circle, clock)
    client.get(f"/api/v1/sessions/{meeting}/attendance", headers=circle.facilitator.headers)
    export = client.get("/api/v1/me/export", headers=member.headers)
    assert export.status_code == 200, export.text
    reads = export.json()["reads_of_my_data"]
    sheet = [r for r in reads if r["action"] == "attendance_sheet.read"]
    assert len(sheet) == 2  # the sheet read, and the sheet recording answered with
    assert sheet[0]["actor_role"] == "facilitator"
    assert sheet[0]["group_id"] == str(circle.group.id)
    assert "actor_id" not in sheet[0]  # which role and circle, not which account
    # Their own reads are not listed as someone else's.
    assert all(r["action"] != "member_list.read" for r in reads)
    # And the export itself is in the trail.
    admin = make_person(client, role=Role.admin)
    exported = events(client, admin, action="export.read")
    assert [(e["actor_id"], e["target_id"]) for e in exported] == [
        (str(member.user.id), str(member.user.id))
    ]


@pytest.mark.real_commits
def test_on_postgresql_no_session_can_change_or_delete_an_event(
    client: TestClient, app: FastAPI
) -> None:
    admin = make_person(client, role=Role.admin)
    client.get(AUDIT, headers=admin.headers)  # one event, committed
    engine = app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no way to forbid it; the code has no path that does")
    for statement in (
        "UPDATE audit_event SET action = 'nothing'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event CASCADE",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with app.state.session_factory() as db:
        assert db.scalars(select(AuditEvent.action)).all() == ["audit.read"]


def test_reading_a_pairs_notes_is_in_the_trail(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    guide = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, guide)
    read = client.get(f"/api/v1/mentoring/matches/{match['id']}/check-ins", headers=seeker.headers)
    assert read.status_code == 200, read.text
    [event] = events(client, admin, action="mentoring_notes.read")
    assert (event["actor_id"], event["target_id"]) == (str(seeker.user.id), match["id"])
    for person in (guide, seeker):
        about = events(client, admin, subject_id=str(person.user.id), action="mentoring_notes.read")
        assert [e["id"] for e in about] == [event["id"]]


def test_a_crafted_cursor_is_a_422(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    naive = ["2026-01-01T00:00:00", "8d3c1b2a-0000-4000-8000-000000000000"]
    cursor = base64.urlsafe_b64encode(json.dumps(naive).encode()).decode().rstrip("=")
    answer = client.get(AUDIT, headers=admin.headers, params={"cursor": cursor})
    assert assert_problem(answer, 422)["type"].endswith("invalid-cursor")


def test_the_csv_never_holds_a_formula(client: TestClient) -> None:
    """A request id is the caller's words: in a spreadsheet it must show, not run."""
    admin = make_person(client, role=Role.admin)
    person = make_person(client)
    client.get(f"/api/v1/users/{person.user.id}", headers=admin.headers | {"X-Request-ID": "-2-3"})
    spreadsheet = client.get(
        AUDIT, headers=admin.headers | {"Accept": "text/csv"}, params={"action": "person.read"}
    )
    [row] = list(csv.DictReader(io.StringIO(spreadsheet.text)))
    assert row["request_id"] == "'-2-3"


def test_every_change_of_a_membership_is_in_the_trail(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    circle = make_circle(client, members=2)
    stays, goes = circle.members
    base = circle.base
    facilitator = circle.facilitator
    promoted = client.patch(
        f"{base}/members/{stays.user.id}", headers=facilitator.headers, json={"role": "facilitator"}
    )
    assert promoted.status_code == 200, promoted.text
    removed = client.delete(f"{base}/members/{goes.user.id}", headers=facilitator.headers)
    assert removed.status_code == 204
    back = client.post(f"{base}/members", headers=goes.headers, json={"accept_guidelines": True})
    assert back.json()["status"] == "pending"
    approved = client.patch(
        f"{base}/members/{goes.user.id}", headers=facilitator.headers, json={"status": "active"}
    )
    assert approved.status_code == 200, approved.text
    left = client.delete(f"{base}/members/{goes.user.id}", headers=goes.headers)
    assert left.status_code == 204
    trail = events(client, admin, group_id=str(circle.group.id))
    changes = [
        (e["action"], e["actor_id"]) for e in reversed(trail) if e["action"].startswith("member")
    ]
    by_facilitator, by_goes = str(facilitator.user.id), str(goes.user.id)
    assert changes == [
        ("membership.joined", by_facilitator),  # founding the circle
        ("membership.joined", str(stays.user.id)),
        ("membership.joined", by_goes),
        ("membership.role_changed", by_facilitator),
        ("membership.removed", by_facilitator),
        ("membership.joined", by_goes),
        ("membership.approved", by_facilitator),
        ("membership.left", by_goes),
    ]
    about_goes = events(client, admin, subject_id=by_goes, action="membership.removed")
    assert [e["group_id"] for e in about_goes] == [str(circle.group.id)]


def test_every_change_of_a_match_is_in_the_trail(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    helper = mentor(client, admin)
    seeker = mentee(client)
    match = active(client, seeker, helper)
    ended = client.post(
        f"/api/v1/mentoring/matches/{match['id']}/end",
        headers=seeker.headers,
        json={"reason": "Moving on."},
    )
    assert ended.status_code == 200, ended.text
    trail = events(client, admin, target_id=match["id"])
    assert [(e["action"], e["actor_id"]) for e in reversed(trail)] == [
        ("match.proposed", str(seeker.user.id)),
        ("match.accepted", str(helper.user.id)),
        ("match.ended", str(seeker.user.id)),
    ]
    assert "Moving on" not in str(trail)
    for person in (helper, seeker):
        assert events(client, admin, subject_id=str(person.user.id), action="match.ended")
