"""The web app's sign-in: its refresh token travels in an HttpOnly cookie, never in a body its
JavaScript could read.

The web app marks its calls with ``X-Circles-Client: web``. A token is taken from the cookie
only on such a call, and only when its ``Origin`` (if the browser sent one) is the app's own:
the scheme, host and port of ``CIRCLES_PUBLIC_URL``, or of the address the request was sent
to (the browser's own, e.g. http://localhost:8000 when the public URL says 127.0.0.1, or a
dev server that forwards the Host it was asked for). A cross-site HTML form cannot set a
header; a cross-site script that tries needs a CORS preflight, which never lets this header
through; and ``SameSite=Strict`` keeps browsers from sending the cookie from another site at
all.

``CIRCLES_PUBLIC_URL`` as well as the request's own ``Host``: it is configured on purpose
(emails link to it), while behind a reverse proxy the Host the app sees is often the proxy's
upstream address, and the scheme http although the browser's page is https. A page on another
site never matches either: its Origin names that site, and the Host names this one.
"""

from urllib.parse import urlsplit

from fastapi import Response
from sqlalchemy.orm import Session

from backend.accounts import service
from backend.accounts.exceptions import InvalidGrant, NotFromTheApp
from backend.accounts.schemas import TokenResponse
from backend.core.config import Settings
from backend.core.routing import API_PREFIX
from backend.core.security import REFRESH_TOKEN_TTL

WEB_CLIENT_HEADER = "X-Circles-Client"
WEB_CLIENT = "web"
REFRESH_COOKIE = "circles_refresh"
# Sent only to the auth calls, never to the rest of the API.
COOKIE_PATH = f"{API_PREFIX}/auth"
SESSION_ENDED = "The session has ended. Sign in again."
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url`` as browsers write an Origin (default ports left
    out), or None when it has none (``Origin: null`` included)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not scheme or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def check_from_the_app(origin: str | None, settings: Settings, *, addressed_to: str) -> None:
    """Refuse a web-app call whose browser says it came from another origin."""
    if origin is None:
        return
    allowed = {origin_of(settings.public_url), origin_of(addressed_to)}
    if origin_of(origin) not in allowed - {None}:
        raise NotFromTheApp()


def _cookie(value: str, max_age: int, settings: Settings) -> str:
    attributes = [
        f"{REFRESH_COOKIE}={value}",
        "HttpOnly",
        "SameSite=Strict",
        f"Path={COOKIE_PATH}",
        f"Max-Age={max_age}",
    ]
    if settings.is_production:
        attributes.append("Secure")
    return "; ".join(attributes)


def refresh_cookie(token: str, settings: Settings) -> str:
    """A ``Set-Cookie`` value holding ``token`` for as long as the token lives."""
    return _cookie(token, int(REFRESH_TOKEN_TTL.total_seconds()), settings)


def cleared_refresh_cookie(settings: Settings) -> str:
    """A ``Set-Cookie`` value that makes the browser forget the refresh cookie."""
    return _cookie("", 0, settings)


def clear_cookie(response: Response, settings: Settings) -> Response:
    response.headers.append("Set-Cookie", cleared_refresh_cookie(settings))
    return response


def in_cookie(response: Response, tokens: TokenResponse, settings: Settings) -> TokenResponse:
    """Move the refresh token from the body into the cookie of ``response``."""
    if tokens.refresh_token is None:
        return tokens
    response.headers.append("Set-Cookie", refresh_cookie(tokens.refresh_token, settings))
    return tokens.model_copy(update={"refresh_token": None})


def refresh_from_cookie(
    db: Session, *, token: str | None, response: Response, settings: Settings
) -> TokenResponse:
    """The refresh grant with the cookie's token; a cookie that no longer works is cleared,
    so the app does not keep sending it."""
    if not token:
        raise InvalidGrant(SESSION_ENDED)
    try:
        tokens = service.refresh_grant(db, refresh_token=token, settings=settings)
    except InvalidGrant as refused:
        refused.headers = {**refused.headers, "Set-Cookie": cleared_refresh_cookie(settings)}
        raise
    return in_cookie(response, tokens, settings)
