"""Routes that integrators may call declare scopes with Security(); a service client reaches
only the routes its token's scopes allow, and people are not held to client scopes."""

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Security
from fastapi.testclient import TestClient

from backend.accounts.actor import Actor
from backend.accounts.dependencies import OptionalActor, get_actor
from backend.accounts.schemas import Scope
from backend.core.routing import API_PREFIX
from tests.factories import client_token, make_person, make_service_client
from tests.support.problems import assert_problem

probe = APIRouter(prefix=f"{API_PREFIX}/probe-scopes", tags=["probe"])


@probe.get("/attendance")
def read_attendance(
    actor: Annotated[Actor, Security(get_actor, scopes=[Scope.attendance_read])],
) -> dict[str, str]:
    """A route integrators may call with attendance:read."""
    return {"caller": "client" if actor.is_integrator else "person"}


@pytest.fixture
def scoped_client(probe_app: FastAPI) -> Iterator[TestClient]:
    probe_app.include_router(probe)
    with TestClient(probe_app, raise_server_exceptions=False) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_client_with_the_scope_gets_in(scoped_client: TestClient, app: FastAPI) -> None:
    integrator = make_service_client(app, scopes=[Scope.attendance_read, Scope.groups_read])
    response = scoped_client.get(
        f"{API_PREFIX}/probe-scopes/attendance",
        headers=bearer(client_token(scoped_client, integrator)),
    )
    assert response.status_code == 200
    assert response.json() == {"caller": "client"}


def test_a_client_without_the_scope_gets_403_naming_it(
    scoped_client: TestClient, app: FastAPI
) -> None:
    integrator = make_service_client(app, scopes=[Scope.groups_read])
    response = scoped_client.get(
        f"{API_PREFIX}/probe-scopes/attendance",
        headers=bearer(client_token(scoped_client, integrator)),
    )
    body = assert_problem(response, 403)
    assert body["type"].endswith("insufficient-scope")
    assert "attendance:read" in response.headers["www-authenticate"]


def test_a_token_narrowed_by_request_loses_the_other_scopes(
    scoped_client: TestClient, app: FastAPI
) -> None:
    integrator = make_service_client(app, scopes=[Scope.attendance_read, Scope.groups_read])
    narrow = client_token(scoped_client, integrator, scope="groups:read")
    response = scoped_client.get(f"{API_PREFIX}/probe-scopes/attendance", headers=bearer(narrow))
    assert_problem(response, 403)


def test_scopes_taken_from_a_client_end_at_once(scoped_client: TestClient, app: FastAPI) -> None:
    integrator = make_service_client(app, scopes=[Scope.attendance_read])
    token = client_token(scoped_client, integrator)
    with app.state.session_factory.begin() as db:
        db.get(type(integrator.client), integrator.client.id).scopes = [Scope.groups_read.value]
    response = scoped_client.get(f"{API_PREFIX}/probe-scopes/attendance", headers=bearer(token))
    assert_problem(response, 403)


def test_people_are_not_held_to_client_scopes(scoped_client: TestClient) -> None:
    person = make_person(scoped_client)
    response = scoped_client.get(f"{API_PREFIX}/probe-scopes/attendance", headers=person.headers)
    assert response.json() == {"caller": "person"}


def test_anonymous_gets_401(scoped_client: TestClient) -> None:
    response = scoped_client.get(f"{API_PREFIX}/probe-scopes/attendance")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


optional = APIRouter(prefix=f"{API_PREFIX}/probe-optional", tags=["probe"])


@optional.get("")
def who_is_asking(actor: OptionalActor) -> dict[str, str | None]:
    """A public route that shows signed-in members more."""
    return {"display_name": actor.user.display_name if actor.user else None}


@pytest.fixture
def optional_client(probe_app: FastAPI) -> Iterator[TestClient]:
    probe_app.include_router(optional)
    with TestClient(probe_app, raise_server_exceptions=False) as client:
        yield client


def test_optional_user_is_none_for_anonymous_callers(optional_client: TestClient) -> None:
    assert optional_client.get(f"{API_PREFIX}/probe-optional").json() == {"display_name": None}


def test_optional_user_is_the_signed_in_person(optional_client: TestClient) -> None:
    person = make_person(optional_client, display_name="Ember")
    response = optional_client.get(f"{API_PREFIX}/probe-optional", headers=person.headers)
    assert response.json() == {"display_name": "Ember"}


def test_optional_user_with_a_bad_token_is_still_401(optional_client: TestClient) -> None:
    response = optional_client.get(f"{API_PREFIX}/probe-optional", headers=bearer("expired.or.bad"))
    assert_problem(response, 401)
