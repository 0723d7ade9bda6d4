"""Check-in with the code shown in the room, attendance sheets recorded in bulk, and the
attendance report (JSON and CSV), with attendance privacy honoured everywhere."""

import csv
import io
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from backend.accounts.schemas import Scope
from tests.factories import client_token, join, make_person, make_service_client
from tests.sessions.conftest import Circle, Clock, make_circle, one_off
from tests.sessions.test_rsvp import rsvp
from tests.support.problems import assert_problem


def code_for(client: TestClient, circle: Circle, session_id: object) -> dict[str, str]:
    response = client.get(
        f"/api/v1/sessions/{session_id}/check-in-code", headers=circle.facilitator.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def check_in(
    client: TestClient, headers: dict[str, str], session_id: object, code: str
) -> Response:
    return client.post(
        f"/api/v1/sessions/{session_id}/check-in", headers=headers, json={"code": code}
    )


@pytest.mark.real_commits
def test_check_in_window_present_and_late(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=3)
    session = one_off(client, circle, clock.now() + timedelta(hours=2))
    early = client.get(
        f"/api/v1/sessions/{session['id']}/check-in-code", headers=circle.facilitator.headers
    )
    assert_problem(early, 409)
    assert "30 minutes before" in early.json()["detail"]

    clock.advance(timedelta(hours=1, minutes=35))  # 25 minutes before the start
    code = code_for(client, circle, session["id"])
    assert len(code["code"]) == 6
    assert code["code"].isdigit()
    on_time = check_in(client, circle.members[0].headers, session["id"], code["code"])
    assert on_time.status_code == 200, on_time.text
    assert on_time.json()["status"] == "present"
    assert on_time.json()["recorded_via"] == "self_check_in"
    # Checking in twice changes nothing.
    again = check_in(client, circle.members[0].headers, session["id"], code["code"])
    assert again.json()["recorded_at"] == on_time.json()["recorded_at"]

    clock.advance(timedelta(minutes=36))  # 11 minutes after the start: a new code, and late
    rotated = code_for(client, circle, session["id"])
    assert rotated["code"] != code["code"]
    late = check_in(client, circle.members[1].headers, session["id"], rotated["code"])
    assert late.json()["status"] == "late"
    # The code of the period before still works for a moment; older ones do not.
    clock.advance(timedelta(minutes=25))
    stale = check_in(client, circle.members[2].headers, session["id"], code["code"])
    assert_problem(stale, 422)

    clock.advance(timedelta(hours=1))  # after the end
    closed = check_in(client, circle.members[2].headers, session["id"], rotated["code"])
    assert_problem(closed, 409)


@pytest.mark.real_commits
def test_wrong_codes_are_rate_limited(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=2)
    session = one_off(client, circle, clock.now() + timedelta(minutes=10))
    member, other = circle.members
    right = code_for(client, circle, session["id"])["code"]
    wrong = str((int(right) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        assert_problem(check_in(client, member.headers, session["id"], wrong), 422)
    blocked = check_in(client, member.headers, session["id"], right)
    assert_problem(blocked, 429)
    assert int(blocked.headers["Retry-After"]) > 0
    # Someone else is not held back by another person's typos.
    assert check_in(client, other.headers, session["id"], right).status_code == 200
    clock.advance(timedelta(minutes=16))
    fresh = code_for(client, circle, session["id"])["code"]
    assert check_in(client, member.headers, session["id"], fresh).status_code == 200


def test_facilitator_records_attendance_in_bulk_all_or_nothing(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=3)
    session = one_off(client, circle, clock.now() + timedelta(minutes=20))
    url = f"/api/v1/sessions/{session['id']}/attendance"
    a, b, c = circle.members
    outsider = make_person(client)
    refused = client.put(
        url,
        headers=circle.facilitator.headers,
        json={
            "records": [
                {"user_id": str(a.user.id), "status": "present"},
                {"user_id": str(outsider.user.id), "status": "present"},
            ]
        },
    )
    problem = assert_problem(refused, 422)
    assert str(outsider.user.id) in problem["detail"]
    assert client.get(url, headers=circle.facilitator.headers).json()["records"] == []

    done = client.put(
        url,
        headers=circle.facilitator.headers,
        json={
            "records": [
                {"user_id": str(a.user.id), "status": "present"},
                {"user_id": str(b.user.id), "status": "excused"},
                {"user_id": str(c.user.id), "status": "absent"},
            ]
        },
    )
    assert done.status_code == 200, done.text
    rows = {r["user_id"]: r for r in done.json()["records"]}
    assert rows[str(b.user.id)]["status"] == "excused"
    assert {r["recorded_via"] for r in rows.values()} == {"facilitator"}
    assert "email" not in done.text
    assert a.email not in done.text


def test_integrators_record_and_read_with_their_scopes(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=1)
    session = one_off(client, circle, clock.now() + timedelta(minutes=20))
    url = f"/api/v1/sessions/{session['id']}/attendance"
    body = {"records": [{"user_id": str(circle.members[0].user.id), "status": "late"}]}
    writer = make_service_client(app, scopes=[Scope.attendance_write, Scope.attendance_read])
    reader = make_service_client(app, scopes=[Scope.attendance_read])
    writer_headers = {"Authorization": f"Bearer {client_token(client, writer)}"}
    reader_headers = {"Authorization": f"Bearer {client_token(client, reader)}"}
    assert_problem(client.put(url, headers=reader_headers, json=body), 403)
    written = client.put(url, headers=writer_headers, json=body)
    assert written.status_code == 200, written.text
    assert written.json()["records"][0]["recorded_via"] == "integrator"
    assert client.get(url, headers=reader_headers).json()["records"][0]["status"] == "late"
    # A client that may only write learns nothing it did not send: no names come back.
    write_only = make_service_client(client.app, scopes=[Scope.attendance_write])  # type: ignore[arg-type]
    write_only_headers = {"Authorization": f"Bearer {client_token(client, write_only)}"}
    answer = client.put(url, headers=write_only_headers, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["records"][0]["display_name"] is None
    assert circle.members[0].user.display_name not in answer.text
    # ... and nothing of anyone it did not name: a facilitator's row for someone else stays
    # out of its answer (an outside review read the whole sheet back this way).
    other = make_person(client)
    join(client, other, circle.group.id)
    by_hand = {"records": [{"user_id": str(other.user.id), "status": "present"}]}
    assert client.put(url, headers=circle.facilitator.headers, json=by_hand).status_code == 200
    answer = client.put(url, headers=write_only_headers, json=body)
    assert [row["user_id"] for row in answer.json()["records"]] == [str(circle.members[0].user.id)]
    assert str(other.user.id) not in answer.text
    assert answer.json()["anonymous"] == {}


def test_attendance_cannot_be_recorded_long_before_the_meeting(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=1)
    session = one_off(client, circle, clock.now() + timedelta(days=2))
    response = client.put(
        f"/api/v1/sessions/{session['id']}/attendance",
        headers=circle.facilitator.headers,
        json={"records": [{"user_id": str(circle.members[0].user.id), "status": "present"}]},
    )
    assert_problem(response, 409)


def test_report_per_session_and_member_with_anonymous_members_counted_not_named(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=3)
    named, hidden, no_show = circle.members
    privacy = client.patch(
        "/api/v1/me", headers=hidden.headers, json={"attendance_privacy": "anonymous"}
    )
    assert privacy.status_code == 200, privacy.text
    start = clock.now()
    first = one_off(client, circle, start + timedelta(hours=1), capacity=5)
    second = one_off(client, circle, start + timedelta(days=7), capacity=5)
    cancelled = one_off(client, circle, start + timedelta(days=14), capacity=5)
    for person in circle.members:
        rsvp(client, person, first["id"], "going")
    client.patch(
        f"/api/v1/sessions/{cancelled['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    clock.advance(timedelta(minutes=45))
    code = code_for(client, circle, first["id"])["code"]
    for person in (named, hidden):
        assert check_in(client, person.headers, first["id"], code).status_code == 200
    clock.advance(timedelta(days=7, hours=2))  # both the first and second meetings are over
    window = {
        "from": (start - timedelta(days=1)).isoformat(),
        "to": (start + timedelta(days=20)).isoformat(),
    }
    url = f"{circle.base}/attendance-report"
    report = client.get(url, params=window, headers=circle.facilitator.headers)
    assert report.status_code == 200, report.text
    body = report.json()
    by_session = {s["session_id"]: s for s in body["sessions"]}
    # The one anonymous attendee could be picked out of the figures (less the named ones):
    # left out of them for the facilitator.
    assert by_session[first["id"]] | {"starts_at": None} == {
        "session_id": first["id"],
        "starts_at": None,
        "status": "held",
        "headcount": 1,
        "capacity": 5,
        "rsvps": 2,
        "no_shows": 1,
        "anonymous_left_out": True,
    }
    assert by_session[second["id"]]["status"] == "held"
    assert by_session[second["id"]]["headcount"] == 0
    assert by_session[cancelled["id"]]["status"] == "cancelled"
    members = {m["user_id"]: m for m in body["members"]}
    assert str(hidden.user.id) not in members  # counted, not named
    assert hidden.user.display_name not in report.text
    assert body["anonymous_attendees"] is None  # one: too few to count apart
    assert members[str(named.user.id)]["attended"] == 1
    assert members[str(named.user.id)]["rate"] == 0.5
    assert members[str(no_show.user.id)]["attended"] == 0

    admin = make_person(client, role="admin")  # type: ignore[arg-type]
    as_admin = client.get(url, params=window, headers=admin.headers).json()
    admin_members = {m["user_id"]: m for m in as_admin["members"]}
    assert admin_members[str(hidden.user.id)]["anonymous"] is True
    whole = {s["session_id"]: s for s in as_admin["sessions"]}[first["id"]]
    assert (whole["headcount"], whole["rsvps"], whole["anonymous_left_out"]) == (2, 3, False)
    assert as_admin["anonymous_attendees"] == 1

    as_csv = client.get(
        url, params=window, headers=circle.facilitator.headers | {"Accept": "text/csv"}
    )
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["section"] for r in rows].count("session") == 3
    held = next(r for r in rows if r["session_id"] == first["id"])
    assert (held["headcount"], held["rsvps"], held["no_shows"]) == ("1", "2", "1")
    assert held["anonymous_left_out"] == "yes"
    assert hidden.user.display_name not in as_csv.text
    assert rows[-1]["section"] == "anonymous_attendees"
    assert rows[-1]["attended"] == ""

    # The member's own history names them, anonymous or not.
    mine = client.get("/api/v1/me/attendance", headers=hidden.headers).json()
    assert [(i["session_id"], i["status"]) for i in mine["items"]] == [(first["id"], "present")]


def test_csv_cells_that_look_like_formulas_are_defused(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=0)
    person = make_person(client, display_name="=HYPERLINK(1)")
    from tests.factories import join

    join(client, person, circle.group.id)
    response = client.get(
        f"{circle.base}/attendance-report",
        headers=circle.facilitator.headers | {"Accept": "text/csv"},
    )
    assert "'=HYPERLINK(1)" in response.text


def test_a_code_that_is_not_six_digits_is_refused_plainly(client: TestClient, clock: Clock) -> None:
    circle = make_circle(client, members=1)
    session = one_off(client, circle, clock.now() + timedelta(minutes=10))
    for code in ("12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 56"):
        assert_problem(check_in(client, circle.members[0].headers, session["id"], code), 422)


def test_anonymous_attendees_are_counted_apart_from_three_on(
    client: TestClient, clock: Clock
) -> None:
    """One or two could be picked out of a count by whoever knows the rest; from three on the
    count says no more than that several people came."""
    circle = make_circle(client, members=4)
    *hidden, named = circle.members
    for person in hidden:
        changed = client.patch(
            "/api/v1/me", headers=person.headers, json={"attendance_privacy": "anonymous"}
        )
        assert changed.status_code == 200, changed.text
    meeting = one_off(client, circle, clock.now() + timedelta(minutes=10))
    sheet = f"/api/v1/sessions/{meeting['id']}/attendance"
    for count, person in enumerate(hidden, start=1):
        entry = {"user_id": str(person.user.id), "status": "present"}
        recorded = client.put(sheet, headers=circle.facilitator.headers, json={"records": [entry]})
        assert recorded.status_code == 200, recorded.text
        body = client.get(sheet, headers=circle.facilitator.headers).json()
        if count < 3:
            assert (body["anonymous"], body["anonymous_left_out"]) == ({}, True)
        else:
            assert (body["anonymous"], body["anonymous_left_out"]) == ({"present": 3}, False)
    clock.advance(timedelta(hours=2))
    report = client.get(f"{circle.base}/attendance-report", headers=circle.facilitator.headers)
    row = {s["session_id"]: s for s in report.json()["sessions"]}[meeting["id"]]
    assert (row["headcount"], row["anonymous_left_out"]) == (3, False)
    assert report.json()["anonymous_attendees"] == 3
    assert str(named.user.id) in report.text
    assert all(str(person.user.id) not in report.text for person in hidden)
