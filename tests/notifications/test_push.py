"""Web push end to end (issue 17): a person turns push on through the API, a notice is
queued by the service code every feature uses, the worker's delivery sends it, and a push
service on loopback (tests/support/push_receiver.py) verifies its VAPID signature and
decrypts it as a browser would, with code independent of what the app sends with."""

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backend.accounts.models import User
from backend.notifications.delivery import CLAIM_TIMEOUT, MAX_ATTEMPTS, retry_wait
from backend.notifications.models import NotificationKind, PushMessage, PushSubscription
from backend.notifications.push import (
    MAX_DEVICES_PER_PERSON,
    PREVIEW_CHARACTERS,
    TIME_TO_LIVE_SECONDS,
    deliver_pushes,
)
from backend.notifications.service import Notice, notify_people
from tests.factories import Person, make_person, push_keys
from tests.support.clock import Clock
from tests.support.problems import assert_no_python_repr, assert_problem
from tests.support.push_receiver import Device, PushReceiver, b64url_decode

KEY = "/api/v1/push/key"
SUBSCRIPTIONS = "/api/v1/me/push-subscriptions"
SETTINGS = "/api/v1/me/notification-settings"

MOVED = Notice(
    kind=NotificationKind.changes,
    subject="A meeting you are going to has moved",
    text="Thursday's meeting now starts at 19:00.\n\nThe rest stays the same.",
    link="/my-meetings",
    see="See your meetings",
)


@pytest.fixture
def receiver(client: TestClient) -> Iterator[PushReceiver]:
    """A push service on 127.0.0.1 that expects the app's VAPID key; every push the app sent
    it must have verified and decrypted (a test that expects a refusal says so)."""
    found = PushReceiver(expected_key=client.get(KEY).json()["public_key"])
    found.start()
    try:
        yield found
    finally:
        found.stop()
    assert found.refusals() == []


@pytest.fixture
def river(client: TestClient) -> Person:
    return make_person(client, display_name="River Stone", email="river.stone@example.org")


def subscribe(client: TestClient, person: Person, device: Device) -> dict[str, Any]:
    response = client.post(SUBSCRIPTIONS, headers=person.headers, json=device.subscription)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def devices(client: TestClient, person: Person) -> list[dict[str, Any]]:
    response = client.get(SUBSCRIPTIONS, headers=person.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def tell(app: FastAPI, people: list[Person], notice: Notice = MOVED) -> None:
    """A notice as every feature sends one: in a transaction, through the service."""
    with app.state.session_factory.begin() as db:
        users = [db.get_one(User, person.user.id) for person in people]
        notify_people(db, app.state.settings, users, notice)


def deliver(app: FastAPI) -> int:
    """One round of the worker's push delivery."""
    return deliver_pushes(app.state.session_factory, app.state.settings)


def messages(app: FastAPI) -> list[PushMessage]:
    with app.state.session_factory() as db:
        return list(db.scalars(select(PushMessage).order_by(PushMessage.created_at)))


def subscription_count(app: FastAPI) -> int:
    with app.state.session_factory() as db:
        return db.scalar(select(func.count()).select_from(PushSubscription)) or 0


def expected_payload(notice: Notice) -> dict[str, str]:
    return {"title": notice.subject, "body": notice.text.split("\n\n")[0], "url": notice.link}


# --- access -----------------------------------------------------------------------------------


def test_push_subscriptions_need_a_signed_in_person(
    client: TestClient, app: FastAPI, receiver: PushReceiver
) -> None:
    phone = receiver.device("phone")
    any_id = "00000000-0000-4000-8000-000000000000"
    for response in (
        client.get(SUBSCRIPTIONS),
        client.post(SUBSCRIPTIONS, json=phone.subscription),
        client.delete(f"{SUBSCRIPTIONS}/{any_id}"),
    ):
        assert_problem(response, 401)
    assert subscription_count(app) == 0


def test_a_person_lists_and_removes_only_their_own_devices(
    client: TestClient, receiver: PushReceiver, river: Person
) -> None:
    maple = make_person(client)
    rivers = subscribe(client, river, receiver.device("rivers-phone"))
    maples = subscribe(client, maple, receiver.device("maples-phone"))
    assert [d["endpoint"] for d in devices(client, river)] == [rivers["endpoint"]]
    assert set(rivers) == {"id", "endpoint", "created_at"}  # never the keys

    theirs = client.delete(f"{SUBSCRIPTIONS}/{maples['id']}", headers=river.headers)
    problem = assert_problem(theirs, 404)
    assert "nothing to turn off" in problem["detail"]
    assert [d["id"] for d in devices(client, maple)] == [maples["id"]]

    mine = client.delete(f"{SUBSCRIPTIONS}/{rivers['id']}", headers=river.headers)
    assert mine.status_code == 204, mine.text
    assert devices(client, river) == []
    assert_problem(client.delete(f"{SUBSCRIPTIONS}/{rivers['id']}", headers=river.headers), 404)


def test_the_push_key_is_public_stable_and_a_p256_point(client: TestClient) -> None:
    first, second = client.get(KEY), client.get(KEY)
    assert first.status_code == second.status_code == 200
    key = first.json()["public_key"]
    assert key == second.json()["public_key"]
    assert "=" not in key  # base64url without padding, as applicationServerKey takes it
    point = b64url_decode(key)
    assert len(point) == 65
    assert point[0] == 4  # uncompressed
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://push.example.net/send/abc",
        "https://fcm.googleapis.com.example.net/send/abc",
        "https://example.net/fcm.googleapis.com/send/abc",
        "https://fcm.googleapis.com@example.net/send/abc",
        "https://someone:secret@fcm.googleapis.com/send/abc",
        "https://notfcm.googleapis.com/send/abc",
        "http://localhost/send/abc",
        "ftp://fcm.googleapis.com/send/abc",
        "not an address",
    ],
)
def test_an_endpoint_off_the_listed_push_services_is_refused(
    client: TestClient, river: Person, endpoint: str
) -> None:
    _, _, keys = push_keys()
    response = client.post(
        SUBSCRIPTIONS, headers=river.headers, json={"endpoint": endpoint, "keys": keys}
    )
    problem = assert_problem(response, 422)
    assert problem["detail"] in (
        "This browser's push service is not one we can send to. Notifications in the app "
        "and by email still work.",
        "A push endpoint must be an https:// address.",
    )
    assert devices(client, river) == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://[fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:99999/fcm/send/abc",
        "https://fcm.googleapis.com:abc/fcm/send/abc",
        "https://fcm.googleapis.com:0/fcm/send/abc",
    ],
)
def test_an_endpoint_a_request_cannot_be_sent_to_is_refused(
    client: TestClient, river: Person, endpoint: str
) -> None:
    """Never a 500 (an unclosed "[" made urlsplit raise), and never saved to fail at every
    delivery (requests refuses a port that is not one: InvalidURL)."""
    _, _, keys = push_keys()
    response = client.post(
        SUBSCRIPTIONS, headers=river.headers, json={"endpoint": endpoint, "keys": keys}
    )
    problem = assert_problem(response, 422)
    assert problem["detail"] == "The push endpoint is not a web address we can send to."
    assert devices(client, river) == []


def test_a_listed_push_service_is_taken_over_https_only(client: TestClient, river: Person) -> None:
    _, _, keys = push_keys()
    plain = client.post(
        SUBSCRIPTIONS,
        headers=river.headers,
        json={"endpoint": "http://fcm.googleapis.com/fcm/send/abc", "keys": keys},
    )
    assert assert_problem(plain, 422)["detail"] == "A push endpoint must be an https:// address."
    secure = client.post(
        SUBSCRIPTIONS,
        headers=river.headers,
        json={"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys},
    )
    assert secure.status_code == 201, secure.text


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _keys_with(**changes: str) -> dict[str, str]:
    _, _, keys = push_keys()
    return keys | changes


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        (_keys_with(p256dh="not base64 at all!"), "p256dh key is not base64url"),
        (_keys_with(auth="***"), "auth key is not base64url"),
        (_keys_with(p256dh="BCVxsr7N_eNgVRqvHtD0"), "p256dh key has the wrong length"),
        (_keys_with(p256dh=_b64(b"\x04" + b"\x01" * 63)), "p256dh key has the wrong length"),
        (_keys_with(auth=_b64(b"\x01" * 15)), "auth key has the wrong length"),
        (_keys_with(auth=_b64(b"\x01" * 17)), "auth key has the wrong length"),
        (_keys_with(p256dh="émoji☕"), "p256dh key is not base64url"),
    ],
)
def test_bad_keys_are_refused(
    client: TestClient, receiver: PushReceiver, river: Person, keys: dict[str, str], words: str
) -> None:
    phone = receiver.device("phone")
    response = client.post(
        SUBSCRIPTIONS, headers=river.headers, json={"endpoint": phone.endpoint, "keys": keys}
    )
    problem = assert_problem(response, 422)
    assert words in problem["detail"]
    assert_no_python_repr(problem["detail"])
    assert devices(client, river) == []


def test_base64_with_characters_outside_the_alphabet_is_refused(
    client: TestClient, receiver: PushReceiver, river: Person
) -> None:
    """A lenient decoder skips what is not base64, so a key with junk in it would pass its
    length check and be stored as given."""
    phone = receiver.device("phone")
    keys = phone.keys | {"p256dh": phone.keys["p256dh"][:20] + "!*" + phone.keys["p256dh"][20:]}
    response = client.post(
        SUBSCRIPTIONS, headers=river.headers, json={"endpoint": phone.endpoint, "keys": keys}
    )
    assert "p256dh key is not base64url" in assert_problem(response, 422)["detail"]


def test_a_p256dh_that_is_not_a_point_on_the_curve_is_refused(
    client: TestClient, receiver: PushReceiver, river: Person
) -> None:
    """Sixty-five octets that no browser makes: encrypting for it fails on every attempt, so
    the subscription would take a day of retries to fail instead of a clear answer now."""
    phone = receiver.device("phone")
    for point in (b"\x04" + b"\x00" * 64, b"\x04" + b"\x01" * 64, b"\x05" + b"\x01" * 64):
        keys = phone.keys | {"p256dh": _b64(point)}
        response = client.post(
            SUBSCRIPTIONS, headers=river.headers, json={"endpoint": phone.endpoint, "keys": keys}
        )
        assert "p256dh" in assert_problem(response, 422)["detail"]
    assert devices(client, river) == []


def test_an_eleventh_device_is_refused_with_what_to_do(
    client: TestClient, receiver: PushReceiver, river: Person
) -> None:
    phones = [receiver.device(f"phone-{n}") for n in range(MAX_DEVICES_PER_PERSON + 1)]
    made = [subscribe(client, river, phone) for phone in phones[:MAX_DEVICES_PER_PERSON]]
    response = client.post(SUBSCRIPTIONS, headers=river.headers, json=phones[-1].subscription)
    problem = assert_problem(response, 422)
    assert problem["detail"] == (
        "Push is on for 10 devices already. Turn it off on one you no longer use, then try again."
    )
    assert len(devices(client, river)) == MAX_DEVICES_PER_PERSON
    # One already on may subscribe again; one turned off makes room.
    assert subscribe(client, river, phones[0])["id"] == made[0]["id"]
    client.delete(f"{SUBSCRIPTIONS}/{made[1]['id']}", headers=river.headers)
    subscribe(client, river, phones[-1])
    assert len(devices(client, river)) == MAX_DEVICES_PER_PERSON


def test_subscribing_the_same_endpoint_again_updates_it(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    first = subscribe(client, river, receiver.device("phone"))
    # The browser made new keys for the same endpoint: the old ones must be forgotten.
    renewed = receiver.device("phone")
    again = subscribe(client, river, renewed)
    assert again["id"] == first["id"]
    assert [d["id"] for d in devices(client, river)] == [first["id"]]
    assert subscription_count(app) == 1
    tell(app, [river])
    assert deliver(app) == 1
    assert receiver.delivered("phone") == [expected_payload(MOVED)]  # decrypted with new keys


def test_an_endpoint_subscribed_by_someone_else_moves_to_them(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    """A shared computer's browser: whoever turned push on last gets its messages, and only
    theirs: what waited for the one before is not shown to the next."""
    maple = make_person(client)
    phone = receiver.device("shared")
    subscribe(client, river, phone)
    tell(app, [river], replace(MOVED, subject="For River"))
    moved = subscribe(client, maple, phone)
    assert devices(client, river) == []
    assert [d["id"] for d in devices(client, maple)] == [moved["id"]]
    tell(app, [river])
    tell(app, [maple], replace(MOVED, subject="For Maple"))
    assert deliver(app) == 1
    assert [p["title"] for p in receiver.delivered("shared")] == ["For Maple"]


def test_subscribing_again_keeps_what_waits_for_the_same_person(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    subscribe(client, river, receiver.device("phone"))
    tell(app, [river])
    subscribe(client, river, receiver.device("phone"))  # new keys, same person
    assert deliver(app) == 1
    assert receiver.delivered("phone") == [expected_payload(MOVED)]


# --- delivery ---------------------------------------------------------------------------------


def test_a_notice_arrives_signed_and_encrypted_for_the_device(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    subscribe(client, river, receiver.device("phone"))
    tell(app, [river])
    assert deliver(app) == 1
    [push] = receiver.received
    assert push.payload == expected_payload(MOVED)
    assert push.status == 201
    assert push.headers["ttl"] == str(TIME_TO_LIVE_SECONDS)
    assert push.claims is not None
    assert push.claims["aud"] == receiver.origin
    [message] = messages(app)
    assert message.sent_at is not None
    assert message.attempts == 1
    # Sent once: another round sends nothing.
    assert deliver(app) == 0
    assert len(receiver.received) == 1


def test_each_device_gets_its_own_copy_and_nobody_else_gets_one(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    maple = make_person(client)
    subscribe(client, river, receiver.device("phone"))
    subscribe(client, river, receiver.device("laptop"))
    subscribe(client, maple, receiver.device("maples-phone"))
    tell(app, [river])
    assert deliver(app) == 2
    assert receiver.delivered("phone") == receiver.delivered("laptop") == [expected_payload(MOVED)]
    assert receiver.delivered("maples-phone") == []
    phone, laptop = receiver.received
    assert phone.body != laptop.body  # encrypted for each browser's keys


def test_a_long_text_arrives_as_its_first_lines_and_words_outside_ascii_survive(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    subscribe(client, river, receiver.device("phone"))
    long_first = " ".join(["Zoë\u2019s café meeting \u2014 moved"] * 30)
    notice = Notice(
        kind=NotificationKind.changes,
        subject="Ein Treffen wurde verschoben \u2013 café ☕",
        text=long_first + "\n\nMore words below.",
        link="/my-meetings",
        see="See your meetings",
    )
    tell(app, [river], notice)
    assert deliver(app) == 1
    [payload] = receiver.delivered("phone")
    assert payload["title"] == notice.subject
    assert len(payload["body"]) <= PREVIEW_CHARACTERS
    assert payload["body"].endswith("\u2026")
    assert long_first.startswith(payload["body"][:-1])
    assert "More words" not in payload["body"]


def test_the_payload_holds_nothing_the_notice_did_not(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    subscribe(client, river, receiver.device("phone"))
    tell(app, [river])
    deliver(app)
    [push] = receiver.received
    assert push.plaintext is not None
    assert json.loads(push.plaintext) == expected_payload(MOVED)
    seen = push.plaintext.decode() + json.dumps(push.headers) + json.dumps(push.claims)
    for private in (river.email, "river.stone", "River Stone", str(river.user.id)):
        assert private not in seen
    assert river.user.id.hex not in seen


def test_push_switched_off_for_a_kind_sends_nothing_of_that_kind(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    subscribe(client, river, receiver.device("phone"))
    off = client.patch(
        SETTINGS, headers=river.headers, json={"channels": {"changes": {"push": False}}}
    )
    assert off.status_code == 200, off.text
    tell(app, [river])
    assert messages(app) == []
    assert deliver(app) == 0
    # Other kinds still go, and the notice itself is in the notification centre.
    tell(app, [river], replace(MOVED, kind=NotificationKind.mentoring))
    assert deliver(app) == 1
    assert len(receiver.delivered("phone")) == 1
    centre = client.get("/api/v1/me/notifications", headers=river.headers).json()
    assert [item["kind"] for item in centre["items"]] == ["mentoring", "changes"]


def test_security_notices_are_never_pushed(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    """A lock screen is no place for "your password was changed"; email carries those."""
    subscribe(client, river, receiver.device("phone"))
    tell(app, [river], replace(MOVED, kind=NotificationKind.security))
    assert messages(app) == []
    assert deliver(app) == 0


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_removed_with_its_messages(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person, status: int
) -> None:
    gone = subscribe(client, river, receiver.device("old-phone"))
    kept = subscribe(client, river, receiver.device("new-phone"))
    receiver.statuses["old-phone"] = status
    tell(app, [river])
    tell(app, [river], replace(MOVED, subject="Second"))
    assert len(messages(app)) == 4
    assert deliver(app) == 2  # the new phone's two
    assert [d["id"] for d in devices(client, river)] == [kept["id"]]
    assert {m.subscription_id for m in messages(app)} == {uuid.UUID(kept["id"])}
    # The old phone was asked once; its second message went with it, unsent.
    assert [p.name for p in receiver.received].count("old-phone") == 1
    assert gone["id"] not in {d["id"] for d in devices(client, river)}


def test_a_failing_push_service_is_retried_later_then_given_up_on(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person, clock: Clock
) -> None:
    subscribe(client, river, receiver.device("phone"))
    receiver.statuses["phone"] = 500
    tell(app, [river])

    def asked() -> int:
        return len(receiver.received)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = clock.now()
        assert deliver(app) == 0
        assert asked() == attempt
        [message] = messages(app)
        assert message.attempts == attempt
        assert message.last_error is not None
        assert "500" in message.last_error
        assert message.sent_at is None
        assert message.claimed_at is None
        if attempt == MAX_ATTEMPTS:
            break
        assert message.failed_at is None
        assert message.next_attempt_at is not None
        wait = retry_wait(attempt)
        assert before + wait <= message.next_attempt_at <= clock.now() + wait
        # Not before it is due...
        clock.advance(wait - timedelta(seconds=2))
        assert deliver(app) == 0
        assert asked() == attempt
        # ...and again once it is.
        clock.advance(timedelta(seconds=3))

    [message] = messages(app)
    assert message.failed_at is not None
    # Kept, with its error, and never tried again.
    clock.advance(timedelta(days=30))
    receiver.statuses["phone"] = 201
    assert deliver(app) == 0
    assert asked() == MAX_ATTEMPTS
    assert subscription_count(app) == 1
    # Every one of those attempts was a valid push: signed, encrypted, and the same payload.
    assert receiver.delivered("phone") == [expected_payload(MOVED)] * MAX_ATTEMPTS


def test_a_push_service_that_recovers_gets_the_message_once(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person, clock: Clock
) -> None:
    subscribe(client, river, receiver.device("phone"))
    receiver.statuses["phone"] = 503
    tell(app, [river])
    assert deliver(app) == 0
    receiver.statuses["phone"] = 201
    clock.advance(retry_wait(1) + timedelta(seconds=1))
    assert deliver(app) == 1
    [message] = messages(app)
    assert message.sent_at is not None
    assert message.attempts == 2
    clock.advance(timedelta(days=1))
    assert deliver(app) == 0
    assert [p.status for p in receiver.received] == [503, 201]


def test_a_device_turned_off_gets_nothing_more(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    """Turning push off takes the messages still waiting for that device along."""
    phone = subscribe(client, river, receiver.device("phone"))
    laptop = subscribe(client, river, receiver.device("laptop"))
    tell(app, [river])
    removed = client.delete(f"{SUBSCRIPTIONS}/{phone['id']}", headers=river.headers)
    assert removed.status_code == 204, removed.text
    assert {m.subscription_id for m in messages(app)} == {uuid.UUID(laptop["id"])}
    assert deliver(app) == 1
    assert [p.name for p in receiver.received] == ["laptop"]


def test_a_redirect_from_a_push_service_is_not_followed(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person
) -> None:
    """A push service answers for itself (RFC 8030: 201 Created). Following a redirect would
    send the request to a host the endpoint check never allowed, and count that host's
    answer as delivered."""
    elsewhere = PushReceiver(expected_key=receiver.expected_key, host="127.0.0.2")
    elsewhere.start()
    try:
        trap = elsewhere.device("trap")
        subscribe(client, river, receiver.device("phone"))
        receiver.redirects["phone"] = trap.endpoint
        tell(app, [river])
        assert deliver(app) == 0
        assert elsewhere.received == []
    finally:
        elsewhere.stop()
    assert [p.status for p in receiver.received] == [307]
    [message] = messages(app)
    assert message.sent_at is None
    assert message.last_error is not None
    assert "redirects" in message.last_error
    assert message.next_attempt_at is not None


def test_a_message_claimed_by_a_worker_that_died_is_sent_after_the_claim_times_out(
    client: TestClient, app: FastAPI, receiver: PushReceiver, river: Person, clock: Clock
) -> None:
    subscribe(client, river, receiver.device("phone"))
    tell(app, [river])
    with app.state.session_factory.begin() as db:
        # What a worker leaves when it dies between its claim and the send.
        db.execute(update(PushMessage).values(claimed_at=clock.now(), attempts=1))
    assert deliver(app) == 0
    clock.advance(CLAIM_TIMEOUT - timedelta(seconds=5))
    assert deliver(app) == 0
    assert receiver.received == []
    clock.advance(timedelta(seconds=10))
    assert deliver(app) == 1
    assert receiver.delivered("phone") == [expected_payload(MOVED)]
    [message] = messages(app)
    assert message.attempts == 2
    assert message.sent_at is not None
