"""Shared scenes for session tests: a group with a facilitator and members, and a clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.groups.schemas import GroupRead
from tests.factories import Person, join, make_group, make_person
from tests.support.clock import Clock

__all__ = ["Circle", "Clock", "make_circle", "one_off"]


@dataclass
class Circle:
    group: GroupRead
    facilitator: Person
    members: list[Person]

    @property
    def base(self) -> str:
        return f"/api/v1/groups/{self.group.id}"


def make_circle(client: TestClient, members: int = 2, **group_fields: object) -> Circle:
    app = client.app
    assert isinstance(app, FastAPI)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user, **group_fields)
    people = [make_person(client) for _ in range(members)]
    for person in people:
        join(client, person, group.id)
    return Circle(group, facilitator, people)


@pytest.fixture
def circle(client: TestClient) -> Circle:
    return make_circle(client)


def create_schedule(client: TestClient, circle: Circle, **fields: object) -> dict[str, Any]:
    """A weekly schedule, Tuesdays 19:00 New York from 2026-10-01, unless ``fields`` say else."""
    body = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_time": "19:00",
        "duration_minutes": 90,
        "timezone": "America/New_York",
        "starts_on": "2026-10-01",
    } | fields
    response = client.post(
        f"{circle.base}/schedules", headers=circle.facilitator.headers, json=body
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def one_off(
    client: TestClient,
    circle: Circle,
    starts_at: datetime,
    *,
    minutes: int = 60,
    capacity: int | None = None,
    timezone: str = "America/New_York",
) -> dict[str, object]:
    body: dict[str, object] = {
        "starts_at": starts_at.isoformat(),
        "duration_minutes": minutes,
        "timezone": timezone,
    }
    if capacity is not None:
        body["capacity"] = capacity
    response = client.post(f"{circle.base}/sessions", headers=circle.facilitator.headers, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


Rsvp = Callable[[Person, str], dict[str, object]]
