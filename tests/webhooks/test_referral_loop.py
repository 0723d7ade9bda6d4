"""The referral loop end to end, as the issue's "done when" says it: an integrator refers a
person with client credentials; the person joins an unlisted circle from the link, sharing
attendance; they attend; the integrator's receiver on loopback gets signed events that the
independent verifier (the ``standardwebhooks`` package) accepts; the referral and its FHIR
bundle show what was consented, and nothing once consent is withdrawn."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.referrals.models import Referral
from backend.referrals.service import expire_referrals
from tests.factories import Person, make_group, make_person
from tests.referrals.conftest import accept, link_token
from tests.webhooks.conftest import Client, Receiver, deliver, make_client, register

API = "/api/v1"
EVENTS = [
    "referral.accepted",
    "referral.declined",
    "referral.expired",
    "referral.sharing_ended",
    "attendance.recorded",
]


def verified(secret: str, receiver: Receiver) -> list[dict[str, Any]]:
    """Every delivery so far, each checked by the independent verifier (it raises on a bad
    signature, a wrong secret or an old timestamp)."""
    payloads = []
    for got in receiver.received:
        headers = {
            name: got.headers[name]
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        }
        payload = Webhook(secret).verify(got.body, headers)
        assert payload == json.loads(got.body)
        payloads.append(payload)
    return payloads


def meeting_attended(
    client: TestClient, facilitator: Person, group_id: object, person: Person, *, starts_in: int
) -> str:
    """A short meeting starting in ``starts_in`` minutes, its attendance recorded now (the
    sheet opens 30 minutes before): the app's clock stays with the verifier's, which refuses
    a signature whose timestamp is more than five minutes off."""
    made = client.post(
        f"{API}/groups/{group_id}/sessions",
        headers=facilitator.headers,
        json={
            "starts_at": (datetime.now(UTC) + timedelta(minutes=starts_in)).isoformat(),
            "duration_minutes": 15,
            "timezone": "UTC",
        },
    )
    assert made.status_code == 201, made.text
    meeting_id: str = made.json()["id"]
    recorded = client.put(
        f"{API}/sessions/{meeting_id}/attendance",
        headers=facilitator.headers,
        json={"records": [{"user_id": str(person.user.id), "status": "present"}]},
    )
    assert recorded.status_code == 200, recorded.text
    return meeting_id


def test_the_referral_loop_with_signed_webhooks_and_fhir(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    service: Client = make_client(client, [Scope.referrals_write], name="Riverside Counseling")
    endpoint = register(client, service, receiver.url(), event_types=EVENTS)
    secret = endpoint["secret"]
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(
        app, facilitator=facilitator.user, visibility="unlisted", join_policy="approval"
    )
    sam = make_person(client)
    referred = client.post(
        f"{API}/referrals",
        headers=service.headers,
        json={
            "group_id": str(group.id),
            "email": "sam@example.net",
            "ask_attendance": True,
            "external_id": "CASE-7",
        },
    )
    assert referred.status_code == 201, referred.text
    referral_id = referred.json()["id"]
    assert deliver(app) == 0  # nothing to tell yet

    joined = accept(client, sam, link_token(app, "sam@example.net"), "outcome", "attendance")
    assert joined.status_code == 200, joined.text
    meeting_id = meeting_attended(client, facilitator, group.id, sam, starts_in=2)
    assert deliver(app) == 2
    accepted, attended = verified(secret, receiver)
    assert accepted["type"] == "referral.accepted"
    assert accepted["data"]["referral_id"] == referral_id
    assert accepted["data"]["external_id"] == "CASE-7"
    assert accepted["data"]["attendance_shared"] is True
    assert attended["type"] == "attendance.recorded"
    assert attended["data"]["meeting_id"] == meeting_id
    assert attended["data"]["attended"] is True
    # Payloads carry ids and the minimum: nothing names the person.
    for got in receiver.received:
        for private in (str(sam.user.id), sam.email, sam.user.display_name):
            assert private not in got.body.decode()

    seen = client.get(f"{API}/referrals/{referral_id}", headers=service.headers).json()
    assert seen["state"] == "joined"
    assert seen["attendance_shared_since"] is not None
    shared = client.get(f"{API}/referrals/{referral_id}/attendance", headers=service.headers)
    assert [(a["meeting_id"], a["attended"]) for a in shared.json()["items"]] == [
        (meeting_id, True)
    ]
    fhir = client.get(f"{API}/referrals/{referral_id}/fhir", headers=service.headers)
    bundle = Bundle.model_validate_json(fhir.content)
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry or [] if entry.resource]
    assert kinds == ["ServiceRequest", "Consent", "Consent", "Encounter"]

    # Sam stops sharing: the referrer is told, once per part, and learns nothing after.
    consents = client.get(f"{API}/me/consents", headers=sam.headers).json()["items"]
    outcome = next(c for c in consents if c["part"] == "outcome")
    assert (
        client.post(f"{API}/me/consents/{outcome['id']}/withdraw", headers=sam.headers).status_code
        == 200
    )
    meeting_attended(client, facilitator, group.id, sam, starts_in=20)
    assert deliver(app) == 2
    ended = verified(secret, receiver)[2:]
    assert sorted(p["data"]["part"] for p in ended) == ["attendance", "outcome"]
    assert {p["type"] for p in ended} == {"referral.sharing_ended"}
    assert deliver(app) == 0  # the later meeting told nothing

    seen = client.get(f"{API}/referrals/{referral_id}", headers=service.headers).json()
    assert (seen["state"], seen["attendance_shared_since"]) == ("not_shared", None)
    shared = client.get(f"{API}/referrals/{referral_id}/attendance", headers=service.headers)
    assert shared.json()["items"] == []
    fhir = client.get(f"{API}/referrals/{referral_id}/fhir", headers=service.headers)
    bundle = Bundle.model_validate_json(fhir.content)
    assert [
        entry.resource.get_resource_type() for entry in bundle.entry or [] if entry.resource
    ] == ["ServiceRequest"]


def test_an_answer_not_shared_sends_nothing_but_expired_in_time(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    service = make_client(client, [Scope.referrals_write], name="Riverside Counseling")
    endpoint = register(client, service, receiver.url(), event_types=EVENTS)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    for email in ("joins@example.net", "silent@example.net"):
        response = client.post(
            f"{API}/referrals",
            headers=service.headers,
            json={"group_id": str(group.id), "email": email, "expires_in_days": 1},
        )
        assert response.status_code == 201, response.text
    assert (
        accept(client, make_person(client), link_token(app, "joins@example.net")).status_code == 200
    )
    assert deliver(app) == 0
    # Their time is over (set in the database: the verifier keeps to the real clock).
    with app.state.session_factory.begin() as db:
        db.execute(update(Referral).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with app.state.session_factory.begin() as db:
        assert expire_referrals(db, app.state.settings) == 2
    assert deliver(app) == 2
    assert [p["type"] for p in verified(endpoint["secret"], receiver)] == [
        "referral.expired",
        "referral.expired",
    ]
