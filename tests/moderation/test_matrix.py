"""Every moderation route as every kind of caller: the status each gets, and that a refused
call changes nothing (the case as an admin reads it is the same before and after).

Callers: anonymous; an integrator holding every scope (these routes are for people); a member
outside the case; the reporter; the person reported; the circle's facilitator; a facilitator
of another circle (a story reviewer, so they have a queue, but not this case); an admin. The
case is a member report made from the circle."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from tests.factories import client_token, make_person, make_service_client
from tests.moderation.helpers import REPORTS, filed, only_case
from tests.sessions.conftest import make_circle
from tests.test_access import app_routes

PEOPLE = ("outsider", "reporter", "reported", "facilitator", "other_facilitator", "admin")
CALLERS = [
    "anonymous",
    "integrator",
    "outsider",
    "reporter",
    "reported",
    "facilitator",
    "other_facilitator",
    "admin",
]


@dataclass
class Scene:
    client: TestClient
    headers: dict[str, dict[str, str]]
    ids: dict[str, str]

    def case(self) -> dict[str, Any]:
        answer = self.client.get(f"{REPORTS}/{self.ids['case']}", headers=self.headers["admin"])
        assert answer.status_code == 200, answer.text
        case: dict[str, Any] = answer.json()
        return case


@pytest.fixture
def scene(client: TestClient, app: FastAPI) -> Scene:
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    people = {
        "outsider": make_person(client),
        "reporter": reporter,
        "reported": reported,
        "facilitator": circle.facilitator,
        "other_facilitator": make_circle(client, members=0).facilitator,
        "admin": make_person(client, role=Role.admin),
    }
    headers = {name: person.headers for name, person in people.items()}
    headers["anonymous"] = {}
    token = client_token(client, make_service_client(app, scopes=list(Scope)))
    headers["integrator"] = {"Authorization": f"Bearer {token}"}
    filed(client, reporter, "member", reported.user.id, group_id=str(circle.group.id))
    case_id = only_case(client, people["admin"])["id"]
    ids = {
        "case": case_id,
        "reported": str(reported.user.id),
        "group": str(circle.group.id),
        "facilitator": str(circle.facilitator.user.id),
    }
    return Scene(client, headers, ids)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    body: Callable[[Scene], Any] | None
    # The status of each caller; others are refused as the rule says.
    allowed: dict[str, int]
    refused: int  # for signed-in people outside ``allowed``
    writes: bool


ROUTES = [
    Route(
        "file a report",
        "POST",
        "/reports",
        lambda s: {"target_type": "circle", "target_id": s.ids["group"], "reason": "spam"},
        dict.fromkeys(
            ("outsider", "reporter", "reported", "facilitator", "other_facilitator", "admin"), 201
        ),
        0,
        writes=False,  # another case, not this one
    ),
    Route(
        "my reports",
        "GET",
        "/me/reports",
        None,
        dict.fromkeys(
            ("outsider", "reporter", "reported", "facilitator", "other_facilitator", "admin"), 200
        ),
        0,
        writes=False,
    ),
    Route(
        "the queue",
        "GET",
        "/reports",
        None,
        {"facilitator": 200, "other_facilitator": 200, "admin": 200},
        403,
        writes=False,
    ),
    Route("a case", "GET", "/reports/{case}", None, {"facilitator": 200, "admin": 200}, 403, False),
    Route(
        "move a case",
        "PATCH",
        "/reports/{case}",
        lambda s: {"status": "in_review"},
        {"facilitator": 200, "admin": 200},
        403,
        writes=True,
    ),
    Route(
        "note a case",
        "POST",
        "/reports/{case}/notes",
        lambda s: {"body": "Looked into it."},
        {"facilitator": 201, "admin": 201},
        403,
        writes=True,
    ),
    Route(
        "decide a case",
        "POST",
        "/reports/{case}/actions",
        lambda s: {"action": "dismiss"},
        {"facilitator": 200, "admin": 200},
        403,
        writes=True,
    ),
]


def expected(route: Route, caller: str) -> int:
    if caller == "anonymous":
        return 401
    if caller == "integrator":
        return 403
    if caller in route.allowed:
        return route.allowed[caller]
    # A moderator who may not see this case does not learn it exists.
    if caller == "other_facilitator" and "{case}" in route.path:
        return 404
    return route.refused


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_matrix(scene: Scene, route: Route, caller: str) -> None:
    before = scene.case()
    path = "/api/v1" + route.path.replace("{case}", scene.ids["case"])
    body = route.body(scene) if route.body else None
    answer = scene.client.request(route.method, path, headers=scene.headers[caller], json=body)
    status = expected(route, caller)
    assert answer.status_code == status, answer.text
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"
    if status >= 400 or not route.writes:
        assert scene.case() == before
    # Nobody but staff reads what is in the case, whatever they call.
    if caller not in ("facilitator", "admin"):
        assert scene.ids["reported"] not in answer.text


def test_the_matrix_covers_every_moderation_route(tmp_path: Path) -> None:
    served = {
        (method, str(route.path))
        for route in app_routes(tmp_path)
        if isinstance(route.original_route, APIRoute)
        and str(route.path).startswith(("/api/v1/reports", "/api/v1/me/reports"))
        for method in route.methods or []
    }
    covered = {(r.method, "/api/v1" + r.path.replace("{case}", "{report_id}")) for r in ROUTES}
    assert served == covered
