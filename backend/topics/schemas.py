"""Topics as the API shows and takes them."""

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from backend.core.vocabulary import StrictModel, TopicSlug


class TopicRead(BaseModel):
    slug: str
    name: str


class TopicCreate(StrictModel):
    slug: TopicSlug
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]


class TopicList(BaseModel):
    items: list[TopicRead]
