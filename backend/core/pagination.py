"""Keyset pagination: opaque cursors and the ``{"items", "next_cursor"}`` page shape."""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

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


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its own % and _ taken literally (use
    with ``escape="\\"``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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


@dataclass
class KeysetPage(Generic[ItemT]):
    """What a service returns: the rows of one page and the cursor of the next one."""

    items: list[ItemT]
    next_cursor: str | None


RowT = TypeVar("RowT")


def paginate_oldest_first(
    db: Session,
    statement: Select[Any],
    model: Any,
    *,
    limit: int,
    cursor: str | None,
) -> KeysetPage[RowT]:
    """One page of ``statement`` (rows of ``model``, which has ``created_at`` and ``id``) in
    creation order, ties broken by id, by keyset: stable while rows are added, and as fast on
    the last page as on the first."""
    statement = statement.order_by(model.created_at, model.id).limit(limit + 1)
    if cursor:
        raw_time, raw_id = decode_cursor(cursor, length=2)
        try:
            after_time, after_id = datetime.fromisoformat(str(raw_time)), uuid.UUID(str(raw_id))
        except ValueError:
            raise InvalidCursor() from None
        if after_time.tzinfo is None:  # we only ever give out times with an offset
            raise InvalidCursor()
        statement = statement.where(
            or_(
                model.created_at > after_time,
                and_(model.created_at == after_time, model.id > after_id),
            )
        )
    rows: list[Any] = list(db.scalars(statement))
    if len(rows) <= limit:
        return KeysetPage(rows, None)
    last = rows[limit - 1]
    return KeysetPage(rows[:limit], encode_cursor([last.created_at.isoformat(), str(last.id)]))
