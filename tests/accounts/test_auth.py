"""Registration's validation, sign-in, refresh rotation, sign-out, password change and reset
(sign-up and email confirmation are in test_registration)."""

import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage, Message

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from backend.accounts import passwords, service
from backend.core import security
from backend.core.clock import use_time_source
from backend.core.config import Settings
from backend.notifications.models import OutboxMessage
from backend.notifications.senders import create_sender
from backend.notifications.service import deliver_pending
from tests.factories import PASSWORD, Person, make_person, make_user, sign_in, sign_up
from tests.support.concurrency import at_once
from tests.support.mail import Mailbox, deliver, smtp_server
from tests.support.postgres import free_port
from tests.support.problems import assert_problem

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/me"
CHANGE_PASSWORD = "/api/v1/me/password"


def register(client: TestClient, **overrides: str) -> Response:
    body = {"email": "river@example.org", "password": PASSWORD, "display_name": "River"}
    return client.post("/api/v1/auth/register", json=body | overrides)


def password_grant(client: TestClient, email: str, password: str) -> Response:
    return client.post(
        TOKEN, data={"grant_type": "password", "username": email, "password": password}
    )


# --- registration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password", "short", "at least 8"),
        ("password", "password123", "most commonly used"),
        ("password", "Iloveyou123", "most commonly used"),
        ("display_name", "r", "at least 2"),
        ("display_name", "someone@example.org", "email address"),
        ("display_name", "+1 (555) 123-4567", "phone number"),
        ("email", "not-an-email", "email"),
    ],
)
def test_register_explains_what_to_fix(
    client: TestClient, field: str, value: str, message: str
) -> None:
    body = assert_problem(register(client, **{field: value}), 422)
    issue = next(issue for issue in body["errors"] if issue["loc"] == ["body", field])
    assert message in issue["msg"]


@pytest.mark.real_commits
def test_register_refuses_unknown_fields_such_as_role(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "a@example.org", "password": PASSWORD, "display_name": "A", "role": "admin"},
    )
    assert_problem(response, 422)
    assert_problem(password_grant(client, "a@example.org", PASSWORD), 400)


@pytest.mark.real_commits
def test_long_passwords_are_accepted_whole(client: TestClient) -> None:
    long_password = "tide " * 40  # 200 characters, no truncation
    sign_up(client, "river@example.org", long_password)
    assert_problem(password_grant(client, "river@example.org", long_password[:-1]), 400)
    sign_in(client, "river@example.org", long_password)


# --- sign-in ----------------------------------------------------------------------------------


@pytest.mark.real_commits
def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: TestClient, app: FastAPI
) -> None:
    make_user(app, email="known@example.org")
    wrong = password_grant(client, "known@example.org", "not the password at all")
    unknown = password_grant(client, "unknown@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400

    def comparable(response: Response) -> dict[str, object]:
        body = dict(response.json())
        body.pop("request_id")
        return body

    assert comparable(wrong) == comparable(unknown)
    assert comparable(wrong)["error"] == "invalid_grant"


def from_address(app: FastAPI, address: str) -> TestClient:
    """A client whose requests come from ``address`` (as a load balancer would say)."""
    return TestClient(app, client=(address, 50000))


# Not real_commits: the rolled-back harness fails any test whose request checks out a second
# connection, so these also prove a failed sign-in is counted on the request's own.
def test_guesses_at_one_account_from_one_address_get_429_but_not_its_owner_elsewhere(
    client: TestClient, app: FastAPI
) -> None:
    make_user(app, email="target@example.org")
    for _ in range(service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert password_grant(client, "target@example.org", "guess guess guess").status_code == 400
    locked = password_grant(client, "target@example.org", PASSWORD)
    assert_problem(locked, 429)
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # The guesses were someone else's: the owner, from their own address, still gets in.
    owner = from_address(app, "198.51.100.20")
    assert password_grant(owner, "target@example.org", PASSWORD).status_code == 200
    # Another account from the guessing address is not held back either.
    other = make_user(app)
    sign_in(client, other.email)


def test_guesses_from_many_addresses_at_one_account_are_stopped_too(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "LOGIN_FAILURES_PER_ACCOUNT", 4)
    make_user(app, email="sprayed@example.org")
    for number in range(4):
        guesser = from_address(app, f"203.0.113.{number + 1}")
        assert (
            password_grant(guesser, "sprayed@example.org", "guess guess guess").status_code == 400
        )
    elsewhere = from_address(app, "203.0.113.99")
    assert_problem(password_grant(elsewhere, "sprayed@example.org", "guess guess guess"), 429)


def test_too_many_failures_from_one_address_get_429(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "LOGIN_FAILURES_PER_ADDRESS", 6)
    for number in range(6):
        password_grant(client, f"nobody{number}@example.org", "guess guess guess")
    person = make_user(app)
    assert_problem(password_grant(client, person.email, PASSWORD), 429)
    # Refused tries count against nothing broader: the account itself was not guessed at.
    assert (
        password_grant(from_address(app, "198.51.100.21"), person.email, PASSWORD).status_code
        == 200
    )


def test_right_passwords_do_not_use_up_a_shared_address(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "LOGIN_FAILURES_PER_ADDRESS", 3)
    people = [make_user(app) for _ in range(5)]
    for person in people:  # a clinic's staff signing in behind one address
        assert password_grant(client, person.email, PASSWORD).status_code == 200


@pytest.mark.real_commits
def test_concurrent_guesses_never_get_past_the_limit(client: TestClient, app: FastAPI) -> None:
    make_user(app, email="raced@example.org")
    guesses = service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS * 3
    answers = at_once(
        *[
            lambda: password_grant(client, "raced@example.org", "guess guess guess")
            for _ in range(guesses)
        ]
    )
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(400) == service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, statuses
    assert statuses.count(429) == guesses - service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS


def test_a_deactivated_account_cannot_sign_in(client: TestClient, app: FastAPI) -> None:
    person = make_user(app)
    with app.state.session_factory.begin() as db:
        db.get(type(person), person.id).is_active = False
    body = assert_problem(password_grant(client, person.email, PASSWORD), 400)
    assert "deactivated" in body["detail"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "password", "username": "a@example.org"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, "invalid_client"),
    ],
)
def test_token_requests_get_rfc6749_errors(
    client: TestClient, data: dict[str, str], error: str
) -> None:
    response = client.post(TOKEN, data=data)
    assert response.status_code in (400, 401)
    assert response.json()["error"] == error


def test_the_token_endpoint_takes_a_form_not_json(client: TestClient) -> None:
    response = client.post(TOKEN, json={"grant_type": "password"})
    assert_problem(response, 422)


# --- refresh rotation -------------------------------------------------------------------------


def refresh(client: TestClient, token: str) -> Response:
    return client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": token})


def test_refresh_rotates_and_the_old_refresh_token_is_spent(client: TestClient) -> None:
    person = make_person(client)
    first = refresh(client, person.refresh_token)
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != person.refresh_token
    assert (
        client.get(ME, headers={"Authorization": f"Bearer {rotated['access_token']}"}).status_code
        == 200
    )
    second = refresh(client, rotated["refresh_token"])
    assert second.status_code == 200


@pytest.mark.real_commits
def test_a_replayed_refresh_token_revokes_its_whole_family(client: TestClient) -> None:
    person = make_person(client)
    rotated = refresh(client, person.refresh_token).json()
    replay = refresh(client, person.refresh_token)
    assert assert_problem(replay, 400)["error"] == "invalid_grant"
    # Everything of that sign-in is now dead: the newest refresh token and the access tokens.
    assert_problem(refresh(client, rotated["refresh_token"]), 400)
    for access in (person.access_token, rotated["access_token"]):
        assert_problem(client.get(ME, headers={"Authorization": f"Bearer {access}"}), 401)
    # Other sign-ins of the same person are untouched.
    other = sign_in(client, person.email)
    assert refresh(client, other["refresh_token"]).status_code == 200


# --- sign-out and password change --------------------------------------------------------------


def test_logout_ends_this_session_only(client: TestClient) -> None:
    person = make_person(client)
    laptop = sign_in(client, person.email)
    response = client.post("/api/v1/auth/logout", headers=person.headers)
    assert response.status_code == 204
    assert_problem(client.get(ME, headers=person.headers), 401)
    assert_problem(refresh(client, person.refresh_token), 400)
    laptop_headers = {"Authorization": f"Bearer {laptop['access_token']}"}
    assert client.get(ME, headers=laptop_headers).status_code == 200


def test_logout_everywhere_ends_every_session(client: TestClient) -> None:
    person = make_person(client)
    laptop = sign_in(client, person.email)
    response = client.post("/api/v1/auth/logout", headers=person.headers, json={"everywhere": True})
    assert response.status_code == 204
    for access in (person.access_token, laptop["access_token"]):
        assert_problem(client.get(ME, headers={"Authorization": f"Bearer {access}"}), 401)
    assert_problem(refresh(client, laptop["refresh_token"]), 400)


def test_logout_needs_a_token(client: TestClient) -> None:
    assert_problem(client.post("/api/v1/auth/logout"), 401)


@pytest.mark.real_commits
def test_password_change_ends_other_sessions_and_keeps_the_caller_in(
    client: TestClient,
) -> None:
    person = make_person(client)
    laptop = sign_in(client, person.email)
    response = client.post(
        "/api/v1/me/password",
        headers=person.headers,
        json={"current_password": PASSWORD, "new_password": "a brand new quiet lake"},
    )
    assert response.status_code == 200
    fresh = response.json()
    assert (
        client.get(ME, headers={"Authorization": f"Bearer {fresh['access_token']}"}).status_code
        == 200
    )
    for access in (person.access_token, laptop["access_token"]):
        assert_problem(client.get(ME, headers={"Authorization": f"Bearer {access}"}), 401)
    assert_problem(password_grant(client, person.email, PASSWORD), 400)
    sign_in(client, person.email, "a brand new quiet lake")


def test_password_change_needs_the_current_password(client: TestClient, app: FastAPI) -> None:
    person = make_person(client)
    response = client.post(
        "/api/v1/me/password",
        headers=person.headers,
        json={"current_password": "not it at all", "new_password": "a brand new quiet lake"},
    )
    assert_problem(response, 403)
    assert client.get(ME, headers=person.headers).status_code == 200


# --- password reset by email -------------------------------------------------------------------


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


def reset_token_from(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    body = part.get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(r"reset-password\?token=([A-Za-z0-9_-]+)", body.decode())
    assert match, body
    return match.group(1)


def request_reset(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/password-reset", json={"email": email})
    assert response.status_code == 202
    body: dict[str, str] = response.json()
    return body


@pytest.mark.real_commits
def test_password_reset_by_email_end_to_end(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_person(client)
    request_reset(client, person.email.upper())
    assert deliver(app, settings, port) == 1
    assert len(box.messages) == 1
    message = box.messages[0]
    assert message["To"] == person.email
    assert "Reset your Strength Circles password" in message["Subject"]
    token = reset_token_from(message)
    # Two parts with the same words: plain text, then accessible HTML whose link is a link.
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    html_text = rich.get_content()
    assert '<html lang="en">' in html_text
    link = f"{settings.public_url}/reset-password?token={token}"
    assert f'<a href="{link}">{link}</a>' in html_text
    assert "<title>Reset your Strength Circles password</title>" in html_text

    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a fresh start in spring"},
    )
    assert response.status_code == 204
    assert_problem(client.get(ME, headers=person.headers), 401)
    assert_problem(password_grant(client, person.email, PASSWORD), 400)
    sign_in(client, person.email, "a fresh start in spring")
    # Single use.
    again = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "yet another new phrase"},
    )
    assert assert_problem(again, 400)["type"].endswith("invalid-reset-token")
    # Delivered once: the next round sends nothing.
    assert deliver(app, settings, port) == 0


@pytest.mark.real_commits
def test_a_reset_link_dies_when_another_is_used_or_the_password_changes(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_person(client)
    request_reset(client, person.email)
    request_reset(client, person.email)
    assert deliver(app, settings, port) == 2
    first, second = (reset_token_from(message) for message in box.messages)
    used = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": second, "new_password": "a fresh start in spring"},
    )
    assert used.status_code == 204, used.text
    stale = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": first, "new_password": "someone else's idea"},
    )
    assert assert_problem(stale, 400)["type"].endswith("invalid-reset-token")
    # A link sent before a password change is refused after it, too (the third of the hour).
    tokens = sign_in(client, person.email, "a fresh start in spring")
    request_reset(client, person.email)
    assert deliver(app, settings, port) == 1
    before_change = reset_token_from(box.messages[-1])
    changed = client.post(
        CHANGE_PASSWORD,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        json={"current_password": "a fresh start in spring", "new_password": "my own new phrase"},
    )
    assert changed.status_code == 200, changed.text
    late = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": before_change, "new_password": "someone else's idea"},
    )
    assert_problem(late, 400)
    sign_in(client, person.email, "my own new phrase")


@pytest.mark.real_commits
def test_reset_answers_the_same_for_unknown_emails_and_sends_nothing(
    client: TestClient, app: FastAPI
) -> None:
    person = make_user(app)
    known = request_reset(client, person.email)
    unknown = request_reset(client, "nobody-here@example.org")
    assert known == unknown
    with app.state.session_factory() as db:
        recipients = db.scalars(select(OutboxMessage.to_address)).all()
    assert recipients == [person.email]


def test_an_expired_or_made_up_reset_token_is_refused(client: TestClient, app: FastAPI) -> None:
    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": "made-up-token-value", "new_password": "a fresh start in spring"},
    )
    assert_problem(response, 400)


@pytest.mark.real_commits
def test_a_locked_out_account_can_still_reset_and_sign_in(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_user(app)
    for _ in range(service.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        password_grant(client, person.email, "guess guess guess")
    assert_problem(password_grant(client, person.email, PASSWORD), 429)
    request_reset(client, person.email)
    deliver(app, settings, port)
    token = reset_token_from(box.messages[-1])
    client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "back in through the front door"},
    )
    sign_in(client, person.email, "back in through the front door")


@pytest.mark.real_commits
def test_reset_requests_are_capped_per_account(client: TestClient, app: FastAPI) -> None:
    person = make_user(app)
    for _ in range(passwords.RESET_REQUESTS_PER_HOUR + 2):
        request_reset(client, person.email)
    with app.state.session_factory() as db:
        queued = db.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued == passwords.RESET_REQUESTS_PER_HOUR


@pytest.mark.real_commits
def test_without_smtp_development_writes_the_email_to_the_log(
    client: TestClient, app: FastAPI, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    person = make_user(app)
    request_reset(client, person.email)
    assert deliver_pending(app.state.session_factory, create_sender(settings)) == 1
    assert "reset-password?token=" in caplog.text
    assert person.email in caplog.text


@pytest.mark.real_commits
def test_a_failed_delivery_is_retried(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_user(app)
    request_reset(client, person.email)
    assert deliver(app, settings, free_port()) == 0  # nothing listens there
    with app.state.session_factory() as db:
        message = db.scalars(select(OutboxMessage)).one()
        assert message.sent_at is None
        assert message.attempts == 1
        assert message.last_error
        assert message.next_attempt_at is not None
        retry_at = message.next_attempt_at
    # Not again at once (a server that is down is not hammered), but once the wait is over.
    assert deliver(app, settings, port) == 0
    with use_time_source(lambda: retry_at + timedelta(seconds=1)):
        assert deliver(app, settings, port) == 1
    assert len(box.messages) == 1


# --- the caller's own profile ------------------------------------------------------------------


def test_me_reads_and_updates_the_profile(client: TestClient) -> None:
    person: Person = make_person(client)
    response = client.patch(
        ME,
        headers=person.headers,
        json={
            "display_name": "Quiet Harbor",
            "pronouns": "they/them",
            "timezone": "America/Chicago",
            "languages": ["en", "es-MX"],
            "attendance_privacy": "anonymous",
            "calendar_shows_group_names": True,
        },
    )
    assert response.status_code == 200, response.text
    me = client.get(ME, headers=person.headers).json()
    assert me["display_name"] == "Quiet Harbor"
    assert me["pronouns"] == "they/them"
    assert me["timezone"] == "America/Chicago"
    assert me["languages"] == ["en", "es-MX"]
    assert me["attendance_privacy"] == "anonymous"
    assert me["calendar_shows_group_names"] is True


def test_me_cannot_change_role_or_email(client: TestClient) -> None:
    person = make_person(client)
    for field, value in (("role", "admin"), ("email", "new@example.org"), ("is_active", True)):
        body = assert_problem(client.patch(ME, headers=person.headers, json={field: value}), 422)
        assert body["errors"][0]["loc"] == ["body", field]
    me = client.get(ME, headers=person.headers).json()
    assert me["role"] == "member"
    assert me["email"] == person.email


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"display_name": "call me 555 123 4567"}, "display_name"),
        ({"languages": ["English!"]}, "languages"),
        ({"attendance_privacy": "secret"}, "attendance_privacy"),
    ],
)
def test_me_refuses_invalid_values_and_changes_nothing(
    client: TestClient, changes: dict[str, object], field: str
) -> None:
    person = make_person(client)
    before = client.get(ME, headers=person.headers).json()
    body = assert_problem(client.patch(ME, headers=person.headers, json=changes), 422)
    assert body["errors"][0]["loc"][:2] == ["body", field]
    assert client.get(ME, headers=person.headers).json() == before


@pytest.fixture
def held_password_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[], threading.Event]]:
    """``hold()``: from then on, password checks of sign-ins wait until the event it gives
    is set (at most 20 s)."""
    gate = threading.Event()
    real = security.verify_password

    def held(password: str, stored: str | None) -> tuple[bool, str | None]:
        gate.wait(20)
        return real(password, stored)

    def hold() -> threading.Event:
        monkeypatch.setattr(service, "verify_password", held)
        return gate

    yield hold
    gate.set()


@pytest.mark.real_commits
def test_sign_ins_waiting_on_password_checks_leave_the_database_to_others(
    client: TestClient, app: FastAPI, held_password_checks: Callable[[], threading.Event]
) -> None:
    """A flood of sign-ins once took every database slot while their hashes ran, and the
    directory slowed from 10 ms to over a second; they now wait for their turn first."""
    person = make_person(client)
    gate = held_password_checks()
    with ThreadPoolExecutor(max_workers=13) as pool:
        signing_in = [
            pool.submit(password_grant, client, person.email, PASSWORD) for _ in range(12)
        ]
        time.sleep(0.5)  # let them all arrive
        meanwhile = pool.submit(client.get, "/api/v1/me/groups", headers=person.headers)
        # Answered while every sign-in still waits: a database slot stayed free for it.
        assert meanwhile.result(timeout=10).status_code == 200
        assert not any(future.done() for future in signing_in)
        gate.set()
        assert [future.result(timeout=30).status_code for future in signing_in] == [200] * 12


@pytest.mark.real_commits
def test_a_flood_of_password_checks_past_the_queue_is_turned_away(
    client: TestClient,
    app: FastAPI,
    held_password_checks: Callable[[], threading.Event],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("backend.core.admission.MAX_WAITING_TO_HASH", 2)
    person = make_person(client)
    gate = held_password_checks()
    slots = app.state.password_slots.value  # all free: none is in use yet
    with ThreadPoolExecutor(max_workers=slots + 6) as pool:
        futures = [
            pool.submit(password_grant, client, person.email, PASSWORD) for _ in range(slots + 6)
        ]
        time.sleep(0.5)
        gate.set()
        answers = [future.result(timeout=30) for future in futures]
    busy = [answer for answer in answers if answer.status_code == 503]
    assert len(busy) == 4  # beyond those checking and the two waiting
    assert assert_problem(busy[0], 503)["type"].endswith("busy")
    assert busy[0].headers["retry-after"] == "2"
    assert sum(answer.status_code == 200 for answer in answers) == slots + 2
