"""Admin management of accounts (/users) and of integrators' service clients
(/service-clients), the client_credentials grant, and what a service client's token reaches."""

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import update

from backend.accounts.models import Role, User
from backend.accounts.schemas import Scope
from tests.factories import (
    PASSWORD,
    Integrator,
    client_token,
    make_person,
    make_service_client,
    make_user,
    sign_in,
)
from tests.support.problems import assert_problem

API = "/api/v1"
TOKEN = f"{API}/auth/token"
ME = f"{API}/me"
USERS = f"{API}/users"
CLIENTS = f"{API}/service-clients"

USER_FIELDS = {
    "id",
    "email",
    "display_name",
    "role",
    "is_active",
    "suspended_until",
    "created_at",
    "last_login_at",
    "two_factor_enabled",
}
CLIENT_FIELDS = {"client_id", "name", "scopes", "created_at", "revoked_at", "last_used_at"}

# Everyone who is not an admin; each must be refused by every admin endpoint.
NOT_ADMINS = ["anonymous", "member", "facilitator", "service_client"]


# --- helpers ----------------------------------------------------------------------------------


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_headers(client: TestClient) -> dict[str, str]:
    return make_person(client, role=Role.admin).headers


def headers_of(client: TestClient, caller: str) -> dict[str, str]:
    """Credentials of a caller who is not an admin. The service client holds every scope: not
    even that reaches the admin endpoints."""
    if caller == "anonymous":
        return {}
    if caller == "service_client":
        integrator = make_service_client(app_of(client), scopes=list(Scope))
        return bearer(client_token(client, integrator))
    return make_person(client, role=Role(caller)).headers


def assert_refused(response: Response, caller: str) -> None:
    if caller == "anonymous":
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        return
    body = assert_problem(response, 403)
    if caller == "service_client":
        assert body["type"].endswith("insufficient-scope")
    else:
        assert not body["type"].endswith("insufficient-scope")


def basic(client_id: str, client_secret: str) -> dict[str, str]:
    raw = f"{client_id}:{client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def client_grant(
    client: TestClient, integrator: Integrator, *, secret: str | None = None, **form: str
) -> Response:
    data = {
        "grant_type": "client_credentials",
        "client_id": integrator.client_id,
        "client_secret": integrator.client_secret if secret is None else secret,
    }
    return client.post(TOKEN, data=data | form)


def basic_grant(
    client: TestClient, integrator: Integrator, *, secret: str | None = None
) -> Response:
    credentials = basic(integrator.client_id, secret or integrator.client_secret)
    return client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=credentials)


def refresh_grant(client: TestClient, refresh_token: str) -> Response:
    return client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def password_grant(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return client.post(
        TOKEN, data={"grant_type": "password", "username": email, "password": password}
    )


def assert_oauth_error(response: Response, status: int, error: str) -> dict[str, Any]:
    body = assert_problem(response, status)
    assert body["error"] == error
    assert body["error_description"]
    return body


def list_all_users(client: TestClient, headers: dict[str, str], **params: str) -> list[str]:
    response = client.get(USERS, params={"limit": "100", **params}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [user["email"] for user in response.json()["items"]]


def walk_pages(client: TestClient, headers: dict[str, str], *, limit: int) -> list[list[str]]:
    """Every page of GET /users, following next_cursor; the ids on each page."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        response = client.get(USERS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([user["id"] for user in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10, "the cursor never ends"


def forged_cursor(key: Any) -> str:
    """A cursor in the same encoding the list gives out, with a key of our choosing."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def new_client_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "County referral system", "scopes": ["groups:read", "sessions:read"]} | (
        overrides
    )


# --- GET /users: access -----------------------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_listing_users_is_refused_to_everyone_but_admins(client: TestClient, caller: str) -> None:
    assert_refused(client.get(USERS, headers=headers_of(client, caller)), caller)


def test_admin_lists_users_with_admin_fields_and_no_password_hash(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    member = make_user(app_of(client), email="quiet.heron@example.org", display_name="Heron")

    response = client.get(USERS, headers=admin.headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert body["next_cursor"] is None
    by_email = {user["email"]: user for user in body["items"]}
    assert set(by_email) == {admin.email, "quiet.heron@example.org"}
    listed = by_email["quiet.heron@example.org"]
    assert set(listed) == USER_FIELDS
    assert listed["id"] == str(member.id)
    assert listed["display_name"] == "Heron"
    assert listed["role"] == "member"
    assert listed["is_active"] is True
    assert listed["last_login_at"] is None
    assert by_email[admin.email]["role"] == "admin"
    assert by_email[admin.email]["last_login_at"] is not None
    assert "password" not in response.text
    assert "argon2" not in response.text


# --- GET /users: search and filters -----------------------------------------------------------


def test_search_matches_part_of_the_email_whatever_its_case(client: TestClient) -> None:
    headers = admin_headers(client)
    make_user(app_of(client), email="river.stone@example.org", display_name="Heron")
    make_user(app_of(client), email="maple.field@example.org", display_name="Otter")

    assert list_all_users(client, headers, q="STONE@ex") == ["river.stone@example.org"]
    assert list_all_users(client, headers, q="maple") == ["maple.field@example.org"]
    assert list_all_users(client, headers, q="nobody-has-this") == []


def test_search_matches_part_of_the_display_name_whatever_its_case(client: TestClient) -> None:
    headers = admin_headers(client)
    make_user(app_of(client), email="one@example.org", display_name="Quiet Heron")
    make_user(app_of(client), email="two@example.org", display_name="Bright Otter")

    assert list_all_users(client, headers, q="iet HER") == ["one@example.org"]
    assert list_all_users(client, headers, q="otter") == ["two@example.org"]


@pytest.mark.parametrize(
    ("q", "expected"), [("ann_lee", ["ann_lee@example.org"]), ("%", ["sam@example.org"])]
)
def test_search_takes_percent_and_underscore_literally(
    client: TestClient, q: str, expected: list[str]
) -> None:
    headers = admin_headers(client)
    make_user(app_of(client), email="ann_lee@example.org", display_name="Ann L")
    make_user(app_of(client), email="annxlee@example.org", display_name="Ann X")
    make_user(app_of(client), email="sam@example.org", display_name="100% Sam")

    assert list_all_users(client, headers, q=q) == expected


def test_filter_by_role_lists_only_that_role(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    make_user(app_of(client), email="m1@example.org")
    make_user(app_of(client), email="f1@example.org", role=Role.facilitator)
    make_user(app_of(client), email="f2@example.org", role=Role.facilitator)

    assert list_all_users(client, admin.headers, role="facilitator") == [
        "f1@example.org",
        "f2@example.org",
    ]
    assert list_all_users(client, admin.headers, role="member") == ["m1@example.org"]
    assert list_all_users(client, admin.headers, role="admin") == [admin.email]
    assert_problem(client.get(USERS, params={"role": "owner"}, headers=admin.headers), 422)


def test_filter_by_is_active_and_search_combine(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    gone = make_user(app_of(client), email="gone.heron@example.org", display_name="Gone")
    make_user(app_of(client), email="here.heron@example.org", display_name="Here")
    response = client.patch(f"{USERS}/{gone.id}", json={"is_active": False}, headers=admin.headers)
    assert response.status_code == 200

    assert list_all_users(client, admin.headers, is_active="false") == ["gone.heron@example.org"]
    assert list_all_users(client, admin.headers, is_active="true", q="heron") == [
        "here.heron@example.org"
    ]
    assert list_all_users(client, admin.headers, is_active="false", role="admin") == []


# --- GET /users: pagination -------------------------------------------------------------------


def test_pages_of_two_give_every_user_once_oldest_first(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    others = [make_user(app_of(client)) for _ in range(4)]
    created_order = [str(admin.user.id)] + [str(user.id) for user in others]

    pages = walk_pages(client, admin.headers, limit=2)

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [user_id for page in pages for user_id in page] == created_order
    assert walk_pages(client, admin.headers, limit=2) == pages  # the same again: stable


def test_pages_stay_complete_when_users_share_a_creation_time(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    for _ in range(4):
        make_user(app_of(client))
    same_instant = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    with app_of(client).state.session_factory.begin() as db:
        db.execute(update(User).values(created_at=same_instant))
    everyone = [user["id"] for user in client.get(USERS, headers=admin.headers).json()["items"]]

    pages = walk_pages(client, admin.headers, limit=2)

    assert len(everyone) == 5
    assert [user_id for page in pages for user_id in page] == everyone
    assert pages[-1] != []


def test_users_added_while_paging_appear_once_at_the_end(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    for _ in range(3):
        make_user(app_of(client))
    first = client.get(USERS, params={"limit": "2"}, headers=admin.headers).json()
    newcomer = make_user(app_of(client))

    rest = client.get(
        USERS, params={"limit": "100", "cursor": first["next_cursor"]}, headers=admin.headers
    ).json()

    seen = [user["id"] for user in first["items"] + rest["items"]]
    assert len(seen) == len(set(seen)) == 5
    assert seen[-1] == str(newcomer.id)
    assert rest["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "101", "-1", "many"])
def test_limit_outside_1_to_100_is_a_validation_problem(client: TestClient, limit: str) -> None:
    response = client.get(USERS, params={"limit": limit}, headers=admin_headers(client))
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_limit_of_100_is_accepted(client: TestClient) -> None:
    response = client.get(USERS, params={"limit": "100"}, headers=admin_headers(client))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


# A fixed id, not uuid4(): the cursors name their tests, which pytest-xdist's workers must
# collect identically.
FORGED_ID = "3f0c1f5e-8d4b-4a9e-b6f1-2d7c9e0a4b15"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!not base64!!!",
        forged_cursor({"created_at": "2026-01-05T12:00:00+00:00"}),
        forged_cursor(["2026-01-05T12:00:00+00:00"]),
        forged_cursor(["2026-01-05T12:00:00+00:00", FORGED_ID, "extra"]),
        forged_cursor(["not a time", FORGED_ID]),
        forged_cursor(["2026-01-05T12:00:00+00:00", "not-a-uuid"]),
        forged_cursor([None, None]),
    ],
)
def test_a_cursor_the_list_did_not_give_out_is_a_422_problem(
    client: TestClient, cursor: str
) -> None:
    response = client.get(USERS, params={"cursor": cursor}, headers=admin_headers(client))
    body = assert_problem(response, 422)
    assert body["type"].endswith("invalid-cursor")


@pytest.mark.parametrize("time", ["2026-01-05T12:00:00", "20260105"])
def test_a_cursor_with_a_time_without_offset_is_a_422_problem(
    client: TestClient, time: str
) -> None:
    cursor = forged_cursor([time, str(uuid.uuid4())])
    response = client.get(USERS, params={"cursor": cursor}, headers=admin_headers(client))
    body = assert_problem(response, 422)
    assert body["type"].endswith("invalid-cursor")


def test_a_cursor_longer_than_512_characters_is_a_422_problem(client: TestClient) -> None:
    response = client.get(USERS, params={"cursor": "a" * 513}, headers=admin_headers(client))
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "cursor"]


# --- GET /users/{id} --------------------------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_reading_a_user_is_refused_to_everyone_but_admins(client: TestClient, caller: str) -> None:
    target = make_user(app_of(client))
    response = client.get(f"{USERS}/{target.id}", headers=headers_of(client, caller))
    assert_refused(response, caller)
    assert target.email not in response.text


def test_admin_reads_one_user(client: TestClient) -> None:
    headers = admin_headers(client)
    target = make_user(
        app_of(client), email="sol@example.org", display_name="Sol", role=Role.facilitator
    )

    response = client.get(f"{USERS}/{target.id}", headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["id"] == str(target.id)
    assert body["email"] == "sol@example.org"
    assert body["display_name"] == "Sol"
    assert body["role"] == "facilitator"
    assert body["is_active"] is True
    assert body["created_at"].endswith("Z")
    assert "password" not in response.text


def test_reading_an_unknown_user_is_a_404_problem(client: TestClient) -> None:
    response = client.get(f"{USERS}/{uuid.uuid4()}", headers=admin_headers(client))
    assert_problem(response, 404)


def test_reading_a_user_by_a_malformed_id_is_a_422_problem(client: TestClient) -> None:
    response = client.get(f"{USERS}/not-a-uuid", headers=admin_headers(client))
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["path", "user_id"]


# --- PATCH /users/{id}: access ----------------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_changing_a_user_is_refused_to_everyone_but_admins_and_changes_nothing(
    client: TestClient, caller: str
) -> None:
    target = make_person(client)
    headers = headers_of(client, caller)

    promote = client.patch(f"{USERS}/{target.user.id}", json={"role": "admin"}, headers=headers)
    deactivate = client.patch(
        f"{USERS}/{target.user.id}", json={"is_active": False}, headers=headers
    )

    assert_refused(promote, caller)
    assert_refused(deactivate, caller)
    me = client.get(ME, headers=target.headers)
    assert me.status_code == 200  # still active, token still valid
    assert me.json()["role"] == "member"


def test_a_member_cannot_make_themselves_admin(client: TestClient) -> None:
    member = make_person(client)
    response = client.patch(
        f"{USERS}/{member.user.id}", json={"role": "admin"}, headers=member.headers
    )
    assert_problem(response, 403)
    assert client.get(ME, headers=member.headers).json()["role"] == "member"


# --- PATCH /users/{id}: role changes ----------------------------------------------------------


def test_admin_makes_a_member_a_facilitator(client: TestClient) -> None:
    headers = admin_headers(client)
    target = make_person(client)

    response = client.patch(
        f"{USERS}/{target.user.id}", json={"role": "facilitator"}, headers=headers
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["id"] == str(target.user.id)
    assert body["role"] == "facilitator"
    assert body["is_active"] is True
    assert "password" not in response.text
    assert client.get(f"{USERS}/{target.user.id}", headers=headers).json()["role"] == "facilitator"


def test_a_role_change_ends_the_users_existing_tokens(client: TestClient) -> None:
    headers = admin_headers(client)
    target = make_person(client)
    assert client.get(ME, headers=target.headers).status_code == 200

    client.patch(f"{USERS}/{target.user.id}", json={"role": "facilitator"}, headers=headers)

    old_token = client.get(ME, headers=target.headers)
    assert_problem(old_token, 401)
    assert old_token.headers["www-authenticate"] == "Bearer"
    assert_oauth_error(refresh_grant(client, target.refresh_token), 400, "invalid_grant")
    fresh = sign_in(client, target.email)
    me = client.get(ME, headers=bearer(fresh["access_token"]))
    assert me.status_code == 200
    assert me.json()["role"] == "facilitator"


def test_a_demoted_admin_loses_admin_access(client: TestClient) -> None:
    headers = admin_headers(client)
    other_admin = make_person(client, role=Role.admin)

    response = client.patch(
        f"{USERS}/{other_admin.user.id}", json={"role": "member"}, headers=headers
    )

    assert response.status_code == 200
    assert_problem(client.get(USERS, headers=other_admin.headers), 401)
    fresh = sign_in(client, other_admin.email)
    assert_problem(client.get(USERS, headers=bearer(fresh["access_token"])), 403)


def test_admin_promotes_a_member_to_admin_who_then_reaches_admin_routes(
    client: TestClient,
) -> None:
    headers = admin_headers(client)
    target = make_person(client)

    client.patch(f"{USERS}/{target.user.id}", json={"role": "admin"}, headers=headers)

    fresh = sign_in(client, target.email)
    assert client.get(USERS, headers=bearer(fresh["access_token"])).status_code == 200


# --- PATCH /users/{id}: deactivation ----------------------------------------------------------


def test_deactivation_ends_tokens_refresh_and_sign_in(client: TestClient) -> None:
    headers = admin_headers(client)
    target = make_person(client)

    response = client.patch(f"{USERS}/{target.user.id}", json={"is_active": False}, headers=headers)

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["role"] == "member"
    old_token = client.get(ME, headers=target.headers)
    assert_problem(old_token, 401)
    assert old_token.headers["www-authenticate"] == "Bearer"
    assert_oauth_error(refresh_grant(client, target.refresh_token), 400, "invalid_grant")
    assert_oauth_error(password_grant(client, target.email), 400, "invalid_grant")


def test_a_reactivated_user_can_sign_in_again(client: TestClient) -> None:
    headers = admin_headers(client)
    target = make_person(client)
    client.patch(f"{USERS}/{target.user.id}", json={"is_active": False}, headers=headers)

    response = client.patch(f"{USERS}/{target.user.id}", json={"is_active": True}, headers=headers)

    assert response.status_code == 200
    assert response.json()["is_active"] is True
    fresh = sign_in(client, target.email)
    assert client.get(ME, headers=bearer(fresh["access_token"])).status_code == 200
    assert_problem(client.get(ME, headers=target.headers), 401)  # the old token stays ended


def test_admin_can_deactivate_another_admin(client: TestClient) -> None:
    headers = admin_headers(client)
    other_admin = make_person(client, role=Role.admin)

    response = client.patch(
        f"{USERS}/{other_admin.user.id}", json={"is_active": False}, headers=headers
    )

    assert response.status_code == 200
    assert_problem(client.get(USERS, headers=other_admin.headers), 401)


# --- PATCH /users/{id}: self-lockout ----------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"is_active": False},
        {"role": "member"},
        {"role": "facilitator"},
        {"role": "facilitator", "is_active": True},
        {"role": "admin", "is_active": False},
    ],
)
def test_admin_cannot_deactivate_or_demote_themselves(
    client: TestClient, changes: dict[str, Any]
) -> None:
    admin = make_person(client, role=Role.admin)

    response = client.patch(f"{USERS}/{admin.user.id}", json=changes, headers=admin.headers)

    body = assert_problem(response, 409)
    assert body["type"].endswith("self-lockout")
    me = client.get(ME, headers=admin.headers)
    assert me.status_code == 200  # the token still works: nothing changed
    assert me.json()["role"] == "admin"
    assert client.get(USERS, headers=admin.headers).status_code == 200


def test_admin_may_confirm_their_own_role_and_activity(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)

    response = client.patch(
        f"{USERS}/{admin.user.id}", json={"role": "admin", "is_active": True}, headers=admin.headers
    )

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert client.get(USERS, headers=admin.headers).status_code == 200


# --- PATCH /users/{id}: bad requests ----------------------------------------------------------


def test_changing_an_unknown_user_is_a_404_problem(client: TestClient) -> None:
    response = client.patch(
        f"{USERS}/{uuid.uuid4()}", json={"role": "facilitator"}, headers=admin_headers(client)
    )
    assert_problem(response, 404)


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "x@y.org"},
        {"password_hash": "x"},
        {"display_name": "Renamed"},
        {"token_version": 0},
        {"role": "facilitator", "email": "x@y.org"},
        {"role": "superuser"},
        {"is_active": "perhaps"},
    ],
)
def test_an_unknown_field_or_value_is_a_422_and_changes_nothing(
    client: TestClient, changes: dict[str, Any]
) -> None:
    headers = admin_headers(client)
    target = make_person(client, email="kept@example.org", display_name="Kept")

    response = client.patch(f"{USERS}/{target.user.id}", json=changes, headers=headers)

    assert_problem(response, 422)
    after = client.get(f"{USERS}/{target.user.id}", headers=headers).json()
    assert after["email"] == "kept@example.org"
    assert after["display_name"] == "Kept"
    assert after["role"] == "member"
    assert after["is_active"] is True
    assert client.get(ME, headers=target.headers).status_code == 200
    sign_in(client, "kept@example.org")


# --- POST /service-clients --------------------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_creating_a_service_client_is_refused_to_everyone_but_admins(
    client: TestClient, caller: str
) -> None:
    headers = headers_of(client, caller)

    response = client.post(CLIENTS, json=new_client_body(name="Sneaky"), headers=headers)

    assert_refused(response, caller)
    listed = client.get(CLIENTS, headers=admin_headers(client)).json()["items"]
    assert "Sneaky" not in [item["name"] for item in listed]


def test_admin_creates_a_service_client_and_sees_its_secret(client: TestClient) -> None:
    headers = admin_headers(client)

    response = client.post(CLIENTS, json=new_client_body(), headers=headers)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == CLIENT_FIELDS | {"client_secret"}
    assert uuid.UUID(body["client_id"])
    assert body["name"] == "County referral system"
    assert sorted(body["scopes"]) == ["groups:read", "sessions:read"]
    assert body["revoked_at"] is None
    assert body["last_used_at"] is None
    assert isinstance(body["client_secret"], str)
    assert len(body["client_secret"]) >= 32


def test_each_service_client_gets_its_own_secret(client: TestClient) -> None:
    headers = admin_headers(client)
    first = client.post(CLIENTS, json=new_client_body(), headers=headers).json()
    second = client.post(CLIENTS, json=new_client_body(), headers=headers).json()
    assert first["client_id"] != second["client_id"]
    assert first["client_secret"] != second["client_secret"]


def test_a_created_client_gets_tokens_with_the_secret_it_was_given(client: TestClient) -> None:
    created = client.post(CLIENTS, json=new_client_body(), headers=admin_headers(client)).json()

    response = client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )

    assert response.status_code == 200, response.text
    assert set(response.json()["scope"].split()) == {"groups:read", "sessions:read"}


def test_the_secret_is_never_shown_again(client: TestClient) -> None:
    headers = admin_headers(client)
    created = client.post(CLIENTS, json=new_client_body(), headers=headers).json()

    one = client.get(f"{CLIENTS}/{created['client_id']}", headers=headers)
    listed = client.get(CLIENTS, headers=headers)

    assert one.status_code == listed.status_code == 200
    assert set(one.json()) == CLIENT_FIELDS
    assert all(set(item) == CLIENT_FIELDS for item in listed.json()["items"])
    for response in (one, listed):
        assert created["client_secret"] not in response.text
        assert "secret" not in response.text
        assert "hash" not in response.text


def test_duplicate_scopes_are_granted_once(client: TestClient) -> None:
    body = new_client_body(scopes=["groups:read", "groups:read", "resources:read"])
    response = client.post(CLIENTS, json=body, headers=admin_headers(client))
    assert response.status_code == 201
    assert sorted(response.json()["scopes"]) == ["groups:read", "resources:read"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_client_body(scopes=["groups:read", "admin"]), "scopes"),
        (new_client_body(scopes=["users:write"]), "scopes"),
        (new_client_body(scopes=[]), "scopes"),
        (new_client_body(scopes="groups:read"), "scopes"),
        ({"name": "No scopes"}, "scopes"),
        (new_client_body(name="x"), "name"),
        (new_client_body(name="n" * 101), "name"),
        ({"scopes": ["groups:read"]}, "name"),
        (new_client_body(client_secret="chosen-by-me"), "client_secret"),
        (new_client_body(revoked_at=None), "revoked_at"),
    ],
)
def test_an_invalid_service_client_is_a_422_and_none_is_created(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    headers = admin_headers(client)

    response = client.post(CLIENTS, json=body, headers=headers)

    problem = assert_problem(response, 422)
    assert field in [issue["loc"][1] for issue in problem["errors"]]
    assert client.get(CLIENTS, headers=headers).json()["items"] == []


# --- GET /service-clients ---------------------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_listing_service_clients_is_refused_to_everyone_but_admins(
    client: TestClient, caller: str
) -> None:
    make_service_client(app_of(client), scopes=[Scope.groups_read], name="Hidden system")
    response = client.get(CLIENTS, headers=headers_of(client, caller))
    assert_refused(response, caller)
    assert "Hidden system" not in response.text


def test_admin_lists_every_service_client_revoked_ones_included(client: TestClient) -> None:
    headers = admin_headers(client)
    kept = client.post(CLIENTS, json=new_client_body(name="Kept"), headers=headers).json()
    revoked = client.post(CLIENTS, json=new_client_body(name="Revoked"), headers=headers).json()
    assert client.delete(f"{CLIENTS}/{revoked['client_id']}", headers=headers).status_code == 204

    response = client.get(CLIENTS, headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    by_id = {item["client_id"]: item for item in body["items"]}
    assert set(by_id) == {kept["client_id"], revoked["client_id"]}
    assert by_id[kept["client_id"]]["name"] == "Kept"
    assert by_id[kept["client_id"]]["revoked_at"] is None
    assert by_id[revoked["client_id"]]["revoked_at"] is not None
    assert sorted(by_id[kept["client_id"]]["scopes"]) == ["groups:read", "sessions:read"]


# --- GET /service-clients/{client_id} ---------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_reading_a_service_client_is_refused_to_everyone_but_admins(
    client: TestClient, caller: str
) -> None:
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read], name="Hidden")
    response = client.get(f"{CLIENTS}/{integrator.client_id}", headers=headers_of(client, caller))
    assert_refused(response, caller)
    assert "Hidden" not in response.text


def test_admin_reads_one_service_client(client: TestClient) -> None:
    headers = admin_headers(client)
    integrator = make_service_client(
        app_of(client), scopes=[Scope.attendance_read, Scope.groups_read], name="Clinic"
    )

    response = client.get(f"{CLIENTS}/{integrator.client_id}", headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == CLIENT_FIELDS
    assert body["client_id"] == integrator.client_id
    assert body["name"] == "Clinic"
    assert sorted(body["scopes"]) == ["attendance:read", "groups:read"]
    assert body["revoked_at"] is None
    assert body["last_used_at"] is None
    assert body["created_at"].endswith("Z")


def test_a_service_clients_last_use_shows_once_it_got_a_token(client: TestClient) -> None:
    headers = admin_headers(client)
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])

    client_token(client, integrator)

    body = client.get(f"{CLIENTS}/{integrator.client_id}", headers=headers).json()
    assert body["last_used_at"] is not None


def test_reading_an_unknown_service_client_is_a_404_problem(client: TestClient) -> None:
    headers = admin_headers(client)
    assert_problem(client.get(f"{CLIENTS}/{uuid.uuid4()}", headers=headers), 404)
    body = assert_problem(client.get(f"{CLIENTS}/not-a-uuid", headers=headers), 422)
    assert body["errors"][0]["loc"] == ["path", "client_id"]


# --- DELETE /service-clients/{client_id} ------------------------------------------------------


@pytest.mark.parametrize("caller", NOT_ADMINS)
def test_revoking_a_service_client_is_refused_to_everyone_but_admins_and_it_keeps_working(
    client: TestClient, caller: str
) -> None:
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])

    response = client.delete(
        f"{CLIENTS}/{integrator.client_id}", headers=headers_of(client, caller)
    )

    assert_refused(response, caller)
    assert client_grant(client, integrator).status_code == 200


def test_admin_revokes_a_service_client(client: TestClient) -> None:
    headers = admin_headers(client)
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])

    response = client.delete(f"{CLIENTS}/{integrator.client_id}", headers=headers)

    assert response.status_code == 204
    assert response.content == b""
    body = client.get(f"{CLIENTS}/{integrator.client_id}", headers=headers).json()
    assert body["revoked_at"] is not None


@pytest.mark.real_commits
def test_a_revoked_client_gets_no_new_token_and_its_issued_token_stops_working(
    client: TestClient,
) -> None:
    headers = admin_headers(client)
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])
    issued = bearer(client_token(client, integrator))
    assert_problem(client.get(ME, headers=issued), 403)  # valid, but not for this route

    client.delete(f"{CLIENTS}/{integrator.client_id}", headers=headers)

    assert_oauth_error(client_grant(client, integrator), 401, "invalid_client")
    assert_oauth_error(basic_grant(client, integrator), 401, "invalid_client")
    for route in (ME, USERS, CLIENTS):
        response = client.get(route, headers=issued)
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.real_commits
def test_revoking_twice_is_204_both_times_and_keeps_the_first_revocation_time(
    client: TestClient,
) -> None:
    headers = admin_headers(client)
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])
    url = f"{CLIENTS}/{integrator.client_id}"

    assert client.delete(url, headers=headers).status_code == 204
    first_revoked_at = client.get(url, headers=headers).json()["revoked_at"]
    assert client.delete(url, headers=headers).status_code == 204

    assert first_revoked_at is not None
    assert client.get(url, headers=headers).json()["revoked_at"] == first_revoked_at
    assert_oauth_error(client_grant(client, integrator), 401, "invalid_client")


def test_revoking_an_unknown_service_client_is_a_404_problem(client: TestClient) -> None:
    response = client.delete(f"{CLIENTS}/{uuid.uuid4()}", headers=admin_headers(client))
    assert_problem(response, 404)


def test_revoking_one_client_leaves_the_others_working(client: TestClient) -> None:
    headers = admin_headers(client)
    revoked = make_service_client(app_of(client), scopes=[Scope.groups_read], name="Old")
    kept = make_service_client(app_of(client), scopes=[Scope.groups_read], name="New")
    kept_token = bearer(client_token(client, kept))

    client.delete(f"{CLIENTS}/{revoked.client_id}", headers=headers)

    assert client_grant(client, kept).status_code == 200
    assert_problem(client.get(ME, headers=kept_token), 403)  # still a valid token


# --- POST /auth/token, grant_type=client_credentials ------------------------------------------


def test_client_gets_a_token_with_form_fields_and_no_refresh_token(client: TestClient) -> None:
    integrator = make_service_client(
        app_of(client), scopes=[Scope.groups_read, Scope.sessions_read]
    )

    response = client_grant(client, integrator)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert "refresh_token" not in body
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["access_token"].count(".") == 2
    assert set(body["scope"].split()) == {"groups:read", "sessions:read"}


def test_client_gets_a_token_with_http_basic_credentials(client: TestClient) -> None:
    integrator = make_service_client(app_of(client), scopes=[Scope.resources_read])

    response = basic_grant(client, integrator)

    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    assert body["token_type"] == "bearer"
    assert body["scope"] == "resources:read"


def test_client_may_ask_for_fewer_scopes_than_it_was_granted(client: TestClient) -> None:
    integrator = make_service_client(
        app_of(client), scopes=[Scope.groups_read, Scope.sessions_read]
    )

    response = client_grant(client, integrator, scope="sessions:read")

    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "sessions:read"


@pytest.mark.parametrize(
    "scope", ["attendance:write", "groups:read attendance:write", "admin", "users:read"]
)
def test_asking_for_a_scope_not_granted_is_invalid_scope(client: TestClient, scope: str) -> None:
    integrator = make_service_client(
        app_of(client), scopes=[Scope.groups_read, Scope.sessions_read]
    )
    assert_oauth_error(client_grant(client, integrator, scope=scope), 400, "invalid_scope")


@pytest.mark.real_commits
def test_a_wrong_secret_is_invalid_client(client: TestClient) -> None:
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])

    form = client_grant(client, integrator, secret="not-the-secret")
    basic_auth = basic_grant(client, integrator, secret="not-the-secret")

    for response in (form, basic_auth):
        assert_oauth_error(response, 401, "invalid_client")
        assert response.headers["www-authenticate"].startswith("Basic")
        assert integrator.client_secret not in response.text


@pytest.mark.parametrize(
    "form",
    [
        {"client_id": str(uuid.uuid4()), "client_secret": "whatever-it-is"},
        {"client_id": "not-a-uuid", "client_secret": "whatever-it-is"},
        {"client_id": str(uuid.uuid4())},
        {},
    ],
)
@pytest.mark.real_commits
def test_an_unknown_or_incomplete_client_is_invalid_client(
    client: TestClient, form: dict[str, str]
) -> None:
    response = client.post(TOKEN, data={"grant_type": "client_credentials"} | form)
    assert_oauth_error(response, 401, "invalid_client")


@pytest.mark.parametrize(
    "authorization", ["Basic %%%not-base64%%%", "Basic " + base64.b64encode(b"no-colon").decode()]
)
def test_malformed_basic_credentials_are_invalid_client(
    client: TestClient, authorization: str
) -> None:
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": authorization}
    )
    assert_oauth_error(response, 401, "invalid_client")


@pytest.mark.real_commits
def test_the_secret_of_one_client_does_not_open_another(client: TestClient) -> None:
    first = make_service_client(app_of(client), scopes=[Scope.groups_read], name="First")
    second = make_service_client(app_of(client), scopes=[Scope.groups_read], name="Second")

    response = client_grant(client, first, secret=second.client_secret)

    assert_oauth_error(response, 401, "invalid_client")


# --- what a service client's token reaches ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", ME, None),
        ("PATCH", ME, {"display_name": "Robot"}),
        ("POST", f"{ME}/password", {"current_password": "x", "new_password": "a new long one"}),
        ("POST", f"{API}/auth/logout", None),
    ],
)
def test_a_client_token_is_refused_on_routes_for_signed_in_people(
    client: TestClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    integrator = make_service_client(app_of(client), scopes=list(Scope))
    headers = bearer(client_token(client, integrator))

    response = client.request(method, path, json=body, headers=headers)

    problem = assert_problem(response, 403)
    assert problem["type"].endswith("insufficient-scope")
    assert response.headers["www-authenticate"].startswith('Bearer error="insufficient_scope"')


def test_a_client_token_is_not_a_refresh_token(client: TestClient) -> None:
    integrator = make_service_client(app_of(client), scopes=[Scope.groups_read])
    token = client_token(client, integrator)
    assert_oauth_error(refresh_grant(client, token), 400, "invalid_grant")
