"""Deny by default: every route declares who may call it, and the routes anyone may call are
exactly the public allowlist of SECURITY.md."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import Mount

from backend.accounts.dependencies import get_optional_actor, get_optional_person
from backend.core.access import ACCESS_RULES, public
from backend.core.config import Settings
from backend.main import create_app

# (method, path) pairs anyone may call without signing in. Adding one is a security decision:
# say why in the change that adds it.
PUBLIC_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/token"),
    # The second step of a sign-in with two-step sign-in: the caller is not signed in yet; the
    # first step's random challenge and a code are the proof.
    ("POST", "/api/v1/auth/token/second-factor"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    # Confirming a sign-up: the person cannot sign in yet; the emailed token and the password
    # chosen at sign-up are the proof (wrong passwords count as failed sign-ins).
    ("POST", "/api/v1/auth/confirm-email"),
    # Finding a group is open to anyone (signed-in members see their unlisted groups too).
    ("GET", "/api/v1/topics"),
    ("GET", "/api/v1/groups"),
    ("GET", "/api/v1/groups/{group_id}"),
    # The same page by its slug, for links people can read; the same rule decides who sees it.
    ("GET", "/api/v1/groups/by-slug/{slug}"),
    # A listed group's meeting times are part of finding it (no links, no names of members).
    ("GET", "/api/v1/groups/{group_id}/schedules"),
    ("GET", "/api/v1/groups/{group_id}/sessions"),
    ("GET", "/api/v1/sessions/{session_id}"),
    ("GET", "/api/v1/groups/{group_id}/calendar.ics"),
    # One meeting as a calendar file, for exactly whoever may read the meeting itself.
    ("GET", "/api/v1/sessions/{session_id}/calendar.ics"),
    # A member's calendar feed: calendar apps cannot sign in, so the secret URL is the key.
    ("GET", "/api/v1/calendar/{token}.ics"),
    # What an invitation leads to, for whoever holds its link (signed in or not yet): the
    # link's random secret is the key; unknown or revoked is 404, as any unknown address.
    ("GET", "/api/v1/invitations/{token}"),
    # A referral, for whoever holds its link: seeing it (and saying no thanks) needs no
    # account. The link's random secret is the key, as an invitation's is.
    ("POST", "/api/v1/referral-links/{token}/open"),
    ("POST", "/api/v1/referral-links/{token}/decline"),
    # The key a browser needs to subscribe to push is public by design (RFC 8292).
    ("GET", "/api/v1/push/key"),
    # One-click unsubscribe works without signing in (RFC 8058): the token is the permission.
    ("GET", "/api/v1/unsubscribe/{token}"),
    ("POST", "/api/v1/unsubscribe/{token}"),
    # The published library.
    ("GET", "/api/v1/resources"),
    ("GET", "/api/v1/resources/{resource_id}"),
    ("GET", "/api/v1/resources/export/hsds"),
    # The same with the listed circles: what the public directory shows anyone.
    ("GET", "/api/v1/directory/export/hsds"),
    # Crisis help answers anyone, always, without the database.
    ("GET", "/api/v1/crisis-resources"),
    # Development only (main.py does not mount them in production, and a test proves it): the
    # outbox as a page and as JSON, so signing up works without a mail server.
    ("GET", "/dev/mail"),
    ("GET", "/dev/mail/latest"),
    # The documentation and the web app's own page.
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
}
STATIC_MOUNTS = {"/static-docs", "/assets"}


def calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from calls(dependency)


def app_routes(tmp_path: Path) -> list[RouteContext]:
    """Every route as served, with the routes of included routers flattened."""
    frontend = tmp_path / "dist"
    (frontend / "assets").mkdir(parents=True)
    (frontend / "index.html").write_text("<!doctype html><title>t</title>")
    settings = Settings(
        var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", frontend_dir=frontend
    )
    return list(iter_route_contexts(create_app(settings).routes))


def test_every_route_declares_an_access_rule(tmp_path: Path) -> None:
    undeclared = []
    checked = 0
    for route in app_routes(tmp_path):
        if isinstance(route.original_route, Mount):
            assert route.path in STATIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        if not isinstance(route.original_route, APIRoute):
            continue  # the OpenAPI document itself
        checked += 1
        if not ACCESS_RULES & set(calls(route.dependant)):
            undeclared.append(f"{sorted(route.methods or [])} {route.path}")
    assert undeclared == [], "routes without an access rule (add Public or an auth dependency)"
    assert checked > 20  # the walk reaches the routes of included routers


def test_the_public_routes_are_exactly_the_allowlist(tmp_path: Path) -> None:
    found: set[tuple[str, str]] = set()
    for route in app_routes(tmp_path):
        if not isinstance(route.original_route, APIRoute):
            continue
        if set(calls(route.dependant)) & {public, get_optional_person, get_optional_actor}:
            found.update((method, str(route.path)) for method in route.methods or [])
    assert found == PUBLIC_ROUTES


def test_routes_that_refuse_service_clients_document_the_403(tmp_path: Path) -> None:
    """A signed-in-person route answers a service client's token with 403 insufficient-scope,
    and a scoped route answers 403 to a client without the scope: the OpenAPI entry of each
    must say so, since the document describes exactly what the server does."""
    from backend.accounts.dependencies import (
        get_actor,
        get_optional_actor,
        get_person,
    )

    missing: list[str] = []
    for route in app_routes(tmp_path):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        if set(calls(route.dependant)) & {
            get_person,
            get_actor,
            get_optional_actor,
        }:
            responses = route.original_route.responses or {}
            if 403 not in responses and "403" not in responses:
                missing.extend(f"{method} {route.path}" for method in sorted(route.methods or []))
    assert missing == [], "\n".join(missing)
