"""Shared scenes for referral tests: a counseling service's client, a circle, a referral."""

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.referrals.consent import WORDING_VERSION
from tests.factories import (
    Integrator,
    Person,
    client_token,
    emails_to,
    make_group,
    make_person,
    make_service_client,
)

API = "/api/v1"


@dataclass
class Service:
    """A counseling service calling with client credentials."""

    integrator: Integrator
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_service(client: TestClient, name: str = "Riverside Counseling") -> Service:
    app = client.app
    assert isinstance(app, FastAPI)
    integrator = make_service_client(
        app, scopes=[Scope.referrals_write, Scope.groups_read], name=name
    )
    return Service(integrator, client_token(client, integrator))


@pytest.fixture
def service(client: TestClient) -> Service:
    return make_service(client)


@pytest.fixture
def facilitator(client: TestClient) -> Person:
    return make_person(client, role=Role.facilitator)


@pytest.fixture
def unlisted_id(app: FastAPI, facilitator: Person) -> uuid.UUID:
    """An unlisted circle that asks for approval: only invitations and referrals lead in."""
    group = make_group(
        app,
        facilitator=facilitator.user,
        name="Thursday Grief Circle",
        topics=["grief-and-loss"],
        visibility="unlisted",
        join_policy="approval",
    )
    return group.id


def refer(
    client: TestClient, headers: dict[str, str], group_id: object, email: str, **fields: object
) -> dict[str, Any]:
    response = client.post(
        f"{API}/referrals",
        headers=headers,
        json={"group_id": str(group_id), "email": email} | fields,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def link_token(app: FastAPI, email: str) -> str:
    """The secret of the newest referral link emailed to ``email``."""
    match = re.search(r"/referral/([A-Za-z0-9_-]+)", emails_to(app, email)[-1].body_text)
    assert match
    return match.group(1)


def open_link(client: TestClient, token: str, headers: dict[str, str] | None = None) -> Any:
    return client.post(f"{API}/referral-links/{token}/open", headers=headers or {})


def accept(client: TestClient, person: Person, token: str, *share: str, **fields: object) -> Any:
    body = {"accept_guidelines": True, "consent_version": WORDING_VERSION, "share": list(share)}
    return client.post(
        f"{API}/referral-links/{token}/accept", headers=person.headers, json=body | fields
    )


def decline(client: TestClient, token: str, *, share_outcome: bool = False) -> Any:
    return client.post(
        f"{API}/referral-links/{token}/decline",
        json={"consent_version": WORDING_VERSION, "share_outcome": share_outcome},
    )


def read(client: TestClient, headers: dict[str, str], referral_id: object) -> dict[str, Any]:
    response = client.get(f"{API}/referrals/{referral_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
