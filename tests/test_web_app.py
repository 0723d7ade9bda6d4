"""The backend serves the built web app: its files, and index.html for every path that is not
the API's, with the app's Content-Security-Policy. API paths keep their problem+json 404s."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.config import Settings
from backend.main import create_app

INDEX = "<!doctype html><title>Strength Circles</title><div id=root></div>"
PROBLEM = "application/problem+json"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1a2b3c.js").write_text("console.log('app')")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (dist / "manifest.webmanifest").write_text('{"name": "Strength Circles"}')
    settings = Settings(
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        frontend_dir=dist,
        jwt_secret="test-secret-" + "x" * 40,
        outbox_interval_seconds=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/groups/tuesday-evening-anxiety-circle",
        "/reset-password?token=abc",
        "/crisis",
        "/x/y/z",
    ],
)
def test_app_paths_answer_the_page_with_the_app_policy(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing", "/api/v2/groups", "/dev/nothing-here", "/static-docs/x.js"]
)
def test_api_and_tool_paths_keep_their_problem_404(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert INDEX not in response.text


def test_the_api_and_probes_still_answer(web: TestClient) -> None:
    assert web.get("/healthz").json() == {"status": "ok"}
    assert web.get("/api/v1/crisis-resources?region=US").status_code == 200
    assert web.get("/openapi.json").json()["info"]["title"] == "Strength Circles API"


def test_built_files_are_served_with_the_right_caching(web: TestClient) -> None:
    asset = web.get("/assets/app-1a2b3c.js")
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    worker = web.get("/sw.js")
    assert worker.status_code == 200
    # The service worker fetches from the origin: it needs the app's policy, not the API's
    # default-src 'none', and browsers must check it for updates.
    assert "connect-src 'self'" in worker.headers["content-security-policy"]
    assert worker.headers["cache-control"] == "no-cache"
    assert web.get("/manifest.webmanifest").json() == {"name": "Strength Circles"}


def test_other_methods_on_app_paths_are_refused_plainly(web: TestClient) -> None:
    response = web.post("/groups/anything", json={})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_a_route_added_after_the_app_is_still_matched_before_the_page(web: TestClient) -> None:
    """The page answers only what no route matched, however late a route is added."""
    app = web.app
    assert isinstance(app, FastAPI)
    app.add_api_route("/late-route", lambda: {"late": True}, methods=["GET"])
    assert web.get("/late-route").json() == {"late": True}


def test_without_a_built_app_only_the_front_page_explains(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        frontend_dir=tmp_path / "not-built",
        jwt_secret="test-secret-" + "x" * 40,
        outbox_interval_seconds=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert "has not been built yet" in client.get("/").text
        assert client.get("/groups/x").headers["content-type"] == PROBLEM


def test_the_log_names_no_page_of_the_app(
    web: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A circle's address names the circle, and so often its topic: the log says only that the
    app's page was served."""
    caplog.set_level(logging.INFO, logger="backend.request")
    web.get("/groups/steady-ground-bipolar-support")
    web.get("/api/v1/no-such-thing")
    # Ours only: the test client's own library logs its requests too.
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("backend")]
    assert any("GET (web app page) 200" in line for line in lines)
    assert not any("bipolar" in line for line in lines)
    assert any("GET /api/v1/no-such-thing 404" in line for line in lines)
