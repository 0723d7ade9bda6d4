"""Passwords: changing one while signed in, and resetting a forgotten one by email."""

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.accounts import exceptions as errors
from backend.accounts.actor import Actor
from backend.accounts.models import (
    EmailConfirmationToken,
    PasswordResetToken,
    User,
)
from backend.accounts.schemas import (
    PasswordChange,
    PasswordResetConfirm,
    TokenResponse,
)
from backend.accounts.service import (
    NOT_A_CRISIS_SERVICE,
    end_all_tokens,
    forget_sign_in_failures,
    greeting,
    normalize_email,
    start_session,
)
from backend.core import ratelimit
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.core.security import (
    hash_password,
    hash_secret,
    new_secret,
    verify_password,
)
from backend.core.uniqueness import lock_and_reread
from backend.notifications.service import enqueue_email

RESET_TOKEN_TTL = timedelta(minutes=60)


RESET_REQUESTS_PER_HOUR = 3


def change_password(
    db: Session, *, actor: Actor, change: PasswordChange, settings: Settings
) -> TokenResponse:
    """Every other session ends; the caller gets a fresh pair and stays signed in."""
    user = actor.person
    checked_hash = user.password_hash
    matches, _ = verify_password(change.current_password, checked_hash)
    if not matches:
        raise errors.WrongCurrentPassword()
    new_hash = hash_password(change.new_password)
    # Hashing is slow, so it happens before the lock, and the password it checked is compared
    # after it: of a double-clicked Save the second is told the password has just changed,
    # instead of ending the session the first one started.
    user = lock_and_reread(db, user)
    if user.password_hash != checked_hash:
        raise errors.PasswordChangedMeanwhile()
    user.password_hash = new_hash
    end_all_tokens(db, settings, user, reason="password_change")
    return start_session(db, user, settings)


def request_password_reset(db: Session, *, email: str, settings: Settings) -> None:
    """Sends a one-time link when the account exists; the caller learns nothing either way."""
    email = normalize_email(email)
    user = db.scalar(select(User).where(User.email == email, User.is_active.is_(True)))
    if user is None:
        return
    throttle_key = f"reset:account:{email}"
    if ratelimit.reserve(
        db, throttle_key, limit=RESET_REQUESTS_PER_HOUR, window=timedelta(hours=1)
    ):
        return
    token = new_secret()
    db.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_secret(token),
            expires_at=utcnow() + RESET_TOKEN_TTL,
        )
    )
    minutes = int(RESET_TOKEN_TTL.total_seconds() // 60)
    enqueue_email(
        db,
        user_id=user.id,
        to_address=user.email,
        subject="Reset your Strength Circles password",
        body_text=(
            f"{greeting(user)}\n\n"
            "Someone, hopefully you, asked to reset the password of your Strength Circles "
            f"account. Open this link within {minutes} minutes to choose a new one:\n\n"
            f"{settings.public_url.rstrip('/')}/reset-password?token={token}\n\n"
            "If you did not ask for this, you can ignore this email: your password stays "
            "the same.\n\n" + NOT_A_CRISIS_SERVICE
        ),
    )


def confirm_password_reset(
    db: Session, settings: Settings, *, confirm: PasswordResetConfirm
) -> None:
    now = utcnow()
    reset = db.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == hash_secret(confirm.token)
        )
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise errors.InvalidResetToken()
    user = db.get_one(User, reset.user_id)
    if not user.is_active:
        raise errors.InvalidResetToken()
    spent = db.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.InvalidResetToken()
    user.password_hash = hash_password(confirm.new_password)
    # The link came by email, which proves the address as well as a confirmation link does.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    db.execute(delete(EmailConfirmationToken).where(EmailConfirmationToken.user_id == user.id))
    end_all_tokens(db, settings, user, reason="password_reset")
    # A locked-out account gets back in with its new password at once.
    forget_sign_in_failures(db, user.email)
