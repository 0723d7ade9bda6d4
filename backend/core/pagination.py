"""Keyset pagination: opaque cursors and the ``{"items", "next_cursor"}`` page shape."""

import base64
import binascii
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from backend.core.errors import UnprocessableContent

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="The `next_cursor` of the previous page, as given."),
]


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class InvalidCursor(UnprocessableContent):
    slug = "invalid-cursor"
    detail = "The cursor is not one this list gave out. Start again without a cursor."


def encode_cursor(key: list[Any]) -> str:
    """Wrap the sort key of the last item of a page into an opaque, URL-safe string."""
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, length: int) -> list[Any]:
    """The sort key inside ``cursor``; anything malformed is a 422, never a 500."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(key, list) or len(key) != length:
        raise InvalidCursor()
    return key
