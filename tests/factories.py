"""Test data made through the same service code the app uses (``make_*``), and helpers to sign
in as someone."""

import base64
import itertools
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.accounts import admin as accounts_admin
from backend.accounts import service as accounts
from backend.accounts.actor import Actor
from backend.accounts.models import Role, ServiceClient, User
from backend.accounts.schemas import Scope, ServiceClientCreate
from backend.groups import service as groups
from backend.groups import views as group_views
from backend.groups.schemas import GroupCreate, GroupRead
from backend.notifications.models import OutboxMessage

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


def emails_to(app: FastAPI, address: str) -> list[OutboxMessage]:
    """The emails queued for ``address``, oldest first."""
    with app.state.session_factory() as db:
        messages = db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.created_at)
        ).all()
        db.expunge_all()
    return list(messages)


def confirmation_token(message: OutboxMessage) -> str:
    match = re.search(r"/confirm-email\?token=([A-Za-z0-9_-]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def reset_link_token(app: FastAPI, email: str) -> str:
    """The token of the newest password-reset link emailed to ``email``."""
    match = re.search(
        r"/reset-password\?token=([A-Za-z0-9_-]+)", emails_to(app, email)[-1].body_text
    )
    assert match
    return match.group(1)


def sign_up(
    client: TestClient, email: str, password: str = PASSWORD, display_name: str = "Newcomer"
) -> None:
    """Sign up the way a person does: register, open the emailed link, confirm."""
    app = client.app
    assert isinstance(app, FastAPI)
    response = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "display_name": display_name},
    )
    assert response.status_code == 202, response.text
    token = confirmation_token(emails_to(app, email.lower())[-1])
    confirmed = client.post(
        "/api/v1/auth/confirm-email", json={"token": token, "password": password}
    )
    assert confirmed.status_code == 204, confirmed.text


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
        client, secret = accounts_admin.create_service_client(
            db, actor=Actor.of_person(admin), data=ServiceClientCreate(name=name, scopes=scopes)
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


def make_group(app: FastAPI, *, facilitator: User, **overrides: object) -> GroupRead:
    """A group made through the service, with ``facilitator`` as its first facilitator."""
    number = next(_counter)
    fields: dict[str, object] = {
        "name": f"Evening Circle {number}",
        "description": "A weekly peer support circle.",
        "topics": ["anxiety"],
        "format": "online",
        "language": "en",
        "online_url": f"https://meet.example.org/circle-{number}",
        "guidelines": "Confidentiality, respect, and no advice unless asked.",
        "capacity": 12,
    }
    fields |= overrides
    with app.state.session_factory.begin() as db:
        actor = db.get_one(User, facilitator.id)
        who = Actor.of_person(actor)
        group = groups.create_group(db, actor=who, data=GroupCreate.model_validate(fields))
        return group_views.group_page(db, group, who)


def join(client: TestClient, person: "Person", group_id: object) -> dict[str, object]:
    response = client.post(
        f"/api/v1/groups/{group_id}/members",
        headers=person.headers,
        json={"accept_guidelines": True},
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def push_keys() -> tuple[ec.EllipticCurvePrivateKey, bytes, dict[str, str]]:
    """What a browser makes when it subscribes to push: its private key (to decrypt with),
    its auth secret, and the ``keys`` it sends (base64url, RFC 8291)."""
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return private, auth, {"p256dh": b64(point), "auth": b64(auth)}
