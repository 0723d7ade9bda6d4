"""The HTTP machinery every endpoint relies on: problem+json errors, body limit, media types,
request ids, security headers, CORS and the one transaction per request."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from backend.api import API_PREFIX
from backend.core.db import DbSession
from backend.core.errors import Conflict
from backend.core.middleware import MAX_BODY_BYTES
from backend.core.routing import JSONRoute
from tests.conftest import DatabaseUnderTest
from tests.factories import make_person
from tests.support.problems import assert_problem


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


class ProbeBase(DeclarativeBase):
    pass


class ProbeNote(ProbeBase):
    """A table of the tests' own, outside the app's metadata."""

    __tablename__ = "probe_note"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


def add_note(db: DbSession, note: Note) -> None:
    # Added, not flushed: the INSERT runs when get_db commits.
    db.add(ProbeNote(key=note.text[:40], text=note.text))


class NoteTaken(Conflict):
    slug = "note-taken"
    detail = "A note with this text exists already."


probe = APIRouter(prefix=f"{API_PREFIX}/probe", route_class=JSONRoute, tags=["probe"])


@probe.post("/notes", status_code=201)
def create_note(note: Note, db: DbSession) -> Note:
    add_note(db, note)
    return note


@probe.post("/notes-then-fail")
def create_note_then_fail(note: Note, db: DbSession) -> Note:
    add_note(db, note)
    raise NoteTaken()


@probe.post("/notes-then-crash")
def create_note_then_crash(note: Note, db: DbSession) -> Note:
    add_note(db, note)
    raise RuntimeError("secret internal detail")


@probe.get("/notes")
def list_notes(db: DbSession) -> list[str]:
    return list(db.scalars(select(ProbeNote.key).order_by(ProbeNote.key)))


@pytest.fixture
def probe_client(probe_app: FastAPI, database: DatabaseUnderTest) -> Iterator[TestClient]:
    ProbeBase.metadata.create_all(database.engine)
    probe_app.include_router(probe)
    try:
        with TestClient(probe_app, raise_server_exceptions=False) as client:
            yield client
    finally:
        ProbeBase.metadata.drop_all(database.engine)


def test_unknown_route_is_a_problem_404(client: TestClient) -> None:
    body = assert_problem(client.get(f"{API_PREFIX}/no-such-thing"), 404)
    assert body["instance"] == f"{API_PREFIX}/no-such-thing"
    assert_problem(client.get("/no-such-page"), 404)


def test_wrong_method_is_a_problem_405_with_allow(client: TestClient) -> None:
    response = client.delete("/healthz")
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"


@pytest.mark.real_commits
def test_body_over_one_mebibyte_is_413(probe_client: TestClient) -> None:
    big = {"text": "x" * (2 * MAX_BODY_BYTES)}
    body = assert_problem(probe_client.post(f"{API_PREFIX}/probe/notes", json=big), 413)
    assert "1048576 bytes" in str(body["detail"])
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == []


@pytest.mark.real_commits
def test_chunked_body_over_the_limit_is_413(probe_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"y" * 65536
        yield b'"}'

    response = probe_client.post(
        f"{API_PREFIX}/probe/notes",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == []


@pytest.mark.real_commits
def test_body_just_under_the_limit_is_accepted(probe_client: TestClient) -> None:
    text_value = "z" * (MAX_BODY_BYTES - len('{"text":""}'))
    response = probe_client.post(
        f"{API_PREFIX}/probe/notes",
        content=f'{{"text":"{text_value}"}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201


@pytest.mark.real_commits
def test_malformed_json_is_a_422_with_errors(probe_client: TestClient) -> None:
    response = probe_client.post(
        f"{API_PREFIX}/probe/notes",
        content=b'{"text": "unfinished',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["type"] == "json_invalid"
    assert "not valid JSON" in errors[0]["msg"]


@pytest.mark.real_commits
def test_unknown_field_is_a_422_naming_the_field(probe_client: TestClient) -> None:
    response = probe_client.post(
        f"{API_PREFIX}/probe/notes", json={"text": "hello", "colour": "blue"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == [
        {
            "loc": ["body", "colour"],
            "msg": "This field is not accepted here; check its spelling or remove it.",
            "type": "extra_forbidden",
        }
    ]
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
@pytest.mark.real_commits
def test_a_json_endpoint_refuses_other_media_types_with_415(
    probe_client: TestClient, content_type: str
) -> None:
    response = probe_client.post(
        f"{API_PREFIX}/probe/notes",
        content=b'{"text": "hello"}',
        headers={"content-type": content_type},
    )
    body = assert_problem(response, 415)
    assert "application/json" in str(body["detail"])


@pytest.mark.real_commits
def test_json_with_charset_and_problem_json_are_accepted(probe_client: TestClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = probe_client.post(
            f"{API_PREFIX}/probe/notes",
            content=f'{{"text": "{content_type}"}}'.encode(),
            headers={"content-type": content_type},
        )
        assert response.status_code == 201, response.text


@pytest.mark.real_commits
def test_an_app_error_is_its_problem_and_its_writes_are_rolled_back(
    probe_client: TestClient,
) -> None:
    response = probe_client.post(f"{API_PREFIX}/probe/notes-then-fail", json={"text": "lost"})
    body = assert_problem(response, 409)
    assert body["type"] == "urn:strength-circles:problem:note-taken"
    assert body["detail"] == "A note with this text exists already."
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == []


@pytest.mark.real_commits
def test_an_unexpected_error_is_a_bare_500_and_writes_are_rolled_back(
    probe_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = probe_client.post(f"{API_PREFIX}/probe/notes-then-crash", json={"text": "lost"})
    body = assert_problem(response, 500)
    assert "secret internal detail" not in response.text
    assert "request id" in str(body["detail"])
    assert "RuntimeError" in caplog.text  # the log keeps what the response hides
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == []
    assert probe_client.get("/healthz").status_code == 200


@pytest.mark.real_commits
def test_the_commit_happens_before_the_response(probe_client: TestClient) -> None:
    assert probe_client.post(f"{API_PREFIX}/probe/notes", json={"text": "once"}).status_code == 201
    # The duplicate key only fails when get_db commits; the client must learn of it (as a
    # collision with another request, see core.uniqueness, not as a 500).
    response = probe_client.post(f"{API_PREFIX}/probe/notes", json={"text": "once"})
    body = assert_problem(response, 409)
    assert body["type"] == "urn:strength-circles:problem:concurrent-change"
    assert probe_client.get(f"{API_PREFIX}/probe/notes").json() == ["once"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/healthz"), ("GET", "/no-such-page"), ("DELETE", "/healthz"), ("GET", "/")],
)
def test_security_headers_are_on_every_response(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # development


def test_api_data_is_never_cached(client: TestClient) -> None:
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    assert client.get("/nope").headers["cache-control"] == "no-store"
    # A signed-in person's answers are theirs alone: never stored anywhere on the way.
    person = make_person(client)
    for path in ("/api/v1/me", "/api/v1/me/groups", "/api/v1/groups"):
        answer = client.get(path, headers=person.headers)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store", path
        assert "etag" not in answer.headers, path


@pytest.mark.real_commits
def test_security_headers_on_413_and_500(probe_client: TestClient) -> None:
    too_big = probe_client.post(
        f"{API_PREFIX}/probe/notes", json={"text": "x" * (MAX_BODY_BYTES + 1)}
    )
    crashed = probe_client.post(f"{API_PREFIX}/probe/notes-then-crash", json={"text": "a"})
    for response in (too_big, crashed):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-request-id"]


def test_request_id_is_echoed_when_safe_and_replaced_when_not(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\nforged log line"})
    assert replaced.headers["x-request-id"] != "bad id\nforged log line"
    assert len(replaced.headers["x-request-id"]) == 32
    assert (
        client.get("/healthz").headers["x-request-id"]
        != client.get("/healthz").headers["x-request-id"]
    )


@pytest.mark.real_commits
def test_log_lines_carry_the_request_id_but_no_body_or_query(
    probe_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    probe_client.post(
        f"{API_PREFIX}/probe/notes-then-crash?token=QUERY-SECRET",
        json={"text": "BODY-SECRET"},
        headers={"X-Request-ID": "req-42", "Authorization": "Bearer TOKEN-SECRET"},
    )
    records = [r for r in caplog.records if getattr(r, "request_id", None) == "req-42"]
    assert any("POST /api/v1/probe/notes-then-crash 500" in r.getMessage() for r in records)
    assert any(r.levelname == "ERROR" for r in records)
    our_lines = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''}" for r in records if r.name.startswith("backend")
    )
    for secret in ("QUERY-SECRET", "BODY-SECRET", "TOKEN-SECRET"):
        assert secret not in our_lines


def test_the_access_line_names_the_route_template_with_its_prefix(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="backend.request")
    client.get(
        "/api/v1/groups/8d3c1b2a-0000-4000-8000-000000000000",
        headers={"X-Request-ID": "req-template"},
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "backend.request"]
    assert "GET /api/v1/groups/{group_id} 404" in " ".join(lines)
    assert "8d3c1b2a" not in " ".join(lines)


def test_cors_allows_only_the_configured_origins(client: TestClient) -> None:
    allowed = client.get("/healthz", headers={"Origin": "https://app.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
    assert "access-control-allow-credentials" not in allowed.headers
    other = client.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        f"{API_PREFIX}/anything",
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example.org"
    refused = client.options(
        f"{API_PREFIX}/anything",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_docs_are_served_without_a_cdn(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        assert "cdn." not in response.text
        assert "/static-docs/" in response.text
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static-docs/redoc.standalone.js").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "options"),
    [
        ("GET", "/api/v1/groups", {"params": {"q": "calm\x00"}}),
        ("GET", "/api/v1/groups", {"params": {"language": "es\x00"}}),
        ("GET", "/api/v1/resources", {"params": {"q": "grief\x00"}}),
    ],
)
def test_a_nul_character_in_input_is_never_a_500(
    client: TestClient, method: str, path: str, options: dict[str, Any]
) -> None:
    """PostgreSQL text cannot hold NUL: a clear 422 there (SQLite stores and searches it)."""
    response = client.request(method, path, **options)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        body = assert_problem(response, 422)
        assert body["type"].endswith("unstorable-character")
        assert "NUL" in body["detail"]


def test_a_body_of_many_unknown_fields_gets_a_short_answer(client: TestClient) -> None:
    person = make_person(client)
    body = {"x" * 5000: 1} | {f"f{number}": 1 for number in range(2000)}
    sent = json.dumps(body).encode()
    response = client.post(
        "/api/v1/stories",
        headers=person.headers | {"Content-Type": "application/json"},
        content=sent,
    )
    problem = assert_problem(response, 422)
    assert len(problem["errors"]) == 20
    assert "the first 20 are in errors" in problem["detail"]
    assert len(response.content) < len(sent) // 10
    assert all(len(str(part)) <= 100 for issue in problem["errors"] for part in issue["loc"])
