"""Anonymous directory answers kept per process until the database changes
(backend/core/public_cache.py), on both databases, with real commits: a kept answer must
never outlive a committed write by more than PostgreSQL's notification takes."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.core.public_cache import PostgresNotifications, PublicCache
from backend.main import create_app
from tests.conftest import DatabaseUnderTest, app_settings
from tests.factories import Person, make_group, make_person
from tests.support.statements import counted

GROUPS = "/api/v1/groups"
pytestmark = pytest.mark.real_commits


def cached_app(database: DatabaseUnderTest, folder: Path) -> FastAPI:
    return create_app(app_settings(database.url, folder).model_copy(update={"public_cache": True}))


def listening(app: FastAPI) -> None:
    """On PostgreSQL, wait until the app's listener is connected (a moment after start)."""
    watch = app.state.public_cache.watch
    if isinstance(watch, PostgresNotifications):
        assert watch.wait_until_listening(10), "the notification listener did not connect"


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def create_group(client: TestClient, facilitator: Person, name: str) -> str:
    """A group made through the service, committed; its id."""
    app = client.app
    assert isinstance(app, FastAPI)
    return str(make_group(app, facilitator=facilitator.user, name=name).id)


def names(client: TestClient) -> list[str]:
    response = client.get(GROUPS)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_a_kept_answer_is_served_without_the_database_until_a_write_commits(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = cached_app(database, tmp_path)
    with TestClient(app) as client:
        listening(app)
        facilitator = make_person(client, role=Role.facilitator)
        create_group(client, facilitator, "Kept Circle")
        assert eventually(lambda: "Kept Circle" in names(client))
        first = client.get(GROUPS)
        with counted(app) as ran:
            again = client.get(GROUPS)
        assert ran == []  # from the kept answers: no database at all
        assert again.json() == first.json()
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["cache-control"] == "no-cache"

        create_group(client, facilitator, "Newer Circle")
        assert eventually(lambda: "Newer Circle" in names(client), seconds=2.0)


def test_a_write_through_another_process_is_seen_too(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    reader, writer = cached_app(database, tmp_path / "a"), cached_app(database, tmp_path / "b")
    with TestClient(reader) as reading, TestClient(writer) as writing:
        listening(reader)
        assert names(reading) == []
        assert names(reading) == []  # kept
        facilitator = make_person(writing, role=Role.facilitator)
        create_group(writing, facilitator, "Elsewhere Circle")
        assert eventually(lambda: names(reading) == ["Elsewhere Circle"], seconds=2.0)


def test_signed_in_callers_get_an_answer_of_their_own(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = cached_app(database, tmp_path)
    with TestClient(app) as client:
        listening(app)
        facilitator = make_person(client, role=Role.facilitator)
        group_id = create_group(client, facilitator, "Mine Circle")
        assert eventually(lambda: "Mine Circle" in names(client))
        client.get(GROUPS)  # the anonymous answer is kept
        with counted(app) as ran:
            mine = client.get(GROUPS, headers=facilitator.headers)
        assert ran  # made for them
        assert "etag" not in mine.headers
        [item] = [i for i in mine.json()["items"] if i["id"] == group_id]
        assert item["my_membership"] == {"role": "facilitator", "status": "active"}
        anonymous = client.get(GROUPS).json()["items"]
        assert all(i["my_membership"] is None for i in anonymous)
        # Credentials that do not hold are refused, kept answer or not.
        refused = client.get(GROUPS, headers={"Authorization": "Bearer not-a-token"})
        assert refused.status_code == 401


def test_an_answer_held_already_is_a_304(database: DatabaseUnderTest, tmp_path: Path) -> None:
    app = cached_app(database, tmp_path)
    with TestClient(app) as client:
        listening(app)
        first = client.get(GROUPS, params={"limit": 5})
        again = client.get(
            GROUPS, params={"limit": 5}, headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.content == b""
        # Once the directory changed, the old tag no longer holds.
        facilitator = make_person(client, role=Role.facilitator)
        create_group(client, facilitator, "Tagged Circle")

        def fresh() -> bool:
            answer = client.get(
                GROUPS, params={"limit": 5}, headers={"If-None-Match": first.headers["etag"]}
            )
            return answer.status_code == 200 and answer.json()["total"] == 1

        assert eventually(fresh, seconds=2.0)


def test_a_group_page_is_kept_too_and_follows_its_group(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = cached_app(database, tmp_path)
    with TestClient(app) as client:
        listening(app)
        facilitator = make_person(client, role=Role.facilitator)
        group_id = create_group(client, facilitator, "Paged Circle")
        page = f"{GROUPS}/{group_id}"
        first = client.get(page)
        assert first.status_code == 200, first.text
        slug = first.json()["slug"]
        assert client.get(f"{GROUPS}/by-slug/{slug}").json() == first.json()
        with counted(app) as ran:
            again = client.get(page)
            by_slug = client.get(f"{GROUPS}/by-slug/{slug}")
        assert ran == []
        assert again.json() == by_slug.json() == first.json()
        # A member's page is theirs: the meeting link is shown to them alone.
        member = make_person(client)
        joined = client.post(
            f"{page}/members", headers=member.headers, json={"accept_guidelines": True}
        )
        assert joined.status_code in (200, 201), joined.text
        assert client.get(page, headers=member.headers).json()["online_url"]
        # The join changed the seats: the anonymous page follows, and never shows the link.
        assert eventually(
            lambda: client.get(page).json()["seats_left"] == first.json()["seats_left"] - 1,
            seconds=2.0,
        )
        assert client.get(page).json()["online_url"] is None


def test_a_circles_meetings_are_kept_too_and_follow_the_rsvps(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = cached_app(database, tmp_path)
    with TestClient(app) as client:
        listening(app)
        facilitator = make_person(client, role=Role.facilitator)
        group_id = create_group(client, facilitator, "Meeting Circle")
        starts = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        made = client.post(
            f"{GROUPS}/{group_id}/sessions",
            headers=facilitator.headers,
            json={"starts_at": starts, "duration_minutes": 60, "timezone": "UTC"},
        )
        assert made.status_code == 201, made.text
        meetings = f"{GROUPS}/{group_id}/sessions"
        first = client.get(meetings)
        [meeting] = first.json()["items"]
        with counted(app) as ran:
            again = client.get(meetings)
        assert ran == []
        assert again.json() == first.json()
        member = make_person(client)
        joined = client.post(
            f"{GROUPS}/{group_id}/members",
            headers=member.headers,
            json={"accept_guidelines": True},
        )
        assert joined.status_code in (200, 201), joined.text
        going = client.put(
            f"/api/v1/sessions/{meeting['id']}/rsvp",
            headers=member.headers,
            json={"status": "going"},
        )
        assert going.status_code == 200, going.text

        def one_going() -> bool:
            [now] = client.get(meetings).json()["items"]
            return bool(now["seats_left"] == meeting["seats_left"] - 1)

        assert eventually(one_going, seconds=2.0)


class Counter:
    """A change watch the test moves by hand."""

    def __init__(self) -> None:
        self.value: int | None = 1

    def count(self) -> int | None:
        return self.value

    def close(self) -> None:
        pass


def test_the_kept_answers_are_bounded_and_follow_the_watch() -> None:
    watch = Counter()
    cache = PublicCache(watch, max_entries=3, max_age=60)
    for n in range(5):
        cache.keep(f"k{n}", b"{}", count=cache.count())
    assert len(cache) == 3  # the oldest went first
    assert cache.get("k0") is None
    assert cache.get("k4") is not None
    watch.value = 2  # the database changed
    assert cache.get("k4") is None
    count = cache.count()
    watch.value = 3  # ... while an answer was being made: it is not kept
    cache.keep("made-during-a-write", b"{}", count=count)
    assert cache.get("made-during-a-write") is None
    watch.value = None  # the watch cannot tell: nothing is served or kept
    cache.keep("blind", b"{}", count=cache.count())
    assert cache.get("blind") is None
    watch.value = 4
    cache.keep("brief", b"{}", count=cache.count(), max_age=0)  # time already moved it on
    assert cache.get("brief") is None


def test_shipped_answers_are_kept_whatever_the_database_does_and_served_before_routing(
    database: DatabaseUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = cached_app(database, tmp_path)
    crisis_us = "/api/v1/crisis-resources?region=US"
    with TestClient(app) as client:
        listening(app)
        first = client.get(crisis_us)
        alive = client.get("/healthz")
        assert first.status_code == alive.status_code == 200
        assert alive.json() == {"status": "ok"}
        # A write moves the change count: answers from the database go, shipped ones stay.
        facilitator = make_person(client, role=Role.facilitator)
        create_group(client, facilitator, "Busy Circle")
        # From here the routes could not answer: what still answers was served before routing,
        # and it does so while the database cannot say whether anything changed.
        monkeypatch.setattr(app.state.public_cache, "watch", Counter())
        app.state.public_cache.watch.value = None

        def broken(code: str | None) -> tuple[bytes, str]:
            raise AssertionError("the crisis route ran")

        monkeypatch.setattr("backend.library.crisis.crisis_resources_json", broken)
        again = client.get(crisis_us)
        assert again.status_code == 200
        assert again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
        assert again.headers["x-request-id"] != first.headers["x-request-id"]
        held = client.get(crisis_us, headers={"If-None-Match": first.headers["etag"]})
        assert held.status_code == 304
        kept_alive = client.get("/healthz")
        assert kept_alive.json() == {"status": "ok"}
        assert kept_alive.headers["cache-control"] == "no-store"  # a probe is never cached
        assert "etag" not in kept_alive.headers
        # Only answers a route made are served: another spelling or a bad region goes to it.
        assert client.get("/api/v1/crisis-resources?region=XYZ").status_code == 422
        assert client.get("/api/v1/crisis-resources?region=us").status_code == 500  # it ran


def test_a_library_search_is_kept_and_follows_the_library(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = cached_app(database, tmp_path)
    search = "/api/v1/resources?q=breathing&limit=5"

    def titles() -> list[str]:
        response = client.get(search)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    with TestClient(app) as client:
        listening(app)
        editor = make_person(client, role=Role.facilitator)
        body = {
            "title": "Box breathing",
            "summary": "Slow breathing when panic rises.",
            "body_markdown": "Breathe in for four counts.",
            "type": "worksheet",
            "topics": ["anxiety"],
        }
        created = client.post("/api/v1/resources", headers=editor.headers, json=body)
        assert created.status_code == 201, created.text
        resource = f"/api/v1/resources/{created.json()['id']}"
        published = client.patch(resource, headers=editor.headers, json={"status": "published"})
        assert published.status_code == 200, published.text
        assert eventually(lambda: titles() == ["Box breathing"])
        first = client.get(search)
        with counted(app) as ran:
            again = client.get(search)
        assert ran == []  # kept
        assert again.headers["etag"] == first.headers["etag"]
        # Signed in, the answer is made for the caller (an editor's is no one else's).
        with counted(app) as ran:
            assert client.get(search, headers=editor.headers).status_code == 200
        assert ran
        renamed = client.patch(resource, headers=editor.headers, json={"title": "Square breathing"})
        assert renamed.status_code == 200, renamed.text
        assert eventually(lambda: titles() == ["Square breathing"], seconds=2.0)
        archived = client.patch(resource, headers=editor.headers, json={"status": "archived"})
        assert archived.status_code == 200, archived.text
        assert eventually(lambda: titles() == [], seconds=2.0)


def test_shipped_answers_are_not_kept_when_keeping_is_off(
    database: DatabaseUnderTest, tmp_path: Path
) -> None:
    app = create_app(app_settings(database.url, tmp_path))  # public_cache off, as in tests
    with TestClient(app) as client:
        client.get("/api/v1/crisis-resources?region=US")
        client.get("/healthz")
        assert len(app.state.public_cache) == 0


def test_a_shipped_answer_is_kept_apart_from_the_change_count() -> None:
    watch = Counter()
    cache = PublicCache(watch, max_entries=2)
    cache.keep_shipped("crisis", b"{}", '"tag"')
    watch.value = 2
    assert cache.get("crisis") is not None
    watch.value = None
    assert cache.get("crisis") is not None
    for n in range(2):  # bounded with the rest: the least recently used goes first
        cache.keep_shipped(f"k{n}", b"{}", '"tag"')
    assert cache.get("crisis") is None
    assert len(cache) == 2
    assert len(PublicCache(None)) == 0
    PublicCache(None).keep_shipped("crisis", b"{}", '"tag"')
