"""A web push service and the browsers behind it, on loopback, checking what the app sends
with code of its own: never pywebpush, py_vapid or http_ece, which the app sends with.

For each ``POST /push/<name>`` the receiver

- verifies the VAPID header (RFC 8292): ``Authorization: vapid t=<JWT>, k=<key>``, the JWT
  ES256 and verified by python-jose against ``k``, ``k`` the app's key, ``aud`` this
  receiver's origin, ``exp`` in the future and at most 24 hours away (real time: pywebpush
  sets it from ``time.time()``, whatever the app's clock says), ``sub`` a ``mailto:``;
- decrypts the body as the browser would (RFC 8291 over RFC 8188 ``aes128gcm``) with the
  ``cryptography`` library's ECDH, HKDF and AES-GCM, and parses the JSON inside;
- answers with the status the test chose for that device (201 unless told), or with 401, 403
  or 400 as a push service or browser would when a check fails, recording why.

A device is made with ``device(name)``: a key pair and auth secret as a browser makes them
(``tests.factories.push_keys``) and the subscription the browser would hand the app.
"""

import base64
import json
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jose import JWTError, jwt

from tests.factories import push_keys

# RFC 8292 section 2: "an "exp" (Expiry) claim ... MUST NOT be more than 24 hours from the
# time of the request".
LONGEST_EXPIRY_SECONDS = 24 * 60 * 60
# RFC 8030 section 7.2: a push service must accept 4096 octets of payload; the app must not
# send more.
LARGEST_BODY = 4096
# RFC 8188 section 2.1: the header is salt (16), rs (4), idlen (1), then the key id; RFC 8291
# section 4: the key id is the application server's ephemeral public key, 65 octets.
HEADER = struct.Struct("!16sIB")
POINT_SIZE = 65
TAG_SIZE = 16
# RFC 8188 section 2: the smallest record holds one octet of padding delimiter and the tag.
SMALLEST_RECORD = 18
LAST_RECORD_DELIMITER = 2
GOOD = 201
REDIRECT = 307


def b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Refused(Exception):
    """What a push service or a browser would refuse the message for, and with which status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --- RFC 8291 / RFC 8188: what the browser does with a push message ------------------------


def decrypt(body: bytes, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """The plaintext of a web push message for the browser with ``private_key`` and
    ``auth_secret`` (RFC 8291 section 3, RFC 8188 section 2); raises ``Refused``."""
    if len(body) < HEADER.size:
        raise Refused(400, "the body is shorter than an aes128gcm header")
    salt, record_size, id_length = HEADER.unpack_from(body)
    if id_length != POINT_SIZE:
        raise Refused(400, f"the key id is {id_length} octets, not the 65 of a P-256 key")
    start = HEADER.size + id_length
    sender_point, ciphertext = body[HEADER.size : start], body[start:]
    if record_size < SMALLEST_RECORD:
        raise Refused(400, f"the record size {record_size} is below {SMALLEST_RECORD}")
    # RFC 8291 section 4: "An application server MUST encrypt a push message with a single
    # record."
    if not TAG_SIZE < len(ciphertext) <= record_size:
        raise Refused(400, f"{len(ciphertext)} octets of ciphertext are not one record")
    try:
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_point)
    except ValueError:
        raise Refused(400, "the key id is not a point on P-256") from None
    receiver_point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    shared_secret = private_key.exchange(ec.ECDH(), sender)
    # RFC 8291 section 3.3 and 3.4: the auth secret and both public keys go into the key.
    key_info = b"WebPush: info\x00" + receiver_point + sender_point
    input_key = _hkdf(salt=auth_secret, material=shared_secret, info=key_info, length=32)
    content_key = _hkdf(
        salt=salt, material=input_key, info=b"Content-Encoding: aes128gcm\x00", length=16
    )
    nonce = _hkdf(salt=salt, material=input_key, info=b"Content-Encoding: nonce\x00", length=12)
    # The first record's nonce is the derived one XOR its sequence number, 0.
    try:
        padded = AESGCM(content_key).decrypt(nonce, ciphertext, None)
    except InvalidTag:
        raise Refused(400, "the ciphertext does not decrypt with this browser's keys") from None
    # RFC 8188 section 2: data, a delimiter octet (2 in the last record), then zeros.
    unpadded = padded.rstrip(b"\x00")
    if not unpadded or unpadded[-1] != LAST_RECORD_DELIMITER:
        raise Refused(400, "the record does not end with the last record's delimiter")
    return unpadded[:-1]


def _hkdf(*, salt: bytes, material: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(material)


# --- RFC 8292: what the push service checks of the sender ------------------------------------


def verify_vapid(authorization: str, *, expected_key: str, audience: str) -> dict[str, Any]:
    """The claims of a valid VAPID ``Authorization`` header (RFC 8292 section 3); raises
    ``Refused`` (401 for a bad token, 403 for another sender's key, as section 4.2 says)."""
    found = re.fullmatch(r"vapid\s+(.+)", authorization.strip(), re.IGNORECASE)
    if found is None:
        raise Refused(401, f"the Authorization scheme is not vapid: {authorization[:40]!r}")
    params: dict[str, str] = {}
    for part in found.group(1).split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip().lower()] = value.strip()
    token, key = params.get("t", ""), params.get("k", "")
    if not token or not key:
        raise Refused(401, "the vapid header lacks t= or k=")
    try:
        point = b64url_decode(key)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise Refused(401, "k is not an uncompressed P-256 point in base64url") from None
    if point != b64url_decode(expected_key):
        raise Refused(403, "k is not the key the subscription was made with")
    numbers = public.public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    try:
        if jwt.get_unverified_header(token).get("alg") != "ES256":
            raise Refused(401, "the JWT is not ES256")
        claims: dict[str, Any] = jwt.decode(
            token,
            jwk,
            algorithms=["ES256"],
            audience=audience,
            options={"require_aud": True, "require_exp": True, "require_sub": True},
        )
    except JWTError as exc:
        raise Refused(401, f"the JWT does not verify: {exc}") from None
    # jose checked exp against real time; RFC 8292 also bounds it from above.
    if not isinstance(claims["exp"], int) or claims["exp"] > time.time() + LONGEST_EXPIRY_SECONDS:
        raise Refused(401, f"exp {claims['exp']!r} is more than 24 hours away")
    if not re.fullmatch(r"mailto:[^@\s]+@[^@\s]+", str(claims["sub"])):
        raise Refused(401, f"sub {claims['sub']!r} is not a mailto: address")
    return claims


# --- the receiver ----------------------------------------------------------------------------


@dataclass
class Device:
    """A browser that subscribed: its keys, and the subscription it gives the app."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    keys: dict[str, str]

    @property
    def subscription(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives, for ``POST /me/push-subscriptions``."""
        return {"endpoint": self.endpoint, "keys": self.keys, "expirationTime": None}


@dataclass
class Push:
    """One request to the receiver: what came, what was made of it, what it answered."""

    name: str
    headers: dict[str, str]
    body: bytes
    status: int
    claims: dict[str, Any] | None = None
    plaintext: bytes | None = None
    payload: dict[str, Any] | None = None
    refused: str | None = None


@dataclass
class PushReceiver:
    """A push service on ``host`` (127.0.0.1; a free port) with its browsers; see the
    module's words."""

    expected_key: str = ""
    received: list[Push] = field(default_factory=list)
    devices: dict[str, Device] = field(default_factory=dict)
    # The status each device's push service answers a valid message with (201 when unset).
    statuses: dict[str, int] = field(default_factory=dict)
    # Where a device's push service sends the sender instead (307 with this Location).
    redirects: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(min(length, 1 << 20))
                headers = {k.lower(): v for k, v in self.headers.items()}
                push = receiver._receive(self.path, headers, body)
                with receiver._lock:
                    receiver.received.append(push)
                self.send_response(push.status)
                if push.status == REDIRECT:
                    self.send_header("Location", receiver.redirects[push.name])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def device(self, name: str) -> Device:
        """A new browser subscribed at this push service as ``/push/<name>``."""
        private_key, auth_secret, keys = push_keys()
        found = Device(name, f"{self.origin}/push/{name}", private_key, auth_secret, keys)
        self.devices[name] = found
        return found

    def delivered(self, name: str | None = None) -> list[dict[str, Any]]:
        """The payloads that arrived verified and decrypted (to ``name``'s device)."""
        with self._lock:
            return [
                push.payload
                for push in self.received
                if push.payload is not None and name in (None, push.name)
            ]

    def refusals(self) -> list[str]:
        with self._lock:
            return [f"{push.name}: {push.refused}" for push in self.received if push.refused]

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> Push:
        found = re.fullmatch(r"/push/([\w-]+)", path)
        name = found.group(1) if found else path
        push = Push(name, headers, body, status=GOOD)
        try:
            device = self.devices.get(name)
            if device is None:
                raise Refused(404, f"no subscription at {path}")
            push.claims = verify_vapid(
                headers.get("authorization", ""),
                expected_key=self.expected_key,
                audience=self.origin,
            )
            self._check_headers(headers, body)
            push.plaintext = decrypt(body, device.private_key, device.auth_secret)
            try:
                payload = json.loads(push.plaintext.decode("utf-8"))
            except ValueError:
                raise Refused(400, "the plaintext is not JSON in UTF-8") from None
            if not isinstance(payload, dict):
                raise Refused(400, "the payload is not a JSON object")
            push.payload = payload
        except Refused as refused:
            push.status, push.refused = refused.status, refused.reason
            return push
        push.status = REDIRECT if name in self.redirects else self.statuses.get(name, GOOD)
        return push

    @staticmethod
    def _check_headers(headers: dict[str, str], body: bytes) -> None:
        if headers.get("content-encoding") != "aes128gcm":
            raise Refused(400, f"Content-Encoding is {headers.get('content-encoding')!r}")
        ttl = headers.get("ttl", "")
        if not ttl.isdigit():  # RFC 8030 section 5.2: required, seconds
            raise Refused(400, f"TTL is {ttl!r}, not a number of seconds")
        if len(body) > LARGEST_BODY:
            raise Refused(413, f"{len(body)} octets is more than a push service must take")
