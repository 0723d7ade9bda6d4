"""The resource library through HTTP: who may read and edit, the editorial workflow, ranked
search on both databases, safe HTML, and bookmarks."""

from html.parser import HTMLParser
from typing import Any

import nh3
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.accounts.seed import seed_demo_accounts
from backend.core.pagination import encode_cursor
from backend.library import markdown
from backend.library.seed import seed_demo_library
from tests.factories import Person, client_token, make_person, make_service_client
from tests.support.demo import demo_content
from tests.support.problems import assert_problem

RESOURCES = "/api/v1/resources"


def resource_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Box breathing for panic attacks",
        "summary": "A worksheet to slow your breathing when panic rises.",
        "body_markdown": "When a panic attack starts, breathe in for four counts.",
        "type": "worksheet",
        "topics": ["anxiety"],
    } | overrides


def create(client: TestClient, editor: Person, **overrides: Any) -> dict[str, Any]:
    response = client.post(RESOURCES, headers=editor.headers, json=resource_body(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def publish(client: TestClient, editor: Person, resource_id: str) -> None:
    response = client.patch(
        f"{RESOURCES}/{resource_id}", headers=editor.headers, json={"status": "published"}
    )
    assert response.status_code == 200, response.text


def published(client: TestClient, editor: Person, **overrides: Any) -> str:
    resource_id = str(create(client, editor, **overrides)["id"])
    publish(client, editor, resource_id)
    return resource_id


@pytest.fixture
def editor(client: TestClient) -> Person:
    return make_person(client, role=Role.facilitator)


# --- access -----------------------------------------------------------------------------------


def test_anonymous_and_members_may_not_create(client: TestClient) -> None:
    response = client.post(RESOURCES, json=resource_body())
    assert_problem(response, 401)
    member = make_person(client)
    assert_problem(client.post(RESOURCES, headers=member.headers, json=resource_body()), 403)


@pytest.mark.parametrize("role", [Role.facilitator, Role.admin])
def test_facilitators_and_admins_create_drafts(client: TestClient, role: Role) -> None:
    author = make_person(client, role=role)
    body = create(client, author)
    assert body["status"] == "draft"
    assert body["published_at"] is None


def test_a_client_with_resources_write_creates_and_without_it_may_not(
    client: TestClient, app: FastAPI
) -> None:
    writer = make_service_client(app, scopes=[Scope.resources_write])
    reader = make_service_client(app, scopes=[Scope.resources_read])
    ok = client.post(
        RESOURCES,
        headers={"Authorization": f"Bearer {client_token(client, writer)}"},
        json=resource_body(),
    )
    assert ok.status_code == 201
    refused = client.post(
        RESOURCES,
        headers={"Authorization": f"Bearer {client_token(client, reader)}"},
        json=resource_body(),
    )
    assert_problem(refused, 403)


def test_drafts_are_invisible_to_the_public_and_members(client: TestClient, editor: Person) -> None:
    draft = create(client, editor)
    member = make_person(client)
    for headers in ({}, member.headers):
        assert_problem(client.get(f"{RESOURCES}/{draft['id']}", headers=headers), 404)
        listed = client.get(RESOURCES, headers=headers).json()["items"]
        assert draft["id"] not in [item["id"] for item in listed]
    assert client.get(f"{RESOURCES}/{draft['id']}", headers=editor.headers).status_code == 200
    drafts = client.get(RESOURCES, headers=editor.headers, params={"status": "draft"}).json()
    assert [item["id"] for item in drafts["items"]] == [draft["id"]]
    # Without a status, editors see what everyone sees: the published library.
    live = published(client, editor, title="Already live")
    default = client.get(RESOURCES, headers=editor.headers).json()["items"]
    assert [item["id"] for item in default] == [live]
    ignored = client.get(RESOURCES, params={"status": "draft"}).json()["items"]
    assert [item["id"] for item in ignored] == [live]  # the public cannot ask for drafts


# --- workflow ---------------------------------------------------------------------------------


def test_publish_then_archive(client: TestClient, editor: Person) -> None:
    resource_id = published(client, editor)
    page = client.get(f"{RESOURCES}/{resource_id}").json()
    assert page["status"] == "published"
    assert page["published_at"]
    assert client.delete(f"{RESOURCES}/{resource_id}", headers=editor.headers).status_code == 204
    assert_problem(client.get(f"{RESOURCES}/{resource_id}"), 404)


def test_reading_time_is_computed(client: TestClient, editor: Person) -> None:
    body = create(client, editor, body_markdown="word " * 900)
    assert body["reading_minutes"] == 5


def test_unknown_topics_and_fields_are_refused(client: TestClient, editor: Person) -> None:
    body = assert_problem(
        client.post(RESOURCES, headers=editor.headers, json=resource_body(topics=["nope"])), 422
    )
    assert "nope" in body["detail"]
    assert_problem(
        client.post(RESOURCES, headers=editor.headers, json=resource_body(status="published")),
        422,
    )


def test_contact_details_and_governance_round_trip(client: TestClient, editor: Person) -> None:
    body = create(
        client,
        editor,
        type="service",
        contact={
            "organization": "Springfield Counseling Service",
            "phone": "+1 217 555 0100",
            "website": "https://counseling.example.org/",
            "hours": "Mon-Fri 9am-5pm",
        },
        governance={
            "reviewer_name": "Dr. A. Rivera",
            "reviewed_on": "2026-10-01",
            "review_due_on": "2027-10-01",
        },
    )
    assert body["contact"]["phone"] == "+1 217 555 0100"
    assert body["contact"]["organization"] == "Springfield Counseling Service"
    assert body["governance"]["review_due_on"] == "2027-10-01"


def test_admins_see_what_is_due_for_review(client: TestClient, editor: Person) -> None:
    due = published(
        client, editor, title="Old guidance", governance={"review_due_on": "2020-01-01"}
    )
    published(client, editor, title="Fresh guidance", governance={"review_due_on": "2199-01-01"})
    admin = make_person(client, role=Role.admin)
    response = client.get(f"{RESOURCES}/due-for-review", headers=admin.headers)
    assert [item["id"] for item in response.json()["items"]] == [due]
    # The date it was due, so the list can say how long ago.
    assert response.json()["items"][0]["review_due_on"] == "2020-01-01"
    assert_problem(client.get(f"{RESOURCES}/due-for-review", headers=editor.headers), 403)


# --- safe HTML --------------------------------------------------------------------------------


def parsed_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element a browser would build from ``html``, with its attributes; escaped text
    such as "&lt;script&gt;" is text, not an element, and is harmless."""
    found: list[tuple[str, dict[str, str]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, {name: value or "" for name, value in attrs}))

    Collector().feed(html)
    return found


def test_a_hostile_body_comes_back_harmless(client: TestClient, editor: Person) -> None:
    hostile = (
        "# Title\n\n<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click me](javascript:alert(1)) and [JS](JAVASCRIPT:alert(2))\n\n"
        '<a href="javascript:alert(3)" onclick="alert(4)">raw link</a>\n\n'
        "[a friend](https://example.org/help)"
    )
    body = create(client, editor, body_markdown=hostile)
    tags = parsed_tags(body["body_html"])
    names = {name for name, _ in tags}
    # The page's title is its only h1: "# Title" in a body is a second-level heading.
    assert "h1" not in names
    assert "<h2>Title</h2>" in body["body_html"]
    assert "script" not in names
    assert "img" not in names
    for _, attributes in tags:
        assert not [name for name in attributes if name.startswith("on")]
        assert not attributes.get("href", "").lower().startswith("javascript:")
    assert (
        '<a href="https://example.org/help" rel="noopener noreferrer">a friend</a>'
        in body["body_html"]
    )
    assert body["body_markdown"] == hostile  # the source is kept as written


# --- search -----------------------------------------------------------------------------------


def test_search_ranks_the_breathing_worksheet_first(client: TestClient, editor: Person) -> None:
    worksheet = published(client, editor)
    published(
        client,
        editor,
        title="Understanding grief",
        summary="What grief can feel like in the first year.",
        body_markdown="Grief comes in waves. Some nights bring panic; breathing slowly helps "
        "a little, and so does an attack of laughter with an old friend.",
        type="article",
        topics=["grief-and-loss"],
    )
    published(
        client,
        editor,
        title="Sleep hygiene basics",
        summary="Small habits for better sleep.",
        body_markdown="Keep a regular wake time.",
        type="article",
    )
    response = client.get(RESOURCES, params={"q": "panic attack breathing"})
    titles = [item["title"] for item in response.json()["items"]]
    assert titles[0] == "Box breathing for panic attacks"
    assert "Sleep hygiene basics" not in titles
    assert response.json()["items"][0]["id"] == worksheet


def test_search_understands_web_search_syntax(client: TestClient, editor: Person) -> None:
    published(client, editor)
    published(
        client,
        editor,
        title="Grief and panic at night",
        summary="When loss keeps you awake.",
        body_markdown="Panic can follow grief.",
        type="article",
        topics=["grief-and-loss"],
    )
    published(
        client,
        editor,
        title="Sleep hygiene basics",
        summary="Habits for better sleep.",
        body_markdown="Keep a regular wake time.",
        type="article",
    )

    def titles(q: str) -> list[str]:
        return sorted(
            item["title"] for item in client.get(RESOURCES, params={"q": q}).json()["items"]
        )

    assert titles("panic -grief") == ["Box breathing for panic attacks"]
    assert titles("sleep OR grief") == ["Grief and panic at night", "Sleep hygiene basics"]
    assert titles('"wake time"') == ["Sleep hygiene basics"]
    assert titles('unbalanced " quote (') == []


def test_search_filters_combine_and_pages_go_on(client: TestClient, editor: Person) -> None:
    for number in range(5):
        published(client, editor, title=f"Panic worksheet {number}")
    published(client, editor, title="Panic video", type="video")
    first = client.get(RESOURCES, params={"q": "panic", "type": "worksheet", "limit": 3}).json()
    assert len(first["items"]) == 3
    second = client.get(
        RESOURCES,
        params={"q": "panic", "type": "worksheet", "limit": 3, "cursor": first["next_cursor"]},
    ).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    seen = [item["title"] for item in first["items"] + second["items"]]
    assert sorted(seen) == [f"Panic worksheet {n}" for n in range(5)]
    assert client.get(RESOURCES, params={"topic": "grief-and-loss"}).json()["items"] == []


def test_a_forged_cursor_is_a_422(client: TestClient) -> None:
    assert_problem(client.get(RESOURCES, params={"q": "panic", "cursor": "WyJ4Il0"}), 422)


# --- bookmarks --------------------------------------------------------------------------------


def test_bookmarks(client: TestClient, editor: Person) -> None:
    resource_id = published(client, editor)
    member = make_person(client)
    mine = f"/api/v1/me/bookmarks/{resource_id}"
    assert client.put(mine, headers=member.headers).status_code == 200
    assert client.put(mine, headers=member.headers).status_code == 200  # saving twice is one
    saved = client.get("/api/v1/me/bookmarks", headers=member.headers).json()["items"]
    assert [item["resource"]["id"] for item in saved] == [resource_id]
    other = make_person(client)
    assert client.get("/api/v1/me/bookmarks", headers=other.headers).json()["items"] == []
    assert client.delete(mine, headers=member.headers).status_code == 204
    assert client.get("/api/v1/me/bookmarks", headers=member.headers).json()["items"] == []


def test_bookmarking_needs_sign_in_and_a_published_resource(
    client: TestClient, editor: Person
) -> None:
    draft = create(client, editor)
    member = make_person(client)
    assert_problem(client.put(f"/api/v1/me/bookmarks/{draft['id']}"), 401)
    assert_problem(client.put(f"/api/v1/me/bookmarks/{draft['id']}", headers=member.headers), 404)


def test_in_the_demo_library_panic_attack_breathing_finds_the_worksheet_first(
    client: TestClient, app: FastAPI
) -> None:
    with app.state.session_factory.begin() as db:
        seed_demo_accounts(db, demo_content())
        seed_demo_library(db, demo_content())
    for q in ("panic attack breathing", "breathing for panic"):
        items = client.get(RESOURCES, params={"q": q, "language": "en"}).json()["items"]
        assert items[0]["title"] == "Box breathing for panic attacks", [i["title"] for i in items]
        assert items[0]["type"] == "worksheet"
    spanish = client.get(RESOURCES, params={"q": "pánico", "language": "es"}).json()["items"]
    assert spanish
    assert all(item["language"] == "es" for item in spanish)


@pytest.mark.parametrize("offset", [10**30, 2**63, -1, True, 10_001])
def test_a_search_cursor_out_of_range_is_a_422(client: TestClient, offset: object) -> None:
    cursor = encode_cursor([offset])
    assert_problem(client.get(RESOURCES, params={"q": "anxiety", "cursor": cursor}), 422)


def test_a_body_is_rendered_once_however_often_it_is_read(
    client: TestClient, editor: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    clean = nh3.clean

    def counting(html: str, **options: Any) -> str:
        rendered.append(html)
        return str(clean(html, **options))

    markdown.render_markdown.cache_clear()
    monkeypatch.setattr(nh3, "clean", counting)
    resource_id = published(client, editor, body_markdown="Read me *slowly*, as often as you like.")
    for _ in range(3):
        read = client.get(f"{RESOURCES}/{resource_id}")
        assert read.json()["body_html"] == "<p>Read me <em>slowly</em>, as often as you like.</p>\n"
    assert len(rendered) == 1
    changed = client.patch(
        f"{RESOURCES}/{resource_id}",
        headers=editor.headers,
        json={"body_markdown": "A new body, read once more."},
    )
    assert changed.status_code == 200, changed.text
    assert "A new body" in client.get(f"{RESOURCES}/{resource_id}").json()["body_html"]
    assert len(rendered) == 2
