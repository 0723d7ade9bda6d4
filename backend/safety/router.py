"""Blocks (the members a person has blocked; they are never told) and the audit trail."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from backend.accounts.dependencies import AdminActor, AppSettings, CurrentActor
from backend.core.audit import AuditAction
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute
from backend.core.vocabulary import Instant
from backend.safety import audit, service
from backend.safety.schemas import AuditEventRead, AuditFilters, BlockRead

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


@router.get(
    "/audit-events",
    tags=["audit"],
    response_model=Page[AuditEventRead],
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with Accept: text/csv."},
        **problem_responses(401, 403),
    },
)
def list_audit_events(
    admin: AdminActor,
    db: DbSession,
    action: AuditAction | None = None,
    actor_id: uuid.UUID | None = None,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    group_id: uuid.UUID | None = None,
    subject_id: Annotated[
        uuid.UUID | None, Query(description="Events that read or changed this person's data.")
    ] = None,
    start: Annotated[Instant | None, Query(alias="from", description="RFC 3339.")] = None,
    to: Annotated[Instant | None, Query(description="RFC 3339, exclusive.")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    accept: Annotated[str | None, Header()] = None,
) -> Page[AuditEventRead] | Response:
    """The audit trail, newest first (admins): who read or changed what, as what, and when,
    never the content. Send `Accept: text/csv` for the filtered events as one file (at most
    50,000; narrow the filters for more). Reading the trail is in it too."""
    filters = AuditFilters(
        action=action,
        actor_id=actor_id,
        target_id=target_id,
        group_id=group_id,
        subject_id=subject_id,
        start=start,
        end=to,
    )
    if accept and "text/csv" in accept:
        return Response(
            audit.events_csv(db, actor=admin, filters=filters),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
        )
    page = audit.events(db, actor=admin, filters=filters, limit=limit, cursor=cursor)
    return Page[AuditEventRead](items=page.items, next_cursor=page.next_cursor)
