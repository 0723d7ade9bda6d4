"""A database that goes away gives 503 with Retry-After, never a 500, and the service
recovers by itself when it returns."""

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from backend.core.config import Settings
from backend.main import create_app
from tests.conftest import create_postgres_database
from tests.support.postgres import PostgresCluster
from tests.support.problems import assert_problem


def assert_unavailable(client: TestClient) -> None:
    response = client.get("/readyz")
    body = assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"
    assert body["type"] == "urn:strength-circles:problem:database-unavailable"
    assert "try again" in body["detail"]
    assert client.get("/healthz").status_code == 200
    # An API route that needs the database says the same, never a 500 ...
    for path in ("/api/v1/groups", "/api/v1/resources?q=breathing"):
        needing = client.get(path)
        assert assert_problem(needing, 503)["type"].endswith("database-unavailable"), path
        assert needing.headers["retry-after"] == "5"
    # ... and the crisis lines still answer.
    assert client.get("/api/v1/crisis-resources?region=US").status_code == 200


def test_postgres_stopped_then_back(postgres_cluster: PostgresCluster, tmp_path: Path) -> None:
    settings = Settings(
        database_url=create_postgres_database(postgres_cluster, "outage"),
        var_dir=tmp_path / "var",
        frontend_dir=tmp_path / "no-frontend",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        postgres_cluster.stop()
        try:
            assert_unavailable(client)
            assert_unavailable(client)  # still serving, still the same answer
        finally:
            postgres_cluster.start()
        assert client.get("/readyz").status_code == 200


def test_sqlite_file_unusable_then_back(tmp_path: Path) -> None:
    database_file = tmp_path / "data" / "circles.db"
    database_file.mkdir(parents=True)  # a folder where the file should be: cannot be opened
    settings = Settings(
        database_url=f"sqlite:///{database_file}",
        var_dir=tmp_path / "var",
        frontend_dir=tmp_path / "no-frontend",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert_unavailable(client)
        shutil.rmtree(database_file)
        assert client.get("/readyz").status_code == 200
