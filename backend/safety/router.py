"""Blocks: the members a person has blocked (they are never told)."""

import uuid

from fastapi import APIRouter, Response

from backend.accounts.dependencies import AppSettings, CurrentActor
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute
from backend.safety import service
from backend.safety.schemas import BlockRead

router = APIRouter(route_class=JSONRoute)


@router.get("/me/blocks", tags=["me"], responses=problem_responses(401, 403))
def list_blocks(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[BlockRead]:
    """The members you have blocked."""
    page = service.list_blocks(db, actor=actor, limit=limit, cursor=cursor)
    return Page[BlockRead](items=page.items, next_cursor=page.next_cursor)


@router.put(
    "/me/blocks/{user_id}",
    tags=["me"],
    responses=problem_responses(401, 403, 404, s422="You cannot block yourself."),
)
def block_member(
    user_id: uuid.UUID, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> BlockRead:
    """Block a member: you are never suggested or matched with each other, and an open match
    between you ends (they are told only that it ended). They are not told of the block."""
    return service.block_read(db, service.block(db, settings, actor=actor, other_id=user_id))


@router.delete(
    "/me/blocks/{user_id}", tags=["me"], status_code=204, responses=problem_responses(401, 403)
)
def unblock_member(user_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    """Unblock a member (nothing happens if they were not blocked)."""
    service.unblock(db, actor=actor, other_id=user_id)
    return Response(status_code=204)
