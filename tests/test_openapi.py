"""The contract is a file: the committed openapi/openapi.json is what the app serves, and it
is a valid OpenAPI document with readable operation ids and problem+json errors."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from backend.core.config import Settings
from backend.main import create_app

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("openapi")
    settings = Settings(var_dir=folder, database_url=f"sqlite:///{folder / 'db.sqlite'}")
    return create_app(settings).openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_committed_spec_matches_the_app(spec: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == spec, "openapi/openapi.json is stale: run `make openapi` and commit it"


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def test_operation_ids_are_unique_and_readable(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z_]+-[a-z_]+", operation_id), operation_id


def test_every_operation_has_a_summary_and_a_known_tag(spec: dict[str, Any]) -> None:
    declared = {tag["name"] for tag in spec["tags"]}
    for path, method, operation in operations(spec):
        assert operation.get("summary") or operation.get("description"), f"{method} {path}"
        assert set(operation["tags"]) <= declared, f"{method} {path}: undeclared tag"


def test_every_error_response_is_problem_json(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], (
                    f"{method} {path} {status}"
                )
    assert "Problem" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
