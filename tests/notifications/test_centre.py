"""The notification centre from the outside: only the person's own notifications, newest
first, in keyset pages; reading some or all; what the app channel being off leaves out."""

import uuid
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.config import Settings
from backend.notifications.models import NotificationKind
from tests.factories import make_person
from tests.notifications.notices import centre_rows_of, emails_of, notice, send
from tests.support.clock import Clock
from tests.support.problems import assert_problem

CENTRE = "/api/v1/me/notifications"
UNREAD = "/api/v1/me/notifications/unread-count"
READ = "/api/v1/me/notifications/read"
READ_ALL = "/api/v1/me/notifications/read-all"
SETTINGS = "/api/v1/me/notification-settings"


def test_every_centre_route_needs_a_signed_in_person(client: TestClient) -> None:
    assert_problem(client.get(CENTRE), 401)
    assert_problem(client.get(UNREAD), 401)
    assert_problem(client.post(READ, json={"ids": [str(uuid.uuid4())]}), 401)
    assert_problem(client.post(READ_ALL), 401)


def test_a_person_sees_only_their_own_notifications_newest_first(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    river, maple = make_person(client), make_person(client)
    send(app, settings, [river.user], notice(subject="First for River"))
    clock.advance(timedelta(seconds=5))
    send(app, settings, [maple.user], notice(subject="Only for Maple"))
    clock.advance(timedelta(seconds=5))
    send(app, settings, [river.user, maple.user], notice(subject="For both"))

    page = client.get(CENTRE, headers=river.headers)
    assert page.status_code == 200, page.text
    body = page.json()
    assert [item["title"] for item in body["items"]] == ["For both", "First for River"]
    assert body["unread_count"] == 2
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert set(first) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert first["kind"] == "changes"
    assert first["link"] == "/my-meetings"
    assert first["read_at"] is None

    theirs = client.get(CENTRE, headers=maple.headers).json()
    assert [item["title"] for item in theirs["items"]] == ["For both", "Only for Maple"]


def test_keyset_pages_give_every_notification_once(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    person = make_person(client)
    for number in range(5):
        send(app, settings, [person.user], notice(subject=f"Notice {number}"))
        clock.advance(timedelta(seconds=1))
    titles: list[str] = []
    ids: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = client.get(CENTRE, headers=person.headers, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        assert body["unread_count"] == 5  # of all of them, not of the page
        titles += [item["title"] for item in body["items"]]
        ids += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert titles == [f"Notice {number}" for number in (4, 3, 2, 1, 0)]
    assert len(set(ids)) == 5


def test_an_empty_centre_and_what_paging_refuses(client: TestClient) -> None:
    person = make_person(client)
    empty = client.get(CENTRE, headers=person.headers)
    assert empty.json() == {"items": [], "next_cursor": None, "unread_count": 0}
    for params in ({"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 101}, {"limit": "all"}):
        assert_problem(client.get(CENTRE, headers=person.headers, params=params), 422)


def test_marking_read_counts_down_and_ignores_other_peoples_ids(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    river, maple = make_person(client), make_person(client)
    for _ in range(3):
        send(app, settings, [river.user, maple.user])
        clock.advance(timedelta(seconds=1))
    river_ids = [item["id"] for item in client.get(CENTRE, headers=river.headers).json()["items"]]
    maple_ids = [item["id"] for item in client.get(CENTRE, headers=maple.headers).json()["items"]]

    # Maple's ids in River's request: nothing of Maple's changes, River's count stays.
    foreign = client.post(READ, headers=river.headers, json={"ids": maple_ids})
    assert foreign.status_code == 200, foreign.text
    assert foreign.json() == {"unread_count": 3}
    maple_page = client.get(CENTRE, headers=maple.headers).json()
    assert maple_page["unread_count"] == 3
    assert all(item["read_at"] is None for item in maple_page["items"])

    one = client.post(READ, headers=river.headers, json={"ids": [river_ids[0], maple_ids[1]]})
    assert one.json() == {"unread_count": 2}
    assert client.get(UNREAD, headers=river.headers).json() == {"unread_count": 2}
    items = client.get(CENTRE, headers=river.headers).json()["items"]
    assert [item["read_at"] is not None for item in items] == [True, False, False]
    # Again changes nothing more.
    assert client.post(READ, headers=river.headers, json={"ids": [river_ids[0]]}).json() == {
        "unread_count": 2
    }

    everything = client.post(READ_ALL, headers=river.headers)
    assert everything.status_code == 200, everything.text
    assert everything.json() == {"unread_count": 0}
    assert client.get(UNREAD, headers=river.headers).json() == {"unread_count": 0}
    assert all(
        item["read_at"] is not None
        for item in client.get(CENTRE, headers=river.headers).json()["items"]
    )
    # River reading everything left Maple's unread.
    assert client.get(UNREAD, headers=maple.headers).json() == {"unread_count": 3}


def test_ids_must_be_one_to_a_hundred_uuids(client: TestClient) -> None:
    person = make_person(client)
    bodies: list[dict[str, object]] = [
        {"ids": []},
        {"ids": [str(uuid.uuid4()) for _ in range(101)]},
        {"ids": ["not-an-id"]},
        {},
        {"ids": [str(uuid.uuid4())], "everything": True},
    ]
    for body in bodies:
        assert_problem(client.post(READ, headers=person.headers, json=body), 422)
    hundred = {"ids": [str(uuid.uuid4()) for _ in range(100)]}
    assert client.post(READ, headers=person.headers, json=hundred).status_code == 200


def test_a_kind_with_the_app_channel_off_is_not_listed_but_still_emailed(
    client: TestClient, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    person = make_person(client)
    off = client.patch(
        SETTINGS, headers=person.headers, json={"channels": {"changes": {"app": False}}}
    )
    assert off.status_code == 200, off.text
    send(app, settings, [person.user], notice(NotificationKind.changes, "A meeting moved"))
    clock.advance(timedelta(seconds=1))
    send(app, settings, [person.user], notice(NotificationKind.mentoring, "A mentor replied"))

    body = client.get(CENTRE, headers=person.headers).json()
    assert [item["title"] for item in body["items"]] == ["A mentor replied"]
    assert body["unread_count"] == 1
    assert client.get(UNREAD, headers=person.headers).json() == {"unread_count": 1}
    assert client.post(READ_ALL, headers=person.headers).json() == {"unread_count": 0}
    # The notice went by email all the same, and its row records that it went.
    assert [message.subject for message in emails_of(app, person.user.id)] == [
        "A meeting moved",
        "A mentor replied",
    ]
    hidden = [row for row in centre_rows_of(app, person.user.id) if not row.in_app]
    assert [row.title for row in hidden] == ["A meeting moved"]
