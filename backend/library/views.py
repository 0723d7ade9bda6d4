"""What people see of the library: search, a resource's page, the review-due list and a
member's bookmarks. Published resources for everyone; drafts and archived ones for editors."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core.pagination import (
    InvalidCursor,
    KeysetPage,
    SortKey,
    creation_order,
    decode_cursor,
    encode_cursor,
    id_key,
    moment_key,
    paginate,
)
from backend.library import permissions
from backend.library.markdown import render_markdown
from backend.library.models import (
    Bookmark,
    Resource,
    ResourceStatus,
    ResourceTopic,
    ResourceType,
)
from backend.library.schemas import (
    BookmarkRead,
    Contact,
    Governance,
    ResourceDue,
    ResourceRead,
    ResourceSummary,
)
from backend.library.search import ranked_ids
from backend.library.service import CONTACT_COLUMNS, visible_resource

MAX_OFFSET = 10_000


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


def get_resource(db: Session, *, actor: Actor, resource_id: uuid.UUID) -> ResourceRead:
    return read_model(db, visible_resource(db, resource_id, permissions.may_edit_library(actor)))


def _filtered(
    *,
    topic: str | None,
    type: ResourceType | None,
    language: str | None,
    status: ResourceStatus | None,
    editor: bool,
) -> list[ColumnElement[bool]]:
    """The conditions a resource must meet, put straight into the query that reads them (an
    ``id IN (subquery)`` made SQLite list every published id first: a search took 16 ms
    instead of 2 on 10,000 resources)."""
    # Everyone sees published resources; editors may ask for drafts or archived ones.
    wanted = status if editor and status is not None else ResourceStatus.published
    conditions: list[ColumnElement[bool]] = [Resource.status == wanted]
    if topic:
        conditions.append(
            exists().where(
                ResourceTopic.resource_id == Resource.id, ResourceTopic.topic_slug == topic
            )
        )
    if type is not None:
        conditions.append(Resource.type == type)
    if language:
        conditions.append(Resource.language == language)
    return conditions


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
            select(Resource).where(*candidates),
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


# The longest overdue first; ties by id.
DUE_ORDER = [
    SortKey(Resource.review_due_on, date.fromisoformat, lambda value: value.isoformat()),
    id_key(Resource.id),
]


def due_for_review(
    db: Session, *, on: date, limit: int, cursor: str | None
) -> KeysetPage[ResourceDue]:
    page: KeysetPage[Resource] = paginate(
        db,
        select(Resource).where(
            Resource.status == ResourceStatus.published,
            Resource.review_due_on.is_not(None),
            Resource.review_due_on <= on,
        ),
        DUE_ORDER,
        limit=limit,
        cursor=cursor,
    )
    items = [
        ResourceDue(**summary.model_dump(), review_due_on=resource.review_due_on)
        for resource, summary in zip(page.items, summaries(db, page.items), strict=True)
        if resource.review_due_on is not None
    ]
    return KeysetPage(items, page.next_cursor)


# Newest saved first; ties by the resource's id.
BOOKMARK_ORDER = [
    moment_key(Bookmark.created_at),
    id_key(Bookmark.resource_id),
]


def bookmarks(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[BookmarkRead]:
    """Saved resources, newest first; ones since archived drop out of the list."""
    user = actor.person
    page: KeysetPage[Bookmark] = paginate(
        db,
        select(Bookmark)
        .join(Resource, Resource.id == Bookmark.resource_id)
        .where(Bookmark.user_id == user.id, Resource.status == ResourceStatus.published),
        BOOKMARK_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    by_id = {
        r.id: r
        for r in db.scalars(
            select(Resource).where(Resource.id.in_([b.resource_id for b in page.items]))
        )
    }
    resources = [by_id[saved.resource_id] for saved in page.items]
    items = [
        BookmarkRead(resource=summary, saved_at=saved.created_at)
        for saved, summary in zip(page.items, summaries(db, resources), strict=True)
    ]
    return KeysetPage(items, page.next_cursor)


def bookmark_read(db: Session, saved: Bookmark) -> BookmarkRead:
    resource = db.get_one(Resource, saved.resource_id)
    return BookmarkRead(resource=summaries(db, [resource])[0], saved_at=saved.created_at)
