"""Two-step sign-in: codes from an authenticator app (TOTP, RFC 6238), recovery codes, and the
challenge that joins a sign-in's two steps.

The TOTP secret is never stored. An account keeps a random seed and the id of the signing key
it was made with; the secret is HMAC-SHA256 of the seed under a key derived from that signing
key for this one purpose (``core.security.keyed_digest``, as calendar feed URLs are made). A
copy of the database alone therefore gives no one's codes away. The signing key must stay
listed (as current or in CIRCLES_JWT_PREVIOUS_KEYS) while accounts set up under it use their
app; without it their app's codes stop working and a recovery code gets them in.

Recovery codes are 16 characters from a 31-character alphabet (79 bits), so a fast digest is
enough to keep them: no one can try 2^79 guesses at SHA-256, and the account id in the digest
means one guess is never a guess at everyone's codes (a slow hash would cost every sign-in
with one ten password-hash checks, for nothing).
"""

import base64
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from backend.accounts import exceptions as errors
from backend.accounts.actor import Actor
from backend.accounts.models import RecoveryCode, SignInChallenge, User
from backend.accounts.schemas import TwoFactorSetup
from backend.core import audit, ratelimit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.db import commit_so_far
from backend.core.orm import utcnow
from backend.core.security import hash_secret, keyed_digest, new_secret, verify_password
from backend.core.uniqueness import lock_and_reread

ISSUER = "Strength Circles"
DIGITS = 6
PERIOD_SECONDS = 30
# Codes of the steps either side of now are accepted too: a phone's clock a little off, or a
# code typed just as it changed.
VALID_WINDOW = 1
SECRET_PURPOSE = "totp-secret"
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper and typed.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16

CHALLENGE_TTL = timedelta(minutes=5)
ATTEMPTS_PER_CHALLENGE = 5
# Codes that did not finish a sign-in, per account, whatever the challenge: with the password
# known, about a thousand guesses a day at three live codes in a million.
CODE_FAILURES_PER_ACCOUNT = 10
CODE_WINDOW = timedelta(minutes=15)
# Wrong passwords or codes at turning two-step sign-in on, renewing codes, or turning it off.
SETTINGS_FAILURES = 5


# --- codes ------------------------------------------------------------------------------------


def authenticator(settings: Settings, user: User) -> pyotp.TOTP | None:
    """What the person's authenticator app computes, derived as at enrolment (None without
    two-step sign-in, or once the key it was made with is gone)."""
    if user.totp_seed is None or user.totp_key_id is None:
        return None
    try:
        digest = keyed_digest(
            settings, purpose=SECRET_PURPOSE, message=user.totp_seed, key_id=user.totp_key_id
        )
    except KeyError:
        return None  # the signing key it was made with is no longer configured
    secret = base64.b32encode(digest[:SECRET_BYTES]).decode()
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS)


def _app_code_step(settings: Settings, user: User, code: str) -> int | None:
    """The time step ``code`` belongs to, if it is a code of now (give or take a step) newer
    than the last one accepted from this person."""
    totp = authenticator(settings, user)
    if totp is None or len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    now = totp.timecode(utcnow())
    found = None
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    if found is None or (user.totp_last_step is not None and found <= user.totp_last_step):
        return None
    return found


def _normalized(code: str) -> str:
    return "".join(character for character in code.lower() if character.isalnum())


def recovery_digest(user_id: uuid.UUID, code: str) -> str:
    return hash_secret(f"{user_id}:{_normalized(code)}")


@dataclass(frozen=True)
class Accepted:
    """A code that checks out: an app code of ``step``, or the recovery code ``recovery_id``."""

    step: int | None = None
    recovery_id: uuid.UUID | None = None


def check_code(db: Session, settings: Settings, user: User, code: str) -> Accepted | None:
    """Whether ``code`` is good for ``user`` now; changes nothing (``spend`` does)."""
    if user.totp_enabled_at is None:
        return None
    code = code.strip()
    if len(code) == DIGITS and code.isdigit():
        step = _app_code_step(settings, user, code)
        return None if step is None else Accepted(step=step)
    recovery_id = db.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_digest(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
    )
    return None if recovery_id is None else Accepted(recovery_id=recovery_id)


def spend(db: Session, user: User, accepted: Accepted) -> bool:
    """Use the code up, atomically: of two requests with the same code, one gets False."""
    if accepted.recovery_id is not None:
        spent = db.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == accepted.recovery_id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
        )
        if spent.rowcount == 1:  # type: ignore[attr-defined]
            audit.record(
                db,
                Actor.of_person(user).who,
                AuditAction.recovery_code_used,
                target_type="user_account",
                target_id=user.id,
                subjects=[user.id],
            )
            return True
        return False
    assert accepted.step is not None
    moved = db.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < accepted.step),
        )
        .values(totp_last_step=accepted.step)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def _new_recovery_codes(db: Session, user: User) -> list[str]:
    """Ten fresh codes in place of any earlier ones; only their digests are kept."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    db.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_digest(user.id, c)) for c in codes)
    return codes


# --- turning it on and off --------------------------------------------------------------------


def _settings_key(user: User) -> str:
    return f"two-factor:settings:{user.id}"


def _check_password(db: Session, user: User, password: str) -> None:
    """The password, with wrong ones counted (this commits the request's transaction so far:
    call it before writing anything)."""
    wait = ratelimit.reserve(db, _settings_key(user), limit=SETTINGS_FAILURES, window=CODE_WINDOW)
    if wait is not None:
        raise errors.TwoFactorThrottled(wait)
    matches, _ = verify_password(password, user.password_hash)
    if not matches:
        raise errors.WrongCurrentPassword()


def _check_and_spend(db: Session, settings: Settings, user: User, code: str) -> None:
    accepted = check_code(db, settings, user, code)
    if accepted is None or not spend(db, user, accepted):
        raise errors.WrongTwoFactorCode()  # the try taken with the password stays counted


def start(db: Session, settings: Settings, *, actor: Actor, password: str) -> TwoFactorSetup:
    """The secret for the person's app; on only once its first code is confirmed. Until then
    starting again shows the same secret, so a double-clicked button, or a second tab, never
    leaves the person scanning a secret that another request has just replaced."""
    user = actor.person
    if user.totp_enabled_at is not None:
        raise errors.TwoFactorAlreadyOn()
    _check_password(db, user, password)
    # Serialised with other starts and confirmations for the account, read afresh after.
    user = lock_and_reread(db, user)
    if user.totp_enabled_at is not None:
        raise errors.TwoFactorAlreadyOn()
    ratelimit.clear(db, _settings_key(user))
    totp = authenticator(settings, user)
    if totp is None:  # nothing pending (or made with a signing key no longer configured)
        user.totp_seed = new_secret(32)
        user.totp_key_id = settings.jwt_key_id
        user.totp_last_step = None
        totp = authenticator(settings, user)
        assert totp is not None
    # The display name, not the email: the label shows on the phone's screen.
    uri = totp.provisioning_uri(name=user.display_name, issuer_name=ISSUER)
    svg = io.BytesIO()
    segno.make(uri, error="m").save(
        svg,
        kind="svg",
        xmldecl=False,
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title="QR code for your authenticator app",
    )
    return TwoFactorSetup(secret=totp.secret, otpauth_uri=uri, qr_code_svg=svg.getvalue().decode())


def confirm(db: Session, settings: Settings, *, actor: Actor, code: str) -> list[str]:
    """Turn it on with the app's first code; the recovery codes, to be shown once."""
    user = actor.person
    if user.totp_enabled_at is not None:
        raise errors.TwoFactorAlreadyOn()
    if user.totp_seed is None:
        raise errors.TwoFactorNotStarted()
    wait = ratelimit.reserve(db, _settings_key(user), limit=SETTINGS_FAILURES, window=CODE_WINDOW)
    if wait is not None:
        raise errors.TwoFactorThrottled(wait)
    # Of the same code sent twice at once, the second finds it on already (409).
    user = lock_and_reread(db, user)
    if user.totp_enabled_at is not None:
        raise errors.TwoFactorAlreadyOn()
    step = _app_code_step(settings, user, code.strip())
    if step is None or not spend(db, user, Accepted(step=step)):
        raise errors.WrongTwoFactorCode()
    ratelimit.clear(db, _settings_key(user))
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(db, user)
    _record(db, actor, AuditAction.two_factor_enabled)
    return codes


def renew_recovery_codes(
    db: Session, settings: Settings, *, actor: Actor, password: str, code: str
) -> list[str]:
    """Ten new recovery codes; the earlier ones stop working."""
    user = actor.person
    if user.totp_enabled_at is None:
        raise errors.TwoFactorOff()
    _check_password(db, user, password)
    _check_and_spend(db, settings, user, code)
    ratelimit.clear(db, _settings_key(user))
    codes = _new_recovery_codes(db, user)
    _record(db, actor, AuditAction.recovery_codes_renewed)
    return codes


def turn_off(db: Session, settings: Settings, *, actor: Actor, password: str, code: str) -> None:
    """Back to signing in with the password alone; the secret and recovery codes are gone."""
    user = actor.person
    if user.totp_enabled_at is None:
        raise errors.TwoFactorOff()
    _check_password(db, user, password)
    _check_and_spend(db, settings, user, code)
    ratelimit.clear(db, _settings_key(user))
    user.totp_seed = None
    user.totp_key_id = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.execute(delete(SignInChallenge).where(SignInChallenge.user_id == user.id))
    _record(db, actor, AuditAction.two_factor_disabled)


def _record(db: Session, actor: Actor, action: AuditAction) -> None:
    audit.record(
        db,
        actor.who,
        action,
        target_type="user_account",
        target_id=actor.person.id,
        subjects=[actor.person.id],
    )


# --- the challenge between the two steps of a sign-in -----------------------------------------


def code_key(user_id: uuid.UUID) -> str:
    """The counter of second steps that did not finish a sign-in to one account."""
    return f"login:second-factor:{user_id}"


def issue_challenge(
    db: Session,
    *,
    user: User,
    password_ok: bool,
    new_password_hash: str | None,
    client_address: str,
) -> errors.SecondFactorRequired:
    """The first step's answer, the same whether or not the password was right: the verdict
    stays in the database, the caller gets a random token. Commits, since the answer is an
    error (which rolls the request back)."""
    now = utcnow()
    db.execute(
        delete(SignInChallenge).where(
            SignInChallenge.user_id == user.id, SignInChallenge.expires_at <= now
        )
    )
    token = new_secret()
    db.add(
        SignInChallenge(
            token_hash=hash_secret(token),
            user_id=user.id,
            password_ok=password_ok,
            new_password_hash=new_password_hash if password_ok else None,
            client_address=client_address[:100],
            created_at=now,
            expires_at=now + CHALLENGE_TTL,
        )
    )
    commit_so_far(db)
    return errors.SecondFactorRequired(token, int(CHALLENGE_TTL.total_seconds()))
