"""One-click unsubscribe (RFC 8058) from the outside: the email as a mail app receives it from a
real SMTP server on loopback, the POST a mail provider sends to its List-Unsubscribe address,
and every link that is not one of ours."""

import re
from collections.abc import Iterator
from email.message import EmailMessage, Message
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from backend.core.config import Settings
from backend.notifications import unsubscribe
from backend.notifications.models import NotificationKind
from tests.conftest import DatabaseUnderTest, app_settings
from tests.factories import PASSWORD, Person, make_person
from tests.notifications.notices import emails_of, notice, send
from tests.support.mail import Mailbox, deliver, smtp_server
from tests.support.problems import assert_problem

PUBLIC_URL = "https://circles.example.org"
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


@pytest.fixture
def settings(database: DatabaseUnderTest, app_folder: Path) -> Settings:
    """The test settings, served at an https address as in production (RFC 8058 wants the
    one-click address to be https)."""
    return app_settings(database.url, app_folder).model_copy(update={"public_url": PUBLIC_URL})


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


def received(box: Mailbox, person: Person) -> list[EmailMessage]:
    found = []
    for message in box.messages:
        assert isinstance(message, EmailMessage)
        if message["To"] == person.email:
            found.append(message)
    return found


def plain_and_html(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(plain, EmailMessage)
    assert isinstance(rich, EmailMessage)
    return plain.get_content(), rich.get_content()


def one_click_path(message: Message) -> str:
    """The path of the List-Unsubscribe address, for the test client."""
    match = re.fullmatch(r"<(https://[^>]+)>", str(message["List-Unsubscribe"]))
    assert match, message["List-Unsubscribe"]
    url = match.group(1)
    assert url.startswith(PUBLIC_URL + "/api/v1/unsubscribe/")
    return url.removeprefix(PUBLIC_URL)


def one_click(client: TestClient, path: str) -> Response:
    """What a mail provider sends (RFC 8058 section 3.2): a form POST, no cookies, no sign-in."""
    return client.post(path, content=ONE_CLICK_BODY, headers=ONE_CLICK)


def test_an_email_carries_the_one_click_headers_and_the_footer_link(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_person(client)
    send(app, settings, [person.user], notice(NotificationKind.changes, "A meeting moved"))
    assert deliver(app, settings, port) == 1

    (message,) = received(box, person)
    assert message["Subject"] == "A meeting moved"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = one_click_path(message)
    token = path.removeprefix("/api/v1/unsubscribe/")
    assert unsubscribe.read_token(settings, token) == (person.user.id, NotificationKind.changes)

    plain, rich = plain_and_html(message)
    page = f"{PUBLIC_URL}/unsubscribe/{token}"
    account = f"{PUBLIC_URL}/account#notifications"
    assert f"To stop emails like this one: {page}" in plain
    assert f"on your account page: {account}" in plain
    assert f'<a href="{page}">{page}</a>' in rich
    assert f'<a href="{account}">{account}</a>' in rich


def test_one_click_stops_that_kind_of_email_only(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person, other = make_person(client), make_person(client)
    send(app, settings, [person.user, other.user], notice(NotificationKind.changes))
    assert deliver(app, settings, port) == 2
    (message,) = received(box, person)
    path = one_click_path(message)

    response = one_click(client, path)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "kind": "changes",
        "description": "news about your waitlist places, meetings and join requests",
        "email_on": False,
    }
    # Again (a provider retries): the same answer, nothing more changes.
    assert one_click(client, path).json() == response.json()
    # Any body, or none, is a one-click too (the button on the web page sends none).
    assert client.post(path).status_code == 200

    channels = client.get("/api/v1/me/notification-settings", headers=person.headers).json()
    assert channels["channels"]["changes"] == {"email": False, "push": True, "app": True}
    assert channels["channels"]["mentoring"]["email"] is True

    send(app, settings, [person.user, other.user], notice(NotificationKind.changes, "Moved"))
    send(app, settings, [person.user], notice(NotificationKind.mentoring, "Mentor news"))
    assert deliver(app, settings, port) == 2
    assert [m["Subject"] for m in received(box, person)] == ["News", "Mentor news"]
    assert [m["Subject"] for m in received(box, other)] == ["News", "Moved"]
    # Still in the app: unsubscribing stops email, not the notification centre.
    listed = client.get("/api/v1/me/notifications", headers=person.headers).json()["items"]
    assert [item["title"] for item in listed] == ["Mentor news", "Moved", "News"]


def test_reading_the_link_describes_it_and_changes_nothing(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    person = make_person(client)
    token = unsubscribe.token_for(settings, person.user.id, NotificationKind.reminders)
    path = f"/api/v1/unsubscribe/{token}"
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "kind": "reminders",
            "description": "reminders before your meetings",
            "email_on": True,
        }
    send(app, settings, [person.user], notice(NotificationKind.reminders))
    assert len(emails_of(app, person.user.id)) == 1
    assert one_click(client, path).status_code == 200
    assert client.get(path).json()["email_on"] is False


def assert_not_a_link(client: TestClient, token: str) -> None:
    for response in (
        client.get(f"/api/v1/unsubscribe/{token}"),
        one_click(client, f"/api/v1/unsubscribe/{token}"),
    ):
        problem = assert_problem(response, 404)
        assert problem["type"].endswith(":unsubscribe-link-not-found")
        assert "account page" in problem["detail"]


def test_links_that_are_not_ours_are_not_found_and_change_nothing(
    client: TestClient, settings: Settings
) -> None:
    person, other = make_person(client), make_person(client)
    token = unsubscribe.token_for(settings, person.user.id, NotificationKind.changes)
    user_hex, kind, signature = token.split(".")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    security = unsubscribe.token_for(settings, person.user.id, NotificationKind.security)
    for bad in (
        f"{user_hex}.{kind}.{flipped}",  # tampered signature
        f"{other.user.id.hex}.{kind}.{signature}",  # this signature on someone else
        f"{user_hex}.mentoring.{signature}",  # on another kind
        security,  # security email cannot be switched off
        f"{user_hex}.birthdays.{signature}",
        f"{user_hex}.{kind}",
        token.upper(),
        token + "0",
        "garbage",
        "%20",
        "x" * 300,
    ):
        assert_not_a_link(client, bad)
    for who in (person, other):
        channels = client.get("/api/v1/me/notification-settings", headers=who.headers).json()
        assert all(choice["email"] for choice in channels["channels"].values())


def test_an_erased_accounts_links_stop_working(client: TestClient, settings: Settings) -> None:
    person = make_person(client)
    token = unsubscribe.token_for(settings, person.user.id, NotificationKind.changes)
    assert client.get(f"/api/v1/unsubscribe/{token}").status_code == 200
    erased = client.request(
        "DELETE", "/api/v1/me", headers=person.headers, json={"password": PASSWORD}
    )
    assert erased.status_code == 204, erased.text
    assert_not_a_link(client, token)


def test_security_and_account_emails_carry_no_unsubscribe(
    client: TestClient, app: FastAPI, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    person = make_person(client)
    reset = client.post("/api/v1/auth/password-reset", json={"email": person.email})
    assert reset.status_code == 202
    send(app, settings, [person.user], notice(NotificationKind.security, "A new sign-in"))
    send(app, settings, [person.user], notice(NotificationKind.moderation, "A note"))
    assert deliver(app, settings, port) == 3

    by_subject = {str(message["Subject"]): message for message in received(box, person)}
    assert set(by_subject) == {"Reset your Strength Circles password", "A new sign-in", "A note"}
    for subject in ("Reset your Strength Circles password", "A new sign-in"):
        message = by_subject[subject]
        assert "List-Unsubscribe" not in message
        assert "List-Unsubscribe-Post" not in message
        plain, _ = plain_and_html(message)
        assert "/unsubscribe/" not in plain
    assert "List-Unsubscribe" in by_subject["A note"]  # the check above could fail
