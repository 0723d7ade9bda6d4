"""The rules of the library: the editorial workflow, ranked search, and bookmarks."""

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.core.orm import utcnow
from backend.core.uniqueness import insert_once
from backend.library import outbound, permissions
from backend.library.markdown import fresh_html, reading_minutes
from backend.library.models import (
    Bookmark,
    Resource,
    ResourceStatus,
    ResourceTopic,
    ResourceType,
    Story,
    StoryStatus,
)
from backend.library.schemas import (
    ResourceCreate,
    ResourcePreview,
    ResourceUpdate,
)
from backend.topics.service import check_topics

ALLOWED_MOVES = {
    ResourceStatus.draft: {ResourceStatus.published, ResourceStatus.archived},
    ResourceStatus.published: {ResourceStatus.archived, ResourceStatus.draft},
    ResourceStatus.archived: {ResourceStatus.draft, ResourceStatus.published},
}


class NotAnEditor(Forbidden):
    slug = "not-an-editor"
    detail = "Only facilitators, admins and integrators with resources:write edit the library."


class WorkflowStep(Conflict):
    slug = "workflow-step"


def _require_editor(actor: Actor) -> None:
    if not permissions.may_edit_library(actor):
        raise actor.refusal(NotAnEditor())


# --- reading ----------------------------------------------------------------------------------


def visible_resource(db: Session, resource_id: uuid.UUID, viewer_may_edit: bool) -> Resource:
    resource = db.get(Resource, resource_id)
    if resource is None or (resource.status != ResourceStatus.published and not viewer_may_edit):
        raise NotFound()
    return resource


# --- editing ----------------------------------------------------------------------------------


def _apply(db: Session, resource: Resource, data: ResourceCreate | ResourceUpdate) -> None:
    values = data.model_dump(exclude_unset=True)
    for field in ("title", "summary", "body_markdown", "type", "language", "audience"):
        if field in values and values[field] is not None:
            setattr(resource, field, values[field])
    if "audience" in values and values["audience"] is None:
        resource.audience = None
    if "url" in values:
        resource.url = str(data.url) if data.url else None
    if "content_notes" in values and data.content_notes is not None:
        resource.content_notes = list(data.content_notes)
    if "contact" in values:
        contact = data.contact.model_dump(mode="json") if data.contact else {}
        for field, column in CONTACT_COLUMNS.items():
            setattr(resource, column, contact.get(field))
    if "governance" in values and data.governance is not None:
        for field, value in data.governance.model_dump().items():
            setattr(resource, field, value)
    resource.reading_minutes = reading_minutes(resource.body_markdown)
    if "topics" in values and data.topics is not None:
        wanted = check_topics(db, data.topics)
        db.execute(delete(ResourceTopic).where(ResourceTopic.resource_id == resource.id))
        db.add_all(ResourceTopic(resource_id=resource.id, topic_slug=slug) for slug in wanted)


def preview(actor: Actor, body_markdown: str) -> ResourcePreview:
    """What a body would look like once saved, from the same pipeline; nothing is written or
    cached. Not counted against a limit: only editors may ask, a body is at most 100,000
    characters (milliseconds to render), and a counter would be a write on every keystroke."""
    _require_editor(actor)
    return ResourcePreview(
        body_html=fresh_html(body_markdown), reading_minutes=reading_minutes(body_markdown)
    )


def create_resource(db: Session, *, actor: Actor, data: ResourceCreate) -> Resource:
    """A new resource starts as a draft (its author is the person, none for an integrator)."""
    _require_editor(actor)
    resource = Resource(
        title=data.title,
        summary=data.summary,
        body_markdown=data.body_markdown,
        type=data.type,
        language=data.language,
        status=ResourceStatus.draft,
        author_id=actor.person_id,
        content_notes=[],
    )
    db.add(resource)
    db.flush()
    _apply(db, resource, data)
    db.flush()
    return resource


def update_resource(
    db: Session, *, actor: Actor, resource_id: uuid.UUID, changes: ResourceUpdate
) -> Resource:
    _require_editor(actor)
    resource = visible_resource(db, resource_id, viewer_may_edit=True)
    # Read before the edit applies: a story is known by the member's story it came from, not
    # by a type the same edit could change.
    story = _story_behind(db, resource)
    if story is not None and changes.type not in (None, ResourceType.story):
        raise WorkflowStep("This is a member's story; it stays a story.")
    before = resource.status
    _apply(db, resource, changes)
    if changes.status is not None and changes.status != resource.status:
        if changes.status not in ALLOWED_MOVES[resource.status]:
            raise WorkflowStep(f"A {resource.status} resource cannot become {changes.status}.")
        withdrawn = story is not None and story.status == StoryStatus.withdrawn
        if changes.status == ResourceStatus.published and withdrawn:
            raise WorkflowStep(
                "The author withdrew this story. Only they can share it again, as a new story."
            )
        resource.status = changes.status
        if changes.status == ResourceStatus.published and resource.published_at is None:
            resource.published_at = utcnow()
    db.flush()
    outbound.status_changed(db, resource, before)
    return resource


def _story_behind(db: Session, resource: Resource) -> Story | None:
    """The member's story this resource was published from, if any."""
    return db.scalar(select(Story).where(Story.resource_id == resource.id))


TAKEN_DOWN_NOTE = (
    "We took this story down for now, after a concern was raised about it. Please read the "
    "guidelines for stories again; you can edit it and send it for review once more."
)


def take_down(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> Resource:
    """Unpublish after a report (moderation). A resource goes back to draft, where editors
    fix or archive it; a member's story is archived and returned to its author with a note,
    to edit and send for review again."""
    _require_editor(actor)
    resource = visible_resource(db, resource_id, viewer_may_edit=True)
    if resource.status != ResourceStatus.published:
        raise WorkflowStep("This is not published (any more), so there is nothing to take down.")
    story = _story_behind(db, resource)
    if story is None:
        resource.status = ResourceStatus.draft
    else:
        resource.status = ResourceStatus.archived
        if story.status == StoryStatus.published:
            story.status = StoryStatus.returned
            story.review_note = TAKEN_DOWN_NOTE
    db.flush()
    outbound.status_changed(db, resource, ResourceStatus.published)
    return resource


def archive_resource(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> None:
    _require_editor(actor)
    resource = visible_resource(db, resource_id, viewer_may_edit=True)
    before = resource.status
    resource.status = ResourceStatus.archived
    db.flush()
    outbound.status_changed(db, resource, before)


# --- bookmarks --------------------------------------------------------------------------------


def bookmark(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> Bookmark:
    user = actor.person
    resource = visible_resource(db, resource_id, viewer_may_edit=False)
    # Saving twice, also twice at the same moment, keeps the first bookmark.
    saved, _ = insert_once(db, Bookmark, key={"user_id": user.id, "resource_id": resource.id})
    return saved


def remove_bookmark(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> None:
    user = actor.person
    db.execute(
        delete(Bookmark).where(Bookmark.user_id == user.id, Bookmark.resource_id == resource_id)
    )


CONTACT_COLUMNS = {
    "organization": "organization_name",
    "phone": "contact_phone",
    "email": "contact_email",
    "website": "contact_website",
    "address": "contact_address",
    "hours": "contact_hours",
}
