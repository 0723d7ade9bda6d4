"""Request and response shapes of accounts and auth. Requests forbid unknown fields."""

import re
import uuid
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    EmailStr,
    Field,
    StringConstraints,
)

from backend.accounts.models import AttendancePrivacy, Role
from backend.core.vocabulary import LanguageCode, StrictModel, Timezone

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256


class Scope(StrEnum):
    groups_read = "groups:read"
    sessions_read = "sessions:read"
    attendance_read = "attendance:read"
    attendance_write = "attendance:write"
    referrals_write = "referrals:write"
    resources_read = "resources:read"
    resources_write = "resources:write"


SCOPE_DESCRIPTIONS = {
    Scope.groups_read: "Read the group directory and group details.",
    Scope.sessions_read: "Read group sessions and schedules.",
    Scope.attendance_read: "Read attendance records and reports.",
    Scope.attendance_write: "Record attendance.",
    Scope.referrals_write: "Refer people to groups.",
    Scope.resources_read: "Read the resource library.",
    Scope.resources_write: "Create and edit library resources.",
}


@lru_cache
def common_passwords() -> frozenset[str]:
    text = (resources.files("backend.accounts") / "common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _not_common(password: str) -> str:
    if password.lower() in common_passwords():
        raise ValueError(
            "This password is one of the most commonly used ones, so it is easy to guess. "
            "Choose another; a few unrelated words make a strong one."
        )
    return password


Password = Annotated[
    str,
    Field(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        description=f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters; any characters.",
    ),
    AfterValidator(_not_common),
]

_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_PHONE_DIGITS = 7


def _pseudonym(name: str) -> str:
    if _EMAIL_LIKE.search(name):
        raise ValueError(
            "A display name is seen by other members, so it must not be an email address. "
            "Choose a nickname."
        )
    if sum(character.isdigit() for character in name) >= _PHONE_DIGITS:
        raise ValueError(
            "A display name is seen by other members, so it must not look like a phone "
            "number. Choose a nickname."
        )
    return name


DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=40),
    AfterValidator(_pseudonym),
    Field(description="The pseudonym other members see (2-40 characters)."),
]


Pronouns = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class UserRegister(StrictModel):
    email: EmailStr = Field(max_length=254)
    password: Password
    display_name: DisplayName
    timezone: Timezone = Field(default="UTC", description="An IANA time zone name.")
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)


class EmailConfirm(StrictModel):
    token: str = Field(min_length=10, max_length=200, description="From the emailed link.")
    password: str = Field(
        max_length=PASSWORD_MAX_LENGTH, description="The password chosen at sign-up."
    )


class MeRead(BaseModel):
    """The caller's own profile; only the caller and admins see the email."""

    id: uuid.UUID
    email: str
    display_name: str
    pronouns: str | None
    timezone: str
    languages: list[str]
    role: Role
    attendance_privacy: AttendancePrivacy
    calendar_shows_group_names: bool
    two_factor_enabled: bool = Field(description="Whether two-step sign-in (TOTP) is on.")
    created_at: datetime


class MeUpdate(StrictModel):
    display_name: DisplayName | None = None
    pronouns: Pronouns | None = None
    timezone: Timezone | None = None
    languages: list[LanguageCode] | None = Field(default=None, max_length=10)
    attendance_privacy: AttendancePrivacy | None = None
    calendar_shows_group_names: bool | None = None


class PasswordChange(StrictModel):
    current_password: str = Field(max_length=PASSWORD_MAX_LENGTH)
    new_password: Password


class PasswordResetRequest(StrictModel):
    email: EmailStr = Field(max_length=254)


class PasswordResetConfirm(StrictModel):
    token: str = Field(min_length=10, max_length=200)
    new_password: Password


class LogoutRequest(StrictModel):
    everywhere: bool = Field(
        default=False, description="Also sign out every other device and session."
    )


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str | None = Field(
        default=None,
        description="Rotates on every use. Absent for client credentials, and for the web app "
        "(`X-Circles-Client: web`), which gets it as the HttpOnly cookie `circles_refresh`.",
    )
    scope: str | None = Field(default=None, description="Granted scopes, space-separated.")


class Message(BaseModel):
    message: str


class UserAdminRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    is_active: bool
    suspended_until: datetime | None = Field(
        description="Set by moderation: the person cannot sign in before this moment."
    )
    created_at: datetime
    last_login_at: datetime | None
    two_factor_enabled: bool


class UserAdminUpdate(StrictModel):
    role: Role | None = None
    is_active: bool | None = None


class ServiceClientCreate(StrictModel):
    name: str = Field(min_length=2, max_length=100)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))


class ServiceClientRead(BaseModel):
    client_id: uuid.UUID
    name: str
    scopes: list[Scope]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ServiceClientCreated(ServiceClientRead):
    client_secret: str = Field(description="Shown only in this response; store it safely.")


# --- two-step sign-in -------------------------------------------------------------------------

CurrentPassword = Annotated[
    str, Field(max_length=PASSWORD_MAX_LENGTH, description="The account's current password.")
]
AppCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$"),
    Field(description="The 6-digit code the authenticator app shows now."),
]
SecondFactorCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=6, max_length=32),
    Field(
        description="The 6-digit code from the authenticator app, or one of the recovery "
        "codes (each works once; spaces and dashes do not matter)."
    ),
]


class TwoFactorStart(StrictModel):
    password: CurrentPassword


class TwoFactorSetup(BaseModel):
    """What an authenticator app needs; two-step sign-in is on only after the first code."""

    secret: str = Field(description="The TOTP secret in base32, to type into the app.")
    otpauth_uri: str = Field(description="The `otpauth://totp/...` URI the QR code holds.")
    qr_code_svg: str = Field(description="The QR code as an SVG document (black on white).")
    digits: int = 6
    period_seconds: int = 30


class TwoFactorConfirm(StrictModel):
    code: AppCode


class TwoFactorCheck(StrictModel):
    password: CurrentPassword
    code: SecondFactorCode


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(
        description="Shown in this response only; each one signs in once in place of a code "
        "from the app. Only their digests are kept."
    )


class SecondFactorAnswer(StrictModel):
    challenge: str = Field(
        min_length=20,
        max_length=100,
        description="The `challenge` of the token endpoint's `second-factor-required` answer.",
    )
    code: SecondFactorCode
