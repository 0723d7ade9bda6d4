"""The contract is a file: the committed openapi/openapi.json is what the app serves, and it
is a valid OpenAPI document with readable operation ids and problem+json errors."""

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from openapi_spec_validator import validate

from backend.core.config import Settings
from backend.core.routing import summary_of
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


# --- operation summaries ----------------------------------------------------------------------

# Words an English sentence does not end on: a summary ending on one was cut off.
DANGLING = {"a", "an", "and", "but", "my", "nor", "or", "our", "per", "the", "their", "your"}


def whole_sentence_problems(summary: str) -> list[str]:
    problems = []
    if not summary[:1].isupper() and not summary.startswith("`"):
        problems.append("does not start a sentence")
    if not summary.endswith((".", "?", "!")):
        problems.append("does not end with . ? or !")
    words = re.findall(r"\w+", summary)
    if words and words[-1].lower() in DANGLING:
        problems.append(f"ends on '{words[-1]}'")
    # "[from, to)" is an interval, so any opening bracket may close with either.
    if summary.count("(") + summary.count("[") != summary.count(")") + summary.count("]"):
        problems.append("has an unclosed bracket")
    if summary.count("`") % 2:
        problems.append("has an unclosed backtick")
    return problems


def test_every_route_summary_is_the_whole_first_sentence_of_its_docstring(
    tmp_path: Path,
) -> None:
    """/docs shows each route's summary alone: it must be a whole sentence, the first one of
    the docstring's first paragraph, however the lines were wrapped."""
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    cut = []
    checked = 0
    for route in iter_route_contexts(create_app(settings).routes):
        original = route.original_route
        if not isinstance(original, APIRoute) or not original.include_in_schema:
            continue
        checked += 1
        summary = str(original.summary)
        paragraph = " ".join((inspect.getdoc(original.endpoint) or "").split("\n\n")[0].split())
        problems = whole_sentence_problems(summary)
        if not paragraph.startswith(summary):
            problems.append("is not the start of the docstring")
        rest = paragraph.removeprefix(summary)
        if rest and not re.match(r" [A-Z`\"'(\[]", rest):
            problems.append(f"stops before the sentence does ({rest[:30]!r} follows)")
        if problems:
            cut.append(f"{sorted(original.methods or [])} {route.path}: {summary!r} {problems}")
    assert cut == []
    assert checked > 80  # every domain's routes, health checks included


@pytest.mark.parametrize(
    ("doc", "summary"),
    [
        ("Close my account. Send the\ncurrent password to confirm.", "Close my account."),
        (
            "Every meeting (366 days at most\nper request). Listed groups: anyone.",
            "Every meeting (366 days at most per request).",
        ),
        ("A rule, e.g. 'FREQ=WEEKLY'. More.", "A rule, e.g. 'FREQ=WEEKLY'."),
        ("Without a full stop", "Without a full stop."),
        ("First paragraph\nwrapped.\n\nSecond paragraph.", "First paragraph wrapped."),
    ],
)
def test_a_summary_is_the_first_sentence_with_its_lines_joined(doc: str, summary: str) -> None:
    assert summary_of(doc) == summary
    assert whole_sentence_problems(summary) == []


def test_the_sentence_check_catches_a_cut_summary() -> None:
    assert whole_sentence_problems("Close my account for good. Send the") != []
    assert whole_sentence_problems("Every meeting (366 days at most") != []


# The OAuth2 token endpoint is a form post whose unknown parameters RFC 6749 (3.2) says to
# ignore; every other body is a JSON object that refuses them.
FORM_BODIES_THAT_IGNORE_UNKNOWN_PARAMETERS = {"POST /api/v1/auth/token"}
# Strings of these formats are bounded by their shape; the rest need a maximum length.
SHAPED_FORMATS = {"uuid", "date", "date-time", "time", "email", "uri"}


def _body_problems(spec: dict[str, Any]) -> list[str]:
    schemas = spec["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    problems: list[str] = []

    def walk(schema: dict[str, Any], where: str, depth: int = 0) -> None:
        assert depth < 20, where  # bodies are not recursive; a loop here would be a bug
        schema = resolve(schema)
        for alternatives in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(alternatives, []):
                walk(option, where, depth + 1)
        kind = schema.get("type")
        if "properties" in schema:
            if schema.get("additionalProperties") is not False:
                problems.append(f"{where}: accepts unknown fields")
            for name, field in schema["properties"].items():
                walk(field, f"{where}.{name}", depth + 1)
        elif kind == "string":
            bounded = {"maxLength", "enum", "const", "pattern"} & set(schema)
            if not bounded and schema.get("format") not in SHAPED_FORMATS:
                problems.append(f"{where}: a string without a maximum length")
        elif kind == "array":
            if "maxItems" not in schema:
                problems.append(f"{where}: a list without a maximum number of items")
            walk(schema.get("items", {}), f"{where}[]", depth + 1)
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], f"{where}.*", depth + 1)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            body = operation.get("requestBody")
            if body is None or name in FORM_BODIES_THAT_IGNORE_UNKNOWN_PARAMETERS:
                continue
            for content in body["content"].values():
                walk(content["schema"], name)
    return problems


def test_every_request_body_refuses_unknown_fields_and_is_bounded(spec: dict[str, Any]) -> None:
    """SECURITY.md: request models use extra="forbid"; strings and lists have maximum sizes."""
    assert _body_problems(spec) == []


def test_the_body_walk_finds_what_it_looks_for() -> None:
    loose = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Loose"}}
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Loose": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}},
                    },
                }
            }
        },
    }
    assert _body_problems(loose) == [
        "POST /x: accepts unknown fields",
        "POST /x.note: a string without a maximum length",
        "POST /x.tags: a list without a maximum number of items",
    ]
