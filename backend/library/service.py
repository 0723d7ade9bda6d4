"""The rules of the library: the editorial workflow, ranked search, and bookmarks."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.core.orm import utcnow
from backend.core.pagination import (
    InvalidCursor,
    KeysetPage,
    creation_order,
    decode_cursor,
    encode_cursor,
    paginate,
)
from backend.core.uniqueness import insert_once
from backend.library import permissions
from backend.library.markdown import reading_minutes, render_markdown
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
    BookmarkRead,
    Contact,
    Governance,
    ResourceCreate,
    ResourceRead,
    ResourceSummary,
    ResourceUpdate,
)
from backend.library.search import ranked_ids
from backend.topics.service import check_topics

MAX_OFFSET = 10_000
ALLOWED_MOVES = {
    ResourceStatus.draft: {ResourceStatus.published, ResourceStatus.archived},
    ResourceStatus.published: {ResourceStatus.archived, ResourceStatus.draft},
    ResourceStatus.archived: {ResourceStatus.draft, ResourceStatus.published},
}
CONTACT_COLUMNS = {
    "organization": "organization_name",
    "phone": "contact_phone",
    "email": "contact_email",
    "website": "contact_website",
    "address": "contact_address",
    "hours": "contact_hours",
}


class NotAnEditor(Forbidden):
    slug = "not-an-editor"
    detail = "Only facilitators, admins and integrators with resources:write edit the library."


class WorkflowStep(Conflict):
    slug = "workflow-step"


def _require_editor(actor: Actor) -> None:
    if not permissions.may_edit_library(actor):
        raise NotAnEditor()


# --- reading ----------------------------------------------------------------------------------


def _topics_of(db: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    topics: dict[uuid.UUID, list[str]] = defaultdict(list)
    for resource_id, slug in db.execute(
        select(ResourceTopic.resource_id, ResourceTopic.topic_slug)
        .where(ResourceTopic.resource_id.in_(ids))
        .order_by(ResourceTopic.topic_slug)
    ):
        topics[resource_id].append(slug)
    return topics


def _summary(resource: Resource, topics: list[str]) -> ResourceSummary:
    return ResourceSummary(
        id=resource.id,
        title=resource.title,
        summary=resource.summary,
        type=resource.type,
        topics=topics,
        language=resource.language,
        audience=resource.audience,
        reading_minutes=resource.reading_minutes,
        content_notes=list(resource.content_notes),
        url=resource.url,
        byline=resource.byline,
        status=resource.status,
        published_at=resource.published_at,
    )


def summaries(db: Session, resources: Sequence[Resource]) -> list[ResourceSummary]:
    topics = _topics_of(db, [r.id for r in resources])
    return [_summary(resource, topics[resource.id]) for resource in resources]


def _contact(resource: Resource) -> Contact | None:
    values = {field: getattr(resource, column) for field, column in CONTACT_COLUMNS.items()}
    return Contact.model_validate(values) if any(values.values()) else None


def read_model(db: Session, resource: Resource) -> ResourceRead:
    summary = summaries(db, [resource])[0]
    return ResourceRead(
        **summary.model_dump(),
        body_markdown=resource.body_markdown,
        body_html=render_markdown(resource.body_markdown),
        contact=_contact(resource),
        governance=Governance(
            reviewer_name=resource.reviewer_name,
            reviewed_on=resource.reviewed_on,
            review_due_on=resource.review_due_on,
        ),
        updated_at=resource.updated_at,
    )


def _visible(db: Session, resource_id: uuid.UUID, viewer_may_edit: bool) -> Resource:
    resource = db.get(Resource, resource_id)
    if resource is None or (resource.status != ResourceStatus.published and not viewer_may_edit):
        raise NotFound()
    return resource


def get_resource(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> ResourceRead:
    return read_model(db, _visible(db, resource_id, permissions.may_edit_library(actor)))


def _filtered(
    *,
    topic: str | None,
    type: ResourceType | None,
    language: str | None,
    status: ResourceStatus | None,
    editor: bool,
) -> Select[Any]:
    # Everyone sees published resources; editors may ask for drafts or archived ones.
    wanted = status if editor and status is not None else ResourceStatus.published
    query = select(Resource.id).where(Resource.status == wanted)
    if topic:
        query = query.where(
            exists().where(
                ResourceTopic.resource_id == Resource.id, ResourceTopic.topic_slug == topic
            )
        )
    if type is not None:
        query = query.where(Resource.type == type)
    if language:
        query = query.where(Resource.language == language)
    return query


def search_resources(
    db: Session,
    *,
    q: str | None,
    topic: str | None,
    type: ResourceType | None,
    language: str | None,
    status: ResourceStatus | None,
    actor: Actor,
    limit: int,
    cursor: str | None,
) -> KeysetPage[ResourceSummary]:
    """Published resources (editors may ask for another status), best match first when ``q``
    is given, else newest first."""
    candidates = _filtered(
        topic=topic,
        type=type,
        language=language,
        status=status,
        editor=permissions.may_edit_library(actor),
    )
    if not q or not q.strip():
        page: KeysetPage[Resource] = paginate(
            db,
            select(Resource).where(Resource.id.in_(candidates)),
            creation_order(Resource),
            limit=limit,
            cursor=cursor,
        )
        return KeysetPage(summaries(db, page.items), page.next_cursor)
    # Relevance order is recomputed per query, so the cursor is a position in it.
    offset = 0
    if cursor:
        (offset,) = decode_cursor(cursor, length=1)
        # bool is an int in Python; a huge offset would overflow the database's integer.
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
            raise InvalidCursor()
    ranked = ranked_ids(db, q, candidates).offset(offset).limit(limit + 1)
    ids = [row[0] for row in db.execute(ranked)]
    more = len(ids) > limit
    ids = ids[:limit]
    by_id = {r.id: r for r in db.scalars(select(Resource).where(Resource.id.in_(ids)))}
    ordered = [by_id[resource_id] for resource_id in ids]
    return KeysetPage(summaries(db, ordered), encode_cursor([offset + limit]) if more else None)


def due_for_review(db: Session, *, on: date) -> list[ResourceSummary]:
    resources = db.scalars(
        select(Resource)
        .where(
            Resource.status == ResourceStatus.published,
            Resource.review_due_on.is_not(None),
            Resource.review_due_on <= on,
        )
        .order_by(Resource.review_due_on, Resource.id)
    ).all()
    return summaries(db, resources)


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


def create_resource(db: Session, *, actor: Actor, data: ResourceCreate) -> ResourceRead:
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
    return read_model(db, resource)


def update_resource(
    db: Session, *, actor: Actor, resource_id: uuid.UUID, changes: ResourceUpdate
) -> ResourceRead:
    _require_editor(actor)
    resource = _visible(db, resource_id, viewer_may_edit=True)
    _apply(db, resource, changes)
    if changes.status is not None and changes.status != resource.status:
        if changes.status not in ALLOWED_MOVES[resource.status]:
            raise WorkflowStep(f"A {resource.status} resource cannot become {changes.status}.")
        if changes.status == ResourceStatus.published and _withdrawn_story(db, resource):
            raise WorkflowStep(
                "The author withdrew this story. Only they can share it again, as a new story."
            )
        resource.status = changes.status
        if changes.status == ResourceStatus.published and resource.published_at is None:
            resource.published_at = utcnow()
    db.flush()
    return read_model(db, resource)


def _withdrawn_story(db: Session, resource: Resource) -> bool:
    return resource.type == ResourceType.story and (
        db.scalar(
            select(Story.id).where(
                Story.resource_id == resource.id, Story.status == StoryStatus.withdrawn
            )
        )
        is not None
    )


def archive_resource(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> None:
    _require_editor(actor)
    resource = _visible(db, resource_id, viewer_may_edit=True)
    resource.status = ResourceStatus.archived
    db.flush()


# --- bookmarks --------------------------------------------------------------------------------


def bookmark(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> BookmarkRead:
    user = actor.person
    resource = _visible(db, resource_id, viewer_may_edit=False)
    # Saving twice, also twice at the same moment, keeps the first bookmark.
    saved, _ = insert_once(db, Bookmark, key={"user_id": user.id, "resource_id": resource.id})
    return BookmarkRead(resource=summaries(db, [resource])[0], saved_at=saved.created_at)


def remove_bookmark(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> None:
    user = actor.person
    db.execute(
        delete(Bookmark).where(Bookmark.user_id == user.id, Bookmark.resource_id == resource_id)
    )


def bookmarks(db: Session, *, actor: Actor) -> list[BookmarkRead]:
    """Saved resources, newest first; ones since archived drop out of the list."""
    user = actor.person
    rows = db.execute(
        select(Bookmark, Resource)
        .join(Resource, Resource.id == Bookmark.resource_id)
        .where(Bookmark.user_id == user.id, Resource.status == ResourceStatus.published)
        .order_by(Bookmark.created_at.desc(), Resource.id)
    ).all()
    resources = [resource for _, resource in rows]
    return [
        BookmarkRead(resource=summary, saved_at=saved.created_at)
        for (saved, _), summary in zip(rows, summaries(db, resources), strict=True)
    ]
