"""The rules around endpoints: what is kept of secrets, the audit trail, limits, and who is
told when an endpoint is turned off."""

import uuid
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.models import Role, User
from backend.accounts.schemas import Scope
from backend.core.audit import AuditEvent
from backend.core.idempotency import IdempotencyRecord
from backend.notifications.models import OutboxMessage
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.delivery import (
    DISABLE_WHEN_FAILING_FOR,
    KEEP_DELIVERIES_FOR,
    RETRY_SCHEDULE,
    forget_old_deliveries,
)
from backend.webhooks.models import WebhookMessage
from backend.webhooks.service import MAX_ENDPOINTS_PER_CLIENT, emit
from tests.factories import make_user
from tests.support.clock import Clock
from tests.support.problems import assert_problem
from tests.webhooks.conftest import ENDPOINTS, Answer, Receiver, deliver, make_client, register

TURNED_OFF = "A webhook endpoint has been turned off"


def test_a_secret_never_reaches_the_idempotency_store(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    owner = make_client(client, [Scope.sessions_read])
    headers = owner.headers | {"Idempotency-Key": "create-once"}
    body = {"url": receiver.url(), "event_types": ["meeting.moved"]}
    first = client.post(ENDPOINTS, headers=headers, json=body)
    assert first.status_code == 201
    rotated = client.post(
        f"{ENDPOINTS}/{first.json()['id']}/rotate-secret",
        headers=owner.headers | {"Idempotency-Key": "rotate-once"},
    )
    assert rotated.status_code == 200
    with app.state.session_factory() as db:
        kept = db.scalars(select(IdempotencyRecord.response_body)).all()
    assert all(first.json()["secret"] not in (text or "") for text in kept)
    assert all(rotated.json()["secret"] not in (text or "") for text in kept)
    assert kept == []


def test_changes_to_endpoints_are_in_the_audit_trail(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    owner = make_client(client, [Scope.sessions_read])
    endpoint = register(client, owner, receiver.url())
    url = f"{ENDPOINTS}/{endpoint['id']}"
    client.patch(url, headers=owner.headers, json={"description": "Production receiver"})
    client.post(f"{url}/rotate-secret", headers=owner.headers)
    client.delete(url, headers=owner.headers)
    with app.state.session_factory() as db:
        events = db.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id)
            .where(AuditEvent.target_type == "webhook_endpoint")
            .order_by(AuditEvent.occurred_at)
        ).all()
    assert [action for action, _, _ in events] == [
        "webhook_endpoint.created",
        "webhook_endpoint.changed",
        "webhook_secret.rotated",
        "webhook_endpoint.removed",
    ]
    assert {(actor, target) for _, actor, target in events} == {
        (uuid.UUID(owner.id), endpoint["id"])
    }


def test_a_client_has_a_bounded_number_of_endpoints(client: TestClient, receiver: Receiver) -> None:
    owner = make_client(client, [Scope.sessions_read])
    for number in range(MAX_ENDPOINTS_PER_CLIENT):
        register(client, owner, receiver.url(f"/hook/{number}"))
    refused = client.post(
        ENDPOINTS,
        headers=owner.headers,
        json={"url": receiver.url("/one-more"), "event_types": ["meeting.moved"]},
    )
    problem = assert_problem(refused, 409)
    assert "Remove one" in problem["detail"]


def test_unknown_or_repeated_event_types_are_refused(
    client: TestClient, receiver: Receiver
) -> None:
    owner = make_client(client, [Scope.sessions_read])
    for event_types in ([], ["meeting.exploded"], ["meeting.moved", "meeting.moved"]):
        response = client.post(
            ENDPOINTS,
            headers=owner.headers,
            json={"url": receiver.url(), "event_types": event_types},
        )
        assert_problem(response, 422)
    extra = client.post(
        ENDPOINTS,
        headers=owner.headers,
        json={"url": receiver.url(), "event_types": ["meeting.moved"], "secret": "mine"},
    )
    assert_problem(extra, 422)


def test_when_the_clients_creator_cannot_be_told_the_active_admins_are(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    owner = make_client(client, [Scope.sessions_read])
    with app.state.session_factory.begin() as db:
        creator = db.get_one(User, owner.integrator.client.created_by_id)
        creator.is_active = False
    other_admin = make_user(app, role=Role.admin)
    receiver.answer = Answer(status=500)
    register(client, owner, receiver.url())

    def cancelled() -> None:
        with app.state.session_factory.begin() as db:
            emit(db, event_type=WebhookEventType.meeting_cancelled, data={})

    cancelled()
    for wait in RETRY_SCHEDULE:
        deliver(app)
        clock.advance(wait)
    clock.advance(DISABLE_WHEN_FAILING_FOR)
    cancelled()
    deliver(app)
    with app.state.session_factory() as db:
        told = set(
            db.scalars(select(OutboxMessage.user_id).where(OutboxMessage.subject == TURNED_OFF))
        )
        admins = set(
            db.scalars(select(User.id).where(User.role == Role.admin, User.is_active.is_(True)))
        )
        count = db.scalar(select(func.count()).where(OutboxMessage.subject == TURNED_OFF))
    assert other_admin.id in told
    assert creator.id not in told
    assert told == admins
    assert count == len(admins)


def test_old_delivery_logs_are_forgotten_but_not_what_still_waits(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    owner = make_client(client, [Scope.sessions_read])
    endpoint = register(client, owner, receiver.url())
    with app.state.session_factory.begin() as db:
        emit(db, event_type=WebhookEventType.meeting_cancelled, data={})
        emit(db, event_type=WebhookEventType.meeting_cancelled, data={})
    deliver(app)
    [newest, oldest] = client.get(
        f"{ENDPOINTS}/{endpoint['id']}/deliveries", headers=owner.headers
    ).json()["items"]
    clock.advance(KEEP_DELIVERIES_FOR + timedelta(days=1))
    # One is asked for again: it waits, so it stays.
    again = client.post(
        f"{ENDPOINTS}/{endpoint['id']}/deliveries/{oldest['id']}/redeliver", headers=owner.headers
    )
    assert again.status_code == 200
    with app.state.session_factory.begin() as db:
        forget_old_deliveries(db, app.state.settings)
    kept = client.get(f"{ENDPOINTS}/{endpoint['id']}/deliveries", headers=owner.headers)
    assert [item["id"] for item in kept.json()["items"]] == [oldest["id"]]
    with app.state.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(WebhookMessage)) == 1
    assert newest["id"] != oldest["id"]
