"""Settings from the environment (prefix ``CIRCLES_``) and an optional ``.env`` file.

Production refuses to start with an unsafe configuration; development fills in safe local
defaults (a SQLite file and a random JWT key kept under ``./var/``) so that ``make run`` needs
nothing else.
"""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_JWT_SECRET_BYTES = 32
# The placeholder printed in .env.example and the docs; never acceptable in production.
SAMPLE_JWT_SECRET = "change-me-to-a-long-random-value-at-least-32-bytes"  # noqa: S105
JWT_SECRET_FILE = "jwt-secret"  # noqa: S105 (a file name)


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CIRCLES_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    env: Literal["development", "production"] = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    jwt_secret: SecretStr | None = None
    # The id of CIRCLES_JWT_SECRET, written as `kid` into every token it signs. Retired keys stay
    # valid for verification as CIRCLES_JWT_PREVIOUS_KEYS="old-id=old-secret,older-id=...".
    jwt_key_id: str = "main"
    jwt_previous_keys: Annotated[dict[str, SecretStr], NoDecode] = {}
    cors_origins: Annotated[list[str], NoDecode] = []
    # The addresses of the load balancers or proxies in front (CIRCLES_TRUSTED_PROXIES,
    # comma-separated IPs or networks): only their X-Forwarded-For names the client. Unset,
    # nobody's is believed, so no caller can pick the address its sign-ins are counted under.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    log_level: str = "INFO"
    # Links in emails (password reset, calendar feeds) start with this; it is also the web
    # app's origin, the only one its sign-in cookie is refreshed from (accounts/web.py).
    public_url: str = "http://127.0.0.1:8000"
    # Email: without an SMTP host, development writes each email to the log.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Strength Circles <no-reply@strength-circles.invalid>"
    smtp_timeout_seconds: float = 10.0
    # How often the worker delivers the outbox; 0 stops the embedded worker (tests).
    outbox_interval_seconds: float = 5.0
    # Whether a web process runs the worker in a thread. By default only in development, so
    # `make run` stays one command; production runs `circles worker` processes instead, and
    # API processes scale out without each repeating the housekeeping.
    embedded_worker: bool | None = None
    # How many requests of one process work in the database at once (core.db.db_slot); unset,
    # 2 on SQLite and 4 on PostgreSQL (core.db.default_db_concurrency says why).
    db_concurrency: Annotated[int, Field(ge=1, le=20)] | None = None
    # Whether anonymous directory answers are kept per process until the database changes
    # (core/public_cache.py).
    public_cache: bool = True
    # Where the built single-page app lives; the backend serves it at "/".
    frontend_dir: Path = Path(__file__).resolve().parents[2] / "frontend" / "dist"
    # Where `circles seed demo` finds the demo content; unset, the demo/ folder of this
    # checkout. An installed package carries none, so there this (or `--from`) names one.
    demo_dir: Path | None = None
    # Webhook endpoints must be https:// addresses on the public internet, checked when saved
    # and again at each delivery (backend/webhooks/urls.py). On, http:// and private or
    # loopback addresses are allowed too: for development and tests only (a receiver on
    # 127.0.0.1); production refuses to start with it on.
    webhooks_allow_private_urls: bool = False
    # Web push (notifications/push.py). The VAPID key signs every push (an EC P-256 private
    # key, PEM or base64url of its 32 raw bytes); unset, one is derived from the signing key,
    # so a development server needs nothing and a rotated signing key asks browsers to
    # subscribe again. Browsers' push services are the only addresses pushed to: the host
    # suffixes listed here (tests add their receiver on 127.0.0.1, reached over http).
    vapid_private_key: SecretStr | None = None
    push_services: Annotated[list[str], NoDecode] = [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ]

    @field_validator("cors_origins", "trusted_proxies", "push_services", mode="before")
    @classmethod
    def split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("jwt_previous_keys", mode="before")
    @classmethod
    def split_previous_keys(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        keys: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            kid, separator, secret = item.partition("=")
            if not separator or not kid or not secret:
                raise ValueError("CIRCLES_JWT_PREVIOUS_KEYS must look like 'id=secret,id2=secret2'")
            keys[kid.strip()] = secret.strip()
        return keys

    @field_validator("cors_origins")
    @classmethod
    def no_wildcard(cls, origins: list[str]) -> list[str]:
        if "*" in origins:
            raise ValueError("CIRCLES_CORS_ORIGINS must list origins explicitly, not '*'")
        return origins

    @model_validator(mode="after")
    def check_production(self) -> "Settings":
        if self.env != "production":
            return self
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if not secret:
            raise ConfigError(
                "CIRCLES_JWT_SECRET is not set. In production set it to at least "
                f"{MIN_JWT_SECRET_BYTES} random bytes, for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if secret == SAMPLE_JWT_SECRET:
            raise ConfigError(
                "CIRCLES_JWT_SECRET is the sample value from .env.example. "
                "Set it to a new random value of at least 32 bytes."
            )
        if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise ConfigError(
                f"CIRCLES_JWT_SECRET is {len(secret.encode())} bytes long; production needs at "
                f"least {MIN_JWT_SECRET_BYTES}. Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if self.jwt_key_id in self.jwt_previous_keys:
            raise ConfigError(
                f"CIRCLES_JWT_PREVIOUS_KEYS reuses the current key id {self.jwt_key_id!r}; "
                "give the new key (CIRCLES_JWT_KEY_ID) an id of its own."
            )
        if self.webhooks_allow_private_urls:
            raise ConfigError(
                "CIRCLES_WEBHOOKS_ALLOW_PRIVATE_URLS is on. It lets webhooks reach private and "
                "loopback addresses (the service's own network), for development only: unset it "
                "in production."
            )
        if not self.database_url:
            raise ConfigError(
                "CIRCLES_DATABASE_URL is not set. In production point it at PostgreSQL, "
                "e.g. postgresql+psycopg://user:password@host:5432/circles."
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def runs_embedded_worker(self) -> bool:
        if self.outbox_interval_seconds <= 0:
            return False
        return not self.is_production if self.embedded_worker is None else self.embedded_worker

    @property
    def resolved_database_url(self) -> str:
        """The database URL, with the development default and psycopg 3 as PostgreSQL driver."""
        url = self.database_url or f"sqlite:///{self.var_dir / 'circles.db'}"
        for bare in ("postgresql://", "postgres://"):
            if url.startswith(bare):
                return "postgresql+psycopg://" + url.removeprefix(bare)
        return url

    def jwt_secret_value(self) -> str:
        """The JWT signing key; in development one is generated once and kept under var/."""
        if self.jwt_secret is not None and self.jwt_secret.get_secret_value():
            return self.jwt_secret.get_secret_value()
        if self.is_production:  # check_production already refused this; keep it impossible
            raise ConfigError("CIRCLES_JWT_SECRET is required in production.")
        return _development_secret(self.var_dir / JWT_SECRET_FILE)

    def jwt_verification_keys(self) -> dict[str, str]:
        """Every key a token may be signed with, by key id: the current one and retired ones."""
        keys = {kid: secret.get_secret_value() for kid, secret in self.jwt_previous_keys.items()}
        keys[self.jwt_key_id] = self.jwt_secret_value()
        return keys


def _development_secret(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # Created with owner-only permissions; O_EXCL makes two racing processes agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
