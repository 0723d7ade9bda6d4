"""Keyset pagination: opaque cursors and the ``{"items", "next_cursor"}`` page shape."""

import base64
import binascii
import json
import uuid
from collections.abc import Callable
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


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards taken literally (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere (use with ``escape="\\"``)."""
    return f"%{escape_like(text)}%"


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


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset order: how its value goes into a cursor and comes back out."""

    column: Any  # an ORM attribute such as User.created_at
    parse: Callable[[Any], Any]
    dump: Callable[[Any], Any] = str

    @property
    def attribute(self) -> str:
        return str(self.column.key)


def _aware_time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:  # we only ever give out times with an offset
        raise ValueError("no offset")
    return parsed


def moment_key(column: Any) -> SortKey:
    """A sort key on a moment (an aware datetime column): a cursor's time must carry an
    offset, as every one we give out does; one without is an invalid cursor, not a 500."""
    return SortKey(column, _aware_time, lambda value: value.isoformat())


def id_key(column: Any) -> SortKey:
    return SortKey(column, lambda value: uuid.UUID(str(value)))


def creation_order(model: Any) -> list[SortKey]:
    """Oldest first, ties broken by id."""
    return [moment_key(model.created_at), id_key(model.id)]


def paginate(
    db: Session,
    statement: Select[Any],
    order: list[SortKey],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = False,
) -> KeysetPage[RowT]:
    """One page of ``statement`` in ``order`` (unique as a whole; ascending, or descending on
    every key), by keyset: stable while rows are added, and as fast on the last page as on the
    first."""
    columns = [key.column.desc() if descending else key.column for key in order]
    statement = statement.order_by(*columns).limit(limit + 1)
    if cursor:
        raw = decode_cursor(cursor, length=len(order))
        try:
            after = [key.parse(value) for key, value in zip(order, raw, strict=True)]
        except (ValueError, TypeError):
            raise InvalidCursor() from None
        # (a, b) > (x, y) spelled out, so each value is bound with its own column's type.
        statement = statement.where(
            or_(
                *(
                    and_(
                        *(order[j].column == after[j] for j in range(i)),
                        order[i].column < after[i] if descending else order[i].column > after[i],
                    )
                    for i in range(len(order))
                )
            )
        )
    rows: list[Any] = list(db.scalars(statement))
    if len(rows) <= limit:
        return KeysetPage(rows, None)
    last = rows[limit - 1]
    key = [sort_key.dump(getattr(last, sort_key.attribute)) for sort_key in order]
    return KeysetPage(rows[:limit], encode_cursor(key))
