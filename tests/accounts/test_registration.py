"""Sign-up that discloses nothing, and email confirmation.

Registration answers the same 202 for a new, a taken and a pending address, queues the right
email for each, and caps emails per address. Confirmation needs the emailed token and the
password chosen at sign-up; used, expired and superseded links are refused; an unconfirmed
account cannot sign in; a password reset by email confirms the address too.
"""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from backend.accounts import service
from backend.accounts.models import EmailConfirmationToken, Role, User
from backend.accounts.seed import seed_demo_accounts
from backend.core import security
from backend.core.config import Settings
from tests.factories import (
    PASSWORD,
    confirmation_token,
    emails_to,
    make_person,
    make_user,
    reset_link_token,
    sign_in,
    sign_up,
)
from tests.support.clock import Clock
from tests.support.concurrency import at_once, dawdle
from tests.support.demo import demo_content
from tests.support.problems import assert_problem

# Registering counts a hit against the address's email cap in a transaction of its own
# (core/ratelimit.record_hit), which must outlive the request: see tests/support/rollback.py.
pytestmark = pytest.mark.real_commits


REGISTER = "/api/v1/auth/register"
CONFIRM = "/api/v1/auth/confirm-email"
TOKEN = "/api/v1/auth/token"
RIVER = "river@example.org"
OTHER_PASSWORD = "another calm morning walk"
CONFIRM_SUBJECT = "Confirm your email address for Strength Circles"
ALREADY_SUBJECT = "You already have a Strength Circles account"


def register(
    client: TestClient,
    email: str = RIVER,
    password: str = PASSWORD,
    display_name: str = "River",
    **extra: object,
) -> Response:
    body = {"email": email, "password": password, "display_name": display_name} | extra
    return client.post(REGISTER, json=body)


def confirm(client: TestClient, token: str, password: str = PASSWORD) -> Response:
    return client.post(CONFIRM, json={"token": token, "password": password})


def password_grant(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    return client.post(
        TOKEN, data={"grant_type": "password", "username": email, "password": password}
    )


def account(app: FastAPI, email: str) -> User:
    with app.state.session_factory() as db:
        user: User = db.scalars(select(User).where(User.email == email)).one()
        db.expunge(user)
    return user


def confirmation_rows(app: FastAPI, user_id: object) -> list[EmailConfirmationToken]:
    with app.state.session_factory() as db:
        rows = db.scalars(
            select(EmailConfirmationToken).where(EmailConfirmationToken.user_id == user_id)
        ).all()
        db.expunge_all()
    return list(rows)


def newest_link(app: FastAPI, email: str = RIVER) -> str:
    return confirmation_token(emails_to(app, email)[-1])


def without_request_id(response: Response) -> dict[str, object]:
    body = dict(response.json())
    body.pop("request_id")
    return body


# --- access -----------------------------------------------------------------------------------


def test_anyone_may_sign_up_and_confirm_signed_in_or_not(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    anonymous = register(client, email="first@example.org")
    signed_in = client.post(
        REGISTER,
        headers=person.headers,
        json={"email": "second@example.org", "password": PASSWORD, "display_name": "Second"},
    )
    assert anonymous.status_code == signed_in.status_code == 202
    assert confirm(client, newest_link(app, "first@example.org")).status_code == 204
    confirmed = client.post(
        CONFIRM,
        headers=person.headers,
        json={"token": newest_link(app, "second@example.org"), "password": PASSWORD},
    )
    assert confirmed.status_code == 204
    # The signed-in caller's own account is not what was confirmed or changed.
    assert account(app, "second@example.org").email_confirmed_at is not None
    assert client.get("/api/v1/me", headers=person.headers).json()["email"] == person.email


# --- registration: the same answer for every address ------------------------------------------


def test_new_taken_and_pending_addresses_get_the_same_answer(
    client: TestClient, app: FastAPI
) -> None:
    make_user(app, email="taken@example.org")
    register(client, email="pending@example.org")

    answers = [
        register(client, email=email, password=OTHER_PASSWORD, display_name="Someone")
        for email in ("new@example.org", "TAKEN@example.org", "pending@example.org")
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 202]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert set(answers[0].json()) == {"message"}
    assert "email" in answers[0].json()["message"]
    for answer in answers:
        assert "set-cookie" not in answer.headers
        assert answer.headers["content-type"] == "application/json"


def test_a_new_address_gets_an_unconfirmed_account_and_a_confirmation_link(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    response = register(
        client, email="River@Example.org", timezone="America/Chicago", languages=["en", "es-MX"]
    )
    assert response.status_code == 202, response.text

    user = account(app, RIVER)
    assert user.email_confirmed_at is None
    assert (user.display_name, user.role) == ("River", Role.member)
    assert (user.timezone, user.languages) == ("America/Chicago", ["en", "es-MX"])
    [message] = emails_to(app, RIVER)
    assert message.user_id == user.id
    assert message.subject == CONFIRM_SUBJECT
    assert f"{settings.public_url}/confirm-email?token=" in message.body_text
    assert "48 hours" in message.body_text
    assert "you can ignore this email" in message.body_text
    # Not greeted by the display name: whoever signed up chose it, perhaps not the owner.
    assert "River" not in message.body_text
    token = confirmation_token(message)
    [row] = confirmation_rows(app, user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()  # stored hashed only
    assert row.expires_at - row.created_at == timedelta(hours=48)
    assert row.used_at is None


def test_a_new_account_gets_utc_and_no_languages_by_default(
    client: TestClient, app: FastAPI
) -> None:
    assert register(client).status_code == 202
    user = account(app, RIVER)
    assert (user.timezone, user.languages) == ("UTC", [])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"languages": ["English!"]}, "languages"),
        ({"languages": ["en"] * 11}, "languages"),
    ],
)
def test_register_refuses_unknown_time_zones_and_languages(
    client: TestClient, app: FastAPI, extra: dict[str, Any], field: str
) -> None:
    body = assert_problem(register(client, **extra), 422)
    assert body["errors"][0]["loc"][:2] == ["body", field]
    assert emails_to(app, RIVER) == []


def test_a_confirmed_address_gets_a_note_and_nothing_changes(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    make_user(app, email="taken@example.org", display_name="Quiet Heron")
    before = account(app, "taken@example.org")

    response = register(
        client,
        email="Taken@Example.org",
        password=OTHER_PASSWORD,
        display_name="Someone Else",
        timezone="Asia/Tokyo",
        languages=["ja"],
    )

    assert response.status_code == 202
    [message] = emails_to(app, "taken@example.org")
    assert message.subject == ALREADY_SUBJECT
    assert f"{settings.public_url}/sign-in" in message.body_text
    assert f"{settings.public_url}/forgot-password" in message.body_text
    assert "you can ignore this email" in message.body_text
    assert "confirm-email" not in message.body_text
    assert "Someone Else" not in message.body_text
    after = account(app, "taken@example.org")
    fields = ("password_hash", "display_name", "timezone", "languages", "email_confirmed_at")
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]
    assert confirmation_rows(app, before.id) == []
    sign_in(client, "taken@example.org", PASSWORD)
    assert_problem(password_grant(client, "taken@example.org", OTHER_PASSWORD), 400)


def test_signing_up_again_before_confirming_replaces_the_pending_sign_up(
    client: TestClient, app: FastAPI
) -> None:
    register(client, password=PASSWORD, display_name="River")
    first_link = newest_link(app)
    register(
        client,
        password=OTHER_PASSWORD,
        display_name="Second River",
        timezone="Europe/Berlin",
        languages=["de"],
    )
    second_link = newest_link(app)
    assert first_link != second_link
    assert [m.subject for m in emails_to(app, RIVER)] == [CONFIRM_SUBJECT, CONFIRM_SUBJECT]

    # The earlier link stopped working, whichever password comes with it.
    for password in (PASSWORD, OTHER_PASSWORD):
        refused = assert_problem(confirm(client, first_link, password), 400)
        assert refused["type"].endswith("invalid-confirmation-token")
    # The password that counts is the newest sign-up's.
    mismatch = assert_problem(confirm(client, second_link, PASSWORD), 400)
    assert mismatch["type"].endswith("confirmation-password-mismatch")
    assert confirm(client, second_link, OTHER_PASSWORD).status_code == 204

    user = account(app, RIVER)
    assert user.email_confirmed_at is not None
    assert (user.display_name, user.timezone, user.languages) == (
        "Second River",
        "Europe/Berlin",
        ["de"],
    )
    sign_in(client, RIVER, OTHER_PASSWORD)
    assert_problem(password_grant(client, RIVER, PASSWORD), 400)


def test_registration_emails_are_capped_per_address(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    cap = service.REGISTRATION_EMAILS_PER_HOUR
    answers = [register(client, password=f"{PASSWORD} {number}") for number in range(cap)]
    past_the_cap = register(client, password=OTHER_PASSWORD, display_name="Flood")

    assert past_the_cap.status_code == 202
    assert past_the_cap.json() == answers[0].json()
    assert len(emails_to(app, RIVER)) == cap
    # Past the cap nothing changed: the newest link works with the password it was sent for.
    assert account(app, RIVER).display_name == "River"
    assert confirm(client, newest_link(app), f"{PASSWORD} {cap - 1}").status_code == 204
    # Other addresses are not held back, and an hour later this one gets email again.
    register(client, email="someone.else@example.org")
    assert len(emails_to(app, "someone.else@example.org")) == 1
    clock.advance(service.REGISTRATION_WINDOW + timedelta(seconds=1))
    register(client)
    assert [m.subject for m in emails_to(app, RIVER)][-1] == ALREADY_SUBJECT


def test_the_cap_holds_for_an_address_that_has_an_account(client: TestClient, app: FastAPI) -> None:
    make_user(app, email="taken@example.org")
    for _ in range(service.REGISTRATION_EMAILS_PER_HOUR + 2):
        assert register(client, email="taken@example.org").status_code == 202
    assert len(emails_to(app, "taken@example.org")) == service.REGISTRATION_EMAILS_PER_HOUR


def test_every_path_pays_for_one_password_hash(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So the time the answer takes does not tell whether the address has an account."""
    make_user(app, email="taken@example.org")
    register(client, email="pending@example.org")
    for _ in range(service.REGISTRATION_EMAILS_PER_HOUR):
        register(client, email="capped@example.org")
    hashed: list[str] = []
    real_hash = security.hash_password

    def counting_hash(password: str) -> str:
        hashed.append(password)
        return real_hash(password)

    monkeypatch.setattr(service, "hash_password", counting_hash)
    for email in ("new@example.org", "taken@example.org", "pending@example.org"):
        register(client, email=email)
        assert len(hashed) == 1, email
        hashed.clear()
    register(client, email="capped@example.org")
    assert len(hashed) == 1


# --- confirmation -----------------------------------------------------------------------------


def test_an_unconfirmed_account_cannot_sign_in_until_it_is_confirmed(
    client: TestClient, app: FastAPI
) -> None:
    register(client, email="River@Example.org")

    before = assert_problem(password_grant(client, RIVER), 400)
    assert before["error"] == "invalid_grant"
    assert before["detail"] == (
        "Please confirm your email address first: open the link we sent you. To get a new "
        "link, sign up again with the same address."
    )

    assert confirm(client, newest_link(app)).status_code == 204
    assert account(app, RIVER).email_confirmed_at is not None
    tokens = sign_in(client, "RIVER@example.org")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["email"] == RIVER
    assert me.json()["role"] == "member"


def test_a_wrong_password_before_confirming_gets_the_usual_answer(client: TestClient) -> None:
    """Only someone who knows the password learns that the account waits for confirmation."""
    register(client)
    wrong = password_grant(client, RIVER, OTHER_PASSWORD)
    unknown = password_grant(client, "nobody@example.org", OTHER_PASSWORD)
    assert_problem(wrong, 400)
    assert without_request_id(wrong) == without_request_id(unknown)
    assert "confirm" not in wrong.text


def test_confirming_needs_the_password_chosen_at_sign_up(client: TestClient, app: FastAPI) -> None:
    register(client)
    link = newest_link(app)

    body = assert_problem(confirm(client, link, OTHER_PASSWORD), 400)

    assert body["type"].endswith("confirmation-password-mismatch")
    assert body["title"] == "Password does not match"
    assert "does not match the one chosen at sign-up" in body["detail"]
    assert account(app, RIVER).email_confirmed_at is None
    assert confirm(client, link).status_code == 204  # the link still works with the right one


def test_wrong_confirmation_passwords_count_as_failed_sign_ins(
    client: TestClient, app: FastAPI
) -> None:
    register(client)
    link = newest_link(app)
    for _ in range(service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert_problem(confirm(client, link, OTHER_PASSWORD), 400)

    locked = confirm(client, link)

    assert assert_problem(locked, 429)["type"].endswith("too-many-attempts")
    assert int(locked.headers["retry-after"]) > 0
    assert_problem(password_grant(client, RIVER), 429)  # the same counter as sign-in
    assert account(app, RIVER).email_confirmed_at is None


def test_failed_sign_ins_hold_back_confirmation_too(client: TestClient, app: FastAPI) -> None:
    register(client)
    for _ in range(service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert_problem(password_grant(client, RIVER, OTHER_PASSWORD), 400)
    response = confirm(client, newest_link(app))
    assert_problem(response, 429)
    assert int(response.headers["retry-after"]) > 0


def test_a_used_link_is_refused(client: TestClient, app: FastAPI) -> None:
    register(client)
    link = newest_link(app)
    assert confirm(client, link).status_code == 204

    body = assert_problem(confirm(client, link), 400)

    assert body["type"].endswith("invalid-confirmation-token")
    assert body["title"] == "Confirmation link not valid"
    assert body["detail"] == (
        "This confirmation link has expired or was already used. Signing up again with the "
        "same email address sends a new one."
    )


def test_a_link_works_for_48_hours(client: TestClient, app: FastAPI, clock: Clock) -> None:
    register(client, email="early@example.org")
    register(client, email="late@example.org")
    early, late = newest_link(app, "early@example.org"), newest_link(app, "late@example.org")

    clock.advance(service.CONFIRMATION_TOKEN_TTL - timedelta(minutes=1))
    assert confirm(client, early).status_code == 204
    clock.advance(timedelta(minutes=2))
    body = assert_problem(confirm(client, late), 400)
    assert body["type"].endswith("invalid-confirmation-token")
    assert account(app, "late@example.org").email_confirmed_at is None

    # Signing up again sends a link that works.
    register(client, email="late@example.org")
    assert confirm(client, newest_link(app, "late@example.org")).status_code == 204


def test_a_made_up_link_is_refused(client: TestClient) -> None:
    body = assert_problem(confirm(client, "made-up-token-value"), 400)
    assert body["type"].endswith("invalid-confirmation-token")


def test_a_password_reset_by_email_confirms_the_address(client: TestClient, app: FastAPI) -> None:
    register(client)
    old_link = newest_link(app)
    assert client.post("/api/v1/auth/password-reset", json={"email": RIVER}).status_code == 202

    reset = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset_link_token(app, RIVER), "new_password": "a fresh start in spring"},
    )

    assert reset.status_code == 204
    assert account(app, RIVER).email_confirmed_at is not None
    sign_in(client, RIVER, "a fresh start in spring")
    # The sign-up's link has nothing left to do.
    assert_problem(confirm(client, old_link, "a fresh start in spring"), 400)


def test_emails_to_an_unconfirmed_address_do_not_carry_the_chosen_name(
    client: TestClient, app: FastAPI
) -> None:
    """Until the address is confirmed, the display name is the words of whoever signed up,
    who may not own the address: a reset email must not deliver them to its owner."""
    register(client, display_name="Chosen By Someone")
    link = newest_link(app)
    client.post("/api/v1/auth/password-reset", json={"email": RIVER})
    reset = emails_to(app, RIVER)[-1]
    assert "reset-password?token=" in reset.body_text
    assert reset.body_text.startswith("Hello,\n")
    assert "Chosen By Someone" not in reset.body_text

    assert confirm(client, link).status_code == 204
    client.post("/api/v1/auth/password-reset", json={"email": RIVER})
    assert emails_to(app, RIVER)[-1].body_text.startswith("Hello Chosen By Someone,\n")


# --- accounts made by staff, the seed and tests; erasure ---------------------------------------


def test_factory_and_demo_accounts_are_confirmed(client: TestClient, app: FastAPI) -> None:
    assert make_user(app).email_confirmed_at is not None
    with app.state.session_factory.begin() as db:
        seed_demo_accounts(db, demo_content())
    with app.state.session_factory() as db:
        unconfirmed = db.scalar(
            select(func.count()).select_from(User).where(User.email_confirmed_at.is_(None))
        )
    assert unconfirmed == 0
    sign_in(client, "river@example.org", "circles demo member")


def test_confirmation_tokens_are_erased_with_the_account_and_never_exported(
    client: TestClient, app: FastAPI
) -> None:
    sign_up(client, RIVER)
    user = account(app, RIVER)
    assert len(confirmation_rows(app, user.id)) == 1
    headers = {"Authorization": f"Bearer {sign_in(client, RIVER)['access_token']}"}

    export = client.get("/api/v1/me/export", headers=headers).json()
    assert "email_confirmation_token" not in export["records"]
    assert "token_hash" not in str(export)
    assert export["account"]["email_confirmed_at"]

    gone = client.request("DELETE", "/api/v1/me", headers=headers, json={"password": PASSWORD})
    assert gone.status_code == 204
    assert confirmation_rows(app, user.id) == []
    with app.state.session_factory() as db:
        assert db.get_one(User, user.id).email_confirmed_at is None


# --- at the same moment -----------------------------------------------------------------------


def test_a_double_clicked_sign_up_makes_one_account(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    dawdle(monkeypatch, service, "_send_confirmation_link")

    answers = at_once(lambda: register(client), lambda: register(client))

    assert [answer.status_code for answer in answers] == [202, 202]
    with app.state.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1
    assert confirm(client, newest_link(app)).status_code == 204


def test_a_sign_up_at_the_moment_of_confirmation_never_sets_the_password(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner confirms their sign-up while someone signs up again with their address: either
    the confirmation wins (the other sign-up changes nothing) or the new sign-up does (the
    link stops working); the account is never confirmed with the other person's password."""
    register(client)
    link = newest_link(app)
    dawdle(monkeypatch, service, "verify_password")
    dawdle(monkeypatch, service, "_send_confirmation_link")
    dawdle(monkeypatch, service, "_send_already_registered")

    confirmed, _ = at_once(
        lambda: confirm(client, link),
        lambda: register(client, password=OTHER_PASSWORD, display_name="Someone Else"),
    )

    assert confirmed.status_code in (204, 400), confirmed.text
    user = account(app, RIVER)
    if confirmed.status_code == 204:
        assert user.email_confirmed_at is not None
        assert user.display_name == "River"
        sign_in(client, RIVER, PASSWORD)
        assert emails_to(app, RIVER)[-1].subject == ALREADY_SUBJECT
    else:
        assert user.email_confirmed_at is None
        assert user.display_name == "Someone Else"
    assert_problem(password_grant(client, RIVER, OTHER_PASSWORD), 400)


def test_sign_ups_from_one_network_are_limited(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Throw-away accounts made by a script from one address are stopped; the answer says
    nothing about any email address."""
    monkeypatch.setattr(service, "REGISTRATIONS_PER_ADDRESS", 2)
    assert register(client, "one@example.org").status_code == 202
    assert register(client, "two@example.org").status_code == 202
    refused = register(client, "three@example.org")
    assert assert_problem(refused, 429)["type"].endswith("too-many-sign-ups")
    assert int(refused.headers["retry-after"]) > 0
    with app.state.session_factory() as db:
        assert db.scalar(select(User).where(User.email == "three@example.org")) is None
    elsewhere = TestClient(app, client=("198.51.100.30", 50000))
    assert register(elsewhere, "three@example.org").status_code == 202
