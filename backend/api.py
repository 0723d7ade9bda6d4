"""The ``/api/v1`` router: every domain router is included here."""

from fastapi import APIRouter

from backend.core.routing import JSONRoute

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX, route_class=JSONRoute)
