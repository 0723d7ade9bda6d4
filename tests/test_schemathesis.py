"""Property-based API tests from the OpenAPI document: generated requests, signed in as an
admin, never get a 5xx and every response matches the document (SECURITY.md, Reliability)."""

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete

from backend.accounts.models import Role
from backend.core.ratelimit import RateLimitCounter
from tests.conftest import DatabaseUnderTest
from tests.factories import make_person, sign_in

# Every operation, failed sign-ins too: their hits are counted in transactions of their own.
pytestmark = pytest.mark.real_commits


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_operation_keeps_the_contract(app: FastAPI, database: DatabaseUnderTest) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    assert [result.err() for result in results if isinstance(result, Err)] == []
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) > 10
    with TestClient(app) as client:
        admin = make_person(client, role=Role.admin)
        for operation in operations:
            # Signed in afresh for each operation: an earlier one may have signed out, changed
            # the password or deactivated someone, and the rest should still be explored.
            with app.state.session_factory.begin() as db:
                db.execute(delete(RateLimitCounter))  # fuzzed sign-ins must not lock us out
            headers = {"Authorization": f"Bearer {sign_in(client, admin.email)['access_token']}"}

            @given(case=operation.as_strategy())
            @settings(
                max_examples=30,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                # The same examples every run, so CI is repeatable; EXPLORE=1 looks further.
                derandomize=not os.environ.get("EXPLORE"),
            )
            def exercise(case: schemathesis.Case[Any], headers: dict[str, str]) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            exercise(headers=headers)
