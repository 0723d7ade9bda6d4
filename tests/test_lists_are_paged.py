"""Every list is keyset-paginated: a small `limit` gives every item exactly once over the
pages, in the list's stated order, and the last page says so (`next_cursor` null)."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.core.clock import utcnow
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people
from tests.factories import Person, join, make_group, make_person, make_service_client
from tests.library.test_resources import published
from tests.library.test_stories import submit


def every_page(
    client: TestClient, path: str, headers: dict[str, str], **params: Any
) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    for _ in range(20):
        query = {"limit": 2, **params} | ({"cursor": cursor} if cursor else {})
        response = client.get(path, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("more pages than items")


def flat(pages: list[list[dict[str, Any]]], key: Callable[[dict[str, Any]], Any]) -> list[Any]:
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
    return [key(item) for page in pages for item in page]


def test_my_groups(client: TestClient, app: FastAPI) -> None:
    facilitator, member = make_person(client, role=Role.facilitator), make_person(client)
    groups = [make_group(app, facilitator=facilitator.user) for _ in range(5)]
    for group in groups:
        join(client, member, group.id)
    slugs = flat(
        every_page(client, "/api/v1/me/groups", member.headers), lambda i: i["group"]["slug"]
    )
    assert slugs == sorted(group.slug for group in groups)


def test_my_bookmarks(client: TestClient) -> None:
    editor, member = make_person(client, role=Role.facilitator), make_person(client)
    saved = [published(client, editor, title=f"Worksheet {n}") for n in range(5)]
    for resource_id in saved:
        client.put(f"/api/v1/me/bookmarks/{resource_id}", headers=member.headers)
    ids = flat(
        every_page(client, "/api/v1/me/bookmarks", member.headers), lambda i: i["resource"]["id"]
    )
    assert ids == list(reversed(saved))  # newest saved first


def test_my_stories_and_the_review_queue(client: TestClient) -> None:
    author, reviewer = make_person(client), make_person(client, role=Role.facilitator)
    written = [submit(client, author, title=f"Story {n}")["id"] for n in range(5)]
    mine = flat(every_page(client, "/api/v1/me/stories", author.headers), lambda i: i["id"])
    assert mine == list(reversed(written))  # newest first
    queue = flat(every_page(client, "/api/v1/stories", reviewer.headers), lambda i: i["id"])
    assert queue == written  # the longest waiting first


def test_resources_due_for_review(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    due = [
        published(client, admin, title=f"Guide {n}", governance={"review_due_on": f"202{n}-01-01"})
        for n in (4, 1, 3, 2, 5)
    ]
    order = flat(
        every_page(client, "/api/v1/resources/due-for-review", admin.headers), lambda i: i["id"]
    )
    assert order == [due[1], due[3], due[2], due[0], due[4]]  # the longest overdue first


def test_service_clients(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    made = [
        str(make_service_client(app, scopes=[Scope.groups_read], name=f"Client {n}").client.id)
        for n in range(5)
    ]
    listed = flat(
        every_page(client, "/api/v1/service-clients", admin.headers), lambda i: i["client_id"]
    )
    assert listed == made  # oldest first


def test_a_circles_members(client: TestClient, app: FastAPI) -> None:
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    people: list[Person] = [make_person(client) for _ in range(4)]
    for person in people:
        join(client, person, group.id)
    pages = every_page(client, f"/api/v1/groups/{group.id}/members", facilitator.headers)
    members = flat(pages, lambda i: (i["role"], i["user_id"]))
    assert members == [("facilitator", str(facilitator.user.id))] + [
        ("member", str(person.user.id)) for person in people
    ]


def test_a_circles_invitations(client: TestClient, app: FastAPI) -> None:
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    path = f"/api/v1/groups/{group.id}/invitations"
    made = [client.post(path, headers=facilitator.headers, json={}).json()["id"] for _ in range(5)]
    listed = flat(every_page(client, path, facilitator.headers), lambda i: i["id"])
    assert listed == made[::-1]  # newest first


def test_a_circles_series(client: TestClient, app: FastAPI) -> None:
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    made = []
    for day in ("MO", "TU", "WE", "TH", "FR"):
        created = client.post(
            f"/api/v1/groups/{group.id}/schedules",
            headers=facilitator.headers,
            json={
                "rrule": f"FREQ=WEEKLY;BYDAY={day}",
                "start_time": "19:00",
                "duration_minutes": 60,
                "timezone": "America/Chicago",
                "starts_on": utcnow().date().isoformat(),
            },
        )
        assert created.status_code == 201, created.text
        made.append(created.json()["id"])
    pages = every_page(client, f"/api/v1/groups/{group.id}/schedules", facilitator.headers)
    assert flat(pages, lambda i: i["id"]) == made  # oldest first


def test_my_notifications(client: TestClient, app: FastAPI) -> None:
    member = make_person(client)
    with app.state.session_factory.begin() as db:
        for n in range(5):
            notice = Notice(
                kind=NotificationKind.changes,
                subject=f"Notice {n}",
                text="Something changed.",
                link="/my-meetings",
                see="See your meetings",
            )
            notify_people(db, app.state.settings, [member.user], notice)
    titles = flat(
        every_page(client, "/api/v1/me/notifications", member.headers), lambda i: i["title"]
    )
    assert sorted(titles) == [f"Notice {n}" for n in range(5)]
    assert len(set(titles)) == 5
