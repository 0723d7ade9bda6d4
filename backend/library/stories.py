"""Recovery stories: members submit, facilitators and admins review, approved stories are
published as ``story`` resources under the author's pseudonym or as "Anonymous", and the
author can take a published story down at any time."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import Role, User
from backend.core.errors import Conflict, Forbidden, NotFound, UnprocessableContent
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.core.uniqueness import lock_and_reread
from backend.library import outbound
from backend.library.markdown import reading_minutes
from backend.library.models import (
    Resource,
    ResourceStatus,
    ResourceTopic,
    ResourceType,
    Story,
    StoryStatus,
)
from backend.library.permissions import may_review_stories
from backend.library.schemas import StoryCreate, StoryReview, StoryUpdate
from backend.topics.service import check_topics

REVIEWER_ROLES = (Role.facilitator, Role.admin)
MAX_STORIES_IN_REVIEW = 5
SUMMARY_LENGTH = 240


class TooManyStoriesInReview(Conflict):
    slug = "too-many-stories-in-review"
    detail = (
        f"You have {MAX_STORIES_IN_REVIEW} stories waiting for review already. Thank you for "
        "sharing; more can be sent once those have been read."
    )


class StoryNotEditable(Conflict):
    slug = "story-not-editable"


class ReturnNeedsNote(UnprocessableContent):
    slug = "return-needs-note"
    detail = "When returning a story, add a note that tells the author what to change."


class OwnStory(Forbidden):
    slug = "own-story"
    detail = "Someone else reviews your own story."


def _story(db: Session, story_id: uuid.UUID, actor: Actor) -> Story:
    """The story for its author and reviewers; anyone else gets the 404 of an unknown id."""
    story = db.get(Story, story_id)
    if story is None or not (story.author_id == actor.person_id or may_review_stories(actor)):
        raise NotFound()
    return story


def submit(db: Session, *, actor: Actor, data: StoryCreate) -> Story:
    author = actor.person
    waiting = db.scalar(
        select(func.count()).where(
            Story.author_id == author.id, Story.status == StoryStatus.submitted
        )
    )
    if (waiting or 0) >= MAX_STORIES_IN_REVIEW:
        raise TooManyStoriesInReview()
    story = Story(
        author_id=author.id,
        title=data.title,
        body_markdown=data.body_markdown,
        topics=check_topics(db, data.topics),
        anonymous=data.anonymous,
        language=data.language,
        status=StoryStatus.submitted,
    )
    db.add(story)
    db.flush()
    return story


def mine(db: Session, *, actor: Actor, limit: int, cursor: str | None) -> KeysetPage[Story]:
    """The author's stories, newest first."""
    author = actor.person
    return paginate(
        db,
        select(Story).where(Story.author_id == author.id),
        creation_order(Story),
        limit=limit,
        cursor=cursor,
        descending=True,
    )


def review_queue(
    db: Session, *, actor: Actor, status: StoryStatus, limit: int, cursor: str | None
) -> KeysetPage[Story]:
    """Stories in ``status``, oldest first (the longest waiting at the top)."""
    if not may_review_stories(actor):
        raise actor.refusal(Forbidden("Only facilitators and admins review stories."))
    return paginate(
        db,
        select(Story).where(Story.status == status),
        creation_order(Story),
        limit=limit,
        cursor=cursor,
    )


def get(db: Session, *, actor: Actor, story_id: uuid.UUID) -> Story:
    return _story(db, story_id, actor)


def edit(db: Session, *, actor: Actor, story_id: uuid.UUID, changes: StoryUpdate) -> Story:
    """The author edits a story that is waiting or was returned; it goes back for review."""
    story = _story(db, story_id, actor)
    if story.author_id != actor.person_id:
        raise Forbidden("Only the author edits a story.")
    if story.status not in (StoryStatus.submitted, StoryStatus.returned):
        raise StoryNotEditable(
            "A published or withdrawn story cannot be edited; share a new one instead."
        )
    values = changes.model_dump(exclude_unset=True, exclude_none=True)
    if "topics" in values:
        values["topics"] = check_topics(db, values["topics"])
    for field, value in values.items():
        setattr(story, field, value)
    story.status = StoryStatus.submitted
    db.flush()
    return story


def review(db: Session, *, actor: Actor, story_id: uuid.UUID, decision: StoryReview) -> Story:
    story = _story(db, story_id, actor)
    reviewer = actor.person
    if not may_review_stories(actor):
        raise actor.refusal(Forbidden("Only facilitators and admins review stories."))
    if story.author_id == reviewer.id:
        raise OwnStory()
    # Decided on the story as it is once no one else is reviewing or withdrawing it: a
    # double-clicked Approve publishes it once.
    story = lock_and_reread(db, story)
    if story.status != StoryStatus.submitted:
        raise StoryNotEditable("Only a story waiting for review can be reviewed.")
    story.reviewed_by_id = reviewer.id
    story.reviewed_at = utcnow()
    if decision.decision == "return":
        if not decision.note:
            raise ReturnNeedsNote()
        story.status = StoryStatus.returned
        story.review_note = decision.note
        db.flush()
        return story
    author = db.get_one(User, story.author_id)
    resource = Resource(
        title=story.title,
        summary=_summary(story.body_markdown),
        body_markdown=story.body_markdown,
        type=ResourceType.story,
        language=story.language,
        status=ResourceStatus.published,
        published_at=utcnow(),
        content_notes=[],
        byline="Anonymous" if story.anonymous else author.display_name,
        reading_minutes=reading_minutes(story.body_markdown),
    )
    db.add(resource)
    db.flush()
    db.add_all(ResourceTopic(resource_id=resource.id, topic_slug=slug) for slug in story.topics)
    story.status = StoryStatus.published
    story.review_note = decision.note
    story.resource_id = resource.id
    db.flush()
    outbound.status_changed(db, resource, None)
    return story


def withdraw(db: Session, *, actor: Actor, story_id: uuid.UUID) -> Story:
    """The author takes their story down, published or not, at any time."""
    story = _story(db, story_id, actor)
    if story.author_id != actor.person_id:
        raise Forbidden("Only the author can withdraw a story.")
    # Not in the middle of a review: one approved meanwhile has its resource taken down too.
    story = lock_and_reread(db, story)
    if story.resource_id is not None:
        resource = db.get(Resource, story.resource_id)
        if resource is not None:
            before = resource.status
            resource.status = ResourceStatus.archived
            db.flush()
            outbound.status_changed(db, resource, before)
    story.status = StoryStatus.withdrawn
    db.flush()
    return story


def _summary(body: str) -> str:
    text = " ".join(body.replace("#", " ").split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"
