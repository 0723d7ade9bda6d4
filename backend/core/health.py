"""Liveness and readiness probes for load balancers and orchestrators."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from backend.core.db import DbSession
from backend.core.errors import Problem

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/healthz")
def healthz() -> HealthStatus:
    """The process is alive (does not touch the database)."""
    return HealthStatus()


@router.get(
    "/readyz",
    responses={503: {"model": Problem, "description": "The database cannot be reached."}},
)
def readyz(db: DbSession) -> HealthStatus:
    """The service can answer requests: the database is reachable."""
    db.execute(text("SELECT 1"))
    return HealthStatus()
