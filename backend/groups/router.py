"""Groups: the topic vocabulary, the public directory, group pages and membership."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from backend.accounts.dependencies import AppSettings, CurrentActor, OptionalActor
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.public_cache import KEPT_ANSWER_RESPONSES, answer_kept_if_anonymous
from backend.core.routing import JSONRoute, located_at
from backend.groups import invitations, service, views
from backend.groups.dependencies import ManagedGroup, PublicGroup, VisibleGroup
from backend.groups.models import GroupFormat, GroupMembership
from backend.groups.schemas import (
    Directory,
    GroupCreate,
    GroupRead,
    GroupUpdate,
    InvitationCreate,
    InvitationCreated,
    InvitationPreview,
    InvitationRead,
    JoinRequest,
    MemberRead,
    MembershipRead,
    MembershipUpdate,
    MyGroup,
    TimeOfDay,
    Weekday,
)

router = APIRouter(route_class=JSONRoute)

# Anonymous answers of the public read routes may be kept (core/public_cache.py).
KEPT = KEPT_ANSWER_RESPONSES


def _membership_read(membership: GroupMembership) -> MembershipRead:
    return MembershipRead.model_validate(membership, from_attributes=True)


@router.get(
    "/groups",
    tags=["groups"],
    response_model=Directory,
    responses={**problem_responses(401), **KEPT},
)
async def list_groups(
    request: Request,
    actor: OptionalActor,
    db: DbSession,
    q: Annotated[str | None, Query(max_length=100, description="Words in name or text.")] = None,
    topic: Annotated[str | None, Query(max_length=40, description="A topic slug.")] = None,
    format: GroupFormat | None = None,
    language: Annotated[
        str | None, Query(max_length=20, description="'es' also finds 'es-MX' groups.")
    ] = None,
    open: Annotated[
        bool | None, Query(description="true: only active groups with a free place.")
    ] = None,
    day: Annotated[
        Weekday | None,
        Query(description="Groups with an upcoming meeting on this weekday (local time)."),
    ] = None,
    time_of_day: Annotated[
        TimeOfDay | None,
        Query(
            description="Groups with a current schedule that starts in this part of the day, in "
            "the group's local time: morning 05:00-12:00, midday 12:00-17:00, evening "
            "17:00-21:00, night 21:00-05:00 (from inclusive, to exclusive)."
        ),
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Directory | Response:
    """Find a group: the directory of listed groups, open to anyone.

    Anonymous answers carry an ETag (send it as `If-None-Match` for a 304) and may come from
    the answers each process keeps until the database changes."""
    filters = {
        "q": q,
        "topic": topic,
        "format": format,
        "language": language,
        "has_room": open,
        "day": day,
        "time_of_day": time_of_day,
        "limit": limit,
        "cursor": cursor,
    }

    def make() -> tuple[Directory, float | None]:
        return views.directory_answer(db, actor=actor, **filters)

    return await answer_kept_if_anonymous(request, anonymous=actor.is_anonymous, make=make)


@router.post(
    "/groups",
    tags=["groups"],
    status_code=201,
    responses=problem_responses(
        401,
        403,
        s409="The same group sent twice at once: the first took its address (slug) a moment "
        "before. With one Idempotency-Key on both, the second gets the first's answer.",
        s422="Invalid fields or unknown topics.",
    ),
)
def create_group(
    data: GroupCreate, actor: CurrentActor, db: DbSession, response: Response
) -> GroupRead:
    """Start a group (facilitators and admins); its creator becomes its facilitator."""
    group = service.create_group(db, actor=actor, data=data)
    located_at(response, f"/groups/{group.id}")
    return views.group_page(db, group, actor)


# Before every /groups/{group_id}/... route, so /groups/by-slug/members is the group whose
# slug is "members", not the member list of a group with the id "by-slug".
@router.get(
    "/groups/by-slug/{slug}",
    tags=["groups"],
    response_model=GroupRead,
    responses={**problem_responses(401, 404), **KEPT},
)
async def read_group_by_slug(
    request: Request,
    slug: Annotated[str, Path(max_length=120)],
    actor: OptionalActor,
    db: DbSession,
) -> GroupRead | Response:
    """A group's page found by its slug, as `GET /groups/{group_id}` shows it (same rules)."""

    def make() -> tuple[GroupRead, float | None]:
        return views.group_by_slug_answer(db, actor=actor, slug=slug)

    return await answer_kept_if_anonymous(request, anonymous=actor.is_anonymous, make=make)


@router.get(
    "/groups/{group_id}",
    tags=["groups"],
    response_model=GroupRead,
    responses={**problem_responses(401, 404), **KEPT},
)
async def read_group(request: Request, access: PublicGroup, db: DbSession) -> GroupRead | Response:
    """A group's page; the meeting link only for its active members. Anonymous answers carry
    an ETag and may be kept, as the directory's are."""

    def make() -> tuple[GroupRead, float | None]:
        return views.group_answer(db, access)

    return await answer_kept_if_anonymous(request, anonymous=access.actor.is_anonymous, make=make)


@router.patch("/groups/{group_id}", tags=["groups"], responses=problem_responses(401, 403, 404))
def update_group(access: ManagedGroup, changes: GroupUpdate, db: DbSession) -> GroupRead:
    """Edit a group (its facilitators and admins); new guidelines start a new version."""
    group = service.update_group(db, access, changes=changes)
    return views.group_page(db, group, access.actor)


@router.post(
    "/groups/{group_id}/archive",
    tags=["groups"],
    responses=problem_responses(401, 403, 404),
)
def archive_group(access: ManagedGroup, db: DbSession, settings: AppSettings) -> GroupRead:
    """Archive a group: it leaves the directory, its history stays."""
    group = service.archive_group(db, settings, access)
    return views.group_page(db, group, access.actor)


@router.post(
    "/groups/{group_id}/members",
    tags=["groups"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, s409="Full, not taking members, or already a member."
    ),
)
def join_group(access: VisibleGroup, _terms: JoinRequest, db: DbSession) -> MembershipRead:
    """Join, accepting the guidelines: open groups admit at once, others wait for approval."""
    return _membership_read(service.join_group(db, access))


@router.get(
    "/groups/{group_id}/members", tags=["groups"], responses=problem_responses(401, 403, 404)
)
def list_members(
    access: VisibleGroup, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[MemberRead]:
    """Who is in the group, by pseudonym and group role, facilitators first (its members and
    admins only)."""
    page = views.list_members(db, access, limit=limit, cursor=cursor)
    return Page[MemberRead](items=page.items, next_cursor=page.next_cursor)


@router.patch(
    "/groups/{group_id}/members/{user_id}",
    tags=["groups"],
    responses=problem_responses(401, 403, 404, s409="Full, or the last facilitator."),
)
def update_member(
    access: ManagedGroup,
    user_id: uuid.UUID,
    changes: MembershipUpdate,
    db: DbSession,
    settings: AppSettings,
) -> MembershipRead:
    """Approve a request (the person is told by email) or change a member's group role
    (facilitators of the group)."""
    return _membership_read(
        service.update_membership(db, settings, access, user_id=user_id, changes=changes)
    )


@router.delete(
    "/groups/{group_id}/members/{user_id}",
    tags=["groups"],
    status_code=204,
    responses=problem_responses(401, 403, 404, s409="The last facilitator cannot go."),
)
def remove_member(
    access: VisibleGroup, user_id: uuid.UUID, db: DbSession, settings: AppSettings
) -> Response:
    """Leave the group (yourself), or remove a member (facilitators)."""
    service.remove_membership(db, settings, access, user_id=user_id)
    return Response(status_code=204)


@router.get("/me/groups", tags=["me"], responses=problem_responses(401, 403))
def my_groups(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[MyGroup]:
    """The caller's groups and their status in each (pending requests included), by slug."""
    page = views.my_groups(db, actor=actor, limit=limit, cursor=cursor)
    return Page[MyGroup](items=page.items, next_cursor=page.next_cursor)


# --- invitations ----------------------------------------------------------------------------

# The secret of an invitation link, as made (43 characters) with room to spare.
InvitationToken = Annotated[str, Path(min_length=16, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


@router.post(
    "/groups/{group_id}/invitations",
    tags=["groups"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, s409="The circle is archived, or has 20 live invitations already."
    ),
)
def create_invitation(
    access: ManagedGroup, data: InvitationCreate, db: DbSession, settings: AppSettings
) -> InvitationCreated:
    """Make an invitation link (the circle's facilitators and admins): anyone who has it may
    join, even an unlisted or approval circle, until it expires or is used up. The link is in
    this answer only; keep it, or make a new one."""
    invitation, token = invitations.create_invitation(db, access, data=data)
    return views.invitation_created(
        invitation, token=token, url=invitations.invitation_url(settings, token)
    )


@router.get(
    "/groups/{group_id}/invitations",
    tags=["groups"],
    responses=problem_responses(401, 403, 404),
)
def list_invitations(
    access: ManagedGroup, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[InvitationRead]:
    """The circle's invitations, live and past, newest first (never their links)."""
    page = invitations.list_invitations(db, access, limit=limit, cursor=cursor)
    return Page[InvitationRead](
        items=[views.invitation_read(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.delete(
    "/invitations/{invitation_id}",
    tags=["groups"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def revoke_invitation(invitation_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    """Revoke an invitation: its link stops working at once (again: nothing changes)."""
    invitations.revoke_invitation(db, actor, invitation_id)
    return Response(status_code=204)


@router.get(
    "/invitations/{token}",
    tags=["groups"],
    responses=problem_responses(
        401,
        403,
        s404="Unknown or revoked: ask the facilitator who sent it for a new one.",
        s410="Expired, used up, or the circle has closed.",
    ),
)
def read_invitation(
    token: InvitationToken, actor: OptionalActor, db: DbSession
) -> InvitationPreview:
    """What an invitation leads to, for anyone who has its link: the circle, when it meets,
    its guidelines and room, and whether the caller is in it already."""
    invitation, group = invitations.open_invitation(db, token)
    return views.invitation_preview(db, invitation, group, actor)


@router.post(
    "/invitations/{token}/accept",
    tags=["groups"],
    status_code=201,
    responses=problem_responses(
        401,
        403,
        s404="Unknown or revoked: ask the facilitator who sent it for a new one.",
        s409="Already a member, removed by a facilitator, full, or not taking members now.",
        s410="Expired, used up, or the circle has closed.",
    ),
)
def accept_invitation(
    token: InvitationToken, _terms: JoinRequest, actor: CurrentActor, db: DbSession
) -> MembershipRead:
    """Join the circle of an invitation, accepting its guidelines: as an active member at once,
    whatever its join policy, while it has room."""
    return _membership_read(invitations.accept_invitation(db, actor, token))
