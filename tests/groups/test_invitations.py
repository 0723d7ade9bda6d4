"""Invitations into a circle, outside in: who may make, list and revoke them and who may open
and accept one, then the rules (expiry, the use limit, revoking, unlisted and approval circles,
capacity, removed members, the last use taken twice at once, the secret kept out of lists and
logs), on SQLite and PostgreSQL."""

import logging
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.accounts.models import Role
from backend.core.audit import AuditEvent
from backend.groups import invitations
from backend.groups.models import GroupInvitation
from tests.factories import Person, join, make_group, make_person
from tests.support.clock import Clock
from tests.support.concurrency import at_once, dawdle
from tests.support.problems import assert_problem

API = "/api/v1"
ACCEPT = {"accept_guidelines": True}


def invite(client: TestClient, person: Person, group_id: object, **fields: int) -> dict[str, Any]:
    response = client.post(
        f"{API}/groups/{group_id}/invitations", headers=person.headers, json=fields
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def accept(client: TestClient, person: Person, token: str) -> Any:
    return client.post(f"{API}/invitations/{token}/accept", headers=person.headers, json=ACCEPT)


@pytest.fixture
def facilitator(client: TestClient) -> Person:
    return make_person(client, role=Role.facilitator)


def unlisted(app: FastAPI, facilitator: Person, **fields: object) -> uuid.UUID:
    group = make_group(
        app, facilitator=facilitator.user, visibility="unlisted", join_policy="approval", **fields
    )
    return group.id


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("listed", [True, False])
def test_who_may_make_list_and_revoke_invitations(
    client: TestClient, app: FastAPI, facilitator: Person, listed: bool
) -> None:
    group_id = (
        make_group(app, facilitator=facilitator.user).id if listed else unlisted(app, facilitator)
    )
    admin = make_person(client, role=Role.admin)
    stranger = make_person(client)
    other_facilitator = make_person(client, role=Role.facilitator)
    base = f"{API}/groups/{group_id}/invitations"
    # Anonymous: sign in first.
    assert_problem(client.post(base, json={}), 401)
    assert_problem(client.get(base), 401)
    # People who may see a listed circle but not manage it: 403; an unlisted one: 404.
    refused = 403 if listed else 404
    for person in (stranger, other_facilitator):
        assert_problem(client.post(base, headers=person.headers, json={}), refused)
        assert_problem(client.get(base, headers=person.headers), refused)
    member = make_person(client)
    if listed:
        join(client, member, group_id)
        assert_problem(client.post(base, headers=member.headers, json={}), 403)
    # The circle's facilitators and admins.
    made = invite(client, facilitator, group_id)
    by_admin = invite(client, admin, group_id)
    for person in (facilitator, admin):
        listed_items = client.get(base, headers=person.headers).json()["items"]
        assert [item["id"] for item in listed_items] == [by_admin["id"], made["id"]]
    revoke = f"{API}/invitations/{made['id']}"
    assert_problem(client.delete(revoke), 401)
    assert_problem(client.delete(revoke, headers=stranger.headers), refused)
    assert_problem(client.delete(f"{API}/invitations/{uuid.uuid4()}", headers=admin.headers), 404)
    assert client.delete(revoke, headers=facilitator.headers).status_code == 204
    assert client.delete(revoke, headers=admin.headers).status_code == 204  # again: the same


def test_anyone_with_the_link_may_open_it_and_people_signed_in_may_accept_it(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = unlisted(app, facilitator)
    made = invite(client, facilitator, group_id)
    token = made["token"]
    assert made["url"].endswith(f"/invite/{token}")
    assert len(token) >= 22  # 128 bits and more, URL-safe
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    opened = client.get(f"{API}/invitations/{token}")
    assert opened.status_code == 200, opened.text
    preview = opened.json()
    assert preview["group_id"] == str(group_id)
    assert preview["guidelines"]
    assert preview["guidelines_version"] == 1
    assert preview["already_member"] is False
    assert preview["seats_left"] == 12
    assert "online_url" not in preview

    assert_problem(client.post(f"{API}/invitations/{token}/accept", json=ACCEPT), 401)
    person = make_person(client)
    refused = client.post(f"{API}/invitations/{token}/accept", headers=person.headers, json={})
    assert_problem(refused, 422)
    assert client.get(f"{API}/invitations/{token}", headers=person.headers).status_code == 200


def test_an_unknown_link_is_not_found_kindly(client: TestClient) -> None:
    problem = assert_problem(client.get(f"{API}/invitations/{'x' * 43}"), 404)
    assert problem["type"].endswith(":invitation-not-found")
    assert "Ask the facilitator who sent it for a new one" in problem["detail"]
    assert_problem(client.get(f"{API}/invitations/short"), 422)


# --- rules -----------------------------------------------------------------------------------


def test_an_invitation_lets_someone_into_an_unlisted_approval_circle(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = unlisted(app, facilitator)
    person = make_person(client)
    # Without the invitation the circle does not exist for them.
    assert_problem(client.get(f"{API}/groups/{group_id}", headers=person.headers), 404)
    assert_problem(
        client.post(f"{API}/groups/{group_id}/members", headers=person.headers, json=ACCEPT), 404
    )
    token = invite(client, facilitator, group_id)["token"]
    joined = accept(client, person, token)
    assert joined.status_code == 201, joined.text
    assert joined.json()["status"] == "active"  # the invitation is the facilitator's yes
    assert joined.json()["guidelines_version_accepted"] == 1
    page = client.get(f"{API}/groups/{group_id}", headers=person.headers)
    assert page.status_code == 200
    assert page.json()["online_url"]
    assert client.get(f"{API}/invitations/{token}", headers=person.headers).json()["already_member"]
    problem = assert_problem(accept(client, person, token), 409)
    assert problem["type"].endswith(":already-member")
    (item,) = client.get(
        f"{API}/groups/{group_id}/invitations", headers=facilitator.headers
    ).json()["items"]
    assert (item["uses"], item["uses_left"], item["state"]) == (1, 9, "live")
    with app.state.session_factory() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.group_id == group_id)).all()
    assert actions.count("membership.joined") == 2  # the founder, then the person invited


def test_a_waiting_request_is_answered_by_an_invitation(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = make_group(app, facilitator=facilitator.user, join_policy="approval").id
    person = make_person(client)
    assert join(client, person, group_id)["status"] == "pending"
    token = invite(client, facilitator, group_id)["token"]
    assert accept(client, person, token).json()["status"] == "active"


def test_an_invitation_expires(
    client: TestClient, app: FastAPI, facilitator: Person, clock: Clock
) -> None:
    group_id = unlisted(app, facilitator)
    made = invite(client, facilitator, group_id, expires_in_days=1)
    clock.advance(timedelta(days=1, minutes=1))
    problem = assert_problem(client.get(f"{API}/invitations/{made['token']}"), 410)
    assert problem["type"].endswith(":invitation-expired")
    assert "Ask the facilitator who sent it for a new one" in problem["detail"]
    person = make_person(client)
    assert_problem(accept(client, person, made["token"]), 410)
    admin = make_person(client, role=Role.admin)
    (item,) = client.get(f"{API}/groups/{group_id}/invitations", headers=admin.headers).json()[
        "items"
    ]
    assert item["state"] == "expired"


def test_limits_of_a_new_invitation(client: TestClient, app: FastAPI, facilitator: Person) -> None:
    group_id = unlisted(app, facilitator)
    base = f"{API}/groups/{group_id}/invitations"
    for fields in (
        {"expires_in_days": 0},
        {"expires_in_days": 31},
        {"max_uses": 0},
        {"max_uses": 101},
        {"token": "chosen"},
    ):
        assert_problem(client.post(base, headers=facilitator.headers, json=fields), 422)
    made = invite(client, facilitator, group_id)
    assert (made["max_uses"], made["uses"], made["revoked_at"]) == (10, 0, None)


def test_an_invitation_is_used_up(client: TestClient, app: FastAPI, facilitator: Person) -> None:
    group_id = unlisted(app, facilitator)
    token = invite(client, facilitator, group_id, max_uses=2)["token"]
    for _ in range(2):
        assert accept(client, make_person(client), token).status_code == 201
    problem = assert_problem(accept(client, make_person(client), token), 410)
    assert problem["type"].endswith(":invitation-used-up")
    assert_problem(client.get(f"{API}/invitations/{token}"), 410)


def test_a_revoked_invitation_stops_working(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = unlisted(app, facilitator)
    made = invite(client, facilitator, group_id)
    client.delete(f"{API}/invitations/{made['id']}", headers=facilitator.headers)
    problem = assert_problem(client.get(f"{API}/invitations/{made['token']}"), 404)
    assert "new one" in problem["detail"]
    assert_problem(accept(client, make_person(client), made["token"]), 404)
    (item,) = client.get(
        f"{API}/groups/{group_id}/invitations", headers=facilitator.headers
    ).json()["items"]
    assert item["state"] == "revoked"
    assert item["revoked_at"]


def test_a_circle_has_at_most_twenty_live_invitations(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = unlisted(app, facilitator)
    made = [invite(client, facilitator, group_id) for _ in range(20)]
    base = f"{API}/groups/{group_id}/invitations"
    problem = assert_problem(client.post(base, headers=facilitator.headers, json={}), 409)
    assert problem["type"].endswith(":too-many-invitations")
    assert "Revoke one" in problem["detail"]
    client.delete(f"{API}/invitations/{made[0]['id']}", headers=facilitator.headers)
    invite(client, facilitator, group_id)
    page = client.get(base, headers=facilitator.headers, params={"limit": 20}).json()
    assert len(page["items"]) == 20
    assert page["next_cursor"]


def test_capacity_still_applies(client: TestClient, app: FastAPI, facilitator: Person) -> None:
    group_id = unlisted(app, facilitator, capacity=1)
    token = invite(client, facilitator, group_id)["token"]
    assert accept(client, make_person(client), token).status_code == 201
    assert client.get(f"{API}/invitations/{token}").json()["seats_left"] == 0
    problem = assert_problem(accept(client, make_person(client), token), 409)
    assert problem["type"].endswith(":group-full")


def test_someone_removed_cannot_come_back_through_an_invitation(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = make_group(app, facilitator=facilitator.user).id
    person = make_person(client)
    join(client, person, group_id)
    removed = client.delete(
        f"{API}/groups/{group_id}/members/{person.user.id}", headers=facilitator.headers
    )
    assert removed.status_code == 204
    token = invite(client, facilitator, group_id)["token"]
    problem = assert_problem(accept(client, person, token), 409)
    assert problem["type"].endswith(":removed-from-group")
    # Someone who left on their own may come back.
    leaver = make_person(client)
    join(client, leaver, group_id)
    client.delete(f"{API}/groups/{group_id}/members/{leaver.user.id}", headers=leaver.headers)
    assert accept(client, leaver, token).status_code == 201


def test_an_archived_circle_invites_no_one(
    client: TestClient, app: FastAPI, facilitator: Person
) -> None:
    group_id = unlisted(app, facilitator)
    token = invite(client, facilitator, group_id)["token"]
    client.post(f"{API}/groups/{group_id}/archive", headers=facilitator.headers)
    problem = assert_problem(client.get(f"{API}/invitations/{token}"), 410)
    assert problem["type"].endswith(":circle-closed")
    assert_problem(accept(client, make_person(client), token), 410)
    base = f"{API}/groups/{group_id}/invitations"
    assert_problem(client.post(base, headers=facilitator.headers, json={}), 409)


def test_the_secret_is_never_listed_stored_or_logged(
    client: TestClient,
    app: FastAPI,
    facilitator: Person,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    group_id = unlisted(app, facilitator)
    made = invite(client, facilitator, group_id)
    token = made["token"]
    client.get(f"{API}/invitations/{token}")
    accept(client, make_person(client), token)
    listed = client.get(f"{API}/groups/{group_id}/invitations", headers=facilitator.headers)
    assert token not in listed.text
    assert not {"token", "url"} & set(listed.json()["items"][0])
    # The app's own log lines (the test client's own logging shows the URLs it sent).
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("backend")]
    assert lines
    assert not [line for line in lines if token in line]
    with app.state.session_factory() as db:
        stored = db.scalars(select(GroupInvitation.token_hash)).one()
    assert stored != token
    assert len(stored) == 64


@pytest.mark.real_commits
def test_the_last_use_taken_twice_at_once_goes_to_one(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    facilitator = make_person(client, role=Role.facilitator)
    group_id = unlisted(app, facilitator)
    token = invite(client, facilitator, group_id, max_uses=1)["token"]
    people = [make_person(client) for _ in range(2)]
    dawdle(monkeypatch, invitations, "_find_by_token")

    answers = at_once(*[lambda person=person: accept(client, person, token) for person in people])

    assert sorted(a.status_code for a in answers) == [201, 410], [a.text for a in answers]
    refused = assert_problem(next(a for a in answers if a.status_code == 410), 410)
    assert refused["type"].endswith(":invitation-used-up")
    with app.state.session_factory() as db:
        assert db.scalars(select(GroupInvitation.uses)).one() == 1
