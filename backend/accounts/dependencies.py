"""Who is calling: the authentication dependencies every domain uses to declare access, each
giving the route one ``Actor`` to pass to its service.

``CurrentActor`` for signed-in people, ``OptionalActor`` for public routes that show members
more, ``AdminActor`` / ``StaffActor`` for staff routes, and ``Security(get_actor, scopes=[...])``
(or ``get_optional_actor``) for routes that integrators' service clients may call too (the
scopes show in /docs).
"""

from typing import Annotated, Literal

from fastapi import Depends, Header, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlowPassword, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from backend.accounts import service, web
from backend.accounts.actor import Actor
from backend.accounts.exceptions import InsufficientScope
from backend.accounts.models import Role
from backend.accounts.schemas import SCOPE_DESCRIPTIONS
from backend.core.access import access_rule
from backend.core.config import Settings
from backend.core.db import DbSession
from backend.core.errors import Forbidden, Unauthorized
from backend.core.routing import API_PREFIX

TOKEN_URL = f"{API_PREFIX}/auth/token"

oauth2 = OAuth2(
    flows=OAuthFlows(
        password=OAuthFlowPassword(tokenUrl=TOKEN_URL, scopes={}),
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl=TOKEN_URL,
            scopes={scope.value: text for scope, text in SCOPE_DESCRIPTIONS.items()},
        ),
    ),
    scheme_name="OAuth2",
    description="Sign in with the password flow (members, facilitators, admins) or the "
    "client credentials flow (integrators' service clients).",
    auto_error=False,
)


# Dependencies that do no I/O are async: FastAPI runs a sync dependency in a worker thread,
# a hop that costs more than what they do.


async def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings_from_app)]


def _bearer_token(authorization: str | None) -> str | None:
    scheme, token = get_authorization_scheme_param(authorization)
    if not authorization:
        return None
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send the access token as 'Authorization: Bearer <token>'.")
    return token


def _authenticated(db: Session, settings: Settings, token: str, required: list[str]) -> Actor:
    """The caller behind a token; a service client must hold every scope the route asks for
    (and a route that asks for none is not for service clients)."""
    actor = service.authenticate(db, token=token, settings=settings)
    if actor.is_integrator and (not required or set(required) - actor.scopes):
        raise InsufficientScope(required)
    return actor


@access_rule
def get_actor(
    security_scopes: SecurityScopes,
    db: DbSession,
    settings: AppSettings,
    authorization: Annotated[str | None, Depends(oauth2)],
) -> Actor:
    """A signed-in person, or a service client holding every scope the route asks for."""
    token = _bearer_token(authorization)
    if token is None:
        raise Unauthorized("Sign in first: this needs an access token.")
    return _authenticated(db, settings, token, security_scopes.scopes)


@access_rule
def get_client_or_person(
    db: DbSession,
    settings: AppSettings,
    authorization: Annotated[str | None, Depends(oauth2)],
) -> Actor:
    """A signed-in person, or a service client whatever scopes its token holds: for what
    belongs to the client itself (its webhook endpoints), which no scope is about."""
    token = _bearer_token(authorization)
    if token is None:
        raise Unauthorized("Sign in first: this needs an access token.")
    return service.authenticate(db, token=token, settings=settings)


@access_rule
async def get_person(actor: Annotated[Actor, Security(get_actor)]) -> Actor:
    """A signed-in person (service clients are refused)."""
    if not actor.is_person:
        raise InsufficientScope([])
    return actor


# The two optional dependencies are async: on a public route most callers send no token, and
# then nobody is known without a worker thread or the database. A token is checked in a worker
# thread, in the request's own session.


@access_rule
async def get_optional_person(
    db: DbSession,
    settings: AppSettings,
    authorization: Annotated[str | None, Depends(oauth2)],
) -> Actor:
    """The signed-in person on a public route, or nobody; a service client is served as
    nobody. A token that is sent but not valid is still a 401, so a client knows to refresh
    it."""
    token = _bearer_token(authorization)
    if token is None:
        return Actor.anonymous()
    actor = await run_in_threadpool(service.authenticate, db, token=token, settings=settings)
    return actor if actor.is_person else Actor.anonymous()


@access_rule
async def get_optional_actor(
    security_scopes: SecurityScopes,
    db: DbSession,
    settings: AppSettings,
    authorization: Annotated[str | None, Depends(oauth2)],
) -> Actor:
    """On a public route that integrators may call too: nobody, a signed-in person, or a
    service client holding every scope the route asks for."""
    token = _bearer_token(authorization)
    if token is None:
        return Actor.anonymous()
    return await run_in_threadpool(_authenticated, db, settings, token, security_scopes.scopes)


async def web_client(
    request: Request,
    settings: AppSettings,
    x_circles_client: Annotated[
        Literal["web"] | None,
        Header(
            alias=web.WEB_CLIENT_HEADER,
            description="`web` from the Strength Circles web app: its refresh token then "
            f"travels in the HttpOnly cookie `{web.REFRESH_COOKIE}` (Path={web.COOKIE_PATH}) "
            "instead of the body. Such calls are refused (403) when their Origin is not the "
            "app's own. Other clients leave it out.",
        ),
    ] = None,
    origin: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> bool:
    """Whether the call comes from the web app; one from another origin is refused."""
    if x_circles_client is None:
        return False
    web.check_from_the_app(origin, settings, addressed_to=str(request.base_url))
    return True


def require_role(*roles: Role) -> object:
    async def check_role(actor: Annotated[Actor, Depends(get_person)]) -> Actor:
        if actor.role not in roles:
            raise Forbidden("Your role does not allow this.")
        if actor.two_factor_missing:
            raise actor.refusal(Forbidden("Your role does not allow this."))
        return actor

    return access_rule(check_role)


# Who may call a route, as the one value its service receives (see accounts/actor.py). Routes
# that integrators may call too use Security(get_actor or get_optional_actor, scopes=[...]).
CurrentActor = Annotated[Actor, Depends(get_person)]
OptionalActor = Annotated[Actor, Depends(get_optional_person)]
AdminActor = Annotated[Actor, Depends(require_role(Role.admin))]
StaffActor = Annotated[Actor, Depends(require_role(Role.facilitator, Role.admin))]
WebClient = Annotated[bool, Depends(web_client)]
# A service client (any scopes) or a signed-in person; the route's service decides further.
ClientOrPerson = Annotated[Actor, Depends(get_client_or_person)]
