"""The topic vocabulary (listed under groups in the API docs, where it began)."""

from fastapi import APIRouter

from backend.accounts.dependencies import AdminActor
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.routing import JSONRoute
from backend.topics import service
from backend.topics.schemas import TopicCreate, TopicList, TopicRead

router = APIRouter(route_class=JSONRoute)


@router.get("/topics", tags=["groups"], dependencies=[Public])
def list_topics(db: DbSession) -> TopicList:
    """The topics groups, mentors and resources are tagged with."""
    return TopicList(
        items=[TopicRead.model_validate(t, from_attributes=True) for t in service.list_topics(db)]
    )


@router.post(
    "/topics",
    tags=["groups"],
    status_code=201,
    responses=problem_responses(401, 403, s409="The slug or name is taken."),
)
def create_topic(data: TopicCreate, _admin: AdminActor, db: DbSession) -> TopicRead:
    """Add a topic to the vocabulary (admins)."""
    return TopicRead.model_validate(service.create_topic(db, data=data), from_attributes=True)
