"""The events sessions and the library emit, as integrators receive them: to clients holding
the scope that reads what changed, subscribed to the event, and to no one else; carrying ids
and times, never a person's data nor a meeting's reason."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from tests.factories import make_person
from tests.sessions.conftest import create_schedule, make_circle, one_off
from tests.support.clock import Clock
from tests.webhooks.conftest import Client, Receiver, deliver, make_client, register

MEETING_EVENTS = ["meeting.cancelled", "meeting.moved", "meeting.restored"]
RESOURCE_EVENTS = ["resource.published", "resource.withdrawn"]


def received(app: FastAPI, receiver: Receiver, path: str) -> list[dict[str, Any]]:
    """What reached ``path`` once the worker has sent all that is due (a batch a round)."""
    for _ in range(20):
        if deliver(app) == 0:
            break
    return [json.loads(got.body) for got in receiver.received if got.path == path]


@pytest.fixture
def listeners(client: TestClient, receiver: Receiver) -> dict[str, Client]:
    """A client per case, each with an endpoint at its own path."""
    cases = {
        "/sessions": ([Scope.sessions_read], MEETING_EVENTS + RESOURCE_EVENTS),
        "/resources": ([Scope.resources_read], MEETING_EVENTS + RESOURCE_EVENTS),
        "/groups-only": ([Scope.groups_read], MEETING_EVENTS + RESOURCE_EVENTS),
        "/not-subscribed": ([Scope.sessions_read, Scope.resources_read], ["referral.accepted"]),
    }
    found = {}
    for path, (scopes, events) in cases.items():
        owner = make_client(client, scopes, name=f"Client {path}")
        register(client, owner, receiver.url(path), events)
        found[path] = owner
    return found


@pytest.mark.usefixtures("listeners")
def test_a_cancelled_meeting_reaches_clients_that_read_meetings(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=1)
    meeting = one_off(client, circle, datetime(2026, 10, 6, 23, tzinfo=UTC))
    response = client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled", "cancel_reason": "Our facilitator Sam is unwell"},
    )
    assert response.status_code == 200, response.text
    [event] = received(app, receiver, "/sessions")
    assert event["type"] == "meeting.cancelled"
    assert event["data"] == {
        "meeting_id": meeting["id"],
        "circle_id": str(circle.group.id),
        "starts_at": "2026-10-06T23:00:00Z",
    }
    assert "Sam" not in json.dumps(event)
    for path in ("/resources", "/groups-only", "/not-subscribed"):
        assert received(app, receiver, path) == []
    # Cancelling it again is no news.
    client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert len(received(app, receiver, "/sessions")) == 1


@pytest.mark.usefixtures("listeners")
def test_a_moved_meeting_says_when_it_was_and_when_it_is(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=0)
    meeting = one_off(client, circle, datetime(2026, 10, 6, 23, tzinfo=UTC))
    # Only the length changes: not a move.
    client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"duration_minutes": 45},
    )
    assert received(app, receiver, "/sessions") == []
    response = client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": "2026-10-07T23:30:00Z"},
    )
    assert response.status_code == 200, response.text
    [event] = received(app, receiver, "/sessions")
    assert event["type"] == "meeting.moved"
    assert event["data"] == {
        "meeting_id": meeting["id"],
        "circle_id": str(circle.group.id),
        "starts_at": "2026-10-07T23:30:00Z",
        "previous_starts_at": "2026-10-06T23:00:00Z",
    }
    assert received(app, receiver, "/resources") == []


@pytest.mark.usefixtures("listeners")
def test_meetings_a_series_change_moves_or_drops_are_told(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=0)
    schedule = create_schedule(client, circle)
    response = client.patch(
        f"/api/v1/schedules/{schedule['id']}",
        headers=circle.facilitator.headers,
        json={"start_time": "18:00"},
    )
    assert response.status_code == 200, response.text
    events = received(app, receiver, "/sessions")
    assert events
    assert {event["type"] for event in events} == {"meeting.moved"}
    first = min(events, key=lambda event: event["data"]["starts_at"])["data"]
    assert datetime.fromisoformat(first["previous_starts_at"]) - datetime.fromisoformat(
        first["starts_at"]
    ) == timedelta(hours=1)
    ended = client.post(
        f"/api/v1/schedules/{schedule['id']}/end", headers=circle.facilitator.headers
    )
    assert ended.status_code == 200, ended.text
    cancellations = [
        event
        for event in received(app, receiver, "/sessions")
        if event["type"] == "meeting.cancelled"
    ]
    moved = {event["data"]["meeting_id"] for event in events}
    gone = {event["data"]["meeting_id"] for event in cancellations}
    assert moved <= gone


@pytest.mark.usefixtures("listeners")
def test_resources_published_and_withdrawn_reach_clients_that_read_the_library(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    editor = make_person(client, role=Role.facilitator)
    created = client.post(
        "/api/v1/resources",
        headers=editor.headers,
        json={
            "title": "Box breathing for panic attacks",
            "summary": "A worksheet to slow your breathing when panic rises.",
            "body_markdown": "When a panic attack starts, breathe in for four counts.",
            "type": "worksheet",
            "topics": ["anxiety"],
        },
    )
    assert created.status_code == 201, created.text
    resource_id = created.json()["id"]
    # A draft is nobody's news.
    assert received(app, receiver, "/resources") == []
    url = f"/api/v1/resources/{resource_id}"
    client.patch(url, headers=editor.headers, json={"status": "published"})
    client.patch(url, headers=editor.headers, json={"title": "Box breathing"})  # no news
    client.patch(url, headers=editor.headers, json={"status": "draft"})
    client.patch(url, headers=editor.headers, json={"status": "published"})
    assert client.delete(url, headers=editor.headers).status_code == 204
    events = received(app, receiver, "/resources")
    assert [(event["type"], event["data"]["status"]) for event in events] == [
        ("resource.published", "published"),
        ("resource.withdrawn", "draft"),
        ("resource.published", "published"),
        ("resource.withdrawn", "archived"),
    ]
    assert events[0]["data"] == {
        "resource_id": resource_id,
        "type": "worksheet",
        "status": "published",
        "title": "Box breathing for panic attacks",
    }
    for path in ("/sessions", "/groups-only", "/not-subscribed"):
        assert received(app, receiver, path) == []


@pytest.mark.usefixtures("listeners")
def test_a_members_story_is_told_without_its_title(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    author = make_person(client)
    reviewer = make_person(client, role=Role.facilitator)
    story = client.post(
        "/api/v1/stories",
        headers=author.headers,
        json={
            "title": "What Maria's group gave me",
            "body_markdown": "A year ago I could not leave the house. " * 5,
            "topics": ["anxiety"],
        },
    )
    assert story.status_code == 201, story.text
    reviewed = client.post(
        f"/api/v1/stories/{story.json()['id']}/review",
        headers=reviewer.headers,
        json={"decision": "approve"},
    )
    assert reviewed.status_code == 200, reviewed.text
    withdrawn = client.post(
        f"/api/v1/stories/{story.json()['id']}/withdraw", headers=author.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    events = received(app, receiver, "/resources")
    assert [event["type"] for event in events] == ["resource.published", "resource.withdrawn"]
    for event in events:
        assert set(event["data"]) == {"resource_id", "type", "status"}
        assert event["data"]["type"] == "story"
        assert "Maria" not in json.dumps(event)


@pytest.mark.usefixtures("listeners")
def test_a_cancelled_meeting_put_back_on_is_told(
    client: TestClient, app: FastAPI, receiver: Receiver, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    circle = make_circle(client, members=0)
    meeting = one_off(client, circle, datetime(2026, 10, 6, 23, tzinfo=UTC))
    url = f"/api/v1/sessions/{meeting['id']}"
    client.patch(url, headers=circle.facilitator.headers, json={"status": "cancelled"})
    restored = client.patch(url, headers=circle.facilitator.headers, json={"status": "scheduled"})
    assert restored.status_code == 200, restored.text
    events = received(app, receiver, "/sessions")
    assert [event["type"] for event in events] == ["meeting.cancelled", "meeting.restored"]
    assert events[1]["data"] == {
        "meeting_id": meeting["id"],
        "circle_id": str(circle.group.id),
        "starts_at": "2026-10-06T23:00:00Z",
    }


@pytest.mark.usefixtures("listeners")
def test_a_resource_leaving_published_is_told_without_a_title_it_may_never_have_shown(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    editor = make_person(client, role=Role.facilitator)
    created = client.post(
        "/api/v1/resources",
        headers=editor.headers,
        json={
            "title": "Grounding with your senses",
            "summary": "Five things you can see, four you can touch.",
            "body_markdown": "Name five things you can see.",
            "type": "worksheet",
            "topics": ["anxiety"],
        },
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/resources/{created.json()['id']}"
    client.patch(url, headers=editor.headers, json={"status": "published"})
    back = client.patch(
        url, headers=editor.headers, json={"status": "draft", "title": "WIP: rewrite this"}
    )
    assert back.status_code == 200, back.text
    events = received(app, receiver, "/resources")
    assert events[-1]["type"] == "resource.withdrawn"
    assert "title" not in events[-1]["data"]
    assert "WIP" not in json.dumps(events)


@pytest.mark.usefixtures("listeners")
def test_an_erased_authors_published_story_is_told_as_deleted(
    client: TestClient, app: FastAPI, receiver: Receiver
) -> None:
    author = make_person(client)
    reviewer = make_person(client, role=Role.facilitator)
    story = client.post(
        "/api/v1/stories",
        headers=author.headers,
        json={
            "title": "Finding my people",
            "body_markdown": "I did not think a group could help me. " * 5,
            "topics": ["anxiety"],
        },
    )
    assert story.status_code == 201, story.text
    reviewed = client.post(
        f"/api/v1/stories/{story.json()['id']}/review",
        headers=reviewer.headers,
        json={"decision": "approve"},
    )
    assert reviewed.status_code == 200, reviewed.text
    erased = client.request(
        "DELETE", "/api/v1/me", headers=author.headers, json={"password": author.password}
    )
    assert erased.status_code == 204, erased.text
    events = received(app, receiver, "/resources")
    assert [(e["type"], e["data"]["status"]) for e in events] == [
        ("resource.published", "published"),
        ("resource.withdrawn", "deleted"),
    ]
