"""Admission of requests whose work is mostly CPU outside the database: they wait for their
turn on the event loop, holding no worker thread and no database slot (core.db.db_slot)."""

from collections.abc import AsyncIterator

import anyio
from fastapi import Depends, Request

from backend.core.errors import Busy

# Requests that hash a password waiting for their turn; more are turned away at once (503).
MAX_WAITING_TO_HASH = 64


async def password_slot(request: Request) -> AsyncIterator[None]:
    """Admit requests that hash a password (sign-in, sign-up, a new password, erasure) a few at
    a time, before they take a database slot, so a flood of them leaves the database slots
    and the worker threads to everyone else. A hash is tens of milliseconds of a core; while
    a request held a database slot for it, 60 sign-ins at once took the directory from 10 ms
    to over a second. Routes take it before ``DbSession`` (route-level dependencies come
    first)."""
    slots: anyio.Semaphore | None = getattr(request.app.state, "password_slots", None)
    if slots is None:  # no lifespan (a bare test app)
        yield
        return
    if slots.statistics().tasks_waiting >= MAX_WAITING_TO_HASH:
        raise Busy()
    async with slots:
        yield


PasswordSlot = Depends(password_slot)
# How the routes that take it document their 503.
BUSY = "Busy: many password checks at once; retry after Retry-After seconds."
