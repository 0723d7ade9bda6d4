"""The resource library: search and read (anyone), edit (editors), bookmarks (members)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, Security

from backend.accounts.dependencies import AdminUser, CurrentUser, OptionalUser, get_principal
from backend.accounts.schemas import Scope
from backend.accounts.service import Principal, UserPrincipal
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import KEY_IN_FLIGHT, problem_responses
from backend.core.orm import utcnow
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute
from backend.library import hsds, service, stories
from backend.library.models import ResourceStatus, ResourceType, Story, StoryStatus
from backend.library.schemas import (
    BookmarkRead,
    ResourceCreate,
    ResourceRead,
    ResourceSummary,
    ResourceUpdate,
    StoryCreate,
    StoryRead,
    StoryReview,
    StoryUpdate,
)

router = APIRouter(route_class=JSONRoute)

Editor = Annotated[Principal, Security(get_principal, scopes=[Scope.resources_write])]


def _editor_user_id(principal: Principal) -> uuid.UUID | None:
    """People must be facilitators or admins; service clients hold resources:write."""
    if isinstance(principal, UserPrincipal):
        if not service.is_editor(principal.user):
            raise service.NotAnEditor()
        return principal.user.id
    return None


@router.get("/resources", tags=["library"], responses=problem_responses(401))
def list_resources(
    viewer: OptionalUser,
    db: DbSession,
    q: Annotated[str | None, Query(max_length=200, description="Words to search for.")] = None,
    topic: Annotated[str | None, Query(max_length=40)] = None,
    type: ResourceType | None = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[
        ResourceStatus | None, Query(description="Editors only: drafts or archived ones.")
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ResourceSummary]:
    """Search the library: best match first for `q`, newest additions last otherwise."""
    page = service.search_resources(
        db,
        q=q,
        topic=topic,
        type=type,
        language=language,
        status=status,
        editor=service.is_editor(viewer),
        limit=limit,
        cursor=cursor,
    )
    return Page[ResourceSummary](items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/resources",
    tags=["library"],
    status_code=201,
    responses=problem_responses(401, 403, s409=KEY_IN_FLIGHT),
)
def create_resource(data: ResourceCreate, editor: Editor, db: DbSession) -> ResourceRead:
    """Add a resource as a draft (facilitators, admins, `resources:write` clients)."""
    return service.create_resource(db, author_id=_editor_user_id(editor), data=data)


@router.get("/resources/due-for-review", tags=["library"], responses=problem_responses(401, 403))
def resources_due_for_review(_admin: AdminUser, db: DbSession) -> Page[ResourceSummary]:
    """Published resources whose clinical review date has come (admins)."""
    items = service.due_for_review(db, on=utcnow().date())
    return Page[ResourceSummary](items=items, next_cursor=None)


@router.get("/resources/export/hsds", tags=["library"], dependencies=[Public])
def export_hsds(
    db: DbSession,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Service and hotline resources as Open Referral HSDS 3.0 services (paginated as HSDS
    pages its lists)."""
    return hsds.export(db, page=page, per_page=per_page)


@router.get("/resources/{resource_id}", tags=["library"], responses=problem_responses(401, 404))
def read_resource(resource_id: uuid.UUID, viewer: OptionalUser, db: DbSession) -> ResourceRead:
    """One resource, its body in Markdown and as sanitised HTML."""
    return service.get_resource(db, resource_id=resource_id, editor=service.is_editor(viewer))


@router.patch(
    "/resources/{resource_id}",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Not a step of the workflow."),
)
def update_resource(
    resource_id: uuid.UUID, changes: ResourceUpdate, editor: Editor, db: DbSession
) -> ResourceRead:
    """Edit a resource or move it through draft -> published -> archived."""
    _editor_user_id(editor)
    return service.update_resource(db, resource_id=resource_id, changes=changes)


@router.delete(
    "/resources/{resource_id}",
    tags=["library"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def archive_resource(resource_id: uuid.UUID, editor: Editor, db: DbSession) -> Response:
    """Archive a resource: it leaves the library but is kept."""
    _editor_user_id(editor)
    service.archive_resource(db, resource_id=resource_id)
    return Response(status_code=204)


@router.get("/me/bookmarks", tags=["me"], responses=problem_responses(401, 403))
def list_bookmarks(user: CurrentUser, db: DbSession) -> Page[BookmarkRead]:
    """The caller's saved resources, newest first."""
    return Page[BookmarkRead](items=service.bookmarks(db, user=user), next_cursor=None)


@router.put("/me/bookmarks/{resource_id}", tags=["me"], responses=problem_responses(401, 403, 404))
def save_bookmark(resource_id: uuid.UUID, user: CurrentUser, db: DbSession) -> BookmarkRead:
    """Save a published resource for later (saving twice keeps one bookmark)."""
    return service.bookmark(db, user=user, resource_id=resource_id)


@router.delete(
    "/me/bookmarks/{resource_id}",
    tags=["me"],
    status_code=204,
    responses=problem_responses(401, 403),
)
def delete_bookmark(resource_id: uuid.UUID, user: CurrentUser, db: DbSession) -> Response:
    """Forget a saved resource (nothing happens if it was not saved)."""
    service.remove_bookmark(db, user=user, resource_id=resource_id)
    return Response(status_code=204)


def _story_read(story: Story) -> StoryRead:
    return StoryRead.model_validate(story, from_attributes=True)


@router.post(
    "/stories", tags=["library"], status_code=201, responses=problem_responses(401, 403, 409)
)
def submit_story(data: StoryCreate, user: CurrentUser, db: DbSession) -> StoryRead:
    """Share a recovery story; it is published after a facilitator or admin reads it."""
    return _story_read(stories.submit(db, author=user, data=data))


@router.get("/stories", tags=["library"], responses=problem_responses(401, 403))
def story_review_queue(
    user: CurrentUser, db: DbSession, status: StoryStatus = StoryStatus.submitted
) -> Page[StoryRead]:
    """Stories by review status, oldest first (facilitators and admins)."""
    items = [_story_read(s) for s in stories.review_queue(db, reviewer=user, status=status)]
    return Page[StoryRead](items=items, next_cursor=None)


@router.get("/me/stories", tags=["me"], responses=problem_responses(401, 403))
def my_stories(user: CurrentUser, db: DbSession) -> Page[StoryRead]:
    """The caller's stories, with each one's review status and any note."""
    items = [_story_read(s) for s in stories.mine(db, author=user)]
    return Page[StoryRead](items=items, next_cursor=None)


@router.get("/stories/{story_id}", tags=["library"], responses=problem_responses(401, 403, 404))
def read_story(story_id: uuid.UUID, user: CurrentUser, db: DbSession) -> StoryRead:
    """One story, for its author and reviewers."""
    return _story_read(stories.get(db, viewer=user, story_id=story_id))


@router.patch(
    "/stories/{story_id}",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Published or withdrawn."),
)
def edit_story(
    story_id: uuid.UUID, changes: StoryUpdate, user: CurrentUser, db: DbSession
) -> StoryRead:
    """The author edits a waiting or returned story; it goes back for review."""
    return _story_read(stories.edit(db, author=user, story_id=story_id, changes=changes))


@router.post(
    "/stories/{story_id}/review",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Not waiting for review."),
)
def review_story(
    story_id: uuid.UUID, decision: StoryReview, user: CurrentUser, db: DbSession
) -> StoryRead:
    """Approve (published as a story resource) or return with a note."""
    return _story_read(stories.review(db, reviewer=user, story_id=story_id, decision=decision))


@router.post(
    "/stories/{story_id}/withdraw",
    tags=["library"],
    responses=problem_responses(401, 403, 404),
)
def withdraw_story(story_id: uuid.UUID, user: CurrentUser, db: DbSession) -> StoryRead:
    """The author takes their story down, at any time."""
    return _story_read(stories.withdraw(db, author=user, story_id=story_id))
