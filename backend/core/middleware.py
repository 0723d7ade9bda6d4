"""ASGI middleware: request context (id, access log, security headers, last-resort 500) and the
request body limit. Both are pure ASGI so that they see every response, errors included."""

import logging
import random
import re
import time
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import ContentTooLarge, problem_response
from backend.core.logging import request_id_var
from backend.core.routing import API_PREFIX

logger = logging.getLogger("backend.request")

MAX_BODY_BYTES = 1024 * 1024
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RAW = REQUEST_ID_HEADER.lower().encode("latin-1")
# A caller's request id is kept only when it is short and plain, so it cannot forge log lines.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and ReDoc run an inline bootstrap script and ReDoc starts a blob: worker.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)
_APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
_DOCS_PREFIXES = ("/docs", "/redoc", "/static-docs/")
# Everything else is the web app (backend.main answers its paths with index.html).
_NOT_APP_PREFIXES = ("/api/", "/openapi.json", "/healthz", "/readyz", "/dev/", *_DOCS_PREFIXES)
_HSTS = "max-age=63072000; includeSubDomains"
WEB_APP_PAGE = "(web app page)"


# A request id correlates log lines and problem answers; it grants nothing and a caller may
# choose their own, so it needs to be unique, not unguessable. The random module's generator
# is seeded from the OS at start and again in every forked worker; os.urandom per request
# (what uuid4 does) was a system call costing a tenth of a small route's time here.
def _new_request_id() -> str:
    return f"{random.getrandbits(128):032x}"


def _is_app_page(path: str) -> bool:
    return not path.startswith(_NOT_APP_PREFIXES)


def security_headers(path: str, status: int, *, production: bool) -> dict[str, str]:
    """The headers every response carries; the CSP and caching depend on what is served."""
    if status >= 400:
        csp, cache = _API_CSP, "no-store"
    elif path.startswith(_DOCS_PREFIXES):
        csp, cache = _DOCS_CSP, "no-cache"
    elif _is_app_page(path):
        # Built assets have content hashes in their names, so they never change.
        csp = _APP_CSP
        cache = "public, max-age=31536000, immutable" if path.startswith("/assets/") else "no-cache"
    else:
        csp, cache = _API_CSP, "no-store"
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": csp,
        "Cache-Control": cache,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if production:
        headers["Strict-Transport-Security"] = _HSTS
    return headers


@lru_cache(maxsize=64)
def _raw_security_headers(
    kind: str, status_class: int, production: bool
) -> tuple[tuple[bytes, bytes], ...]:
    """``security_headers`` as raw ASGI header pairs, built once per kind of answer: this runs
    on every response, so it is a lookup, not a dictionary built and encoded each time."""
    sample_path = {"api": "/api/", "docs": "/docs", "asset": "/assets/", "page": "/"}[kind]
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in security_headers(
            sample_path, status_class * 100, production=production
        ).items()
    )


def _kind_of(path: str) -> str:
    if path.startswith(_DOCS_PREFIXES):
        return "docs"
    if not _is_app_page(path):
        return "api"
    return "asset" if path.startswith("/assets/") else "page"


def _route_template(scope: Scope) -> str:
    """The matched route's template (``/calendar/{token}.ics``), so secrets in paths stay out
    of the log; the web app's pages as one label, since their paths can name a group (and so a
    topic); other unmatched paths as they came, without the query string."""
    path: str = scope.get("path", "")
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str) and template:
        # Routes of included routers carry their path without the router's prefix.
        if path.startswith(API_PREFIX + "/") and not template.startswith(API_PREFIX + "/"):
            return API_PREFIX + template
        return template
    return WEB_APP_PAGE if _is_app_page(path) else path


class RequestContextMiddleware:
    """Outermost middleware: gives each request an id, logs one line per request, adds the
    security headers, and turns anything unhandled into a problem+json 500 without a trace."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else _new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started_at = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if _REQUEST_ID_RAW not in present:
                    headers.append((_REQUEST_ID_RAW, request_id.encode("latin-1")))
                kind = "api" if status >= 400 else _kind_of(scope["path"])
                headers.extend(
                    pair
                    for pair in _raw_security_headers(kind, min(status // 100, 4), self.production)
                    if pair[0] not in present
                )
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error")
            if response_started:
                raise
            response = problem_response(
                Request(scope),
                status=500,
                detail="Something went wrong on our side. It has been logged; "
                "please try again, and quote the request id if it keeps happening.",
            )
            await response(scope, receive, send_with_headers)
        finally:
            logger.info(
                "%s %s %s %.1fms",
                scope["method"],
                _route_template(scope),
                status,
                (time.perf_counter() - started_at) * 1000,
            )
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes: by Content-Length before reading, and by
    counting while reading for chunked bodies that announce no length."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            error = ContentTooLarge(self.limit)
            response = problem_response(
                Request(scope), status=error.status_code, detail=error.detail
            )
            await response(scope, receive, send)
            return

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise ContentTooLarge(self.limit)
            return message

        await self.app(scope, receive_limited, send)
