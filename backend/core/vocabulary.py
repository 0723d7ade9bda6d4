"""The words every domain may use in its schemas: strict request bodies, language tags, time
zones, topic slugs, and whether a meeting is on."""

import zoneinfo
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


class StrictModel(BaseModel):
    """A request body: a field the API does not know is a 422, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _known_timezone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise ValueError("Use an IANA time zone name such as 'America/Chicago' or 'UTC'.")
    return name


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_known_timezone)]

# Dates and times a caller sends are held to years the service can mean: past them, the
# arithmetic done with them (a window, a day's offset, a year ahead) leaves what Python's dates
# can hold, and a request would fail with a 500 instead of a clear answer.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
When = TypeVar("When", date, datetime)


def _in_service_years(value: When) -> When:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Give a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value


Day = Annotated[date, AfterValidator(_in_service_years)]
Instant = Annotated[datetime, AfterValidator(_in_service_years)]
AwareInstant = Annotated[AwareDatetime, AfterValidator(_in_service_years)]
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
