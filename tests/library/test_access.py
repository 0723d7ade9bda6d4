"""The library's routes by id, as every kind of caller: what one may not know exists answers
404 with the same body as a random id, and a refused call changes nothing."""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from tests.factories import client_token, make_person, make_service_client
from tests.library.test_resources import create, published
from tests.library.test_stories import submit

RANDOM = str(uuid.uuid4())


@dataclass
class Library:
    client: TestClient
    headers: dict[str, dict[str, str]]
    published: str
    draft: str
    story: str

    def call(self, caller: str, method: str, path: str, json: Any = None) -> Any:
        return self.client.request(method, path, headers=self.headers[caller], json=json)


@pytest.fixture
def library(client: TestClient, app: FastAPI) -> Library:
    editor = make_person(client, role=Role.facilitator)
    author = make_person(client)
    reader = make_service_client(app, scopes=[Scope.groups_read])
    writer = make_service_client(app, scopes=[Scope.resources_write])
    people = {
        "member": make_person(client),
        "author": author,
        "facilitator": editor,
        "admin": make_person(client, role=Role.admin),
    }
    headers = {name: person.headers for name, person in people.items()}
    headers["anonymous"] = {}
    for name, integrator in (("reading client", reader), ("writing client", writer)):
        headers[name] = {"Authorization": f"Bearer {client_token(client, integrator)}"}
    return Library(
        client=client,
        headers=headers,
        published=published(client, editor, title="Grounding, five senses"),
        draft=str(create(client, editor, title="Still a draft")["id"]),
        story=str(submit(client, author)["id"]),
    )


def unknown(library: Library, caller: str, method: str, path: str, json: Any = None) -> None:
    """Answered exactly as a random id is: nothing says the record exists."""
    real = library.call(caller, method, path, json)
    made_up = library.call(caller, method, path.replace(path.split("/")[-1], RANDOM), json)
    if path.endswith(("/withdraw", "/review")):
        record = path.split("/")[-2]
        made_up = library.call(caller, method, path.replace(record, RANDOM), json)
    assert real.status_code == made_up.status_code == 404, (caller, method, path, real.text)
    strip = ("request_id", "instance")
    assert {k: v for k, v in real.json().items() if k not in strip} == {
        k: v for k, v in made_up.json().items() if k not in strip
    }


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("author", 404),
        # A service client reads what the public reads; `resources:write` lets it write.
        ("reading client", 404),
        ("writing client", 404),
        ("facilitator", 200),
        ("admin", 200),
    ],
)
def test_a_draft_is_unknown_to_whoever_does_not_edit_the_library(
    library: Library, caller: str, status: int
) -> None:
    path = f"/api/v1/resources/{library.draft}"
    if status == 404:
        unknown(library, caller, "GET", path)
    else:
        assert library.call(caller, "GET", path).status_code == status
    # Published, it is everyone's.
    shown = library.call(caller, "GET", f"/api/v1/resources/{library.published}")
    assert shown.status_code == 200, shown.text


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("author", 403),
        ("reading client", 403),
        ("writing client", 200),
        ("facilitator", 200),
        ("admin", 200),
    ],
)
def test_only_editors_change_a_resource_and_a_refusal_changes_nothing(
    library: Library, caller: str, status: int
) -> None:
    path = f"/api/v1/resources/{library.published}"
    edited = library.call(caller, "PATCH", path, {"title": f"Renamed by {caller}"})
    assert edited.status_code == status, edited.text
    archived = library.call(caller, "DELETE", path)
    assert archived.status_code == (204 if status == 200 else status), archived.text
    after = library.call("facilitator", "GET", path).json()
    if status == 200:
        assert (after["title"], after["status"]) == (f"Renamed by {caller}", "archived")
    else:
        assert (after["title"], after["status"]) == ("Grounding, five senses", "published")


def test_a_draft_cannot_be_bookmarked_and_is_not_known_to_exist(library: Library) -> None:
    unknown(library, "member", "PUT", f"/api/v1/me/bookmarks/{library.draft}")
    saved = library.call("member", "GET", "/api/v1/me/bookmarks").json()["items"]
    assert saved == []
    assert (
        library.call("anonymous", "PUT", f"/api/v1/me/bookmarks/{library.published}").status_code
        == 401
    )
    kept = library.call("member", "PUT", f"/api/v1/me/bookmarks/{library.published}")
    assert kept.status_code == 200, kept.text


@pytest.mark.parametrize("caller", ["member", "reading client", "writing client"])
def test_a_story_waiting_for_review_is_unknown_to_anyone_but_its_author_and_reviewers(
    library: Library, caller: str
) -> None:
    story = f"/api/v1/stories/{library.story}"
    if caller == "member":
        unknown(library, caller, "GET", story)
        unknown(library, caller, "PATCH", story, {"title": "Not mine to change"})
        unknown(library, caller, "POST", f"{story}/withdraw")
        unknown(library, caller, "POST", f"{story}/review", {"decision": "approve"})
    else:  # stories are people's: a service client is refused whatever the id
        assert library.call(caller, "GET", story).status_code == 403
    assert library.call("anonymous", "GET", story).status_code == 401
    for reader in ("author", "facilitator", "admin"):
        answer = library.call(reader, "GET", story)
        assert answer.status_code == 200, (reader, answer.text)
        assert answer.json()["status"] == "submitted"  # nothing the others tried took hold
        assert answer.json()["title"] != "Not mine to change"
