"""Liveness and readiness probes for load balancers and orchestrators."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import Response

from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.public_cache import shipped_json
from backend.core.routing import JSONRoute

router = APIRouter(tags=["health"], dependencies=[Public], route_class=JSONRoute)


class HealthStatus(BaseModel):
    status: Literal["ok"] = "ok"


_ALIVE = HealthStatus().model_dump_json().encode()


@router.get("/healthz", response_model=HealthStatus)
async def healthz(request: Request) -> Response:
    """The process is alive (does not touch the database)."""
    # Kept like any answer made from shipped data, so probes are served before routing;
    # without an ETag: no cache on the way may answer for the process.
    return shipped_json(request, _ALIVE, None, if_none_match=None)


@router.get(
    "/readyz",
    responses=problem_responses(503),
)
def readyz(db: DbSession) -> HealthStatus:
    """The service can answer requests: the database is reachable."""
    db.execute(text("SELECT 1"))
    return HealthStatus()
