"""Demo library (demo/library/*.md), published by the demo facilitator, and recovery stories
(demo/stories/*.md), shared by demo members and approved by the demo admin."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.demo import DemoContent
from backend.library import service, stories
from backend.library.models import Resource, ResourceStatus, Story
from backend.library.schemas import ResourceUpdate, StoryReview


def seed_demo_library(db: Session, demo: DemoContent) -> list[str]:
    """Publish the demo resources, in the order of their files; skips titles that exist."""
    facilitator = db.scalar(select(User).where(User.email == demo.facilitator.email))
    if facilitator is None:
        return []
    for resource in demo.resources:
        exists = db.scalar(select(Resource.id).where(Resource.title == resource.title).limit(1))
        if exists is not None:
            continue
        editor = Actor.of_person(facilitator)
        created = service.create_resource(db, actor=editor, data=resource)
        service.update_resource(
            db,
            actor=editor,
            resource_id=created.id,
            changes=ResourceUpdate(status=ResourceStatus.published),
        )
    return [f"{len(demo.resources)} library resources."]


def seed_demo_stories(db: Session, demo: DemoContent) -> list[str]:
    """The demo stories, shared by demo members and approved by the demo admin."""
    admin = db.scalar(select(User).where(User.email == demo.admin.email))
    if admin is None:
        return []
    for story in demo.stories:
        author = db.scalar(select(User).where(User.email == story.shared_by))
        if author is None or db.scalar(
            select(Story.id).where(Story.author_id == author.id, Story.title == story.title)
        ):
            continue
        submitted = stories.submit(db, actor=Actor.of_person(author), data=story.to_create())
        stories.review(
            db,
            actor=Actor.of_person(admin),
            story_id=submitted.id,
            decision=StoryReview(decision="approve"),
        )
    return [f"{len(demo.stories)} recovery stories."]
