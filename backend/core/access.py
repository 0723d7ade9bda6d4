"""Deny by default: every route names who may call it with one of the registered access rules.

A rule is a dependency (``public`` below, or an authentication dependency of the accounts
domain). ``tests/test_access.py`` walks ``app.routes`` and fails on any route without one.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends

ACCESS_RULES: set[Callable[..., Any]] = set()
F = TypeVar("F", bound=Callable[..., Any])


def access_rule(function: F) -> F:
    """Register ``function`` as a dependency that decides who may call a route."""
    ACCESS_RULES.add(function)
    return function


@access_rule
async def public() -> None:
    """Anyone may call this route, signed in or not. Async, so a public route that needs no
    database (crisis resources) never waits for a worker thread."""


Public = Depends(public)
