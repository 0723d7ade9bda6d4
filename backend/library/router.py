"""The resource library: search and read (anyone), edit (editors), bookmarks (members)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, Security

from backend.accounts.actor import Actor
from backend.accounts.dependencies import (
    AdminActor,
    AppSettings,
    CurrentActor,
    OptionalActor,
    get_actor,
)
from backend.accounts.schemas import Scope
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import KEY_IN_FLIGHT, problem_responses
from backend.core.orm import utcnow
from backend.core.pagination import Cursor, Limit, Page
from backend.core.public_cache import KEPT_ANSWER_RESPONSES, answer_kept_if_anonymous
from backend.core.routing import JSONRoute, located_at
from backend.library import hsds, hsds_circles, service, stories, views
from backend.library.models import ResourceStatus, ResourceType, Story, StoryStatus
from backend.library.schemas import (
    BookmarkRead,
    ResourceCreate,
    ResourceDue,
    ResourcePreview,
    ResourcePreviewRequest,
    ResourceRead,
    ResourceSummary,
    ResourceUpdate,
    StoryCreate,
    StoryRead,
    StoryReview,
    StoryUpdate,
)

router = APIRouter(route_class=JSONRoute)

# People must be facilitators or admins (the service checks); service clients hold the scope.
Editor = Annotated[Actor, Security(get_actor, scopes=[Scope.resources_write])]


@router.get(
    "/resources",
    tags=["library"],
    response_model=Page[ResourceSummary],
    responses={**problem_responses(401), **KEPT_ANSWER_RESPONSES},
)
async def list_resources(
    request: Request,
    actor: OptionalActor,
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
) -> Page[ResourceSummary] | Response:
    """Search the library: best match first for `q`, newest additions last otherwise.

    Anonymous answers carry an ETag (send it as `If-None-Match` for a 304) and may come from
    the answers each process keeps until the database changes."""

    def make() -> tuple[Page[ResourceSummary], float | None]:
        page = views.search_resources(
            db,
            q=q,
            topic=topic,
            type=type,
            language=language,
            status=status,
            actor=actor,
            limit=limit,
            cursor=cursor,
        )
        return Page[ResourceSummary](items=page.items, next_cursor=page.next_cursor), None

    return await answer_kept_if_anonymous(request, anonymous=actor.is_anonymous, make=make)


@router.post(
    "/resources",
    tags=["library"],
    status_code=201,
    responses=problem_responses(401, 403, s409=KEY_IN_FLIGHT),
)
def create_resource(
    data: ResourceCreate, editor: Editor, db: DbSession, response: Response
) -> ResourceRead:
    """Add a resource as a draft (facilitators, admins, `resources:write` clients)."""
    resource = service.create_resource(db, actor=editor, data=data)
    located_at(response, f"/resources/{resource.id}")
    return views.read_model(db, resource)


@router.post("/resources/preview", tags=["library"], responses=problem_responses(401, 403))
def preview_resource(data: ResourcePreviewRequest, editor: Editor) -> ResourcePreview:
    """A body rendered as publishing renders it (sanitised HTML) with its reading time, for
    the editor's live preview; nothing is saved (facilitators, admins, `resources:write`
    clients)."""
    return service.preview(editor, data.body_markdown)


@router.get("/resources/due-for-review", tags=["library"], responses=problem_responses(401, 403))
def resources_due_for_review(
    _admin: AdminActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[ResourceDue]:
    """Published resources whose clinical review date has come, the longest overdue first
    (admins)."""
    page = views.due_for_review(db, on=utcnow().date(), limit=limit, cursor=cursor)
    return Page[ResourceDue](items=page.items, next_cursor=page.next_cursor)


@router.get("/resources/export/hsds", tags=["library"], dependencies=[Public])
def export_hsds(
    db: DbSession,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """Service and hotline resources as Open Referral HSDS 3.0 services (paginated as HSDS
    pages its lists)."""
    return hsds.export(db, page=page, per_page=per_page)


@router.get("/directory/export/hsds", tags=["library"], dependencies=[Public])
def export_directory_hsds(
    db: DbSession,
    settings: AppSettings,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    """The whole public directory as Open Referral HSDS 3.0 services: the library's service
    and hotline resources, then the listed circles (paginated as HSDS pages its lists)."""
    return hsds_circles.directory_export(
        db, page=page, per_page=per_page, public_url=settings.public_url, now=utcnow()
    )


@router.get("/resources/{resource_id}", tags=["library"], responses=problem_responses(401, 404))
def read_resource(resource_id: uuid.UUID, actor: OptionalActor, db: DbSession) -> ResourceRead:
    """One resource, its body in Markdown and as sanitised HTML."""
    return views.get_resource(db, actor=actor, resource_id=resource_id)


@router.patch(
    "/resources/{resource_id}",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Not a step of the workflow."),
)
def update_resource(
    resource_id: uuid.UUID, changes: ResourceUpdate, editor: Editor, db: DbSession
) -> ResourceRead:
    """Edit a resource or move it through draft -> published -> archived."""
    resource = service.update_resource(db, actor=editor, resource_id=resource_id, changes=changes)
    return views.read_model(db, resource)


@router.delete(
    "/resources/{resource_id}",
    tags=["library"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def archive_resource(resource_id: uuid.UUID, editor: Editor, db: DbSession) -> Response:
    """Archive a resource: it leaves the library but is kept."""
    service.archive_resource(db, actor=editor, resource_id=resource_id)
    return Response(status_code=204)


@router.get("/me/bookmarks", tags=["me"], responses=problem_responses(401, 403))
def list_bookmarks(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[BookmarkRead]:
    """The caller's saved resources, newest first."""
    page = views.bookmarks(db, actor=actor, limit=limit, cursor=cursor)
    return Page[BookmarkRead](items=page.items, next_cursor=page.next_cursor)


@router.put("/me/bookmarks/{resource_id}", tags=["me"], responses=problem_responses(401, 403, 404))
def save_bookmark(resource_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> BookmarkRead:
    """Save a published resource for later (saving twice keeps one bookmark)."""
    return views.bookmark_read(db, service.bookmark(db, actor=actor, resource_id=resource_id))


@router.delete(
    "/me/bookmarks/{resource_id}",
    tags=["me"],
    status_code=204,
    responses=problem_responses(401, 403),
)
def delete_bookmark(resource_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    """Forget a saved resource (nothing happens if it was not saved)."""
    service.remove_bookmark(db, actor=actor, resource_id=resource_id)
    return Response(status_code=204)


def _story_read(story: Story) -> StoryRead:
    return StoryRead.model_validate(story, from_attributes=True)


@router.post(
    "/stories", tags=["library"], status_code=201, responses=problem_responses(401, 403, 409)
)
def submit_story(
    data: StoryCreate, actor: CurrentActor, db: DbSession, response: Response
) -> StoryRead:
    """Share a recovery story; it is published after a facilitator or admin reads it."""
    story = stories.submit(db, actor=actor, data=data)
    located_at(response, f"/stories/{story.id}")
    return _story_read(story)


@router.get("/stories", tags=["library"], responses=problem_responses(401, 403))
def story_review_queue(
    actor: CurrentActor,
    db: DbSession,
    status: StoryStatus = StoryStatus.submitted,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[StoryRead]:
    """Stories by review status, oldest first (facilitators and admins)."""
    page = stories.review_queue(db, actor=actor, status=status, limit=limit, cursor=cursor)
    return Page[StoryRead](items=[_story_read(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/me/stories", tags=["me"], responses=problem_responses(401, 403))
def my_stories(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[StoryRead]:
    """The caller's stories, newest first, with each one's review status and any note."""
    page = stories.mine(db, actor=actor, limit=limit, cursor=cursor)
    return Page[StoryRead](items=[_story_read(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/stories/{story_id}", tags=["library"], responses=problem_responses(401, 403, 404))
def read_story(story_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> StoryRead:
    """One story, for its author and reviewers."""
    return _story_read(stories.get(db, actor=actor, story_id=story_id))


@router.patch(
    "/stories/{story_id}",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Published or withdrawn."),
)
def edit_story(
    story_id: uuid.UUID, changes: StoryUpdate, actor: CurrentActor, db: DbSession
) -> StoryRead:
    """The author edits a waiting or returned story; it goes back for review."""
    return _story_read(stories.edit(db, actor=actor, story_id=story_id, changes=changes))


@router.post(
    "/stories/{story_id}/review",
    tags=["library"],
    responses=problem_responses(401, 403, 404, s409="Not waiting for review."),
)
def review_story(
    story_id: uuid.UUID, decision: StoryReview, actor: CurrentActor, db: DbSession
) -> StoryRead:
    """Approve (published as a story resource) or return with a note."""
    return _story_read(stories.review(db, actor=actor, story_id=story_id, decision=decision))


@router.post(
    "/stories/{story_id}/withdraw",
    tags=["library"],
    responses=problem_responses(401, 403, 404),
)
def withdraw_story(story_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> StoryRead:
    """The author takes their story down, at any time."""
    return _story_read(stories.withdraw(db, actor=actor, story_id=story_id))
