"""Two-step sign-in as an outside review attacks it: each test here proves a defect found
that way stays fixed."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from backend.accounts import two_factor
from backend.accounts.models import SignInChallenge
from tests.accounts.test_two_factor import (
    app_of,
    challenge_of,
    next_code,
    second_step,
    turn_on,
)
from tests.factories import PASSWORD, Person, make_person, reset_link_token
from tests.support.clock import Clock
from tests.support.concurrency import at_once, dawdle
from tests.support.problems import assert_problem

PROBLEM = "urn:strength-circles:problem:"
NEW_PASSWORD = "a brand new quiet lake"


def _change_password(client: TestClient, person: Person) -> None:
    response = client.post(
        "/api/v1/me/password",
        headers=person.headers,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.text


def _reset_password(client: TestClient, person: Person) -> None:
    asked = client.post("/api/v1/auth/password-reset", json={"email": person.email})
    assert asked.status_code == 202, asked.text
    token = reset_link_token(app_of(client), person.email)
    response = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204, response.text


def _log_out_everywhere(client: TestClient, person: Person) -> None:
    response = client.post("/api/v1/auth/logout", headers=person.headers, json={"everywhere": True})
    assert response.status_code == 204, response.text


@pytest.mark.parametrize(
    "ending",
    [_change_password, _reset_password, _log_out_everywhere],
    ids=["password change", "password reset", "logout everywhere"],
)
def test_a_sign_in_waiting_for_its_code_ends_with_every_other_sign_in(
    client: TestClient, clock: Clock, ending: Callable[[TestClient, Person], None]
) -> None:
    """Found: a challenge taken with the old password outlived a password change or reset
    (and logging out everywhere), so whoever had the old password and one code still signed
    in for five minutes afterwards, and the old password's rehash could be written back."""
    person = make_person(client)
    enrolled = turn_on(client, person, clock)
    # Someone who knows the old password starts a sign-in...
    challenge = challenge_of(client, person.email)
    # ...and the owner changes it (or resets it, or signs out everywhere).
    ending(client, person)

    body = assert_problem(second_step(client, challenge, next_code(enrolled.secret, clock)), 400)

    assert body["type"] == f"{PROBLEM}sign-in-ended"
    with app_of(client).state.session_factory() as db:
        left = db.query(SignInChallenge).filter_by(user_id=person.user.id).count()
    assert left == 0


@pytest.mark.real_commits
def test_two_recovery_codes_at_once_on_one_challenge_sign_in_once(
    client: TestClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each code is good on its own; the challenge is what joins one sign-in's two steps, so
    it is spent by whichever finishes first and the other is told the sign-in ended."""
    member = make_person(client)
    enrolled = turn_on(client, member, clock)
    challenge = challenge_of(client, member.email)
    dawdle(monkeypatch, two_factor, "spend")
    first, second = enrolled.recovery_codes[:2]

    answers = at_once(
        lambda: second_step(client, challenge, first),
        lambda: second_step(client, challenge, second),
    )

    assert sorted(a.status_code for a in answers) == [200, 400], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 400)
    assert refused.json()["type"].endswith("sign-in-ended")
