"""Who may call each webhook route: nobody (401), a person who is not an admin (403),
another client (404, like a random id), a revoked client (401), an admin (reads and turns
off or on, nothing else), and the owner."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts import admin as accounts_admin
from backend.accounts.actor import Actor
from backend.accounts.models import Role, User
from backend.accounts.schemas import Scope
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.service import emit
from tests.factories import make_person
from tests.support.problems import assert_problem
from tests.webhooks.conftest import ENDPOINTS, Client, Receiver, make_client, register

pytestmark = pytest.mark.usefixtures("receiver")


def routes(endpoint_id: str, delivery_id: str) -> list[tuple[str, str, Any]]:
    one = f"{ENDPOINTS}/{endpoint_id}"
    return [
        ("GET", ENDPOINTS, None),
        ("GET", one, None),
        ("PATCH", one, {"description": "Changed"}),
        ("DELETE", one, None),
        ("POST", f"{one}/rotate-secret", None),
        ("GET", f"{one}/deliveries", None),
        ("POST", f"{one}/deliveries/{delivery_id}/redeliver", None),
    ]


@pytest.fixture
def owned(client: TestClient, app: FastAPI, receiver: Receiver) -> tuple[Client, str, str]:
    """A client with an endpoint that has one delivery."""
    owner = make_client(client, [Scope.sessions_read])
    endpoint = register(client, owner, receiver.url())
    with app.state.session_factory.begin() as db:
        assert emit(db, event_type=WebhookEventType.meeting_cancelled, data={"meeting_id": 1}) == 1
    listed = client.get(f"{ENDPOINTS}/{endpoint['id']}/deliveries", headers=owner.headers)
    return owner, endpoint["id"], listed.json()["items"][0]["id"]


def call(client: TestClient, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.request(method, url, headers=headers, json=body)


def test_nobody_is_asked_to_sign_in(client: TestClient, owned: tuple[Client, str, str]) -> None:
    _, endpoint_id, delivery_id = owned
    create = ("POST", ENDPOINTS, {"url": "https://x.example.org", "event_types": ["meeting.moved"]})
    for method, url, body in [create, *routes(endpoint_id, delivery_id)]:
        response = call(client, method, url, body, {})
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", [Role.member, Role.facilitator])
def test_people_who_are_not_admins_are_refused(
    client: TestClient, owned: tuple[Client, str, str], role: Role
) -> None:
    _, endpoint_id, delivery_id = owned
    person = make_person(client, role=role)
    create = ("POST", ENDPOINTS, {"url": "https://x.example.org", "event_types": ["meeting.moved"]})
    for method, url, body in [create, *routes(endpoint_id, delivery_id)]:
        body_ = assert_problem(call(client, method, url, body, person.headers), 403)
        assert "service client" in body_["detail"]


def test_another_clients_endpoint_is_not_found(
    client: TestClient, owned: tuple[Client, str, str]
) -> None:
    _, endpoint_id, delivery_id = owned
    other = make_client(client, [Scope.sessions_read], name="Another service")
    for method, url, body in routes(endpoint_id, delivery_id)[1:]:
        problem = assert_problem(call(client, method, url, body, other.headers), 404)
        random = assert_problem(
            call(client, method, url.replace(endpoint_id, str(uuid.uuid4())), body, other.headers),
            404,
        )
        assert problem["detail"] == random["detail"]
    listed = client.get(ENDPOINTS, headers=other.headers).json()
    assert listed["items"] == []


def test_a_delivery_of_another_endpoint_is_not_found(
    client: TestClient, owned: tuple[Client, str, str], receiver: Receiver
) -> None:
    owner, _, delivery_id = owned
    second = register(client, owner, receiver.url("/second"))
    response = client.post(
        f"{ENDPOINTS}/{second['id']}/deliveries/{delivery_id}/redeliver", headers=owner.headers
    )
    assert_problem(response, 404)


def test_a_revoked_client_is_signed_out(
    client: TestClient, app: FastAPI, owned: tuple[Client, str, str]
) -> None:
    owner, endpoint_id, delivery_id = owned
    with app.state.session_factory.begin() as db:
        admin = db.get_one(User, owner.integrator.client.created_by_id)
        accounts_admin.revoke_service_client(
            db, actor=Actor.of_person(admin), client_id=uuid.UUID(owner.id)
        )
    for method, url, body in routes(endpoint_id, delivery_id):
        assert_problem(call(client, method, url, body, owner.headers), 401)


def test_admins_read_every_endpoint_and_turn_it_off_or_on_but_nothing_else(
    client: TestClient, owned: tuple[Client, str, str]
) -> None:
    _, endpoint_id, delivery_id = owned
    admin = make_person(client, role=Role.admin)
    listed = client.get(ENDPOINTS, headers=admin.headers)
    assert [item["id"] for item in listed.json()["items"]] == [endpoint_id]
    read = client.get(f"{ENDPOINTS}/{endpoint_id}", headers=admin.headers)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert (
        client.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=admin.headers).status_code
        == 200
    )
    off = client.patch(f"{ENDPOINTS}/{endpoint_id}", headers=admin.headers, json={"enabled": False})
    assert off.status_code == 200, off.text
    assert off.json()["enabled"] is False
    assert off.json()["disabled_because"] == "admin"
    on = client.patch(f"{ENDPOINTS}/{endpoint_id}", headers=admin.headers, json={"enabled": True})
    assert on.json()["enabled"] is True
    refused = [
        ("PATCH", f"{ENDPOINTS}/{endpoint_id}", {"url": "https://x.example.org/"}),
        ("DELETE", f"{ENDPOINTS}/{endpoint_id}", None),
        ("POST", f"{ENDPOINTS}/{endpoint_id}/rotate-secret", None),
        ("POST", f"{ENDPOINTS}/{endpoint_id}/deliveries/{delivery_id}/redeliver", None),
        ("POST", ENDPOINTS, {"url": "https://x.example.org", "event_types": ["meeting.moved"]}),
    ]
    for method, url, body in refused:
        assert_problem(call(client, method, url, body, admin.headers), 403)
    # An unknown id is a 404 for admins too, never a 403 that says nothing of it.
    assert_problem(client.delete(f"{ENDPOINTS}/{uuid.uuid4()}", headers=admin.headers), 404)


def test_the_owner_may_do_everything(client: TestClient, owned: tuple[Client, str, str]) -> None:
    owner, endpoint_id, delivery_id = owned
    statuses = [
        call(client, method, url, body, owner.headers).status_code
        for method, url, body in routes(endpoint_id, delivery_id)
        if method != "DELETE"
    ]
    assert statuses == [200, 200, 200, 200, 200, 200]
    assert client.delete(f"{ENDPOINTS}/{endpoint_id}", headers=owner.headers).status_code == 204
    assert_problem(client.get(f"{ENDPOINTS}/{endpoint_id}", headers=owner.headers), 404)
