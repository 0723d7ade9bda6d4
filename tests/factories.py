"""Test data made through the same service code the app uses (``make_*``), and helpers to sign
in as someone."""

import itertools
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts import service as accounts
from backend.accounts.models import Role, ServiceClient, User
from backend.accounts.schemas import Scope, ServiceClientCreate

PASSWORD = "a long and quiet river"
_counter = itertools.count(1)


@dataclass
class Person:
    """A user with the password they sign in with and a ready access token."""

    user: User
    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def make_user(
    app: FastAPI,
    *,
    role: Role = Role.member,
    email: str | None = None,
    display_name: str | None = None,
    password: str = PASSWORD,
) -> User:
    number = next(_counter)
    with app.state.session_factory.begin() as db:
        user = accounts.create_user(
            db,
            email=email or f"person{number}@example.org",
            password=password,
            display_name=display_name or f"Person {number}",
            role=role,
        )
        db.expunge(user)
    return user


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": password},
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def make_person(client: TestClient, *, role: Role = Role.member, **kwargs: str) -> Person:
    app = client.app
    assert isinstance(app, FastAPI)
    user = make_user(app, role=role, **kwargs)
    password = kwargs.get("password", PASSWORD)
    tokens = sign_in(client, user.email, password)
    return Person(user, user.email, password, tokens["access_token"], tokens["refresh_token"])


@dataclass
class Integrator:
    client: ServiceClient
    client_id: str
    client_secret: str


def make_service_client(
    app: FastAPI, *, scopes: list[Scope], name: str = "Referral system"
) -> Integrator:
    admin = make_user(app, role=Role.admin)
    with app.state.session_factory.begin() as db:
        client, secret = accounts.create_service_client(
            db, actor=admin, data=ServiceClientCreate(name=name, scopes=scopes)
        )
        db.expunge(client)
    return Integrator(client, str(client.id), secret)


def client_token(client: TestClient, integrator: Integrator, scope: str | None = None) -> str:
    data = {
        "grant_type": "client_credentials",
        "client_id": integrator.client_id,
        "client_secret": integrator.client_secret,
    }
    if scope is not None:
        data["scope"] = scope
    response = client.post("/api/v1/auth/token", data=data)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
