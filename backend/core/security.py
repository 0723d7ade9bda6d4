"""Tokens and passwords. The only module that imports jose (RFC 8725 practice in one place).

Every token is HS256 with a ``kid`` naming its key, and must carry ``exp``, ``iat``, ``nbf``,
``sub``, ``aud``, ``iss``, ``jti`` and our ``typ`` claim; access and refresh tokens are never
accepted for each other.
"""

import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from jose import JWTError, jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from backend.core.config import Settings

ALGORITHM = "HS256"
ISSUER = "strength-circles"
AUDIENCE = "strength-circles-api"
ACCESS_TOKEN_TTL = timedelta(minutes=15)
CLIENT_TOKEN_TTL = timedelta(minutes=15)
REFRESH_TOKEN_TTL = timedelta(days=30)
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "sub", "aud", "iss", "jti", "typ")

TokenType = Literal["access", "refresh"]


class InvalidToken(Exception):
    """The token cannot be trusted; the reason is for logs, never for the response."""


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    token_type: TokenType
    token_id: str
    issued_at: datetime
    expires_at: datetime
    version: int | None = None
    session_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)


def _now() -> datetime:
    return datetime.now(UTC)


def issue_token(
    settings: Settings,
    *,
    subject: str,
    token_type: TokenType,
    ttl: timedelta,
    version: int | None = None,
    session_id: str | None = None,
    scopes: frozenset[str] = frozenset(),
    token_id: str | None = None,
) -> tuple[str, TokenClaims]:
    """A signed token and the claims it carries."""
    issued_at = _now().replace(microsecond=0)
    claims = TokenClaims(
        subject=subject,
        token_type=token_type,
        token_id=token_id or uuid.uuid4().hex,
        issued_at=issued_at,
        expires_at=issued_at + ttl,
        version=version,
        session_id=session_id,
        scopes=scopes,
    )
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "typ": token_type,
        "jti": claims.token_id,
        "iat": int(issued_at.timestamp()),
        "nbf": int(issued_at.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
    }
    if version is not None:
        payload["ver"] = version
    if session_id is not None:
        payload["sid"] = session_id
    if scopes:
        payload["scope"] = " ".join(sorted(scopes))
    token = jwt.encode(
        payload,
        settings.jwt_secret_value(),
        algorithm=ALGORITHM,
        headers={"kid": settings.jwt_key_id},
    )
    return token, claims


def decode_token(settings: Settings, token: str, *, expected_type: TokenType) -> TokenClaims:
    """Verify signature, algorithm, key id, issuer, audience, times and type, or raise."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise InvalidToken("malformed header") from exc
    # Checked here as well as by jose: "alg" must be exactly ours, whatever its case.
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected algorithm")
    key = settings.jwt_verification_keys().get(str(header.get("kid")))
    if key is None:
        raise InvalidToken("unknown key id")
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require_exp": True,
                "require_iat": True,
                "require_nbf": True,
                "require_sub": True,
                "require_aud": True,
                "require_iss": True,
                "require_jti": True,
                "leeway": 0,
            },
        )
    except JWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in payload]
    if missing:
        raise InvalidToken(f"missing claims {missing}")
    if payload["typ"] != expected_type:
        raise InvalidToken("wrong token type")
    version = payload.get("ver")
    if version is not None and not isinstance(version, int):
        raise InvalidToken("malformed version")
    scope = payload.get("scope", "")
    if not isinstance(scope, str):
        raise InvalidToken("malformed scope")
    return TokenClaims(
        subject=str(payload["sub"]),
        token_type=expected_type,
        token_id=str(payload["jti"]),
        issued_at=datetime.fromtimestamp(int(payload["iat"]), UTC),
        expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
        version=version,
        session_id=payload.get("sid"),
        scopes=frozenset(scope.split()),
    )


# Passwords: argon2id at OWASP's minimum (19 MiB, t=2, p=1). A verify against a stored hash with
# other parameters succeeds and returns a new hash, so hashes follow the parameters over time.
PASSWORD_HASHER = Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_password_hash = PasswordHash((PASSWORD_HASHER,))
# Each hash takes 19 MiB; a flood of logins must not take the memory with it.
MAX_CONCURRENT_HASHES = 4
_hashing_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)
# Verified when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


@contextmanager
def use_password_hasher(hasher: Argon2Hasher) -> Iterator[None]:
    """Hash and verify with ``hasher`` inside the block; the previous hasher after.

    For the test suite only, which makes thousands of people: at OWASP's cost each of them
    would take tens of milliseconds. Production never calls this. The dummy hash follows the
    hasher, so an unknown email still costs what a wrong password costs.
    """
    global _password_hash, _DUMMY_HASH
    previous = _password_hash, _DUMMY_HASH
    _password_hash = PasswordHash((hasher,))
    _DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))
    try:
        yield
    finally:
        _password_hash, _DUMMY_HASH = previous


@contextmanager
def _hashing_slot() -> Iterator[None]:
    with _hashing_slots:
        yield


def hash_password(password: str) -> str:
    with _hashing_slot():
        return _password_hash.hash(password)


def verify_password(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """Whether ``password`` matches, and a new hash to store when the parameters changed.
    With no stored hash (unknown account) a dummy hash is verified, taking the same time."""
    with _hashing_slot():
        if stored_hash is None:
            _password_hash.verify(password, _DUMMY_HASH)
            return False, None
        return _password_hash.verify_and_update(password, stored_hash)


def new_secret(nbytes: int = 32) -> str:
    """A random, URL-safe secret for one-time links and client secrets."""
    return secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """Digest for high-entropy secrets (refresh tokens, reset tokens, client secrets): they
    cannot be guessed, so a fast hash is enough and lookups stay cheap."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_match(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_digest)


def keyed_digest(
    settings: Settings, *, purpose: str, message: str, key_id: str | None = None
) -> bytes:
    """HMAC-SHA256 of ``message`` under a key derived from the signing key for one ``purpose``
    (calendar feed URLs, check-in codes, TOTP secrets), so values made for one use are useless
    for another. Rotating the signing key changes them too: members then fetch a new feed URL.
    With ``key_id``, the key of that id (the current one or a retired one still listed in
    CIRCLES_JWT_PREVIOUS_KEYS); KeyError when no key has that id any more."""
    signing_key = (
        settings.jwt_secret_value() if key_id is None else settings.jwt_verification_keys()[key_id]
    )
    key = hmac.new(signing_key.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).digest()
