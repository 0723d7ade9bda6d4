"""The topic vocabulary: listing it, adding to it, and checking the slugs a caller sends."""

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.topics import exceptions as errors
from backend.topics.models import Topic
from backend.topics.schemas import TopicCreate


def list_topics(db: Session) -> list[Topic]:
    return list(db.scalars(select(Topic).order_by(Topic.name)))


def create_topic(db: Session, *, data: TopicCreate) -> Topic:
    clash = db.scalar(
        select(Topic.slug).where(
            # lower() on both sides in SQL: Python and SQLite fold non-ASCII case differently.
            or_(Topic.slug == data.slug, func.lower(Topic.name) == func.lower(data.name))
        )
    )
    if clash is not None:
        raise errors.TopicExists()
    # The same topic sent twice at once: the second meets the first's row at the insert. A
    # topic has two unique keys (slug and name) and PostgreSQL may meet either first, so the
    # insert runs in a savepoint and either clash is the same answer.
    topic = Topic(slug=data.slug, name=data.name)
    try:
        with db.begin_nested():
            db.add(topic)
    except IntegrityError:
        raise errors.TopicExists() from None
    return topic


def check_topics(db: Session, slugs: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(slugs))
    known = set(db.scalars(select(Topic.slug).where(Topic.slug.in_(wanted))))
    unknown = [slug for slug in wanted if slug not in known]
    if unknown:
        raise errors.UnknownTopics(
            f"Unknown topic(s): {', '.join(unknown)}. GET /api/v1/topics lists the ones to use."
        )
    return wanted
