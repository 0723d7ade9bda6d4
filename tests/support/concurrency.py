"""Helpers for tests of requests that arrive at the same moment."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from httpx2 import Response

DAWDLE_SECONDS = 0.2


def dawdle(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Make ``module.name`` sleep after it runs: inside the transaction, before the commit, so
    requests started together overlap where a race would show."""
    original = getattr(module, name)

    def slowly(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(DAWDLE_SECONDS)
        return result

    monkeypatch.setattr(module, name, slowly)


def at_once(*calls: Callable[[], Response]) -> list[Response]:
    """Run the calls in threads released together; their answers in the calls' order."""
    start = threading.Barrier(len(calls))

    def go(call: Callable[[], Response]) -> Response:
        start.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(go, calls))
