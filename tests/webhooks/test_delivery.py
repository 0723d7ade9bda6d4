"""Delivery by the worker to a real receiver on 127.0.0.1, each signature checked with the
independent ``standardwebhooks`` package (never with the project's own signing code)."""

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from backend.accounts.models import ServiceClient
from backend.accounts.schemas import Scope
from backend.core.config import Settings
from backend.notifications.models import OutboxMessage
from backend.webhooks import delivery, urls
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.delivery import DISABLE_WHEN_FAILING_FOR, MAX_ATTEMPTS, RETRY_SCHEDULE
from backend.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from backend.webhooks.service import emit
from tests.conftest import app_settings
from tests.support.clock import Clock
from tests.webhooks.conftest import (
    ENDPOINTS,
    Answer,
    Client,
    Receiver,
    deliver,
    deliveries,
    make_client,
    register,
)


@pytest.fixture
def restore_settings(app: FastAPI) -> Iterator[None]:
    kept = app.state.settings
    yield
    app.state.settings = kept


def strict(app: FastAPI, settings: Settings) -> None:
    """Serve requests as production would (restored after the test)."""
    app.state.settings = settings


def cancelled(app: FastAPI, **data: object) -> int:
    with app.state.session_factory.begin() as db:
        return emit(
            db,
            event_type=WebhookEventType.meeting_cancelled,
            data={"meeting_id": str(uuid.uuid4())} | data,
        )


def verify(secret: str, body: bytes, headers: dict[str, str]) -> object:
    wanted = {
        name: headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    return Webhook(secret).verify(body, wanted)


@pytest.fixture
def owner(client: TestClient) -> Client:
    return make_client(client, [Scope.sessions_read])


# --- signatures -------------------------------------------------------------------------------


def test_a_delivery_arrives_signed_as_standard_webhooks_say(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    endpoint = register(client, owner, receiver.url())
    secret = endpoint["secret"]
    assert secret.startswith("whsec_")
    assert cancelled(app, circle_id="c-1") == 1
    assert deliver(app) == 1
    [got] = receiver.received
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    payload = verify(secret, got.body, got.headers)
    assert isinstance(payload, dict)
    assert payload["type"] == "meeting.cancelled"
    assert payload["data"]["circle_id"] == "c-1"
    assert payload["timestamp"].endswith("Z")
    assert got.headers["webhook-id"].startswith("msg_")
    # A wrong secret does not verify: the check above could fail.
    with pytest.raises(WebhookVerificationError):
        verify("whsec_" + "A" * 43 + "=", got.body, got.headers)
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "delivered"
    assert logged["attempts"] == 1
    assert logged["last_status_code"] == 200
    assert logged["webhook_id"] == got.headers["webhook-id"]
    assert logged["delivered_at"] is not None
    # Delivered once: another round sends nothing.
    assert deliver(app) == 0
    assert len(receiver.received) == 1


def test_the_secret_is_shown_once_and_never_stored(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    endpoint = register(client, owner, receiver.url())
    secret = endpoint["secret"]
    read = client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=owner.headers)
    listed = client.get(ENDPOINTS, headers=owner.headers)
    assert secret not in read.text
    assert secret not in listed.text
    with app.state.session_factory() as db:
        stored = db.get_one(WebhookEndpoint, uuid.UUID(endpoint["id"]))
        row = json.dumps({c.name: str(getattr(stored, c.key)) for c in WebhookEndpoint.__table__.c})
    assert secret not in row
    assert secret.removeprefix("whsec_") not in row


def test_during_a_rotation_both_secrets_verify_and_after_it_only_the_new_one(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, clock: Clock
) -> None:
    # Rotated a day and an hour ago (the clock set back), so the grace period has ended by
    # the second delivery, sent at the real time the verifier checks timestamps against.
    endpoint = register(client, owner, receiver.url())
    old = endpoint["secret"]
    clock.advance(-timedelta(hours=25))
    rotated = client.post(f"{ENDPOINTS}/{endpoint['id']}/rotate-secret", headers=owner.headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != old
    cancelled(app)
    deliver(app)
    clock.advance(timedelta(hours=25))
    first = receiver.received[0]
    # Sent 25 hours ago by the app's clock: checked as of then.
    signatures = first.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "standardwebhooks.webhooks.datetime",
            _frozen_at(int(first.headers["webhook-timestamp"])),
        )
        verify(old, first.body, first.headers)
        verify(new, first.body, first.headers)
    cancelled(app)
    deliver(app)
    second = receiver.received[1]
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    verify(new, second.body, second.headers)
    with pytest.raises(WebhookVerificationError):
        verify(old, second.body, second.headers)


def _frozen_at(timestamp: int) -> type[datetime]:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> "Frozen":
            return cls.fromtimestamp(timestamp, tz=UTC)

    return Frozen


def test_rotating_again_within_the_grace_keeps_the_oldest_secret_signing(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    endpoint = register(client, owner, receiver.url())
    url = f"{ENDPOINTS}/{endpoint['id']}/rotate-secret"
    client.post(url, headers=owner.headers)
    newest = client.post(url, headers=owner.headers).json()["secret"]
    cancelled(app)
    deliver(app)
    [got] = receiver.received
    verify(endpoint["secret"], got.body, got.headers)
    verify(newest, got.body, got.headers)


# --- failures and retries ---------------------------------------------------------------------


def test_a_failing_receiver_is_retried_on_the_schedule_then_given_up(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, clock: Clock
) -> None:
    receiver.answer = Answer(status=500, body=b"database down")
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    for attempt, wait in enumerate(RETRY_SCHEDULE, start=1):
        assert deliver(app) == 0
        [logged] = deliveries(client, owner, endpoint["id"])
        assert logged["status"] == "pending"
        assert logged["attempts"] == attempt
        assert logged["last_status_code"] == 500
        assert "answered 500" in logged["last_error"]
        assert logged["last_response_excerpt"] == "database down"
        due = datetime.fromisoformat(logged["next_attempt_at"])
        assert abs(due - (clock.now() + wait)) < timedelta(seconds=5)
        # Not before it is due.
        deliver(app)
        assert len(receiver.received) == attempt
        clock.advance(wait)
    deliver(app)
    assert len(receiver.received) == MAX_ATTEMPTS == 8
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "failed"
    assert logged["next_attempt_at"] is None
    clock.advance(timedelta(days=1))
    deliver(app)
    assert len(receiver.received) == MAX_ATTEMPTS


def test_a_receiver_that_recovers_gets_the_retry(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, clock: Clock
) -> None:
    receiver.answers = [Answer(status=503)]
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    deliver(app)
    clock.advance(RETRY_SCHEDULE[0])
    assert deliver(app) == 1
    [logged] = deliveries(client, owner, endpoint["id"])
    assert (logged["status"], logged["attempts"]) == ("delivered", 2)
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]


def test_an_endpoint_failing_for_days_is_turned_off_and_its_owner_told(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, clock: Clock
) -> None:
    receiver.answer = Answer(status=500)
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    for wait in RETRY_SCHEDULE:
        deliver(app)
        clock.advance(wait)
    deliver(app)
    # Every attempt failed for a day and more, not yet five: still on.
    assert client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=owner.headers).json()["enabled"]
    clock.advance(DISABLE_WHEN_FAILING_FOR)
    cancelled(app)
    cancelled(app)
    deliver(app)
    read = client.get(f"{ENDPOINTS}/{endpoint['id']}", headers=owner.headers).json()
    assert read["enabled"] is False
    assert read["disabled_because"] == "failing"
    # One attempt turned it off; the delivery waiting beside it was not sent.
    assert len(receiver.received) == MAX_ATTEMPTS + 1
    logged = deliveries(client, owner, endpoint["id"])
    assert [item["status"] for item in logged] == ["failed", "failed", "failed"]
    assert any("turned off" in (item["last_error"] or "") for item in logged)
    # The admin who made the service client is told, in words that say what to do.
    with app.state.session_factory() as db:
        creator_email = db.scalar(
            select(OutboxMessage.to_address).where(
                OutboxMessage.subject == "A webhook endpoint has been turned off"
            )
        )
        count = db.scalar(
            select(func.count()).where(
                OutboxMessage.subject == "A webhook endpoint has been turned off"
            )
        )
        message = db.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == creator_email)
        ).first()
    assert count == 1
    assert message is not None
    assert message.user_id == owner.integrator.client.created_by_id
    assert "Referral desk" in message.body_text
    assert "127.0.0.1" in message.body_text
    assert "/hook" not in message.body_text  # the host, never the path
    assert "enabled: true" in message.body_text
    # Off: nothing is sent, but nothing is lost: what happens is logged as not sent.
    assert cancelled(app) == 1
    assert deliver(app) == 0
    while_off = deliveries(client, owner, endpoint["id"])[0]
    assert while_off["status"] == "failed"
    assert "turned off" in while_off["last_error"]
    # On again: it starts fresh, and what it missed can be sent again.
    receiver.answer = Answer(status=204, body=b"")
    on = client.patch(
        f"{ENDPOINTS}/{endpoint['id']}", headers=owner.headers, json={"enabled": True}
    )
    assert on.json()["enabled"] is True
    assert on.json()["disabled_because"] is None
    assert cancelled(app) == 1
    missed = logged[0]["id"]
    again = client.post(
        f"{ENDPOINTS}/{endpoint['id']}/deliveries/{missed}/redeliver", headers=owner.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "pending"
    assert again.json()["attempts"] == 0
    assert deliver(app) == 2


def test_a_delivery_given_up_is_redelivered_on_request(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, clock: Clock
) -> None:
    receiver.answer = Answer(status=500)
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    for wait in RETRY_SCHEDULE:
        deliver(app)
        clock.advance(wait)
    deliver(app)
    [failed] = deliveries(client, owner, endpoint["id"])
    assert failed["status"] == "failed"
    receiver.answer = Answer(status=200)
    url = f"{ENDPOINTS}/{endpoint['id']}/deliveries/{failed['id']}/redeliver"
    assert client.post(url, headers=owner.headers).status_code == 200
    assert deliver(app) == 1
    [logged] = deliveries(client, owner, endpoint["id"])
    assert (logged["status"], logged["attempts"]) == ("delivered", 1)
    assert receiver.received[-1].headers["webhook-id"] == failed["webhook_id"]


def test_redirects_are_not_followed(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    receiver.answer = Answer(status=302, headers={"Location": receiver.url("/elsewhere")})
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    assert deliver(app) == 0
    assert [got.path for got in receiver.received] == ["/hook"]
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "pending"
    assert logged["last_status_code"] == 302
    assert "redirects are not followed" in logged["last_error"]


def test_a_long_answer_is_read_only_so_far(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    total = 64 * 1024 * 1024
    receiver.answer = Answer(status=200, stream_bytes=total)
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    started = time.monotonic()
    assert deliver(app) == 1
    assert time.monotonic() - started < 5
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["last_response_excerpt"] == "x" * delivery.EXCERPT_CHARACTERS
    # The receiver could not send it all: the worker stopped reading and hung up.
    assert receiver.streamed < total


def test_a_receiver_that_does_not_answer_in_time_is_a_failure(
    client: TestClient,
    app: FastAPI,
    owner: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.3)
    receiver.answer = Answer(delay_seconds=2)
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    assert deliver(app) == 0
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "pending"
    assert "did not answer within 0.3 seconds" in logged["last_error"]


def test_a_receiver_dripping_its_answer_is_cut_off(
    client: TestClient,
    app: FastAPI,
    owner: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(delivery, "MAX_SECONDS", 1.0)
    # It answers 200 at once, then its body a byte every 0.1 s: each read in time, the whole
    # in 100 s. The answer counts (it said 200); the rest is not waited for.
    receiver.answer = Answer(drip_seconds=0.1)
    endpoint = register(client, owner, receiver.url())
    cancelled(app)
    started = time.monotonic()
    assert deliver(app) == 1
    assert time.monotonic() - started < 5
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "delivered"
    assert 0 < len(logged["last_response_excerpt"] or "x") < 100


def test_a_revoked_clients_queued_deliveries_are_not_sent(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    register(client, owner, receiver.url())
    cancelled(app)
    with app.state.session_factory.begin() as db:
        db.get_one(ServiceClient, uuid.UUID(owner.id)).revoked_at = datetime.now(UTC)
    assert deliver(app) == 0
    assert receiver.received == []


# --- the outbox -------------------------------------------------------------------------------


def test_a_rolled_back_change_sends_nothing(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    register(client, owner, receiver.url())

    def change_that_fails() -> None:
        with app.state.session_factory.begin() as db:
            assert emit(db, event_type=WebhookEventType.meeting_cancelled, data={}) == 1
            raise LookupError("the change failed after the event was queued")

    with pytest.raises(LookupError):
        change_that_fails()
    with app.state.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(WebhookMessage)) == 0
        assert db.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert deliver(app) == 0
    assert receiver.received == []


def test_emit_chooses_endpoints_by_event_client_scope_and_state(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    reader = make_client(client, [Scope.sessions_read])
    other = make_client(client, [Scope.resources_read])
    register(client, reader, receiver.url("/a"), ["meeting.cancelled", "meeting.moved"])
    register(client, reader, receiver.url("/b"), ["resource.published"])
    register(client, other, receiver.url("/c"), ["meeting.cancelled"])
    off = register(client, other, receiver.url("/d"), ["meeting.cancelled"])
    client.patch(f"{ENDPOINTS}/{off['id']}", headers=other.headers, json={"enabled": False})

    def queued(**kwargs: object) -> int:
        with app.state.session_factory.begin() as db:
            return emit(db, event_type=WebhookEventType.meeting_cancelled, data={}, **kwargs)  # type: ignore[arg-type]

    # /a, /c and /d (off: its delivery is logged as not sent); /b is not subscribed.
    assert queued() == 3
    assert queued(scope=Scope.sessions_read) == 1
    assert queued(client_ids=[uuid.UUID(other.id)]) == 2
    # Sent: /a, /c, /a, /c; never /d while it is off.
    assert deliver(app) == 4
    assert sorted(got.path for got in receiver.received) == ["/a", "/a", "/c", "/c"]
    assert queued(client_ids=[]) == 0
    assert queued(client_ids=[uuid.UUID(other.id)], scope=Scope.sessions_read) == 0


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_settings")
def test_private_addresses_are_refused_when_saved(
    client: TestClient,
    app: FastAPI,
    owner: Client,
    strict_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strict(app, strict_settings)
    monkeypatch.setattr(urls, "resolve", fake_dns({"rebind.example.org": "10.0.0.7"}))
    refused = [
        "http://hooks.example.org/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fe80::1]/x",
        "https://0.0.0.0/x",
        "https://224.0.0.1/x",
        "https://rebind.example.org/x",
        "https://user:pw@hooks.example.org/x",
    ]
    for url in refused:
        response = client.post(
            ENDPOINTS, headers=owner.headers, json={"url": url, "event_types": ["meeting.moved"]}
        )
        assert response.status_code == 422, url
        [issue] = response.json()["errors"]
        assert issue["loc"] == ["body", "url"]
        assert issue["msg"]
    monkeypatch.setattr(urls, "resolve", fake_dns({"hooks.example.org": "93.184.215.14"}))
    accepted = client.post(
        ENDPOINTS,
        headers=owner.headers,
        json={"url": "https://hooks.example.org/x", "event_types": ["meeting.moved"]},
    )
    assert accepted.status_code == 201, accepted.text


def fake_dns(names: dict[str, str]) -> object:
    import ipaddress

    def resolve(host: str, port: int) -> list[urls.IPAddress]:
        if host == "localhost":
            return [ipaddress.ip_address("127.0.0.1")]
        if host not in names:
            raise OSError("unknown name")
        return [ipaddress.ip_address(names[host])]

    return resolve


def test_an_address_that_became_private_is_refused_at_delivery(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver, strict_settings: Settings
) -> None:
    # Saved while allowed (https, so only the address stands in the way at delivery); sent
    # with the setting off, localhost resolves to 127.0.0.1 and nothing is sent.
    endpoint = register(client, owner, receiver.url(host="localhost", scheme="https"))
    cancelled(app)
    assert deliver(app, strict_settings) == 0
    assert receiver.received == []
    [logged] = deliveries(client, owner, endpoint["id"])
    assert logged["status"] == "pending"
    # Said in words, without the address: the log would tell an integrator what a name
    # resolves to inside the service's network.
    assert "127.0.0.1" not in logged["last_error"]
    assert "public address" in logged["last_error"]


@pytest.mark.usefixtures("restore_settings")
def test_dns_rebinding_after_the_check_reaches_nothing(
    client: TestClient,
    app: FastAPI,
    owner: Client,
    strict_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strict(app, strict_settings)
    monkeypatch.setattr(urls, "resolve", fake_dns({"hooks.example.org": "93.184.215.14"}))
    endpoint = register(client, owner, "https://hooks.example.org/x")
    monkeypatch.setattr(urls, "resolve", fake_dns({"hooks.example.org": "127.0.0.1"}))
    connections: list[object] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    cancelled(app)
    assert deliver(app, strict_settings) == 0
    assert connections == []
    [logged] = deliveries(client, owner, endpoint["id"])
    assert "public address" in logged["last_error"]
    assert "127.0.0.1" not in logged["last_error"]


def test_the_connection_goes_to_the_checked_address_under_the_urls_name(
    client: TestClient,
    app: FastAPI,
    owner: Client,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(urls, "resolve", fake_dns({"hooks.example.test": "127.0.0.1"}))
    register(client, owner, receiver.url(host="hooks.example.test"))
    cancelled(app)
    assert deliver(app) == 1
    assert receiver.received[0].headers["host"] == f"hooks.example.test:{receiver.port}"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.1.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
    ],
)
def test_addresses_that_are_not_public(address: str) -> None:
    import ipaddress

    assert not urls.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14"])
def test_public_addresses(address: str) -> None:
    import ipaddress

    assert urls.is_public(ipaddress.ip_address(address))


def test_production_refuses_to_start_allowing_private_addresses(tmp_path: object) -> None:
    from backend.core.config import ConfigError

    with pytest.raises(ConfigError, match="CIRCLES_WEBHOOKS_ALLOW_PRIVATE_URLS"):
        Settings(
            env="production",
            jwt_secret="a" * 48,
            database_url="postgresql://u:p@db/circles",
            webhooks_allow_private_urls=True,
        )
    assert not app_settings("sqlite://", tmp_path).webhooks_allow_private_urls  # type: ignore[arg-type]


# --- several workers --------------------------------------------------------------------------


@pytest.mark.real_commits  # two workers, each with sessions of its own
def test_two_workers_at_once_deliver_once(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    receiver.answer = Answer(delay_seconds=0.3)
    register(client, owner, receiver.url())
    for _ in range(3):
        cancelled(app)
    start = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        start.wait(timeout=10)
        results.append(deliver(app))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 3
    assert len(receiver.received) == 3
    assert len({got.headers["webhook-id"] for got in receiver.received}) == 3


def test_an_address_a_request_line_cannot_carry_is_refused_and_never_jams_the_round(
    client: TestClient, app: FastAPI, owner: Client, receiver: Receiver
) -> None:
    for url in (receiver.url("/empfänger"), receiver.url("/hook?q=ü"), "http://a..example/x"):
        response = client.post(
            ENDPOINTS,
            headers=owner.headers,
            json={"url": url, "event_types": ["meeting.cancelled"]},
        )
        assert response.status_code == 422, (url, response.text)
    # One saved before these rules (written straight to the database) fails on its own,
    # and the others' deliveries in the same round go out.
    bad = register(client, owner, receiver.url("/first"))
    good = register(client, make_client(client, [Scope.sessions_read]), receiver.url("/second"))
    with app.state.session_factory.begin() as db:
        db.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == uuid.UUID(bad["id"]))
            .values(url=receiver.url("/empfänger"))
        )
    assert cancelled(app) == 2
    assert deliver(app) == 1
    assert [got.path for got in receiver.received] == ["/second"]
    [failed] = deliveries(client, owner, bad["id"])
    assert failed["status"] == "pending"  # retried on its schedule, like any failure
    assert failed["attempts"] == 1
    assert failed["last_error"]
    assert good["id"] != bad["id"]
