"""The rules of accounts and auth: registration with email confirmation, sign-in, token rotation
and revocation, password changes and resets, admin user management and integrator service
clients."""

import contextlib
import uuid
from datetime import timedelta
from typing import TypeGuard

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.accounts import exceptions as errors
from backend.accounts import two_factor
from backend.accounts.actor import CLIENT_SUBJECT_PREFIX, Actor
from backend.accounts.events import SignInsEnded
from backend.accounts.models import (
    AuthSession,
    EmailConfirmationToken,
    PasswordResetToken,
    RefreshToken,
    Role,
    ServiceClient,
    SignInChallenge,
    User,
)
from backend.accounts.schemas import (
    MeUpdate,
    TokenResponse,
    UserRegister,
)
from backend.core import events, ratelimit
from backend.core.config import Settings
from backend.core.db import commit_so_far, lock_for_update
from backend.core.errors import Unauthorized
from backend.core.orm import utcnow
from backend.core.security import (
    ACCESS_TOKEN_TTL,
    CLIENT_TOKEN_TTL,
    REFRESH_TOKEN_TTL,
    InvalidToken,
    decode_token,
    hash_password,
    hash_secret,
    issue_token,
    new_secret,
    secrets_match,
    verify_password,
)
from backend.core.uniqueness import insert_once
from backend.notifications.service import enqueue_email

LOGIN_WINDOW = timedelta(minutes=15)
# Failed sign-ins a window allows: at one account from one address, from one address at any
# accounts, and at one account from anywhere.
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
LOGIN_FAILURES_PER_ADDRESS = 100
LOGIN_FAILURES_PER_ACCOUNT = 50
WRONG_CREDENTIALS = "The email or password is not right."
CONFIRMATION_TOKEN_TTL = timedelta(hours=48)
REGISTRATION_EMAILS_PER_HOUR = 3
# Sign-ups from one address an hour: enough for a clinic's group session, too few for a
# script making throw-away accounts.
REGISTRATIONS_PER_ADDRESS = 20
REGISTRATION_WINDOW = timedelta(hours=1)
NOT_A_CRISIS_SERVICE = (
    "Strength Circles is peer support, not a crisis service. If you are in danger, call your "
    "local emergency number.\n"
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


# --- accounts ---------------------------------------------------------------------------------


def create_user(
    db: Session, *, email: str, password: str, display_name: str, role: Role = Role.member
) -> User:
    """An account whose address counts as confirmed: `circles create-admin`, the demo seed and
    tests make accounts this way. Sign-up, where a stranger types the address, is `register`."""
    email = normalize_email(email)
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise errors.EmailTaken()
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name,
        role=role,
        languages=[],
        email_confirmed_at=utcnow(),
    )
    db.add(user)
    db.flush()
    return user


def register(db: Session, *, data: UserRegister, settings: Settings, client_address: str) -> None:
    """Sign up without telling the caller whether the address has an account.

    A new address gets an unconfirmed account and a confirmation link. An address with a
    confirmed account gets a note saying so, and nothing changes. An address whose account is
    still unconfirmed takes the newest sign-up's password and profile, and only the newest link
    works: otherwise whoever signed up first with someone else's address, knowing the password,
    could wait for its owner to confirm it. Past the per-address cap nothing is sent or changed.
    """
    email = normalize_email(data.email)
    # Counted before any work, and the same whatever the address: it tells nothing about it.
    wait = ratelimit.reserve(
        db,
        f"register:address:{client_address}",
        limit=REGISTRATIONS_PER_ADDRESS,
        window=REGISTRATION_WINDOW,
    )
    if wait is not None:
        raise errors.SignUpsThrottled(wait)
    # Hashed on every path, so the time the answer takes says nothing about the address.
    password_hash = hash_password(data.password)
    throttle_key = f"register:email:{email}"
    if ratelimit.reserve(
        db, throttle_key, limit=REGISTRATION_EMAILS_PER_HOUR, window=REGISTRATION_WINDOW
    ):
        return
    if _insert_unconfirmed_user(db, email=email, password_hash=password_hash, data=data):
        user = db.scalars(select(User).where(User.email == email)).one()
        _send_confirmation_link(db, settings, user)
        return
    user_id = db.scalars(select(User.id).where(User.email == email)).one()
    # Serialised with confirmation and other sign-ups for the address, and read afresh after
    # the lock, so an account confirmed a moment ago is never given a new password here.
    lock_for_update(db, User.id, user_id)
    user = db.get_one(User, user_id, populate_existing=True)
    if user.email_confirmed_at is not None or not user.is_active:
        _send_already_registered(db, settings, user)
        return
    user.password_hash = password_hash
    user.display_name = data.display_name
    user.timezone = data.timezone
    user.languages = list(data.languages)
    db.execute(delete(EmailConfirmationToken).where(EmailConfirmationToken.user_id == user.id))
    _send_confirmation_link(db, settings, user)


def _insert_unconfirmed_user(
    db: Session, *, email: str, password_hash: str, data: UserRegister
) -> bool:
    """Insert the account unless the address is taken (also by a sign-up committing at this
    very moment, such as a double-clicked button): whether it was inserted."""
    _, inserted = insert_once(
        db,
        User,
        key={"email": email},
        values={
            "password_hash": password_hash,
            "display_name": data.display_name,
            "timezone": data.timezone,
            "languages": list(data.languages),
            "role": Role.member,
        },
    )
    return inserted


def greeting(user: User) -> str:
    """Until the address is confirmed, whoever signed up chose the display name, perhaps not
    the address's owner: emails to it must not carry their words."""
    return f"Hello {user.display_name}," if user.email_confirmed_at is not None else "Hello,"


def _send_confirmation_link(db: Session, settings: Settings, user: User) -> None:
    token, now = new_secret(), utcnow()
    db.add(
        EmailConfirmationToken(
            user_id=user.id,
            token_hash=hash_secret(token),
            created_at=now,
            expires_at=now + CONFIRMATION_TOKEN_TTL,
        )
    )
    hours = int(CONFIRMATION_TOKEN_TTL.total_seconds() // 3600)
    enqueue_email(
        db,
        user_id=user.id,
        to_address=user.email,
        subject="Confirm your email address for Strength Circles",
        body_text=(
            f"{greeting(user)}\n\n"
            "Thank you for signing up to Strength Circles. To finish, open this link within "
            f"{hours} hours and type the password you chose:\n\n"
            f"{settings.public_url.rstrip('/')}/confirm-email?token={token}\n\n"
            "Only the newest link we sent works. If it has expired, sign up again with the "
            "same email address and we will send a new one.\n\n"
            "If you did not sign up, you can ignore this email: no account is opened without "
            "this step.\n\n" + NOT_A_CRISIS_SERVICE
        ),
    )


def _send_already_registered(db: Session, settings: Settings, user: User) -> None:
    url = settings.public_url.rstrip("/")
    enqueue_email(
        db,
        user_id=user.id,
        to_address=user.email,
        subject="You already have a Strength Circles account",
        body_text=(
            f"{greeting(user)}\n\n"
            "Someone, hopefully you, tried to sign up to Strength Circles with this email "
            "address. You already have an account with it, so nothing has changed.\n\n"
            f"To sign in: {url}/sign-in\n"
            f"If you have forgotten your password, you can choose a new one: "
            f"{url}/forgot-password\n\n"
            "If this wasn't you, you can ignore this email: your account and password stay as "
            "they are.\n\n" + NOT_A_CRISIS_SERVICE
        ),
    )


def confirm_email(db: Session, *, token: str, password: str, client_address: str) -> None:
    """Confirm the address of the sign-up the token was sent for, given its password: a link
    that reached the address's owner cannot confirm a sign-up someone else made with it.
    Wrong passwords count as failed sign-ins, so this is no way around their limits."""
    by_hash = EmailConfirmationToken.token_hash == hash_secret(token)
    confirmation = db.scalar(select(EmailConfirmationToken).where(by_hash))
    if not _confirmable(confirmation):
        raise errors.InvalidConfirmationToken()
    user = db.get_one(User, confirmation.user_id)
    if not user.is_active:
        raise errors.InvalidConfirmationToken()
    # The tries are reserved (and committed) before anything is written or locked.
    keys = _sign_in_keys(user.email, client_address)
    _reserve_tries(db, keys)
    checked_hash = user.password_hash
    matches, new_hash = verify_password(password, checked_hash)
    if not matches:
        raise errors.ConfirmationPasswordMismatch()
    _tries_went_well(db, keys)
    # Serialised with sign-ups for the address (see register) and read again after the lock:
    # one that replaced this sign-up meanwhile has deleted the token and changed the password.
    lock_for_update(db, User.id, user.id)
    confirmation = db.scalar(
        select(EmailConfirmationToken).where(by_hash).execution_options(populate_existing=True)
    )
    db.refresh(user)
    if not _confirmable(confirmation) or user.password_hash != checked_hash or not user.is_active:
        raise errors.InvalidConfirmationToken()
    now = utcnow()
    confirmation.used_at = now
    if new_hash:
        user.password_hash = new_hash
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    ratelimit.clear(db, keys[0][0])


def _confirmable(confirmation: EmailConfirmationToken | None) -> TypeGuard[EmailConfirmationToken]:
    return (
        confirmation is not None
        and confirmation.used_at is None
        and confirmation.expires_at > utcnow()
    )


def update_me(db: Session, *, actor: Actor, changes: MeUpdate) -> User:
    user = actor.person
    for field, value in changes.model_dump(exclude_unset=True).items():
        if value is None and field not in ("pronouns",):
            continue  # only pronouns may be cleared; the rest always have a value
        setattr(user, field, value)
    db.flush()
    return user


# --- tokens -----------------------------------------------------------------------------------


def start_session(db: Session, user: User, settings: Settings) -> TokenResponse:
    session = AuthSession(user_id=user.id)
    db.add(session)
    db.flush()
    return _issue_pair(db, user, session, settings)


def _issue_pair(db: Session, user: User, session: AuthSession, settings: Settings) -> TokenResponse:
    access_token, _ = issue_token(
        settings,
        subject=str(user.id),
        token_type="access",
        ttl=ACCESS_TOKEN_TTL,
        version=user.token_version,
        session_id=str(session.id),
    )
    refresh_token, refresh_claims = issue_token(
        settings,
        subject=str(user.id),
        token_type="refresh",
        ttl=REFRESH_TOKEN_TTL,
        version=user.token_version,
        session_id=str(session.id),
    )
    db.add(
        RefreshToken(
            id=refresh_claims.token_id,
            session_id=session.id,
            token_hash=hash_secret(refresh_token),
            issued_at=refresh_claims.issued_at,
            expires_at=refresh_claims.expires_at,
        )
    )
    session.last_used_at = utcnow()
    return TokenResponse(
        access_token=access_token,
        expires_in=int(ACCESS_TOKEN_TTL.total_seconds()),
        refresh_token=refresh_token,
    )


def _sign_in_keys(email: str, client_address: str) -> list[tuple[str, int]]:
    """The counters of a sign-in, strictest first. Guesses at one account from one address
    stop soonest; the owner, elsewhere, is not stopped by them. An address guessing at many
    accounts, or many addresses at one account, stop later (a shared address, such as a
    clinic's, is many people)."""
    return [
        (_account_and_address_key(email, client_address), LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS),
        (f"login:address:{client_address}", LOGIN_FAILURES_PER_ADDRESS),
        (_account_key(email), LOGIN_FAILURES_PER_ACCOUNT),
    ]


def _account_key(email: str) -> str:
    return f"login:account:{email}"


def _account_and_address_key(email: str, client_address: str) -> str:
    return f"{_account_key(email)}:address:{client_address}"


def forget_sign_in_failures(db: Session, email: str) -> None:
    """After a password reset: the account's failed sign-ins no longer hold anyone back."""
    ratelimit.clear(db, _account_key(email))
    ratelimit.clear_prefix(db, _account_and_address_key(email, ""))


def _reserve_tries(db: Session, keys: list[tuple[str, int]]) -> None:
    """One try on each counter, strictest first. Refused (429) at the first with none left,
    handing back the tries taken before it: a refused try counts against nothing broader.
    Commits the request's transaction (see ``ratelimit.reserve``)."""
    for taken, (key, limit) in enumerate(keys):
        wait = ratelimit.reserve(db, key, limit=limit, window=LOGIN_WINDOW)
        if wait is not None:
            for earlier, _ in keys[:taken]:
                ratelimit.give_back(db, earlier)
            commit_so_far(db)
            raise errors.LoginThrottled(wait)


def _tries_went_well(db: Session, keys: list[tuple[str, int]]) -> None:
    """The password was right: the tries were no guesses."""
    ratelimit.clear(db, keys[0][0])
    for key, _ in keys[1:]:
        ratelimit.give_back(db, key)


def password_grant(
    db: Session, *, email: str, password: str, client_address: str, settings: Settings
) -> TokenResponse:
    email = normalize_email(email)
    keys = _sign_in_keys(email, client_address)
    _reserve_tries(db, keys)
    user = db.scalar(select(User).where(User.email == email))
    matches, new_hash = verify_password(password, user.password_hash if user else None)
    if user is not None and user.totp_enabled_at is not None:
        # Right or wrong, the same answer, and the tries stay counted: only a valid code in
        # the second step (second_factor_grant) learns that the password was right.
        raise two_factor.issue_challenge(
            db,
            user=user,
            password_ok=matches,
            new_password_hash=new_hash,
            client_address=client_address,
        )
    if user is None or not matches:
        raise errors.InvalidGrant(WRONG_CREDENTIALS)  # the tries stay counted
    _tries_went_well(db, keys)
    return _signed_in(db, user, new_hash, settings)


def _signed_in(db: Session, user: User, new_hash: str | None, settings: Settings) -> TokenResponse:
    """The end of a sign-in whose password (and code, with two-step sign-in) was right."""
    suspended = user.suspended_until is not None and user.suspended_until > utcnow()
    if not user.is_active or user.email_confirmed_at is None or suspended:
        commit_so_far(db)  # the right password was no guess, whatever is refused next
    if not user.is_active:
        raise errors.InvalidGrant(
            "This account has been deactivated. Contact the counseling service if you think "
            "this is a mistake."
        )
    if suspended and user.suspended_until is not None:
        raise errors.InvalidGrant(
            f"This account is paused until {user.suspended_until:%d %B %Y, %H:%M} UTC. You can "
            "sign in again after that. Contact the counseling service if you think this is a "
            "mistake."
        )
    # Only someone who knows the password learns that the account waits for confirmation.
    if user.email_confirmed_at is None:
        raise errors.InvalidGrant(
            "Please confirm your email address first: open the link we sent you. To get a new "
            "link, sign up again with the same address."
        )
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    return start_session(db, user, settings)


def second_factor_grant(
    db: Session, *, challenge: str, code: str, settings: Settings
) -> TokenResponse:
    """The second step: tokens only when the first step's password was right and ``code`` is
    good, with one answer for every other case. Each try counts on the challenge (a few, then
    it is spent) and on the account, before anything else, and stays counted."""
    now = utcnow()
    found = db.scalar(
        select(SignInChallenge).where(SignInChallenge.token_hash == hash_secret(challenge))
    )
    if found is None or found.expires_at <= now:
        raise errors.SignInEnded()
    wait = ratelimit.reserve(
        db,
        two_factor.code_key(found.user_id),
        limit=two_factor.CODE_FAILURES_PER_ACCOUNT,
        window=two_factor.CODE_WINDOW,
    )
    if wait is not None:
        # Not LoginThrottled: resetting the password would not lift this limit.
        raise errors.TwoFactorThrottled(wait)
    attempts = db.scalar(
        update(SignInChallenge)
        .where(
            SignInChallenge.id == found.id,
            SignInChallenge.attempts < two_factor.ATTEMPTS_PER_CHALLENGE,
            SignInChallenge.expires_at > now,
        )
        .values(attempts=SignInChallenge.attempts + 1)
        .returning(SignInChallenge.attempts)
        .execution_options(synchronize_session=False)
    )
    commit_so_far(db)
    if attempts is None:
        raise errors.SignInEnded()
    user = db.get_one(User, found.user_id)
    # The code is checked whatever the password was, so both take the same time.
    accepted = two_factor.check_code(db, settings, user, code)
    if not (found.password_ok and accepted is not None and two_factor.spend(db, user, accepted)):
        if attempts >= two_factor.ATTEMPTS_PER_CHALLENGE:
            raise errors.SignInEnded()
        raise errors.SecondFactorFailed()
    # The challenge is one sign-in: spent by whichever request gets here first (two good codes
    # sent at once, say a recovery code and an app code, sign in once).
    spent = db.scalar(
        delete(SignInChallenge)
        .where(SignInChallenge.id == found.id)
        .returning(SignInChallenge.id)
        .execution_options(synchronize_session=False)
    )
    if spent is None:
        raise errors.SignInEnded()
    ratelimit.clear(db, two_factor.code_key(user.id))
    _tries_went_well(db, _sign_in_keys(user.email, found.client_address))
    return _signed_in(db, user, found.new_password_hash, settings)


def refresh_grant(db: Session, *, refresh_token: str, settings: Settings) -> TokenResponse:
    """Rotate: the presented token is spent and a new pair issued in the same session. A token
    presented twice means it was stolen or leaked, so its whole session is ended."""
    expired = errors.InvalidGrant("The session has ended. Sign in again.")
    try:
        claims = decode_token(settings, refresh_token, expected_type="refresh")
    except InvalidToken:
        raise expired from None
    stored = db.get(RefreshToken, claims.token_id)
    if stored is None or not secrets_match(refresh_token, stored.token_hash):
        raise expired
    session = db.get_one(AuthSession, stored.session_id)
    if session.revoked_at is not None:
        raise expired
    if stored.used_at is not None:
        _revoke_sessions_now(db, AuthSession.id == session.id, reason="refresh_reuse")
        raise expired
    spent = db.execute(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise expired  # spent by a concurrent request a moment ago
    user = db.get_one(User, session.user_id)
    if not user.is_active or claims.version != user.token_version:
        raise expired
    return _issue_pair(db, user, session, settings)


def _revoke_sessions_now(db: Session, condition: object, *, reason: str) -> None:
    """Revoke in a transaction of its own: the request fails afterwards, and the revocation
    must outlive its rollback."""
    with Session(bind=db.get_bind()) as side, side.begin():
        side.execute(
            update(AuthSession)
            .where(condition, AuthSession.revoked_at.is_(None))  # type: ignore[arg-type]
            .values(revoked_at=utcnow(), revoked_reason=reason)
        )


def _revoke_sessions(db: Session, user: User, *, reason: str) -> None:
    db.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def end_all_tokens(db: Session, settings: Settings, user: User, *, reason: str) -> None:
    """Every session ends and every unused password-reset link with them (a link sent before
    the password changed, or beside the one used, must not work afterwards), and so does every
    sign-in waiting for its second step: its verdict on the password (and the rehash it keeps)
    is of the old one; other domains end what stands in for the person (the calendar feed)."""
    user.token_version += 1
    _revoke_sessions(db, user, reason=reason)
    db.execute(delete(SignInChallenge).where(SignInChallenge.user_id == user.id))
    db.execute(
        delete(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None)
        )
    )
    events.publish(db, settings, SignInsEnded(user_id=user.id))


def client_credentials_grant(
    db: Session,
    *,
    client_id: str,
    client_secret: str,
    requested_scopes: set[str],
    client_address: str,
    settings: Settings,
) -> TokenResponse:
    key = f"client:address:{client_address}"
    if wait := ratelimit.reserve(db, key, limit=LOGIN_FAILURES_PER_ADDRESS, window=LOGIN_WINDOW):
        raise errors.LoginThrottled(wait)
    client = None
    with contextlib.suppress(ValueError):  # a malformed id is just an unknown client
        client = db.get(ServiceClient, uuid.UUID(client_id))
    if (
        client is None
        or client.revoked_at is not None
        or not secrets_match(client_secret, client.secret_hash)
    ):
        raise errors.InvalidClient()
    ratelimit.give_back(db, key)
    granted = set(client.scopes)
    if requested_scopes - granted:
        raise errors.InvalidScope(
            f"This client may not ask for: {' '.join(sorted(requested_scopes - granted))}."
        )
    scopes = frozenset(requested_scopes or granted)
    token, _ = issue_token(
        settings,
        subject=f"{CLIENT_SUBJECT_PREFIX}{client.id}",
        token_type="access",
        ttl=CLIENT_TOKEN_TTL,
        scopes=scopes,
    )
    client.last_used_at = utcnow()
    return TokenResponse(
        access_token=token,
        expires_in=int(CLIENT_TOKEN_TTL.total_seconds()),
        scope=" ".join(sorted(scopes)),
    )


def authenticate(db: Session, *, token: str, settings: Settings) -> Actor:
    """The principal behind an access token, or Unauthorized (401 with WWW-Authenticate)."""
    not_valid = Unauthorized("The access token is not valid or has expired. Sign in again.")
    try:
        claims = decode_token(settings, token, expected_type="access")
    except InvalidToken:
        raise not_valid from None
    if claims.subject.startswith(CLIENT_SUBJECT_PREFIX):
        try:
            client_id = uuid.UUID(claims.subject.removeprefix(CLIENT_SUBJECT_PREFIX))
        except ValueError:
            raise not_valid from None
        client = db.get(ServiceClient, client_id)
        if client is None or client.revoked_at is not None:
            raise not_valid
        # Scopes taken from a client after its token was issued are gone at once.
        return Actor.of_client(client, claims.scopes & frozenset(client.scopes))
    try:
        user_id = uuid.UUID(claims.subject)
        session_id = uuid.UUID(claims.session_id or "")
    except ValueError:
        raise not_valid from None
    row = db.execute(
        select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == user_id, AuthSession.id == session_id)
    ).first()
    if row is None:
        raise not_valid
    user, session_revoked_at = row
    if session_revoked_at is not None or not user.is_active:
        raise not_valid
    if claims.version != user.token_version:
        raise not_valid
    return actor_for(settings, user, session_id)


def actor_for(settings: Settings, user: User, session_id: uuid.UUID | None = None) -> Actor:
    """The person as an actor with the powers they hold now: in production, staff powers
    wait for two-step sign-in (see Actor.two_factor_missing)."""
    missing = settings.is_production and user.totp_enabled_at is None
    return Actor.of_person(user, session_id, two_factor_missing=missing)


def caller_id(db: Session, token: str, settings: Settings) -> str | None:
    """A stable id of whoever holds ``token`` (for per-caller records), or None when the
    token would not be accepted."""
    try:
        return authenticate(db, token=token, settings=settings).caller_key
    except Unauthorized:
        return None


def logout(db: Session, settings: Settings, *, actor: Actor, everywhere: bool) -> None:
    if everywhere:
        end_all_tokens(db, settings, actor.person, reason="logout_everywhere")
        return
    db.execute(
        update(AuthSession)
        .where(AuthSession.id == actor.session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason="logout")
    )
