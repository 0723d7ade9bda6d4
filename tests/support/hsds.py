"""Validators for the HSDS exports, from the upstream Open Referral HSDS 3.0 schemas (a copy,
unmodified, in tests/fixtures/hsds-3.0; see its README.md)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "hsds-3.0"
PAGE_FIELDS = (
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
)


def _read(name: str) -> Any:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


@cache
def service_validator() -> Draft202012Validator:
    """HSDS's compiled (fully nested) service schema."""
    return Draft202012Validator(
        _read("compiled/service.json"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def page_validator() -> Draft202012Validator:
    """HSDS's paginated list (the OpenAPI ``Page``) of fully nested services. ``Page`` makes
    no field required; a list answer without them is no page, so they are required here."""
    page = _read("openapi.json")["components"]["schemas"]["Page"]
    schema = {
        "allOf": [
            page,
            {
                "type": "object",
                "required": list(PAGE_FIELDS),
                "properties": {
                    "contents": {"type": "array", "items": _read("compiled/service.json")}
                },
            },
        ]
    }
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(validator: Draft202012Validator, document: Any) -> list[str]:
    """Every way ``document`` breaks the schema, as readable lines (none when it is valid)."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{list(e.absolute_path)}: {e.message}" for e in errors]
