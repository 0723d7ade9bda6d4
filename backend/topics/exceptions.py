"""Problems with topics."""

from backend.core.errors import Conflict, UnprocessableContent


class UnknownTopics(UnprocessableContent):
    slug = "unknown-topics"


class TopicExists(Conflict):
    slug = "topic-exists"
    detail = "A topic with this slug or name exists already."
