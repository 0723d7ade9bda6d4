"""Two-step sign-in (TOTP): turning it on, renewing recovery codes, turning it off, the sign-in's
second step, and production's rule that staff have it. Codes are computed here with pyotp at the
app's clock (tests/support/clock.py), so a test moves time to get the next code."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from backend.accounts.models import RecoveryCode, Role, SignInChallenge, User
from backend.accounts.schemas import Scope
from backend.core.audit import AuditEvent
from backend.core.config import Settings
from backend.main import create_app
from tests.factories import (
    PASSWORD,
    Person,
    client_token,
    join,
    make_group,
    make_person,
    make_service_client,
    make_user,
)
from tests.support.clock import Clock
from tests.support.concurrency import at_once
from tests.support.problems import assert_problem

API = "/api/v1"
TOKEN = f"{API}/auth/token"
SECOND_STEP = f"{API}/auth/token/second-factor"
TWO_FACTOR = f"{API}/me/two-factor"
CONFIRM = f"{TWO_FACTOR}/confirm"
RECOVERY_CODES = f"{TWO_FACTOR}/recovery-codes"
ME = f"{API}/me"
PROBLEM = "urn:strength-circles:problem:"
GENERIC = "That code didn't work, or the email or password wasn't right."


@dataclass
class Enrolled:
    person: Person
    secret: str
    recovery_codes: list[str]


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def code_now(secret: str, clock: Clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def next_code(secret: str, clock: Clock) -> str:
    """The code of the next time step: the last one accepted is never accepted again."""
    clock.advance(timedelta(seconds=30))
    return code_now(secret, clock)


def start(client: TestClient, person: Person, password: str = PASSWORD) -> Response:
    return client.post(TWO_FACTOR, headers=person.headers, json={"password": password})


def turn_on(client: TestClient, person: Person, clock: Clock) -> Enrolled:
    setup = start(client, person)
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    confirmed = client.post(CONFIRM, headers=person.headers, json={"code": code_now(secret, clock)})
    assert confirmed.status_code == 200, confirmed.text
    return Enrolled(person, secret, confirmed.json()["recovery_codes"])


def first_step(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return client.post(
        TOKEN, data={"grant_type": "password", "username": email, "password": password}
    )


def challenge_of(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = first_step(client, email, password)
    body = assert_problem(response, 401)
    assert body["type"] == f"{PROBLEM}second-factor-required"
    challenge: str = body["challenge"]
    return challenge


def second_step(client: TestClient, challenge: str, code: str) -> Response:
    return client.post(SECOND_STEP, json={"challenge": challenge, "code": code})


def sign_in_with(client: TestClient, email: str, code: str, password: str = PASSWORD) -> Response:
    return second_step(client, challenge_of(client, email, password), code)


def events(app: FastAPI, action: str) -> list[AuditEvent]:
    with app.state.session_factory() as db:
        found = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.expunge_all()
    return list(found)


def stored_user(app: FastAPI, person: Person) -> User:
    with app.state.session_factory() as db:
        user: User = db.get_one(User, person.user.id)
        db.expunge(user)
    return user


@pytest.fixture
def member(client: TestClient) -> Person:
    return make_person(client, display_name="Quiet Heron")


# --- who may use the routes -------------------------------------------------------------------

ROUTES = [
    ("POST", TWO_FACTOR, {"password": PASSWORD}),
    ("POST", CONFIRM, {"code": "123456"}),
    ("POST", RECOVERY_CODES, {"password": PASSWORD, "code": "123456"}),
    ("DELETE", TWO_FACTOR, {"password": PASSWORD, "code": "123456"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_the_routes_are_for_signed_in_people_only(
    client: TestClient, method: str, path: str, body: dict[str, str]
) -> None:
    anonymous = client.request(method, path, json=body)
    assert_problem(anonymous, 401)
    assert anonymous.headers["www-authenticate"] == "Bearer"

    integrator = make_service_client(app_of(client), scopes=list(Scope))
    headers = {"Authorization": f"Bearer {client_token(client, integrator)}"}
    refused = assert_problem(client.request(method, path, json=body, headers=headers), 403)
    assert refused["type"] == f"{PROBLEM}insufficient-scope"


@pytest.mark.parametrize("role", [Role.member, Role.facilitator, Role.admin])
def test_every_person_may_turn_it_on_for_themselves(
    client: TestClient, clock: Clock, role: Role
) -> None:
    person = make_person(client, role=role)
    enrolled = turn_on(client, person, clock)
    assert len(enrolled.recovery_codes) == 10
    assert client.get(ME, headers=person.headers).json()["two_factor_enabled"] is True


def test_the_routes_take_no_unknown_fields(client: TestClient, member: Person) -> None:
    response = client.post(
        TWO_FACTOR, headers=member.headers, json={"password": PASSWORD, "enabled": True}
    )
    assert_problem(response, 422)


# --- turning it on ----------------------------------------------------------------------------


def test_starting_shows_the_secret_as_text_uri_and_qr_code_without_the_email(
    client: TestClient, member: Person
) -> None:
    response = start(client, member)

    assert response.status_code == 200, response.text
    setup = response.json()
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["secret"])
    uri = setup["otpauth_uri"]
    assert uri.startswith("otpauth://totp/Strength%20Circles:Quiet%20Heron?")
    assert f"secret={setup['secret']}" in uri
    assert "issuer=Strength%20Circles" in uri
    assert member.email.split("@")[0] not in uri
    svg = setup["qr_code_svg"]
    assert svg.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<script" not in svg
    assert (setup["digits"], setup["period_seconds"]) == (6, 30)
    # Not on until the first code.
    assert client.get(ME, headers=member.headers).json()["two_factor_enabled"] is False
    assert first_step(client, member.email).status_code == 200


def test_starting_needs_the_password(client: TestClient, member: Person) -> None:
    body = assert_problem(start(client, member, "not the password at all"), 403)
    assert body["type"] == f"{PROBLEM}wrong-current-password"


def test_wrong_passwords_at_starting_are_limited(client: TestClient, member: Person) -> None:
    for _ in range(5):
        assert_problem(start(client, member, "not the password at all"), 403)
    refused = assert_problem(start(client, member), 429)
    assert refused["type"] == f"{PROBLEM}too-many-attempts"
    assert (
        int(
            client.post(TWO_FACTOR, headers=member.headers, json={"password": PASSWORD}).headers[
                "retry-after"
            ]
        )
        > 0
    )


def test_a_wrong_first_code_leaves_it_off(client: TestClient, member: Person, clock: Clock) -> None:
    secret = start(client, member).json()["secret"]
    wrong = f"{(int(code_now(secret, clock)) + 1) % 1_000_000:06d}"

    body = assert_problem(client.post(CONFIRM, headers=member.headers, json={"code": wrong}), 400)

    assert body["type"] == f"{PROBLEM}two-factor-code-not-right"
    assert "newest code" in body["detail"]
    assert client.get(ME, headers=member.headers).json()["two_factor_enabled"] is False


def test_confirming_before_starting_says_to_start(client: TestClient, member: Person) -> None:
    response = client.post(CONFIRM, headers=member.headers, json={"code": "123456"})
    assert assert_problem(response, 409)["type"] == f"{PROBLEM}two-factor-not-started"


def test_a_code_that_is_not_six_digits_is_refused_by_the_schema(
    client: TestClient, member: Person
) -> None:
    start(client, member)
    response = client.post(CONFIRM, headers=member.headers, json={"code": "12345a"})
    assert_problem(response, 422)


def test_starting_again_shows_the_same_secret_until_it_is_confirmed(
    client: TestClient, member: Person, clock: Clock
) -> None:
    first = start(client, member).json()
    second = start(client, member).json()
    assert second == first
    fresh = client.post(
        CONFIRM, headers=member.headers, json={"code": code_now(first["secret"], clock)}
    )
    assert fresh.status_code == 200, fresh.text


def test_confirming_twice_finds_it_on_already(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    again = client.post(
        CONFIRM, headers=member.headers, json={"code": next_code(enrolled.secret, clock)}
    )
    assert assert_problem(again, 409)["type"] == f"{PROBLEM}two-factor-already-on"


def test_turning_it_on_gives_ten_recovery_codes_once_and_keeps_only_digests(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)

    codes = enrolled.recovery_codes
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"([2-9a-hjkmnp-z]{4}-){3}[2-9a-hjkmnp-z]{4}", c) for c in codes)
    app = app_of(client)
    with app.state.session_factory() as db:
        stored = db.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == member.user.id)
        ).all()
    assert len(stored) == 10
    assert not set(stored) & {c.replace("-", "") for c in codes}
    assert not set(stored) & set(codes)
    # Neither the secret nor the codes are anywhere on the account's row.
    user = stored_user(app, member)
    row = " ".join(str(value) for value in vars(user).values())
    assert enrolled.secret not in row
    assert enrolled.secret.lower() not in row
    assert user.totp_seed
    assert user.totp_enabled_at is not None
    # Starting again is refused while it is on.
    assert assert_problem(start(client, member), 409)["type"] == f"{PROBLEM}two-factor-already-on"
    assert [e.target_id for e in events(app, "two_factor.enabled")] == [str(member.user.id)]


# --- the sign-in's first step -----------------------------------------------------------------


def _comparable(response: Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = dict(response.json())
    assert len(body.pop("challenge")) >= 40
    body.pop("request_id")
    headers = {
        name: value
        for name, value in response.headers.items()
        if name not in ("x-request-id", "content-length")
    }
    return response.status_code, body, headers


def test_the_first_step_answers_a_right_and_a_wrong_password_alike(
    client: TestClient, member: Person, clock: Clock
) -> None:
    turn_on(client, member, clock)

    right = first_step(client, member.email, PASSWORD)
    wrong = first_step(client, member.email, "a wrong but long password")

    assert _comparable(right) == _comparable(wrong)
    status, body, headers = _comparable(right)
    assert status == 401
    assert body["type"] == f"{PROBLEM}second-factor-required"
    assert body["expires_in"] == 300
    assert "access_token" not in right.text
    assert "access_token" not in wrong.text
    assert headers["www-authenticate"] == "Bearer"
    # The challenge is random: nothing in it says what the server found.
    assert right.json()["challenge"] != wrong.json()["challenge"]
    assert "." not in right.json()["challenge"]


def test_unknown_emails_and_accounts_without_it_answer_as_before(
    client: TestClient, member: Person
) -> None:
    unknown = assert_problem(first_step(client, "nobody@example.org"), 400)
    wrong = assert_problem(first_step(client, member.email, "a wrong but long password"), 400)
    assert unknown["error"] == wrong["error"] == "invalid_grant"
    assert first_step(client, member.email).status_code == 200


def test_challenges_are_stored_as_digests_with_the_verdict(
    client: TestClient, member: Person, clock: Clock
) -> None:
    turn_on(client, member, clock)
    right = challenge_of(client, member.email)
    wrong = challenge_of(client, member.email, "a wrong but long password")
    with app_of(client).state.session_factory() as db:
        rows = db.scalars(
            select(SignInChallenge).where(SignInChallenge.user_id == member.user.id)
        ).all()
    assert sorted(row.password_ok for row in rows) == [False, True]
    assert not {row.token_hash for row in rows} & {right, wrong}


# --- the second step --------------------------------------------------------------------------


def test_the_right_password_and_code_sign_in(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)

    response = sign_in_with(client, member.email, next_code(enrolled.secret, clock))

    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["refresh_token"]
    me = client.get(ME, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == str(member.user.id)


def test_a_right_code_after_a_wrong_password_fails_with_the_one_message(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    code = next_code(enrolled.secret, clock)

    failed = sign_in_with(client, member.email, code, password="a wrong but long password")

    body = assert_problem(failed, 400)
    assert body["type"] == f"{PROBLEM}second-factor-failed"
    assert body["detail"].startswith(GENERIC)
    assert "access_token" not in failed.text
    # The code was not used up by the failed sign-in: the owner can still use it.
    assert sign_in_with(client, member.email, code).status_code == 200


def test_a_wrong_code_and_a_wrong_password_answer_alike(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    wrong_code = f"{(int(next_code(enrolled.secret, clock)) + 1) % 1_000_000:06d}"

    bad_code = assert_problem(sign_in_with(client, member.email, wrong_code), 400)
    bad_both = assert_problem(
        sign_in_with(client, member.email, wrong_code, password="a wrong but long password"), 400
    )

    for body in (bad_code, bad_both):
        body.pop("request_id")
    assert bad_code == bad_both


def test_a_code_works_once_and_earlier_ones_not_at_all(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    earlier = code_now(enrolled.secret, clock)
    code = next_code(enrolled.secret, clock)
    assert sign_in_with(client, member.email, code).status_code == 200

    replayed = assert_problem(sign_in_with(client, member.email, code), 400)
    assert replayed["type"] == f"{PROBLEM}second-factor-failed"
    # The code before it is still within the window, but older than the one accepted.
    assert_problem(sign_in_with(client, member.email, earlier), 400)
    assert sign_in_with(client, member.email, next_code(enrolled.secret, clock)).status_code == 200


def test_a_code_from_a_step_either_side_of_now_is_accepted(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    clock.advance(timedelta(minutes=2))
    # A phone whose clock is half a minute ahead.
    ahead = pyotp.TOTP(enrolled.secret).at(clock.now() + timedelta(seconds=30))
    assert sign_in_with(client, member.email, ahead).status_code == 200
    clock.advance(timedelta(minutes=2))
    too_far = pyotp.TOTP(enrolled.secret).at(clock.now() + timedelta(seconds=90))
    assert_problem(sign_in_with(client, member.email, too_far), 400)


def test_a_recovery_code_works_once_in_place_of_a_code(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    recovery = enrolled.recovery_codes[3]
    typed = " " + recovery.upper().replace("-", " ") + " "

    first = sign_in_with(client, member.email, typed)

    assert first.status_code == 200, first.text
    again = assert_problem(sign_in_with(client, member.email, recovery), 400)
    assert again["type"] == f"{PROBLEM}second-factor-failed"
    used = events(app_of(client), "recovery_code.used")
    assert [(e.actor_id, e.target_id) for e in used] == [(member.user.id, str(member.user.id))]
    # The other nine still work.
    assert sign_in_with(client, member.email, enrolled.recovery_codes[4]).status_code == 200


def test_a_recovery_code_after_a_wrong_password_is_not_used_up(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    recovery = enrolled.recovery_codes[0]
    assert_problem(sign_in_with(client, member.email, recovery, "a wrong but long password"), 400)
    assert sign_in_with(client, member.email, recovery).status_code == 200
    assert events(app_of(client), "recovery_code.used")


def test_a_challenge_allows_five_tries_then_is_spent(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    challenge = challenge_of(client, member.email)
    code = next_code(enrolled.secret, clock)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [assert_problem(second_step(client, challenge, wrong), 400) for _ in range(5)]

    assert [a["type"].removeprefix(PROBLEM) for a in answers] == [
        *["second-factor-failed"] * 4,
        "sign-in-ended",
    ]
    assert answers[-1]["detail"].startswith(GENERIC)
    spent = assert_problem(second_step(client, challenge, code), 400)
    assert spent["type"] == f"{PROBLEM}sign-in-ended"
    assert sign_in_with(client, member.email, code).status_code == 200


def test_a_challenge_ends_after_five_minutes(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    challenge = challenge_of(client, member.email)
    clock.advance(timedelta(minutes=5, seconds=1))

    ended = assert_problem(second_step(client, challenge, code_now(enrolled.secret, clock)), 400)

    assert ended["type"] == f"{PROBLEM}sign-in-ended"
    assert "Please sign in again" in ended["detail"]


def test_an_unknown_challenge_has_ended(client: TestClient) -> None:
    ended = assert_problem(second_step(client, "x" * 43, "123456"), 400)
    assert ended["type"] == f"{PROBLEM}sign-in-ended"


def test_failed_codes_at_one_account_are_limited_across_challenges(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    code = next_code(enrolled.secret, clock)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        challenge = challenge_of(client, member.email)
        for _ in range(5):
            assert_problem(second_step(client, challenge, wrong), 400)

    throttled = assert_problem(sign_in_with(client, member.email, code), 429)

    assert throttled["type"] == f"{PROBLEM}too-many-attempts"
    clock.advance(timedelta(minutes=16))
    assert sign_in_with(client, member.email, next_code(enrolled.secret, clock)).status_code == 200


def test_the_web_app_gets_its_refresh_token_as_the_cookie(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    challenge = challenge_of(client, member.email)
    response = client.post(
        SECOND_STEP,
        json={"challenge": challenge, "code": next_code(enrolled.secret, clock)},
        headers={"X-Circles-Client": "web"},
    )
    assert response.status_code == 200, response.text
    assert "refresh_token" not in response.json()
    assert "circles_refresh=" in response.headers["set-cookie"]


@pytest.mark.real_commits
def test_one_code_sent_twice_at_once_signs_in_once(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    challenges = [challenge_of(client, member.email) for _ in range(2)]
    code = next_code(enrolled.secret, clock)

    answers = at_once(*(lambda c=c: second_step(client, c, code) for c in challenges))

    assert sorted(a.status_code for a in answers) == [200, 400]


# --- renewing recovery codes and turning it off -----------------------------------------------


def test_renewing_recovery_codes_needs_the_password_and_a_code(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    code = next_code(enrolled.secret, clock)
    wrong_password = {"password": "a wrong but long password", "code": code}
    wrong_code = {"password": PASSWORD, "code": f"{(int(code) + 1) % 1_000_000:06d}"}

    refused = assert_problem(
        client.post(RECOVERY_CODES, headers=member.headers, json=wrong_password), 403
    )
    assert refused["type"] == f"{PROBLEM}wrong-current-password"
    refused = assert_problem(
        client.post(RECOVERY_CODES, headers=member.headers, json=wrong_code), 400
    )
    assert refused["type"] == f"{PROBLEM}two-factor-code-not-right"

    renewed = client.post(
        RECOVERY_CODES, headers=member.headers, json={"password": PASSWORD, "code": code}
    )

    assert renewed.status_code == 200, renewed.text
    fresh = renewed.json()["recovery_codes"]
    assert len(fresh) == 10
    assert not set(fresh) & set(enrolled.recovery_codes)
    assert_problem(sign_in_with(client, member.email, enrolled.recovery_codes[0]), 400)
    assert sign_in_with(client, member.email, fresh[0]).status_code == 200
    assert len(events(app_of(client), "recovery_codes.renewed")) == 1


def test_renewing_or_turning_off_when_it_is_off_says_so(client: TestClient, member: Person) -> None:
    body = {"password": PASSWORD, "code": "123456"}
    for response in (
        client.post(RECOVERY_CODES, headers=member.headers, json=body),
        client.request("DELETE", TWO_FACTOR, headers=member.headers, json=body),
    ):
        assert assert_problem(response, 409)["type"] == f"{PROBLEM}two-factor-off"


def test_turning_it_off_with_a_recovery_code_goes_back_to_the_password_alone(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    body = {"password": PASSWORD, "code": "000000"}
    assert_problem(client.request("DELETE", TWO_FACTOR, headers=member.headers, json=body), 400)
    body["code"] = enrolled.recovery_codes[0]
    assert_problem(
        client.request(
            "DELETE",
            TWO_FACTOR,
            headers=member.headers,
            json=body | {"password": "a wrong but long password"},
        ),
        403,
    )

    off = client.request("DELETE", TWO_FACTOR, headers=member.headers, json=body)

    assert off.status_code == 204, off.text
    assert client.get(ME, headers=member.headers).json()["two_factor_enabled"] is False
    assert first_step(client, member.email).status_code == 200
    user = stored_user(app_of(client), member)
    assert (user.totp_seed, user.totp_key_id, user.totp_enabled_at) == (None, None, None)
    with app_of(client).state.session_factory() as db:
        assert not db.scalars(
            select(RecoveryCode).where(RecoveryCode.user_id == member.user.id)
        ).all()
    app = app_of(client)
    assert len(events(app, "two_factor.disabled")) == 1
    assert len(events(app, "recovery_code.used")) == 1


def test_turning_it_off_with_the_apps_code(
    client: TestClient, member: Person, clock: Clock
) -> None:
    enrolled = turn_on(client, member, clock)
    body = {"password": PASSWORD, "code": next_code(enrolled.secret, clock)}
    off = client.request("DELETE", TWO_FACTOR, headers=member.headers, json=body)
    assert off.status_code == 204, off.text


def test_the_export_holds_no_secret_of_it(client: TestClient, member: Person, clock: Clock) -> None:
    enrolled = turn_on(client, member, clock)
    exported = client.get(f"{ME}/export", headers=member.headers)
    assert exported.status_code == 200
    account = exported.json()["account"]
    assert account["totp_enabled_at"]
    assert not {"totp_seed", "totp_key_id", "totp_last_step"} & set(account)
    assert enrolled.secret not in exported.text
    assert "recovery_code" not in exported.json()["records"]


def test_a_retired_signing_key_still_makes_the_secret_while_it_is_listed(
    settings: Settings, clock: Clock
) -> None:
    rotated = Settings.model_validate(
        settings.model_dump()
        | {
            "jwt_key_id": "next",
            "jwt_secret": "another-test-secret-" + "y" * 40,
            "jwt_previous_keys": {"main": settings.jwt_secret_value()},
        }
    )
    with TestClient(create_app(settings)) as before:
        person = make_person(before)
        enrolled = turn_on(before, person, clock)
    with TestClient(create_app(rotated)) as after:
        code = next_code(enrolled.secret, clock)
        assert sign_in_with(after, person.email, code).status_code == 200


# --- production: staff need it ----------------------------------------------------------------


@pytest.fixture
def production(settings: Settings) -> Iterator[TestClient]:
    settings = Settings.model_validate(settings.model_dump() | {"env": "production"})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


def assert_needs_two_factor(response: Response) -> None:
    body = assert_problem(response, 403)
    assert body["type"] == f"{PROBLEM}two-factor-required"
    assert "Account" in body["detail"]
    assert "two-step sign-in" in body["detail"]


def test_in_production_an_admin_without_it_is_refused_staff_tools_until_it_is_on(
    production: TestClient, clock: Clock
) -> None:
    admin = make_person(production, role=Role.admin)

    assert_needs_two_factor(production.get(f"{API}/users", headers=admin.headers))
    assert_needs_two_factor(production.get(f"{API}/audit-events", headers=admin.headers))
    # What a member does keeps working, and so does turning it on.
    assert production.get(ME, headers=admin.headers).status_code == 200
    assert production.get(f"{API}/groups", headers=admin.headers).status_code == 200
    enrolled = turn_on(production, admin, clock)
    # The tokens of the sign-in before are the same person's: on from the next request.
    assert production.get(f"{API}/users", headers=admin.headers).status_code == 200

    # An admin signs in with a code, and has the admin's tools.
    signed_in = sign_in_with(production, admin.email, next_code(enrolled.secret, clock))
    assert signed_in.status_code == 200, signed_in.text
    token = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    assert production.get(f"{API}/users", headers=token).status_code == 200


def test_in_production_facilitators_without_it_are_refused_staff_tools(
    production: TestClient, clock: Clock
) -> None:
    app = app_of(production)
    founder = make_person(production, role=Role.facilitator)
    group = make_group(app, facilitator=founder.user)
    rename = {"name": "Thursday Morning Circle"}

    assert_needs_two_factor(
        production.patch(f"{API}/groups/{group.id}", headers=founder.headers, json=rename)
    )
    assert_needs_two_factor(
        production.post(
            f"{API}/groups",
            headers=founder.headers,
            json={
                "name": "Another Circle",
                "description": "A weekly peer support circle.",
                "topics": ["anxiety"],
                "format": "online",
                "language": "en",
                "online_url": "https://meet.example.org/another",
                "guidelines": "Confidentiality and respect.",
                "capacity": 10,
            },
        )
    )
    turn_on(production, founder, clock)
    renamed = production.patch(f"{API}/groups/{group.id}", headers=founder.headers, json=rename)
    assert renamed.status_code == 200, renamed.text


def test_in_production_members_are_not_asked_for_it(
    production: TestClient,
) -> None:
    app = app_of(production)
    founder = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=founder)
    member = make_person(production)
    join(production, member, group.id)
    assert production.get(f"{API}/me/groups", headers=member.headers).status_code == 200
    # A member who is not a facilitator is refused as before, not asked for two-step sign-in.
    refused = assert_problem(
        production.patch(f"{API}/groups/{group.id}", headers=member.headers, json={"name": "X Y"}),
        403,
    )
    assert refused["type"] != f"{PROBLEM}two-factor-required"


def test_outside_production_staff_are_not_asked_for_it(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    assert client.get(f"{API}/users", headers=admin.headers).status_code == 200


def test_in_production_moderators_without_it_see_no_reports_until_it_is_on(
    production: TestClient, clock: Clock
) -> None:
    app = app_of(production)
    founder = make_person(production, role=Role.facilitator)
    group = make_group(app, facilitator=founder.user)
    reporter, reported = make_person(production), make_person(production)
    for person in (reporter, reported):
        join(production, person, group.id)
    filed = production.post(
        f"{API}/reports",
        headers=reporter.headers,
        json={
            "target_type": "member",
            "target_id": str(reported.user.id),
            "reason": "harassment",
            "group_id": str(group.id),
        },
    )
    assert filed.status_code == 201, filed.text
    assert_needs_two_factor(production.get(f"{API}/reports", headers=founder.headers))
    admin = make_person(production, role=Role.admin)
    assert_needs_two_factor(production.get(f"{API}/reports", headers=admin.headers))
    # A member is told the queue is for staff, not asked for two-step sign-in.
    refused = assert_problem(production.get(f"{API}/reports", headers=reported.headers), 403)
    assert refused["type"].endswith("not-a-moderator")
    turn_on(production, founder, clock)
    (case,) = production.get(f"{API}/reports", headers=founder.headers).json()["items"]
    assert case["subject_id"] == str(reported.user.id)


def test_in_production_a_case_is_assigned_only_to_staff_who_could_open_it(
    production: TestClient, clock: Clock
) -> None:
    app = app_of(production)
    founder = make_person(production, role=Role.facilitator)
    group = make_group(app, facilitator=founder.user)
    reporter, reported = make_person(production), make_person(production)
    for person in (reporter, reported):
        join(production, person, group.id)
    report = {
        "target_type": "member",
        "target_id": str(reported.user.id),
        "reason": "spam",
        "group_id": str(group.id),
    }
    assert (
        production.post(f"{API}/reports", headers=reporter.headers, json=report).status_code == 201
    )
    admin = make_person(production, role=Role.admin)
    turn_on(production, admin, clock)
    (case,) = production.get(f"{API}/reports", headers=admin.headers).json()["items"]
    path = f"{API}/reports/{case['id']}"
    assign = {"assigned_to_id": str(founder.user.id)}
    refused = assert_problem(production.patch(path, headers=admin.headers, json=assign), 422)
    assert refused["type"].endswith("not-assignable")
    turn_on(production, founder, clock)
    assert production.patch(path, headers=admin.headers, json=assign).status_code == 200
