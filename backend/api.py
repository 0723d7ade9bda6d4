"""The ``/api/v1`` router: every domain router is included here."""

from fastapi import APIRouter

from backend.accounts.notifications_router import router as notifications_router
from backend.accounts.router import router as accounts_router
from backend.core.routing import API_PREFIX, JSONRoute
from backend.groups.router import router as groups_router
from backend.library.crisis_router import router as crisis_router
from backend.library.router import router as library_router
from backend.mentoring.router import router as mentoring_router
from backend.moderation.router import router as moderation_router
from backend.privacy.router import router as privacy_router
from backend.referrals.router import router as referrals_router
from backend.safety.router import router as safety_router
from backend.sessions.router import router as sessions_router
from backend.topics.router import router as topics_router
from backend.webhooks.router import router as webhooks_router

__all__ = ["API_PREFIX", "api_router"]

api_router = APIRouter(prefix=API_PREFIX, route_class=JSONRoute)
# FastAPI matches a request against the routes one by one, in this order (a few microseconds
# each, ~190 routes): the most asked-for come first. Crisis lines first of all, so that a
# person in crisis waits for nothing. No two routers share a path.
api_router.include_router(crisis_router)
api_router.include_router(groups_router)
api_router.include_router(sessions_router)
api_router.include_router(library_router)
api_router.include_router(topics_router)
api_router.include_router(mentoring_router)
api_router.include_router(accounts_router)
api_router.include_router(notifications_router)
api_router.include_router(safety_router)
api_router.include_router(moderation_router)
api_router.include_router(referrals_router)
api_router.include_router(privacy_router)
api_router.include_router(webhooks_router)
