"""Liveness and readiness probes for load balancers and orchestrators."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.routing import JSONRoute

router = APIRouter(tags=["health"], dependencies=[Public], route_class=JSONRoute)


class HealthStatus(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/healthz")
async def healthz() -> HealthStatus:
    """The process is alive (does not touch the database)."""
    return HealthStatus()


@router.get(
    "/readyz",
    responses=problem_responses(503),
)
def readyz(db: DbSession) -> HealthStatus:
    """The service can answer requests: the database is reachable."""
    db.execute(text("SELECT 1"))
    return HealthStatus()
