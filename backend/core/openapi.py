"""The OpenAPI document: readable operation ids and problem+json error responses."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from backend.core.errors import PROBLEM_MEDIA_TYPE, Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def operation_id(route: APIRoute) -> str:
    """``groups-join_group``: the domain tag and the function name, so generated clients read
    well. Every route has a tag, so the ids are unique per domain."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def _use_problem_responses(schema: dict[str, Any]) -> None:
    """Every 4xx/5xx answer is described as problem+json, including FastAPI's own 422."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if status[0] not in "45":
                    continue
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    problem_schemas = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schemas.pop("$defs", {}))
    components["Problem"] = problem_schemas
    schema["components"]["schemas"] = dict(sorted(components.items()))


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            _use_problem_responses(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
