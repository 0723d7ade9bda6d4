"""Webhook secrets and signatures, as the Standard Webhooks specification defines them.

A secret is ``whsec_`` and the base64 of 32 bytes: HMAC-SHA256 of the endpoint's random seed
under a key derived from the server's signing key for this one purpose
(``core.security.keyed_digest``, as TOTP secrets are). Only the seed and the key's id are
stored, so the secret is known to whoever holds the server key and to the integrator, shown
once, and never to the database, its backups or exports. The signing key must stay listed (as
current, or in CIRCLES_JWT_PREVIOUS_KEYS) while endpoints made under it are in use; once it is
gone their deliveries fail until the client rotates the secret.

A signature is ``v1,`` and the base64 of HMAC-SHA256 of ``{webhook-id}.{timestamp}.{body}``
under the secret's bytes; during a rotation's grace period both secrets sign, their
signatures separated by a space.
"""

import base64
import hashlib
import hmac
import secrets

from backend.core.config import Settings
from backend.core.security import keyed_digest

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix)
SECRET_PURPOSE = "webhook-secret"  # noqa: S105 (a name, not a secret)
SECRET_BYTES = 32
SEED_BYTES = 32


def new_seed() -> str:
    return secrets.token_urlsafe(SEED_BYTES)


def secret_of(settings: Settings, seed: str, key_id: str) -> str | None:
    """The endpoint's secret, or None once the key it was made with is no longer configured."""
    try:
        digest = keyed_digest(settings, purpose=SECRET_PURPOSE, message=seed, key_id=key_id)
    except KeyError:
        return None
    return SECRET_PREFIX + base64.b64encode(digest[:SECRET_BYTES]).decode()


def signature(secret: str, *, webhook_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(
    secrets_in_use: list[str], *, webhook_id: str, timestamp: int, body: str
) -> str:
    return " ".join(
        signature(secret, webhook_id=webhook_id, timestamp=timestamp, body=body)
        for secret in secrets_in_use
    )
