"""Messages people read: no validation message of any request body shows a Python repr, and
times are written one way (backend/core/times.py)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ValidationError

from backend.core import times
from backend.core.config import Settings
from backend.main import create_app
from tests.support.problems import assert_no_python_repr

WRONG_VALUES: list[Any] = ["no-such-choice", 12345, ["a", "list"], {"an": "object"}, True]


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from models_in(argument)


def request_models(tmp_path: Path) -> set[type[BaseModel]]:
    """Every model a route reads from a body, and the models inside those."""
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    found: set[type[BaseModel]] = set()
    waiting: list[type[BaseModel]] = []
    for route in iter_route_contexts(create_app(settings).routes):
        original = route.original_route
        if isinstance(original, APIRoute) and original.body_field is not None:
            waiting.extend(models_in(original.body_field.field_info.annotation))
    while waiting:
        model = waiting.pop()
        if model in found:
            continue
        found.add(model)
        for field in model.model_fields.values():
            waiting.extend(models_in(field.annotation))
    return found


def test_no_request_body_validation_message_shows_a_python_repr(tmp_path: Path) -> None:
    """Each field of every request model, given values of the wrong kind: the messages say
    what is expected in words ('going' or 'not_going'), never <RsvpStatus.going: 'going'>."""
    models = request_models(tmp_path)
    messages = 0
    for model in models:
        for name in model.model_fields:
            for wrong in WRONG_VALUES:
                try:
                    model.model_validate({name: wrong})
                except ValidationError as error:
                    for issue in error.errors():
                        if issue["loc"][:1] == (name,):
                            messages += 1
                            assert_no_python_repr(issue["msg"])
    assert len(models) > 30  # bodies of every domain, nested ones included
    assert messages > 200


def test_the_repr_check_catches_what_a_literal_of_enum_members_says() -> None:
    from enum import StrEnum
    from typing import Literal

    class Choice(StrEnum):
        going = "going"

    class Body(BaseModel):
        status: Literal[Choice.going]

    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"status": "maybe"})
    with pytest.raises(AssertionError):
        assert_no_python_repr(caught.value.errors()[0]["msg"])


# --- the one way times are written ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (time(0, 0), "12:00 am"),
        (time(9, 5), "9:05 am"),
        (time(12, 0), "12:00 pm"),
        (time(19, 30), "7:30 pm"),
    ],
)
def test_clock_times(value: time, words: str) -> None:
    assert times.clock(value) == words


def test_clock_ranges_name_the_half_of_the_day_once_when_they_share_it() -> None:
    assert times.clock_range(time(19), time(20, 30)) == "7:00\u20138:30 pm"
    assert times.clock_range(time(11, 30), time(13)) == "11:30 am\u20131:00 pm"
    assert times.clock_range(time(23, 30), time(0, 30)) == "11:30 pm\u201312:30 am"


def test_a_moment_is_in_the_zone_it_names_with_the_year_only_when_another() -> None:
    opens = datetime(2026, 3, 4, 0, 30, tzinfo=UTC)
    assert times.moment(opens, "America/Chicago") == (
        "6:30 pm (America/Chicago time) on Tuesday, 3 March"
    )
    assert times.moment(opens, "Europe/Berlin") == (
        "1:30 am (Europe/Berlin time) on Wednesday, 4 March"
    )
    assert times.moment(opens, "UTC", now=datetime(2025, 12, 31, 12, tzinfo=UTC)) == (
        "12:30 am (UTC time) on Wednesday, 4 March 2026"
    )
    assert times.day(date(2027, 1, 1), today=date(2027, 6, 1)) == "Friday, 1 January"
