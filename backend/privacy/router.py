"""The member's own data: export it, or close the account for good."""

from typing import Any

from fastapi import APIRouter, Response

from backend.accounts import web
from backend.accounts.dependencies import AppSettings, CurrentActor
from backend.core.admission import BUSY, PasswordSlot
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.routing import JSONRoute
from backend.privacy import service
from backend.privacy.schemas import ErasureConfirmation

router = APIRouter(route_class=JSONRoute)


@router.get("/me/export", tags=["me"], responses=problem_responses(401, 403))
def export_my_data(actor: CurrentActor, db: DbSession) -> dict[str, Any]:
    """Everything the service holds about me, as JSON (GDPR articles 15 and 20)."""
    return service.export(db, actor=actor)


@router.delete(
    "/me",
    tags=["me"],
    status_code=204,
    dependencies=[PasswordSlot],
    responses=problem_responses(
        401,
        403,
        s429="Too many wrong passwords.",
        s422="The password is missing.",
        s503=BUSY,
    ),
)
def close_my_account(
    confirmation: ErasureConfirmation, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> Response:
    """Close my account for good: personal data removed, anonymous figures kept.

    Send the current password to confirm. The answer also clears the web app's refresh
    cookie.
    """
    service.erase(db, settings, actor=actor, password=confirmation.password)
    return web.clear_cookie(Response(status_code=204), settings)
