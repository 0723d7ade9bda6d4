"""The application factory: settings, database, middleware, error handlers, routers, web app."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from backend import __version__
from backend.accounts import service as accounts_service
from backend.api import api_router
from backend.core import health
from backend.core.access import Public
from backend.core.config import Settings, get_settings
from backend.core.db import (
    DB_CONCURRENCY,
    create_db_engine,
    create_session_factory,
    default_db_concurrency,
)
from backend.core.errors import install_error_handlers
from backend.core.events import bus
from backend.core.idempotency import IdempotencyMiddleware
from backend.core.logging import install_request_id_records
from backend.core.middleware import (
    REQUEST_ID_HEADER,
    BodyLimitMiddleware,
    RequestContextMiddleware,
)
from backend.core.openapi import install_openapi, operation_id
from backend.core.public_cache import PublicAnswersMiddleware, PublicCache, watch_for
from backend.notifications.router import router as dev_mail_router
from backend.notifications.senders import create_sender
from backend.webhooks.catalog import described_event_types
from backend.wiring import wire
from backend.worker import Worker

DESCRIPTION = """\
Strength Circles connects people living with anxiety, depression, grief, addiction or trauma
with peer support groups, peer mentors and a library of psychoeducation and recovery stories.

**This is a peer-support service, not a crisis service.** Anyone in danger should call their
local emergency number; `GET /api/v1/crisis-resources` lists crisis lines.

Errors are RFC 9457 problem details (`application/problem+json`).
"""

OPENAPI_TAGS = [
    {
        "name": "auth",
        "description": "Registration with email confirmation, sign-in (OAuth2 token "
        "endpoint, and the web app's refresh cookie), sign-out and password reset.",
    },
    {"name": "me", "description": "The caller's own profile, privacy choices and password."},
    {
        "name": "notifications",
        "description": (
            "The notification centre, what a person is told and how (email, push, in the "
            "app), reminders and quiet hours, push devices, and one-click unsubscribe."
        ),
    },
    {"name": "users", "description": "Account management for admins."},
    {"name": "service_clients", "description": "Integrator clients and their scopes (admins)."},
    {
        "name": "webhooks",
        "description": "Signed webhooks (Standard Webhooks) for integrators' service clients: "
        "endpoints, the events they receive, delivery logs and redelivery.\n\n"
        + described_event_types(),
    },
    {
        "name": "groups",
        "description": "The topic vocabulary, the group directory, group pages "
        "and membership. Finding a group is open to anyone; who is in it is not.",
    },
    {
        "name": "sessions",
        "description": "Schedules and meetings, RSVPs with waitlists, check-in, attendance, "
        "reports and calendar feeds. Meeting links are for members only.",
    },
    {
        "name": "mentoring",
        "description": "Peer mentoring: mentor profiles and approval, mentee requests, "
        "explained suggestions, optimal batch matching under mentor capacities, the match "
        "lifecycle, and check-ins and feedback that belong to the pair.",
    },
    {
        "name": "library",
        "description": "Psychoeducation, worksheets, services, hotlines and "
        "recovery stories; ranked search; crisis resources that answer without the database.",
    },
    {
        "name": "reports",
        "description": "Reporting harm to the team, and the moderation queue where staff "
        "review, assign, note and decide on reports.",
    },
    {
        "name": "referrals",
        "description": "Counseling services (and staff) refer people to circles, listed or "
        "unlisted. The person answers through their link and decides, part by part, what the "
        "referrer learns: whether they joined, and their attendance in that circle from then "
        "on; withdrawing ends it. Also as FHIR R4 (ServiceRequest, Consent, Encounter).",
    },
    {
        "name": "audit",
        "description": "The append-only audit trail of sensitive reads and changes (admins).",
    },
    {"name": "health", "description": "Liveness and readiness probes."},
]

DOCS_STATIC_PATH = "/static-docs"

_NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strength Circles</title></head>
<body><main><h1>Strength Circles</h1>
<p>The web app has not been built yet. Run <code>make run</code> from the repository, or
<code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>.</p>
<p>The API is running: see <a href="/docs">the API documentation</a>.</p>
<p>If you are in crisis, call your local emergency number now.</p></main></body></html>
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    install_request_id_records()
    engine = create_db_engine(settings.resolved_database_url)
    concurrency = settings.db_concurrency or default_db_concurrency(settings.resolved_database_url)

    wire()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # See core.db.db_slot: fewer requests in the database than threads to finish them.
        app.state.db_slots = anyio.Semaphore(concurrency)
        # See core.admission.password_slot: password hashing leaves a database slot free.
        app.state.password_slots = anyio.Semaphore(max(1, concurrency - 1))
        threads = anyio.to_thread.current_default_thread_limiter()
        threads.total_tokens = max(threads.total_tokens, 2 * DB_CONCURRENCY)
        # Anonymous answers of public reads, kept until the database changes (core/public_cache.py).
        app.state.public_cache = PublicCache(
            watch_for(settings.resolved_database_url) if settings.public_cache else None
        )
        worker = Worker(app.state.session_factory, settings, create_sender(settings), bus.jobs)
        if settings.runs_embedded_worker:
            worker.start_in_background()
        try:
            yield
        finally:
            if settings.runs_embedded_worker:
                worker.stop()
            app.state.public_cache.close()
            engine.dispose()

    app = FastAPI(
        title="Strength Circles API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
        # FastAPI's native OpenTelemetry asks on every request whether a provider is set up
        # (about a tenth of a route's own time here). The service logs one line per request
        # itself (backend.core.middleware); to export traces instead, set these to True.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    # The one session factory: requests (get_db) and the middleware read it from here.
    app.state.session_factory = create_session_factory(engine)

    install_error_handlers(app)
    install_openapi(app)

    # Added innermost first: the request context wraps CORS, which wraps the body limit,
    # which wraps idempotent replays, which wrap the kept public answers.
    app.add_middleware(PublicAnswersMiddleware)
    app.add_middleware(
        IdempotencyMiddleware,
        settings=settings,
        resolve_caller=lambda db, token: accounts_service.caller_id(db, token, settings),
    )
    app.add_middleware(BodyLimitMiddleware)
    if settings.cors_origins:
        # Only when another origin may call: without one, every answer is the same whatever
        # Origin a request names, and the middleware would only cost time.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", REQUEST_ID_HEADER],
            expose_headers=[
                REQUEST_ID_HEADER,
                "Retry-After",
                "Location",
                "WWW-Authenticate",
                "Idempotent-Replayed",
            ],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware, production=settings.is_production)

    app.include_router(health.router)
    app.include_router(api_router)
    if not settings.is_production:
        # The outbox as a page, so signing up works without a mail server. Never in
        # production: it shows everyone's emails, reset links included.
        app.include_router(dev_mail_router)
    _mount_docs(app)
    _mount_web_app(app, settings.frontend_dir)
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from assets shipped in a package: no CDN at run time."""
    assets = resources.files("fastapi_offline") / "static"
    app.mount(DOCS_STATIC_PATH, StaticFiles(directory=str(assets)), name="docs-static")
    oauth2_redirect_url = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False, dependencies=[Public])
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=oauth2_redirect_url,
            swagger_js_url=f"{DOCS_STATIC_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_STATIC_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_STATIC_PATH}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": False},
        )

    @app.get(oauth2_redirect_url, include_in_schema=False, dependencies=[Public])
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False, dependencies=[Public])
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{DOCS_STATIC_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_STATIC_PATH}/favicon.png",
            with_google_fonts=False,
        )


# Paths the web app never answers: the API, its documents and the probes keep their own 404s.
_NOT_APP_PATHS = (
    "api/",
    "docs",
    "redoc",
    "static-docs/",
    "openapi.json",
    "healthz",
    "readyz",
    "dev/",
)


def _mount_web_app(app: FastAPI, frontend_dir: Path) -> None:
    """The single-page app: its hashed assets under ``/assets``, the files Vite copies to the
    top (icons, manifest, service worker), and ``index.html`` for every other path, so links
    into the app (``/groups/…``, ``/reset-password?token=…``) open the right page."""
    index = frontend_dir / "index.html"
    if (frontend_dir / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=frontend_dir / "assets"), name="web-assets")

    top_level_files = sorted(frontend_dir.glob("*.*")) if frontend_dir.is_dir() else []
    for path in top_level_files:
        if path.is_file() and path != index:
            app.add_api_route(
                f"/{path.name}",
                _file_endpoint(path),
                methods=["GET"],
                include_in_schema=False,
                name=f"web-{path.name}",
                dependencies=[Public],
            )

    async def web_app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].lstrip("/")
        reading = scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
        if not reading or path.startswith(_NOT_APP_PATHS):
            raise StarletteHTTPException(404)
        if index.is_file():
            response: Response = FileResponse(index, media_type="text/html")
        elif not path:
            response = HTMLResponse(_NOT_BUILT_PAGE)
        else:  # without a built app there is no page to answer other paths with
            raise StarletteHTTPException(404)
        await response(scope, receive, send)

    # What the router answers when no route matched, so every route, including any added
    # later, is matched first; the error handlers turn the 404s into problem+json.
    app.router.default = web_app


def _file_endpoint(path: Path) -> Callable[[], FileResponse]:
    def serve_file() -> FileResponse:
        return FileResponse(path)

    return serve_file
