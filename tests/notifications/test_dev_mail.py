"""The development mail page and its JSON twin: present in development, absent in production,
newest first, everything escaped, links a browser can follow."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.config import Settings
from backend.main import create_app
from backend.notifications.models import OutboxMessage
from tests.factories import PASSWORD, make_person
from tests.support.problems import assert_problem

PAGE = "/dev/mail"
LATEST = "/dev/mail/latest"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def queue(app: FastAPI, *messages: dict[str, object]) -> None:
    with app.state.session_factory.begin() as db:
        for number, fields in enumerate(messages):
            values: dict[str, object] = {
                "user_id": None,
                "to_address": "someone@example.org",
                "subject": f"Message {number}",
                "body_text": "Hello.",
                "created_at": START + timedelta(minutes=number),
            } | fields
            db.add(OutboxMessage(**values))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser on the machine the server runs on: the only one the pages answer."""
    with TestClient(
        app,
        base_url="http://127.0.0.1:8000",
        raise_server_exceptions=False,
        client=("127.0.0.1", 50000),
    ) as local:
        yield local


# --- who may see it, and where ----------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, f"{LATEST}?to=someone@example.org"])
def test_the_mail_pages_answer_no_one_on_another_machine(app: FastAPI, path: str) -> None:
    queue(app, {"subject": "Reset your password"})
    for address in ("192.168.1.20", "10.0.0.5", "2001:db8::1", "testclient"):
        with TestClient(app, raise_server_exceptions=False, client=(address, 50000)) as remote:
            response = remote.get(path)
            assert_problem(response, 404)
            assert "Reset your password" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},  # a DNS-rebinding page: loopback connection, its own name
        {"Host": "circles.staging.example:8000"},
        {"X-Forwarded-For": "203.0.113.7"},  # a proxy on this machine, for someone else
        {"Forwarded": "for=203.0.113.7"},
    ],
)
def test_the_mail_pages_answer_no_one_through_a_proxy_or_another_name(
    client: TestClient, app: FastAPI, headers: dict[str, str]
) -> None:
    queue(app, {"subject": "Reset your password"})
    for path in (PAGE, f"{LATEST}?to=someone@example.org"):
        response = client.get(path, headers=headers)
        assert_problem(response, 404)
        assert "Reset your password" not in response.text


def test_localhost_by_name_is_this_machine_too(client: TestClient, app: FastAPI) -> None:
    queue(app, {"subject": "Confirm your email"})
    assert "Confirm your email" in client.get(PAGE, headers={"Host": "localhost:8000"}).text


def test_anyone_may_read_the_mail_pages_in_development(client: TestClient, app: FastAPI) -> None:
    queue(app, {"subject": "For anyone"})
    person = make_person(client)
    for headers in ({}, person.headers):
        page = client.get(PAGE, headers=headers)
        assert page.status_code == 200
        assert "For anyone" in page.text
        latest = client.get(LATEST, params={"to": "someone@example.org"}, headers=headers)
        assert latest.status_code == 200


@pytest.mark.parametrize("path", [PAGE, f"{LATEST}?to=someone@example.org"])
def test_the_mail_pages_do_not_exist_in_production(settings: Settings, path: str) -> None:
    production = Settings.model_validate(settings.model_dump() | {"env": "production"})
    # From this machine, so only production's own rule can explain the 404.
    with TestClient(
        create_app(production),
        base_url="http://127.0.0.1:8000",
        raise_server_exceptions=False,
        client=("127.0.0.1", 50000),
    ) as client:
        queue(client.app, {"subject": "Not for production"})  # type: ignore[arg-type]
        response = client.get(path)
        assert_problem(response, 404)
        assert "Not for production" not in response.text


def test_the_mail_pages_are_not_in_the_api_document(app: FastAPI) -> None:
    assert not [path for path in app.openapi()["paths"] if path.startswith("/dev")]


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_newest_50_newest_first(client: TestClient, app: FastAPI) -> None:
    queue(app, *({} for _ in range(52)))

    page = client.get(PAGE)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    subjects = re.findall(r"<h2>(Message \d+)</h2>", page.text)
    assert subjects == [f"Message {number}" for number in range(51, 1, -1)]
    assert "<h1>Development mail</h1>" in page.text
    assert "This is a development page" in page.text
    assert "To: someone@example.org" in page.text
    assert '<time datetime="2026-12-01T09:51:00+00:00">' in page.text


def test_the_page_says_when_there_is_nothing_yet(client: TestClient) -> None:
    assert "No emails yet" in client.get(PAGE).text


def test_everything_from_a_message_is_escaped_and_only_web_addresses_are_links(
    client: TestClient, app: FastAPI
) -> None:
    queue(
        app,
        {
            "to_address": "<i>to</i>@example.org",
            "subject": "<b>Hello</b> & welcome",
            "body_text": (
                "<script>alert(1)</script>\n"
                "Open https://circles.example.org/reset-password?token=a_b-c&x=<y>.\n"
                'Not this: javascript:alert(1) nor "http://quoted.example/"\n'
            ),
        },
    )

    page = client.get(PAGE).text

    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Hello&lt;/b&gt; &amp; welcome" in page
    assert "&lt;i&gt;to&lt;/i&gt;@example.org" in page
    links = re.findall(r'<a href="([^"]*)">', page)
    assert links == [
        "https://circles.example.org/reset-password?token=a_b-c&amp;x=",
        "http://quoted.example/",
    ]
    assert "javascript:alert(1)" in page  # shown as text, never as a link


def test_the_page_carries_the_security_headers_and_runs_nothing(client: TestClient) -> None:
    response = client.get(PAGE)
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"  # links never leak tokens
    assert response.headers["cache-control"] == "no-store"
    assert "<script" not in response.text
    assert "style" not in response.text


@pytest.mark.real_commits
def test_a_newcomer_signs_up_with_the_link_on_the_page(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "newcomer@example.org", "password": PASSWORD, "display_name": "Newcomer"},
    )
    assert response.status_code == 202

    page = client.get(PAGE).text
    [link] = re.findall(r'<a href="(http://127\.0\.0\.1:8000/confirm-email\?token=[^"]+)">', page)
    token = link.split("token=")[1]

    confirmed = client.post(
        "/api/v1/auth/confirm-email", json={"token": token, "password": PASSWORD}
    )
    assert confirmed.status_code == 204


# --- the newest email to one address ----------------------------------------------------------


def test_latest_gives_the_newest_email_to_the_address(client: TestClient, app: FastAPI) -> None:
    queue(
        app,
        {"to_address": "river@example.org", "subject": "Older"},
        {"to_address": "river@example.org", "subject": "Newer", "body_text": "Hello, River."},
        {"to_address": "maple@example.org", "subject": "Someone else's"},
    )

    response = client.get(LATEST, params={"to": "River@Example.org"})

    assert response.status_code == 200
    assert response.json() == {
        "to": "river@example.org",
        "subject": "Newer",
        "body_text": "Hello, River.",
        "created_at": "2026-12-01T09:01:00Z",
    }


def test_latest_is_a_404_when_nothing_was_sent_there(client: TestClient, app: FastAPI) -> None:
    queue(app, {"to_address": "river@example.org"})
    body = assert_problem(client.get(LATEST, params={"to": "nobody@example.org"}), 404)
    assert body["detail"] == "No email to this address has been queued yet."
    assert_problem(client.get(LATEST), 422)
