"""The real server, started the way `make run` starts it: it serves the API, the docs and the
web page, answers bad requests with problem+json, and keeps serving afterwards."""

import os
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.support.problems import PROBLEM
from tests.support.server import running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("server")
    log_path = folder / "server.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CIRCLES_")} | {
        "CIRCLES_VAR_DIR": str(folder / "var")
    }
    with running_server(env, log_path) as base:
        yield base, log_path


def test_it_serves_the_api_docs_and_web_page(server: tuple[str, Path]) -> None:
    base, _ = server
    with httpx2.Client(base_url=base) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}
        assert client.get("/openapi.json").json()["info"]["title"] == "Strength Circles API"
        assert "swagger-ui" in client.get("/docs").text
        assert "Strength Circles" in client.get("/").text


def test_bad_requests_get_problems_and_the_server_keeps_serving(server: tuple[str, Path]) -> None:
    base, log_path = server
    with httpx2.Client(base_url=base) as client:
        unknown = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "e2e-unknown"})
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == PROBLEM

        too_big = client.post(
            "/api/v1/anything",
            content=b"x" * (2 * 1024 * 1024),
            headers={"content-type": "application/json"},
        )
        assert too_big.status_code == 413
        assert too_big.headers["content-type"] == PROBLEM

        malformed = client.post(
            "/api/v1/auth/register",
            content=b'{"email": "a@example.org", "password": ',
            headers={"content-type": "application/json"},
        )
        assert malformed.status_code == 422
        assert malformed.headers["content-type"] == PROBLEM
        assert malformed.json()["errors"][0]["type"] == "json_invalid"

        wrong_type = client.post(
            "/api/v1/auth/register", content=b"email=a", headers={"content-type": "text/plain"}
        )
        assert wrong_type.status_code == 415

        too_big_json = client.post(
            "/api/v1/auth/register",
            json={"email": "a@example.org", "password": "p" * (2 * 1024 * 1024)},
        )
        assert too_big_json.status_code == 413

        for _ in range(3):
            assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200

    log = log_path.read_text()
    assert "[e2e-unknown] GET /api/v1/no-such-thing 404" in log


def test_a_forwarded_address_is_not_believed_unless_a_proxy_is_trusted(
    server: tuple[str, Path],
) -> None:
    """Served as deployed without CIRCLES_TRUSTED_PROXIES: a caller that names a new
    X-Forwarded-For address on every guess is still counted under its own address."""
    base, _ = server
    form = {"grant_type": "password", "username": "nobody@example.org", "password": "a guess!!"}
    statuses = [
        httpx2.post(
            f"{base}/api/v1/auth/token",
            data=form,
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
            timeout=10,
        ).status_code
        for number in range(1, 8)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429, 429]
