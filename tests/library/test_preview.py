"""The editor's live preview: who may ask, the same safe HTML a saved resource gets, the same
size limit, and nothing saved."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.core.idempotency import IdempotencyRecord
from backend.library import markdown
from tests.factories import Person, client_token, make_person, make_service_client
from tests.library.test_resources import RESOURCES, create, parsed_tags
from tests.support.problems import assert_problem

PREVIEW = f"{RESOURCES}/preview"
BODY = {"body_markdown": "# Breathing\n\n- in for four\n- out for six"}


@pytest.fixture
def editor(client: TestClient) -> Person:
    return make_person(client, role=Role.facilitator)


# --- access -----------------------------------------------------------------------------------


def test_anonymous_callers_members_and_reading_clients_may_not_preview(
    client: TestClient, app: FastAPI
) -> None:
    assert_problem(client.post(PREVIEW, json=BODY), 401)
    member = make_person(client)
    assert_problem(client.post(PREVIEW, headers=member.headers, json=BODY), 403)
    reader = make_service_client(app, scopes=[Scope.resources_read])
    token = client_token(client, reader)
    refused = client.post(PREVIEW, headers={"Authorization": f"Bearer {token}"}, json=BODY)
    assert_problem(refused, 403)


@pytest.mark.parametrize("role", [Role.facilitator, Role.admin])
def test_facilitators_and_admins_preview(client: TestClient, role: Role) -> None:
    author = make_person(client, role=role)
    response = client.post(PREVIEW, headers=author.headers, json=BODY)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "body_html": (
            "<h2>Breathing</h2>\n<ul>\n<li>in for four</li>\n<li>out for six</li>\n</ul>\n"
        ),
        "reading_minutes": 1,
    }


def test_a_client_with_resources_write_previews(client: TestClient, app: FastAPI) -> None:
    writer = make_service_client(app, scopes=[Scope.resources_write])
    token = client_token(client, writer)
    response = client.post(PREVIEW, headers={"Authorization": f"Bearer {token}"}, json=BODY)
    assert response.status_code == 200, response.text


# --- rules ------------------------------------------------------------------------------------


def test_the_preview_is_exactly_what_saving_makes(client: TestClient, editor: Person) -> None:
    hostile = (
        "## Help\n\n<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click me](javascript:alert(1))\n\n"
        '<a href="javascript:alert(3)" onclick="alert(4)">raw link</a>\n\n'
        "[a friend](https://example.org/help)"
    )
    preview = client.post(PREVIEW, headers=editor.headers, json={"body_markdown": hostile}).json()
    saved = create(client, editor, body_markdown=hostile)
    assert preview == {"body_html": saved["body_html"], "reading_minutes": saved["reading_minutes"]}
    tags = parsed_tags(preview["body_html"])
    assert {name for name, _ in tags}.isdisjoint({"script", "img", "h1"})
    for _, attributes in tags:
        assert not [name for name in attributes if name.startswith("on")]
        assert not attributes.get("href", "").lower().startswith("javascript:")


def test_reading_time_counts_the_words(client: TestClient, editor: Person) -> None:
    long = {"body_markdown": "word " * 401}
    assert client.post(PREVIEW, headers=editor.headers, json=long).json()["reading_minutes"] == 3


@pytest.mark.parametrize("body", ["", "x" * 100_001])
def test_the_size_limits_are_those_of_a_resource(
    client: TestClient, editor: Person, body: str
) -> None:
    problem = assert_problem(
        client.post(PREVIEW, headers=editor.headers, json={"body_markdown": body}), 422
    )
    assert problem["errors"][0]["loc"][-1] == "body_markdown"
    at_limit = client.post(PREVIEW, headers=editor.headers, json={"body_markdown": "x" * 100_000})
    assert at_limit.status_code == 200


def test_a_preview_saves_nothing_and_keeps_no_copy(
    client: TestClient, app: FastAPI, editor: Person
) -> None:
    def cache_calls() -> int:
        info = markdown.render_markdown.cache_info()
        return info.hits + info.misses

    before = cache_calls()
    body = {"body_markdown": "A draft that was never saved, only previewed."}
    # The web app keys every POST; a preview's answer is not kept for a replay.
    keyed = editor.headers | {"Idempotency-Key": "preview-key"}
    answers = [client.post(PREVIEW, headers=keyed, json=body) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("idempotent-replayed" not in a.headers for a in answers)
    with app.state.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    for status in ("draft", "published", "archived"):
        listed = client.get(RESOURCES, headers=editor.headers, params={"status": status})
        assert listed.json()["items"] == []
    # Half-typed bodies do not push the most read ones out of the rendered-HTML cache.
    assert cache_calls() == before
