"""Idempotency-Key on creating writes: a replay returns the first answer and creates nothing;
the key is the caller's own; a failed (5xx) attempt can be retried."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.dependencies import CurrentActor
from backend.accounts.models import Role
from backend.core.idempotency import IdempotencyRecord
from backend.core.routing import API_PREFIX, JSONRoute
from backend.library.models import Story
from tests.factories import PASSWORD, Person, emails_to, make_person
from tests.support.problems import assert_problem

STORIES = "/api/v1/stories"
STORY = {
    "title": "Camera off, then on",
    "body_markdown": "For a month I kept my camera off. Nobody pushed. Slowly I started to speak.",
    "topics": ["anxiety"],
}


def post_story(client: TestClient, person: Person, key: str, **changes: Any) -> Any:
    return client.post(
        STORIES,
        headers=person.headers | {"Idempotency-Key": key},
        json=STORY | changes,
    )


def story_count(app: FastAPI) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(Story)) or 0)


def test_a_replay_returns_the_first_answer_and_creates_nothing(
    client: TestClient, app: FastAPI
) -> None:
    person = make_person(client)
    first = post_story(client, person, "key-1")
    again = post_story(client, person, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert story_count(app) == 1


def test_without_a_key_each_request_creates(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    client.post(STORIES, headers=person.headers, json=STORY)
    client.post(STORIES, headers=person.headers, json=STORY)
    assert story_count(app) == 2


def test_the_same_key_with_another_body_is_refused(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    post_story(client, person, "key-2")
    body = assert_problem(post_story(client, person, "key-2", title="Something else"), 422)
    assert "different request" in body["detail"]
    assert story_count(app) == 1


def test_keys_belong_to_their_caller(client: TestClient, app: FastAPI) -> None:
    first, second = make_person(client), make_person(client)
    assert post_story(client, first, "shared-key").status_code == 201
    other = post_story(client, second, "shared-key")
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers
    assert story_count(app) == 2


@pytest.mark.real_commits
def test_anonymous_requests_ignore_the_key(client: TestClient, app: FastAPI) -> None:
    body = {"email": "solo@example.org", "password": PASSWORD, "display_name": "Solo"}
    first = client.post("/api/v1/auth/register", json=body, headers={"Idempotency-Key": "k"})
    second = client.post("/api/v1/auth/register", json=body, headers={"Idempotency-Key": "k"})
    assert first.status_code == second.status_code == 202
    assert "idempotent-replayed" not in second.headers
    # Ran again: nothing was stored for an anonymous caller, so a second link went out.
    assert len(emails_to(app, "solo@example.org")) == 2


def test_a_key_still_in_flight_gets_409(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    with app.state.session_factory.begin() as db:
        db.add(
            IdempotencyRecord(
                caller=str(person.user.id),
                key="busy",
                method="POST",
                path=STORIES,
                request_hash="x" * 64,
            )
        )
    response = post_story(client, person, "busy")
    assert_problem(response, 409)
    assert response.headers["retry-after"] == "1"
    assert story_count(app) == 0


@pytest.mark.real_commits
def test_simultaneous_retries_create_once(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _: post_story(client, person, "burst").status_code, range(6))
        )
    assert story_count(app) == 1
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1


def test_an_overlong_key_is_a_422(client: TestClient) -> None:
    person = make_person(client)
    assert_problem(post_story(client, person, "k" * 201), 422)


flaky = APIRouter(prefix=f"{API_PREFIX}/probe-flaky", route_class=JSONRoute, tags=["probe"])
attempts: list[int] = []


@flaky.post("", status_code=201)
def sometimes_fails(_actor: CurrentActor) -> dict[str, int]:
    """Fails the first time it is called."""
    attempts.append(1)
    if len(attempts) == 1:
        raise RuntimeError("first attempt fails")
    return {"attempt": len(attempts)}


def test_a_failed_attempt_is_not_kept_so_a_retry_runs(probe_app: FastAPI) -> None:
    attempts.clear()
    probe_app.include_router(flaky)
    with TestClient(probe_app, raise_server_exceptions=False) as client:
        person = make_person(client)
        headers = person.headers | {"Idempotency-Key": "retry-me"}
        assert client.post(f"{API_PREFIX}/probe-flaky", headers=headers).status_code == 500
        retry = client.post(f"{API_PREFIX}/probe-flaky", headers=headers)
        assert retry.status_code == 201
        assert retry.json() == {"attempt": 2}
        replay = client.post(f"{API_PREFIX}/probe-flaky", headers=headers)
        assert replay.json() == {"attempt": 2}
        assert replay.headers["idempotent-replayed"] == "true"


def test_a_revoked_token_gets_401_not_the_stored_answer(client: TestClient) -> None:
    person = make_person(client)
    assert post_story(client, person, "after-logout").status_code == 201
    client.post("/api/v1/auth/logout", headers=person.headers, json={"everywhere": True})
    assert_problem(post_story(client, person, "after-logout"), 401)


def test_secrets_are_never_kept_for_replay(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    headers = admin.headers | {"Idempotency-Key": "client-1"}
    body = {"name": "Referral system", "scopes": ["groups:read"]}
    first = client.post("/api/v1/service-clients", headers=headers, json=body)
    second = client.post("/api/v1/service-clients", headers=headers, json=body)
    assert first.json()["client_secret"] != second.json()["client_secret"]
    with app.state.session_factory() as db:
        stored = db.scalars(select(IdempotencyRecord.response_body)).all()
    assert not [text for text in stored if text and "client_secret" in text]


@pytest.mark.real_commits
def test_many_keyed_creates_at_once_all_succeed(client: TestClient, app: FastAPI) -> None:
    people = [make_person(client) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(
                lambda p: post_story(client, p[1], f"own-key-{p[0]}").status_code, enumerate(people)
            )
        )
    assert statuses == [201] * 8
    assert story_count(app) == 8


def test_an_answer_too_large_to_keep_is_remembered_as_handled(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backend.core.idempotency.MAX_KEPT_ANSWER_BYTES", 64)
    person = make_person(client)
    first = post_story(client, person, "big-1")
    assert first.status_code == 201, first.text
    again = post_story(client, person, "big-1")
    problem = assert_problem(again, 409)
    assert "too large to keep" in problem["detail"]
    assert story_count(app) == 1  # handled once, not again
    with app.state.session_factory() as db:
        kept = db.scalars(select(IdempotencyRecord.response_body)).all()
    assert kept == [None]


def test_a_caller_keeps_a_bounded_number_of_keys(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backend.core.idempotency.MAX_KEYS_PER_CALLER", 3)
    person = make_person(client)
    for number in range(3):
        assert post_story(client, person, f"cap-{number}").status_code == 201
    refused = post_story(client, person, "cap-3")
    assert_problem(refused, 429)
    assert refused.headers["retry-after"] == "3600"
    assert story_count(app) == 3
    # Keys already held still replay, and someone else is not held back.
    assert post_story(client, person, "cap-0").headers["idempotent-replayed"] == "true"
    other = make_person(client)
    assert post_story(client, other, "cap-0").status_code == 201


def test_a_replay_shows_the_record_as_the_caller_may_see_it_now(client: TestClient) -> None:
    author = make_person(client)
    first = post_story(client, author, "story-key")
    assert first.headers["location"] == f"{STORIES}/{first.json()['id']}"
    reviewer = make_person(client, role=Role.facilitator)
    approved = client.post(
        f"{STORIES}/{first.json()['id']}/review",
        headers=reviewer.headers,
        json={"decision": "approve"},
    )
    assert approved.status_code == 200, approved.text
    again = post_story(client, author, "story-key")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert (first.json()["status"], again.json()["status"]) == ("submitted", "published")


def test_a_replay_never_shows_what_the_caller_may_no_longer_see(client: TestClient) -> None:
    editor = make_person(client, role=Role.facilitator)
    body = {
        "title": "A draft about panic",
        "summary": "Not ready yet.",
        "body_markdown": "Draft text for the editors only.",
        "type": "article",
        "topics": ["anxiety"],
        "language": "en",
    }
    headers = editor.headers | {"Idempotency-Key": "draft-key"}
    first = client.post("/api/v1/resources", headers=headers, json=body)
    assert first.status_code == 201, first.text
    admin = make_person(client, role=Role.admin)
    demoted = client.patch(
        f"/api/v1/users/{editor.user.id}", headers=admin.headers, json={"role": "member"}
    )
    assert demoted.status_code == 200, demoted.text
    # Signed in again (a role change ends every sign-in): the same person, the same key.
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": editor.email, "password": editor.password},
    ).json()["access_token"]
    again = client.post(
        "/api/v1/resources",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "draft-key"},
        json=body,
    )
    assert_problem(again, 404)
    assert again.headers["idempotent-replayed"] == "true"
    assert "panic" not in again.text
    assert "Draft text" not in again.text


def test_matching_runs_are_never_kept_for_replay(client: TestClient, app: FastAPI) -> None:
    admin = make_person(client, role=Role.admin)
    headers = admin.headers | {"Idempotency-Key": "run-key"}
    answers = [
        client.post("/api/v1/mentoring/matching-runs", headers=headers, json={"dry_run": True})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("idempotent-replayed" not in a.headers for a in answers)
    with app.state.session_factory() as db:
        kept = db.scalar(select(func.count()).select_from(IdempotencyRecord))
    assert kept == 0
