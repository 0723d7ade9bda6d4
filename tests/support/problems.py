"""Assertions shared by the tests of every domain."""

import re
from typing import Any

from httpx2 import Response

PROBLEM = "application/problem+json"


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return dict(body)


# What Python shows of a value that was never meant for people: an enum's repr
# (<RsvpStatus.going: 'going'>) or its qualified name (RsvpStatus.going), a None, a class.
PYTHON_REPR = re.compile(
    r"<[A-Za-z_][\w.]*[.:][^>]*>|\b[A-Z][a-z]+[A-Z]\w*\.[a-z_]+\b|\bNone\b|\bclass '"
)


def assert_no_python_repr(text: str) -> None:
    """People read every message: none may show how Python prints a value."""
    found = PYTHON_REPR.search(text)
    assert found is None, f"a Python repr in a message: {found.group(0)!r} in {text!r}"
