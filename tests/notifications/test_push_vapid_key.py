"""A VAPID key given in CIRCLES_VAPID_PRIVATE_KEY is the one browsers subscribe with and the
one every push is signed with, checked by the loopback push service; given as PEM or as
base64url of its raw 32 octets, it is the same key; unset, the key follows the signing key."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from backend.accounts.models import User
from backend.core.config import Settings
from backend.notifications.models import NotificationKind
from backend.notifications.push import deliver_pushes, public_key
from backend.notifications.service import Notice, notify_people
from tests.conftest import DatabaseUnderTest, app_settings
from tests.factories import make_person
from tests.support.push_receiver import PushReceiver, b64url

# Made once for the module: the app of these settings is shared by its tests.
CONFIGURED = ec.generate_private_key(ec.SECP256R1())
CONFIGURED_POINT = b64url(
    CONFIGURED.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
)
PEM = CONFIGURED.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
RAW = b64url(CONFIGURED.private_numbers().private_value.to_bytes(32, "big"))


@pytest.fixture
def settings(database: DatabaseUnderTest, app_folder: Path) -> Settings:
    return app_settings(database.url, app_folder).model_copy(
        update={"vapid_private_key": SecretStr(PEM)}
    )


@pytest.fixture
def receiver(client: TestClient) -> Iterator[PushReceiver]:
    found = PushReceiver(expected_key=client.get("/api/v1/push/key").json()["public_key"])
    found.start()
    try:
        yield found
    finally:
        found.stop()
    assert found.refusals() == []


def test_a_configured_key_is_subscribed_with_and_signs_every_push(
    client: TestClient, app: FastAPI, receiver: PushReceiver
) -> None:
    assert receiver.expected_key == CONFIGURED_POINT
    person = make_person(client)
    phone = receiver.device("phone")
    response = client.post(
        "/api/v1/me/push-subscriptions", headers=person.headers, json=phone.subscription
    )
    assert response.status_code == 201, response.text
    notice = Notice(
        kind=NotificationKind.changes,
        subject="Your place is confirmed",
        text="A place opened up and it is yours.",
        link="/my-meetings",
        see="See your meetings",
    )
    with app.state.session_factory.begin() as db:
        notify_people(db, app.state.settings, [db.get_one(User, person.user.id)], notice)
    assert deliver_pushes(app.state.session_factory, app.state.settings) == 1
    [push] = receiver.received
    assert push.headers["authorization"].endswith(f"k={CONFIGURED_POINT}")
    assert push.payload == {"title": notice.subject, "body": notice.text, "url": "/my-meetings"}


def test_the_key_as_raw_base64url_is_the_same_key(settings: Settings) -> None:
    raw = settings.model_copy(update={"vapid_private_key": SecretStr(RAW)})
    assert public_key(raw) == public_key(settings) == CONFIGURED_POINT


def test_unset_the_key_follows_the_signing_key(settings: Settings) -> None:
    derived = settings.model_copy(update={"vapid_private_key": None})
    rotated = derived.model_copy(update={"jwt_secret": SecretStr("another-secret-" + "z" * 40)})
    assert public_key(derived) == public_key(derived.model_copy())
    assert len({public_key(derived), public_key(rotated), CONFIGURED_POINT}) == 3


@pytest.mark.parametrize(
    ("configured", "why"),
    [
        # One octet would be read as the private scalar 5: a key anyone can guess.
        (b64url(b"\x05"), "32 octets"),
        (b64url(b"\x01" * 31), "32 octets"),
        (b64url(b"\x04" + b"\x01" * 64), "32 octets"),  # a public key given by mistake
        (
            ec.generate_private_key(ec.SECP384R1())
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode(),
            "P-256",
        ),
    ],
)
def test_a_key_that_is_not_a_p256_private_key_is_refused(
    settings: Settings, configured: str, why: str
) -> None:
    """VAPID is ES256 (RFC 8292 section 3.1): another curve signs what no push service
    verifies, and a short raw key is a weak one."""
    wrong = settings.model_copy(update={"vapid_private_key": SecretStr(configured)})
    with pytest.raises(ValueError, match=f"CIRCLES_VAPID_PRIVATE_KEY.*{why}"):
        public_key(wrong)
