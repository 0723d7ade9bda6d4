"""The words every domain may use in its schemas: strict request bodies, language tags, time
zones, topic slugs, and whether a meeting is on."""

import zoneinfo
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class StrictModel(BaseModel):
    """A request body: a field the API does not know is a 422, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _known_timezone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise ValueError("Use an IANA time zone name such as 'America/Chicago' or 'UTC'.")
    return name


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_known_timezone)]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20),
    Field(description="A BCP 47 language tag such as 'en' or 'es-MX'."),
]
TopicSlug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=40)
]


# A meeting is on or called off; the directory shows it as well as the meetings' own pages.
# (No docstring: it would become the schema's description in the OpenAPI document.)
class SessionStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"
