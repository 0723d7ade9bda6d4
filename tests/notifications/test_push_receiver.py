"""The push receiver of tests/support can tell a good push from a bad one: it decrypts the
RFC's own example, takes what a correct sender sends, and refuses each way of getting VAPID
or the encryption wrong. Without these, test_push.py's "it arrived" could not fail."""

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPusher, webpush

from tests.support.push_receiver import (
    Device,
    PushReceiver,
    Refused,
    b64url,
    b64url_decode,
    decrypt,
)

SUBJECT = "mailto:push@example.org"


@pytest.fixture
def sender() -> Any:
    return Vapid02(private_key=ec.generate_private_key(ec.SECP256R1()))


def key_of(vapid: Any) -> str:
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


@pytest.fixture
def receiver(sender: Any) -> Iterator[PushReceiver]:
    found = PushReceiver(expected_key=key_of(sender))
    found.start()
    try:
        yield found
    finally:
        found.stop()


def send(device: Device, vapid: Any, data: object, **options: Any) -> int:
    """What a correct application server sends (pywebpush, as the app does)."""
    claims = {"sub": SUBJECT} | options.pop("claims", {})
    response = webpush(
        device.subscription,
        data=json.dumps(data),
        vapid_private_key=vapid,
        vapid_claims=claims,
        ttl=60,
        **options,
    )
    status: int = response.status_code
    return status


def post(device: Device, *, authorization: str, body: bytes, **headers: str) -> int:
    """A request put together by hand, for what pywebpush would not send."""
    sent = {"Authorization": authorization, "Content-Encoding": "aes128gcm", "TTL": "60"}
    sent |= {name.replace("_", "-"): value for name, value in headers.items()}
    return httpx2.post(device.endpoint, content=body, headers=sent, timeout=10).status_code


def encrypted(device: Device, data: object) -> bytes:
    body: bytes = WebPusher(device.subscription).encode(json.dumps(data).encode())["body"]
    return body


def vapid_header(vapid: Any, receiver: PushReceiver, **claims: object) -> str:
    signed = vapid.sign(
        {"sub": SUBJECT, "aud": receiver.origin, "exp": int(time.time()) + 3600} | claims
    )
    header: str = signed["Authorization"]
    return header


def test_the_rfc_8291_example_decrypts_to_its_plaintext() -> None:
    """RFC 8291 appendix A, byte for byte: the decryption is the RFC's, not just pywebpush's."""
    private = ec.derive_private_key(
        int.from_bytes(b64url_decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"), "big"),
        ec.SECP256R1(),
    )
    body = b64url_decode(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWA"
        "mS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSx"
        "sj_Qulcy4a-fN"
    )
    plaintext = decrypt(body, private, b64url_decode("BTBZMqHH6r4Tts7J_aSIgg"))
    assert plaintext == b"When I grow up, I want to be a watermelon"
    with pytest.raises(Refused, match="does not decrypt"):
        decrypt(body[:-1] + bytes([body[-1] ^ 1]), private, b64url_decode("BTBZMqHH6r4Tts7J_aSIgg"))


def test_a_correct_push_is_verified_decrypted_and_answered_as_chosen(
    receiver: PushReceiver, sender: Any
) -> None:
    phone = receiver.device("phone")
    assert send(phone, sender, {"title": "Hello", "body": "Café ☕"}) == 201
    receiver.statuses["phone"] = 410
    with pytest.raises(Exception, match="410"):
        send(phone, sender, {"title": "Again"})
    assert receiver.delivered("phone") == [
        {"title": "Hello", "body": "Café ☕"},
        {"title": "Again"},
    ]
    first = receiver.received[0]
    assert first.claims is not None
    assert first.claims["aud"] == receiver.origin
    assert first.claims["sub"] == SUBJECT
    assert first.headers["ttl"] == "60"
    assert receiver.refusals() == []


def test_another_senders_key_is_refused(receiver: PushReceiver, sender: Any) -> None:
    phone = receiver.device("phone")
    stranger = Vapid02(private_key=ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(Exception, match="403"):
        send(phone, stranger, {"title": "Hello"})
    assert receiver.refusals() == ["phone: k is not the key the subscription was made with"]


def test_a_token_signed_by_another_key_under_ours_is_refused(
    receiver: PushReceiver, sender: Any
) -> None:
    phone = receiver.device("phone")
    stranger = Vapid02(private_key=ec.generate_private_key(ec.SECP256R1()))
    forged = vapid_header(stranger, receiver).replace(key_of(stranger), receiver.expected_key)
    assert post(phone, authorization=forged, body=encrypted(phone, {"title": "Hi"})) == 401
    assert "does not verify" in receiver.refusals()[0]


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"aud": "https://push.example.net"}, "Invalid audience"),
        ({"exp": int(time.time()) - 60}, "Signature has expired"),
        ({"exp": int(time.time()) + 25 * 3600}, "more than 24 hours away"),
        ({"sub": "https://circles.example.org"}, "not a mailto: address"),
    ],
)
def test_bad_claims_are_refused(
    receiver: PushReceiver, sender: Any, claims: dict[str, object], why: str
) -> None:
    phone = receiver.device("phone")
    header = vapid_header(sender, receiver, **claims)
    assert post(phone, authorization=header, body=encrypted(phone, {"title": "Hi"})) == 401
    assert why in receiver.refusals()[0]


def test_no_vapid_header_is_refused(receiver: PushReceiver) -> None:
    phone = receiver.device("phone")
    assert post(phone, authorization="", body=encrypted(phone, {"title": "Hi"})) == 401
    assert "not vapid" in receiver.refusals()[0]


def test_a_message_for_another_browser_does_not_decrypt(
    receiver: PushReceiver, sender: Any
) -> None:
    phone, laptop = receiver.device("phone"), receiver.device("laptop")
    header = vapid_header(sender, receiver)
    assert post(phone, authorization=header, body=encrypted(laptop, {"title": "Hi"})) == 400
    assert "does not decrypt" in receiver.refusals()[0]


def test_the_old_aesgcm_encoding_and_a_missing_ttl_are_refused(
    receiver: PushReceiver, sender: Any
) -> None:
    phone = receiver.device("phone")
    with pytest.raises(Exception, match="400"):
        send(phone, sender, {"title": "Hi"}, content_encoding="aesgcm")
    body = encrypted(phone, {"title": "Hi"})
    assert post(phone, authorization=vapid_header(sender, receiver), body=body, TTL="") == 400
    assert [refusal.split(": ", 1)[1] for refusal in receiver.refusals()] == [
        "Content-Encoding is 'aesgcm'",
        "TTL is '', not a number of seconds",
    ]


def test_a_payload_that_is_not_a_json_object_is_refused(
    receiver: PushReceiver, sender: Any
) -> None:
    phone = receiver.device("phone")
    header = vapid_header(sender, receiver)
    assert post(phone, authorization=header, body=encrypted(phone, ["a", "list"])) == 400
    plain = WebPusher(phone.subscription).encode(b"\xff not text")["body"]
    assert post(phone, authorization=header, body=plain) == 400
    assert len(receiver.refusals()) == 2
    assert receiver.delivered() == []


def test_an_unknown_device_is_not_found(receiver: PushReceiver) -> None:
    receiver.device("phone")
    response = httpx2.post(f"{receiver.origin}/push/nobody", content=b"", timeout=10)
    assert response.status_code == 404
    assert receiver.refusals() == ["nobody: no subscription at /push/nobody"]


def test_b64url_decoding_is_strict() -> None:
    assert b64url_decode(base64.urlsafe_b64encode(b"\x00\xff").decode()) == b"\x00\xff"
    with pytest.raises(ValueError, match="not base64url"):
        b64url_decode("a+b/")
