"""What a meeting page needs from one read: which group it is (name, slug, format), where to
go, and, in my own lists, the group's slug; read without a query per meeting."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import Person, join
from tests.sessions.conftest import Circle, Clock, make_circle, one_off
from tests.support.statements import counted

CENTER = {"address": "410 Elm Street, Room 2B", "city": "Springfield", "country": "US"}


def read(client: TestClient, session_id: object, person: Person | None = None) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/sessions/{session_id}", headers=person.headers if person else {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_meeting_says_which_group_it_is_and_where_to_go(client: TestClient, clock: Clock) -> None:
    place = {"format": "in_person", "location": CENTER, "online_url": None}
    in_person = make_circle(client, members=1, name="Elm Street Circle", **place)
    online = make_circle(client, members=1, name="Evening Online Circle")
    usual = one_off(client, in_person, clock.now() + timedelta(days=1))
    elsewhere = client.post(
        f"{in_person.base}/sessions",
        headers=in_person.facilitator.headers,
        json={
            "starts_at": (clock.now() + timedelta(days=8)).isoformat(),
            "duration_minutes": 60,
            "timezone": "America/Chicago",
            "location": "The library's garden room, this week only",
        },
    ).json()
    web = one_off(client, online, clock.now() + timedelta(days=1))

    page = read(client, usual["id"])
    moved = read(client, elsewhere["id"], in_person.members[0])
    remote = read(client, web["id"], online.members[0])

    assert (page["group_name"], page["group_slug"], page["group_format"]) == (
        "Elm Street Circle",
        "elm-street-circle",
        "in_person",
    )
    assert page["location"] is None
    assert page["place"] == "410 Elm Street, Room 2B, Springfield"
    assert moved["location"] == moved["place"] == "The library's garden room, this week only"
    assert (remote["group_slug"], remote["group_format"], remote["place"]) == (
        "evening-online-circle",
        "online",
        None,
    )
    assert remote["online_url"] == online.group.online_url
    assert read(client, web["id"])["online_url"] is None  # the link stays with members


def test_my_meetings_and_my_attendance_carry_the_groups_slug(
    client: TestClient, clock: Clock
) -> None:
    circle = make_circle(client, members=1, name="Slug Carrying Circle")
    member = circle.members[0]
    meeting = one_off(client, circle, clock.now() + timedelta(minutes=20))
    recorded = client.put(
        f"/api/v1/sessions/{meeting['id']}/attendance",
        headers=circle.facilitator.headers,
        json={"records": [{"user_id": str(member.user.id), "status": "present"}]},
    )
    assert recorded.status_code == 200, recorded.text

    (mine,) = client.get("/api/v1/me/sessions", headers=member.headers).json()["items"]
    (attended,) = client.get("/api/v1/me/attendance", headers=member.headers).json()["items"]

    assert (mine["group_name"], mine["group_slug"], mine["group_format"]) == (
        "Slug Carrying Circle",
        "slug-carrying-circle",
        "online",
    )
    assert (attended["group_name"], attended["group_slug"]) == (
        "Slug Carrying Circle",
        "slug-carrying-circle",
    )


def test_my_meetings_read_the_groups_once_however_many_there_are(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    first = make_circle(client, members=1)
    member = first.members[0]

    def queries() -> tuple[int, int]:
        client.get("/api/v1/me/sessions", headers=member.headers, params={"limit": "100"})
        with counted(app) as statements:
            response = client.get(
                "/api/v1/me/sessions", headers=member.headers, params={"limit": "100"}
            )
        assert response.status_code == 200, response.text
        assert all(item["group_slug"] for item in response.json()["items"])
        return len(response.json()["items"]), len(statements)

    def another_group(number: int) -> None:
        circle: Circle = first if number == 0 else make_circle(client, members=0)
        if number:
            join(client, member, circle.group.id)
        one_off(client, circle, clock.now() + timedelta(days=1, hours=number))

    for number in range(2):
        another_group(number)
    two = queries()
    for number in range(2, 8):
        another_group(number)
    eight = queries()

    assert (two[0], eight[0]) == (2, 8)
    assert eight[1] == two[1]
