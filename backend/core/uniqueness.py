"""Two identical requests at the same moment (a double-clicked button, a retried call): the
tools that make them come out as one, on SQLite and on PostgreSQL.

- ``lock_and_reread``: for check-then-act on a row that exists (a group, a story, a schedule).
  Take the row lock first, then decide on what the row says now; read anything else the
  decision depends on after it (``reread``), because what was read before the lock may have
  changed while the request waited for it.
- ``insert_once``: for a first-time insert of a row with a natural unique key (a bookmark, a
  calendar feed, an attendance record). ``INSERT ... ON CONFLICT DO NOTHING``, then read the
  row: whichever request gets there first inserts it, the other finds it, and neither fails.
- Whatever still collides (an ``IntegrityError`` or a ``StaleDataError`` from a race nobody
  foresaw) is answered by ``core.errors`` as a 409 ``concurrent-change`` problem, never a 500;
  ``get_db`` rolls the request back, so nothing is half written.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Select, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.core.db import lock_for_update

T = TypeVar("T")


def lock_and_reread(db: Session, row: T) -> T:
    """Lock ``row`` until the transaction ends and return it as it is now, committed changes
    of other requests included.

    The lock is ``lock_for_update``'s (a row lock on PostgreSQL, the database write lock on
    SQLite), so a second request doing the same waits here until the first has committed,
    and then sees what the first did. ``row`` must have a one-column primary key.
    """
    state = inspect(row)
    (key,) = state.mapper.primary_key
    (value,) = state.identity or (None,)
    if value is None:
        raise ValueError("lock_and_reread needs a row that is in the database already")
    lock_for_update(db, key, value)
    db.refresh(row)
    return row


def reread(db: Session, statement: Select[T]) -> T | None:
    """The one row ``statement`` finds, read from the database even when this session has
    it already (an object read before a lock is otherwise handed back unchanged)."""
    return db.scalars(statement.execution_options(populate_existing=True)).one_or_none()


def insert_once(
    db: Session,
    model: type[T],
    *,
    key: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
) -> tuple[T, bool]:
    """The row of ``model`` whose unique key is ``key``, and whether this call inserted it.

    When there is none it is inserted with ``key`` and ``values``; when there is one, also one
    an identical request is inserting at this very moment, it is left as it is and returned
    as committed (PostgreSQL waits for the other transaction; SQLite for its write lock).
    ``key`` must name exactly the columns of a primary key or unique constraint of ``model``.
    """
    table = inspect(model).local_table
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(model)
    elif dialect == "sqlite":
        statement = sqlite.insert(model)
    else:  # pragma: no cover - the app runs on these two
        raise NotImplementedError(f"insert_once does not know the {dialect} dialect")
    key_columns = [table.c[name] for name in key]
    # RETURNING says whether the row went in (a row back) or was there (none): the rowcount
    # of an ORM insert is not reliable on psycopg.
    inserted = db.execute(
        statement.values({**key, **(values or {})})
        .on_conflict_do_nothing(index_elements=key_columns)
        .returning(*key_columns)
    ).first()
    row = reread(db, select(model).filter_by(**key))
    if row is None:  # pragma: no cover - a row inserted or found a moment ago
        raise LookupError(f"{table.name} row vanished after insert_once")
    return row, inserted is not None
