"""The SQL statements an app runs while a block runs, as tests count them."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from sqlalchemy import event

# Savepoints are the rolled-back test's own (tests/support/rollback.py), not the request's.
HARNESS_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def counted(app: FastAPI) -> Iterator[list[str]]:
    """The statements ``app`` sends to its database inside the block, in order."""
    statements: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not statement.lstrip().upper().startswith(HARNESS_STATEMENTS):
            statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
