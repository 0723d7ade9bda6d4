"""Accounts and auth: registration, the OAuth2 token endpoint, the caller's own profile, and
admin management of users and integrator service clients."""

import base64
import binascii
import uuid
from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Header, Query, Request, Response

from backend.accounts import admin as accounts_admin
from backend.accounts import passwords, service, two_factor, web
from backend.accounts.dependencies import (
    AdminActor,
    AppSettings,
    CurrentActor,
    WebClient,
)
from backend.accounts.exceptions import (
    InvalidClient,
    InvalidRequest,
    NotFromTheApp,
    UnsupportedGrantType,
)
from backend.accounts.models import Role, ServiceClient
from backend.accounts.schemas import (
    EmailConfirm,
    LogoutRequest,
    MeRead,
    Message,
    MeUpdate,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    RecoveryCodes,
    Scope,
    SecondFactorAnswer,
    ServiceClientCreate,
    ServiceClientCreated,
    ServiceClientRead,
    TokenResponse,
    TwoFactorCheck,
    TwoFactorConfirm,
    TwoFactorSetup,
    TwoFactorStart,
    UserAdminRead,
    UserAdminUpdate,
    UserRegister,
)
from backend.core.access import Public
from backend.core.admission import BUSY, PasswordSlot
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute

router = APIRouter(route_class=JSONRoute)


@router.post(
    "/auth/register",
    tags=["auth"],
    status_code=202,
    dependencies=[Public, PasswordSlot],
    responses=problem_responses(s429="Many sign-ups from this network; retry later.", s503=BUSY),
)
def register(data: UserRegister, request: Request, db: DbSession, settings: AppSettings) -> Message:
    """Sign up; the answer is the same whether or not the address has an account.

    The display name is the pseudonym other members see. A new address gets an account that
    cannot sign in until the link emailed to it is opened (`POST /auth/confirm-email`, within
    48 hours). An address that has an account gets an email saying so, with links to sign in
    and to reset the password, and nothing changes. Signing up again before confirming
    replaces the earlier sign-up (password, name, time zone, languages) and sends a new link;
    earlier links stop working. At most 3 emails per address per hour: past that the answer is
    the same and nothing is sent. At most 20 sign-ups per network address per hour (429).
    """
    address = request.client.host if request.client else "unknown"
    service.register(db, data=data, settings=settings, client_address=address)
    return Message(
        message="Thank you. We have sent an email to this address with the next step. If it "
        "does not arrive within a few minutes, please look in your spam folder."
    )


@router.post(
    "/auth/confirm-email",
    tags=["auth"],
    status_code=204,
    dependencies=[Public, PasswordSlot],
    responses=problem_responses(
        429,
        s503=BUSY,
        s400="The link has expired or was already used (`invalid-confirmation-token`), or the "
        "password is not the one chosen at sign-up (`confirmation-password-mismatch`).",
    ),
)
def confirm_email(data: EmailConfirm, request: Request, db: DbSession) -> Response:
    """Confirm the email address with the emailed token and the password chosen at sign-up.

    Afterwards sign in with the password grant. Wrong passwords count as failed sign-ins.
    """
    service.confirm_email(
        db,
        token=data.token,
        password=data.password,
        client_address=request.client.host if request.client else "unknown",
    )
    return Response(status_code=204)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient("The Basic credentials are not valid base64.") from None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise InvalidClient("Basic credentials must be client_id:client_secret.")
    return client_id, client_secret


@router.post(
    "/auth/token",
    tags=["auth"],
    response_model_exclude_none=True,
    dependencies=[Public, PasswordSlot],
    responses=problem_responses(
        429,
        s503=BUSY,
        s400="An RFC 6749 error; its `error` member says which.",
        s401="Unknown or revoked client, or a wrong client secret (`oauth-invalid-client`); "
        "or, for the password grant of an account with two-step sign-in on, the second step "
        "is needed (`second-factor-required`, with `challenge` and `expires_in`): this answer "
        "is the same whether or not the password was right.",
        s403="A web-app call (`X-Circles-Client: web`) from another origin, or a refresh from "
        "the cookie without that header (`not-from-the-app`).",
    ),
)
def issue_token(
    request: Request,
    response: Response,
    db: DbSession,
    settings: AppSettings,
    from_web_app: WebClient,
    grant_type: Annotated[str, Form(max_length=40)],
    username: Annotated[str | None, Form(max_length=254, description="The email.")] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    refresh_token: Annotated[str | None, Form(max_length=2000)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=500)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    refresh_cookie: Annotated[
        str | None, Cookie(alias=web.REFRESH_COOKIE, include_in_schema=False)
    ] = None,
) -> TokenResponse:
    """Issue tokens (OAuth2, RFC 6749) for the password, refresh_token or client_credentials grant.

    **The web app** sends `X-Circles-Client: web`. Its refresh token is then never in the
    body: the password and refresh grants answer without `refresh_token` and set the cookie
    `circles_refresh` (`HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age` = the refresh
    token's 30 days; `Secure` in production). A refresh grant without the `refresh_token` field
    reads the cookie and sets the rotated one; without a cookie it is `invalid_grant`, and a
    cookie that no longer works is `invalid_grant` and is cleared (`Max-Age=0`). The cookie is
    used only with that header and, when the browser sends an `Origin`, only from the app's
    own origin (`CIRCLES_PUBLIC_URL`); otherwise 403. Other clients (no header) get the
    refresh token in the body as before, and no cookie.

    **Two-step sign-in.** For an account with it on, the password grant answers 401
    `second-factor-required` whether or not the password was right, with a `challenge` to send
    with a code to `POST /auth/token/second-factor` within `expires_in` seconds. Unknown
    emails and accounts without two-step sign-in answer as above.
    """
    address = request.client.host if request.client else "unknown"
    if grant_type == "password":
        if not username or not password:
            raise InvalidRequest("The password grant needs username (the email) and password.")
        tokens = service.password_grant(
            db, email=username, password=password, client_address=address, settings=settings
        )
        return web.in_cookie(response, tokens, settings) if from_web_app else tokens
    if grant_type == "refresh_token":
        if refresh_token:
            tokens = service.refresh_grant(db, refresh_token=refresh_token, settings=settings)
            return web.in_cookie(response, tokens, settings) if from_web_app else tokens
        if from_web_app:
            return web.refresh_from_cookie(
                db, token=refresh_cookie, response=response, settings=settings
            )
        if refresh_cookie is not None:
            raise NotFromTheApp()  # a cross-site form, or a client that forgot the header
        raise InvalidRequest("The refresh_token grant needs refresh_token.")
    if grant_type == "client_credentials":
        credentials = _basic_credentials(authorization) or (client_id, client_secret)
        if not credentials[0] or not credentials[1]:
            raise InvalidClient("Send client_id and client_secret, as form fields or Basic.")
        return service.client_credentials_grant(
            db,
            client_id=credentials[0],
            client_secret=credentials[1],
            requested_scopes=set((scope or "").split()),
            client_address=address,
            settings=settings,
        )
    raise UnsupportedGrantType()


@router.post(
    "/auth/token/second-factor",
    tags=["auth"],
    response_model_exclude_none=True,
    dependencies=[Public],
    responses=problem_responses(
        429,
        s400="The code didn't work or the password of the first step wasn't right, which are "
        "never told apart: `second-factor-failed` while the challenge has tries left, "
        "`sign-in-ended` once it has none, has expired or is unknown (sign in again).",
        s403="A web-app call from another origin (`not-from-the-app`).",
    ),
)
def finish_sign_in(
    answer: SecondFactorAnswer,
    response: Response,
    db: DbSession,
    settings: AppSettings,
    from_web_app: WebClient,
) -> TokenResponse:
    """Finish a sign-in with two-step sign-in: the first step's challenge and a code.

    The code is the 6-digit code of the authenticator app (each works once: a code, or one of
    an earlier time step, that was accepted before is refused) or a recovery code (once). A
    challenge lasts 5 minutes and allows 5 tries; tries at one account count together (10
    per 15 minutes, then 429). Tokens come back as from `POST /auth/token`, in the cookie for
    the web app (`X-Circles-Client: web`).
    """
    tokens = service.second_factor_grant(
        db, challenge=answer.challenge, code=answer.code, settings=settings
    )
    return web.in_cookie(response, tokens, settings) if from_web_app else tokens


@router.post("/auth/logout", tags=["auth"], status_code=204, responses=problem_responses(401, 403))
def logout(
    actor: CurrentActor,
    db: DbSession,
    settings: AppSettings,
    data: LogoutRequest | None = None,
) -> Response:
    """Sign out this session (its refresh tokens stop working), or every session.

    The answer also clears the web app's refresh cookie.
    """
    service.logout(db, settings, actor=actor, everywhere=bool(data and data.everywhere))
    return web.clear_cookie(Response(status_code=204), settings)


@router.post("/auth/password-reset", tags=["auth"], status_code=202, dependencies=[Public])
def request_password_reset(
    data: PasswordResetRequest, db: DbSession, settings: AppSettings
) -> Message:
    """Email a one-time reset link; the answer is the same whether or not the email exists."""
    passwords.request_password_reset(db, email=data.email, settings=settings)
    return Message(
        message="If an account uses this email, a link to reset the password is on its way. "
        f"It works for {int(passwords.RESET_TOKEN_TTL.total_seconds() // 60)} minutes."
    )


@router.post(
    "/auth/password-reset/confirm",
    tags=["auth"],
    status_code=204,
    dependencies=[Public, PasswordSlot],
    responses=problem_responses(s400="The link is invalid, used or expired.", s503=BUSY),
)
def confirm_password_reset(
    data: PasswordResetConfirm, db: DbSession, settings: AppSettings
) -> Response:
    """Set a new password with the emailed token; every existing session ends.

    An unconfirmed address counts as confirmed afterwards (the link came by email). The
    answer clears the web app's refresh cookie, whose session has ended.
    """
    passwords.confirm_password_reset(db, settings, confirm=data)
    return web.clear_cookie(Response(status_code=204), settings)


@router.get("/me", tags=["me"], responses=problem_responses(401, 403))
def read_me(actor: CurrentActor) -> MeRead:
    """The caller's own profile and privacy choices."""
    return MeRead.model_validate(actor.person, from_attributes=True)


@router.patch("/me", tags=["me"], responses=problem_responses(401, 403))
def update_me(changes: MeUpdate, actor: CurrentActor, db: DbSession) -> MeRead:
    """Change the caller's profile and privacy choices (not role or email)."""
    return MeRead.model_validate(
        service.update_me(db, actor=actor, changes=changes), from_attributes=True
    )


@router.post(
    "/me/password",
    tags=["me"],
    dependencies=[PasswordSlot],
    responses=problem_responses(
        401,
        s503=BUSY,
        s403="The current password is wrong, or a web-app call came from another origin.",
        s409="The password changed a moment ago, by another request (the same form sent twice).",
    ),
)
def change_password(
    change: PasswordChange,
    actor: CurrentActor,
    db: DbSession,
    settings: AppSettings,
    response: Response,
    from_web_app: WebClient,
) -> TokenResponse:
    """Change the password; other sessions end and the caller gets new tokens.

    With `X-Circles-Client: web` the new refresh token is set as the `circles_refresh`
    cookie (as by the token endpoint) and `refresh_token` in the body is null.
    """
    tokens = passwords.change_password(db, actor=actor, change=change, settings=settings)
    return web.in_cookie(response, tokens, settings) if from_web_app else tokens


@router.post(
    "/me/two-factor",
    tags=["me"],
    dependencies=[PasswordSlot],
    responses=problem_responses(
        401,
        429,
        s503=BUSY,
        s403="The password is not right (`wrong-current-password`).",
        s409="Two-step sign-in is on already (`two-factor-already-on`).",
    ),
)
def start_two_factor(
    data: TwoFactorStart, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> TwoFactorSetup:
    """Start turning on two-step sign-in: the secret for an authenticator app, as a QR code
    (SVG) and as text. It is on once `POST /me/two-factor/confirm` gets its first code;
    starting again before that replaces the secret."""
    return two_factor.start(db, settings, actor=actor, password=data.password)


@router.post(
    "/me/two-factor/confirm",
    tags=["me"],
    responses=problem_responses(
        401,
        429,
        s400="The code is not the app's code of now (`two-factor-code-not-right`).",
        s403="A service client (people only).",
        s409="Two-step sign-in is on already, or was not started (`two-factor-not-started`).",
    ),
)
def confirm_two_factor(
    data: TwoFactorConfirm, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> RecoveryCodes:
    """Turn two-step sign-in on with the first code from the app; the answer holds the 10
    recovery codes, shown this once."""
    codes = two_factor.confirm(db, settings, actor=actor, code=data.code)
    return RecoveryCodes(recovery_codes=codes)


@router.post(
    "/me/two-factor/recovery-codes",
    tags=["me"],
    dependencies=[PasswordSlot],
    responses=problem_responses(
        401,
        429,
        s503=BUSY,
        s400="The code is not right (`two-factor-code-not-right`).",
        s403="The password is not right (`wrong-current-password`).",
        s409="Two-step sign-in is not on (`two-factor-off`).",
    ),
)
def renew_recovery_codes(
    data: TwoFactorCheck, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> RecoveryCodes:
    """New recovery codes, with the password and a code (from the app, or a recovery code);
    the earlier ones stop working."""
    codes = two_factor.renew_recovery_codes(
        db, settings, actor=actor, password=data.password, code=data.code
    )
    return RecoveryCodes(recovery_codes=codes)


@router.delete(
    "/me/two-factor",
    tags=["me"],
    status_code=204,
    dependencies=[PasswordSlot],
    responses=problem_responses(
        401,
        429,
        s503=BUSY,
        s400="The code is not right (`two-factor-code-not-right`).",
        s403="The password is not right (`wrong-current-password`).",
        s409="Two-step sign-in is not on (`two-factor-off`).",
    ),
)
def turn_off_two_factor(
    data: TwoFactorCheck, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> Response:
    """Turn two-step sign-in off, with the password and a code (from the app, or a recovery
    code). In production, staff tools then wait until it is on again."""
    two_factor.turn_off(db, settings, actor=actor, password=data.password, code=data.code)
    return Response(status_code=204)


@router.get("/users", tags=["users"], responses=problem_responses(401, 403))
def list_users(
    admin: AdminActor,
    db: DbSession,
    q: Annotated[str | None, Query(max_length=100, description="Part of email or name.")] = None,
    role: Role | None = None,
    is_active: bool | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[UserAdminRead]:
    """Search accounts (admins)."""
    page = accounts_admin.list_users(
        db, actor=admin, q=q, role=role, is_active=is_active, limit=limit, cursor=cursor
    )
    return Page[UserAdminRead].model_validate(page, from_attributes=True)


@router.get("/users/{user_id}", tags=["users"], responses=problem_responses(401, 403, 404))
def read_user(user_id: uuid.UUID, admin: AdminActor, db: DbSession) -> UserAdminRead:
    """One account (admins); the read is in the audit trail."""
    return UserAdminRead.model_validate(
        accounts_admin.get_user(db, actor=admin, user_id=user_id), from_attributes=True
    )


@router.patch("/users/{user_id}", tags=["users"], responses=problem_responses(401, 403, 404))
def update_user(
    user_id: uuid.UUID,
    changes: UserAdminUpdate,
    actor: AdminActor,
    db: DbSession,
    settings: AppSettings,
) -> UserAdminRead:
    """Change an account's role or deactivate it (admins); its tokens stop working, and its
    open mentoring matches close (the other side is told they ended)."""
    user = accounts_admin.admin_update_user(
        db, settings, actor=actor, user_id=user_id, changes=changes
    )
    return UserAdminRead.model_validate(user, from_attributes=True)


def _client_read(client: ServiceClient) -> ServiceClientRead:
    return ServiceClientRead(
        client_id=client.id,
        name=client.name,
        scopes=[Scope(scope) for scope in client.scopes],
        created_at=client.created_at,
        revoked_at=client.revoked_at,
        last_used_at=client.last_used_at,
    )


@router.post(
    "/service-clients",
    tags=["service_clients"],
    status_code=201,
    responses=problem_responses(401, 403),
)
def create_service_client(
    data: ServiceClientCreate, actor: AdminActor, db: DbSession
) -> ServiceClientCreated:
    """Create an integrator client; its secret is shown in this response only."""
    client, secret = accounts_admin.create_service_client(db, actor=actor, data=data)
    return ServiceClientCreated(**_client_read(client).model_dump(), client_secret=secret)


@router.get("/service-clients", tags=["service_clients"], responses=problem_responses(401, 403))
def list_service_clients(
    _admin: AdminActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[ServiceClientRead]:
    """Every integrator client, revoked ones included, oldest first (admins)."""
    page = accounts_admin.list_service_clients(db, limit=limit, cursor=cursor)
    return Page[ServiceClientRead](
        items=[_client_read(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/service-clients/{client_id}",
    tags=["service_clients"],
    responses=problem_responses(401, 403, 404),
)
def read_service_client(
    client_id: uuid.UUID, _admin: AdminActor, db: DbSession
) -> ServiceClientRead:
    """One integrator client (admins)."""
    return _client_read(accounts_admin.get_service_client(db, client_id=client_id))


@router.delete(
    "/service-clients/{client_id}",
    tags=["service_clients"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def revoke_service_client(client_id: uuid.UUID, admin: AdminActor, db: DbSession) -> Response:
    """Revoke an integrator client: its tokens stop working at once."""
    accounts_admin.revoke_service_client(db, actor=admin, client_id=client_id)
    return Response(status_code=204)
