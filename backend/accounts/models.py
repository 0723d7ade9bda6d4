"""People, their sign-in sessions, one-time reset and email confirmation tokens, and integrator
service clients."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, Timestamps, UUIDPrimaryKey, string_enum, utcnow


class Role(StrEnum):
    member = "member"
    facilitator = "facilitator"
    admin = "admin"


class AttendancePrivacy(StrEnum):
    named = "named"
    anonymous = "anonymous"


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(40))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[Role] = mapped_column(string_enum(Role), default=Role.member)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped to end every token at once: logout everywhere, password change, deactivation,
    # role change.
    token_version: Mapped[int] = mapped_column(default=0)
    attendance_privacy: Mapped[AttendancePrivacy] = mapped_column(
        string_enum(AttendancePrivacy), default=AttendancePrivacy.named
    )
    calendar_shows_group_names: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]
    # None until the person opens the link emailed at sign-up (or resets the password by
    # email); until then the account cannot sign in.
    email_confirmed_at: Mapped[datetime | None]
    # Set by moderation: until then the person cannot sign in (their tokens ended when it
    # was set); nothing else changes, and it lapses by itself.
    suspended_until: Mapped[datetime | None]
    # Two-step sign-in (accounts/two_factor.py). The TOTP secret itself is never stored: it
    # is derived from this random seed and the signing key named by totp_key_id, so a copy
    # of the database alone does not give it away. A seed without totp_enabled_at is an
    # enrolment waiting for its first code.
    totp_seed: Mapped[str | None] = mapped_column(String(64))
    totp_key_id: Mapped[str | None] = mapped_column(String(100))
    totp_enabled_at: Mapped[datetime | None]
    # The newest 30-second time step whose code was accepted: that step and every earlier
    # one are refused afterwards, so a code works once.
    totp_last_step: Mapped[int | None]

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None


class AuthSession(UUIDPrimaryKey, Base):
    """One sign-in: the family of rotating refresh tokens, named by ``sid`` in access tokens."""

    __tablename__ = "auth_session"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class RefreshToken(Base):
    __tablename__ = "refresh_token"

    # The token's jti; the token itself is kept only as a digest.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_session.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PasswordResetToken(UUIDPrimaryKey, Base):
    __tablename__ = "password_reset_token"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class EmailConfirmationToken(UUIDPrimaryKey, Base):
    """The secret of a sign-up's confirmation link, kept only as a digest. Signing up again with
    the same unconfirmed address deletes the earlier ones, so only the newest link works."""

    __tablename__ = "email_confirmation_token"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RecoveryCode(UUIDPrimaryKey, Base):
    """One of the codes that stand in for an authenticator app once each. Kept only as a
    digest (see two_factor.recovery_digest)."""

    __tablename__ = "recovery_code"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class SignInChallenge(UUIDPrimaryKey, Base):
    """The first step of a sign-in to an account with two-step sign-in on: whether the
    password was right is kept here, server-side, and said only to whoever then gives a
    valid code. The caller holds the random token, stored only as a digest."""

    __tablename__ = "sign_in_challenge"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    password_ok: Mapped[bool]
    # The password's hash under new parameters, when the right password was hashed with old
    # ones: stored on the account only once the second step succeeds.
    new_password_hash: Mapped[str | None] = mapped_column(String(255))
    # Where the first step came from: its failed-sign-in counters are settled on success.
    client_address: Mapped[str] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class ServiceClient(UUIDPrimaryKey, Timestamps, Base):
    """A counseling-service system that calls the API with client credentials."""

    __tablename__ = "service_client"

    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
