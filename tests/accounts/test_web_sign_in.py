"""The web app's sign-in: with ``X-Circles-Client: web`` the refresh token lives in an HttpOnly
cookie and never in a body; the cookie is used only by the app's own pages (a cross-site form
or another origin is refused and spends nothing); the paths that end a session clear it; and
clients without the header work exactly as before."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from backend.core.config import Settings
from backend.core.security import issue_token
from backend.main import create_app
from tests.factories import PASSWORD, Person, make_person, make_user, reset_link_token
from tests.support.problems import assert_problem

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/me"
COOKIE = "circles_refresh"
APP_ORIGIN = "http://127.0.0.1:8000"  # the test settings' CIRCLES_PUBLIC_URL (the default)
EVIL = "https://evil.example"
THIRTY_DAYS = 30 * 24 * 3600
NOT_FROM_THE_APP = "This request did not come from the Strength Circles app."


def web(origin: str | None = APP_ORIGIN) -> dict[str, str]:
    return {"X-Circles-Client": "web"} | ({"Origin": origin} if origin else {})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def password_grant(
    client: TestClient, email: str, headers: dict[str, str] | None = None
) -> Response:
    return client.post(
        TOKEN,
        data={"grant_type": "password", "username": email, "password": PASSWORD},
        headers=headers or {},
    )


def cookie_refresh(client: TestClient, headers: dict[str, str] | None = None) -> Response:
    """A refresh grant without the refresh_token field: the browser sends its cookie."""
    return client.post(TOKEN, data={"grant_type": "refresh_token"}, headers=headers or {})


def body_refresh(client: TestClient, token: str) -> Response:
    return client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": token})


def refresh_cookie_header(response: Response) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    return header


def value_and_attributes(header: str) -> tuple[str, set[str]]:
    pair, *attributes = (part.strip() for part in header.split(";"))
    return pair.removeprefix(f"{COOKIE}="), set(attributes)


def assert_sets_cookie(response: Response, *, secure: bool = False) -> str:
    """The response sets the refresh cookie with exactly the agreed attributes; its token."""
    token, attributes = value_and_attributes(refresh_cookie_header(response))
    expected = {"HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", f"Max-Age={THIRTY_DAYS}"}
    assert attributes == expected | ({"Secure"} if secure else set())
    assert token.count(".") == 2  # a JWT
    return token


def assert_clears_cookie(response: Response) -> None:
    value, attributes = value_and_attributes(refresh_cookie_header(response))
    assert value == ""
    assert {"Max-Age=0", "Path=/api/v1/auth", "HttpOnly", "SameSite=Strict"} <= attributes


def assert_no_cookie(response: Response) -> None:
    assert "set-cookie" not in response.headers


def use_cookie(client: TestClient, token: str) -> None:
    """The browser holds ``token`` (and nothing else) as the refresh cookie."""
    client.cookies.clear()
    client.cookies.set(COOKIE, token, domain="testserver.local", path="/api/v1/auth")


def web_sign_in(
    client: TestClient, person: Person, headers: dict[str, str] | None = None
) -> tuple[str, str]:
    """Sign in as the web app does: the access token, and the cookie's refresh token."""
    response = password_grant(client, person.email, headers or web())
    assert response.status_code == 200, response.text
    return response.json()["access_token"], assert_sets_cookie(response)


@pytest.fixture
def person(client: TestClient) -> Person:
    return make_person(client)


# --- access: who may use the cookie -----------------------------------------------------------


def test_a_cross_site_form_cannot_refresh_and_does_not_spend_the_cookie(
    client: TestClient, person: Person
) -> None:
    web_sign_in(client, person)
    assert client.cookies.get(COOKIE)  # the browser holds the cookie

    for headers in (
        {"Origin": EVIL},
        {"Origin": EVIL, "Content-Type": "application/x-www-form-urlencoded"},
        {},  # an older browser that sends no Origin
    ):
        forged = cookie_refresh(client, headers)
        body = assert_problem(forged, 403)
        assert body["detail"] == NOT_FROM_THE_APP
        assert body["type"].endswith("not-from-the-app")
        assert_no_cookie(forged)  # neither rotated nor cleared

    # The cookie was not spent: the app's own refresh works (a spent one would end the session).
    assert cookie_refresh(client, web()).status_code == 200


@pytest.mark.parametrize(
    "origin",
    [
        EVIL,
        "http://127.0.0.1:8001",  # another port
        "https://127.0.0.1:8000",  # another scheme
        "http://127.0.0.1:8000.evil.example",
        "http://localhost:8000",
        "null",  # sandboxed frames and privacy redirects
    ],
)
def test_the_web_header_from_another_origin_is_refused(
    client: TestClient, person: Person, origin: str
) -> None:
    web_sign_in(client, person)

    refresh = cookie_refresh(client, web(origin))
    assert assert_problem(refresh, 403)["detail"] == NOT_FROM_THE_APP
    assert_no_cookie(refresh)
    sign_in = password_grant(client, person.email, web(origin))
    assert_problem(sign_in, 403)
    assert_no_cookie(sign_in)

    assert cookie_refresh(client, web()).status_code == 200  # nothing was spent


def test_the_web_header_without_an_origin_is_accepted(client: TestClient, person: Person) -> None:
    web_sign_in(client, person)
    response = cookie_refresh(client, web(origin=None))
    assert response.status_code == 200, response.text
    assert_sets_cookie(response)


def test_the_address_the_browser_used_is_the_apps_own_too(
    client: TestClient, person: Person
) -> None:
    """Opened at another name for this server than CIRCLES_PUBLIC_URL (localhost for
    127.0.0.1): the browser's Origin is the address it sent the request to, and that is the
    app. The test client sends every request to http://testserver."""
    web_sign_in(client, person, web("http://testserver"))
    response = cookie_refresh(client, web("http://testserver"))
    assert response.status_code == 200, response.text
    assert_sets_cookie(response)
    refused = cookie_refresh(client, web("http://testserver:8080"))
    assert_problem(refused, 403)


def test_cors_never_lets_the_web_header_through(client: TestClient) -> None:
    """Cookie mode is for the same-origin app: even an allowed CORS origin's preflight for the
    header is refused, so no other site's script can send it."""
    allowed = client.options(
        TOKEN,
        headers={
            "Origin": "https://app.example.org",  # in the test settings' CORS_ORIGINS
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert allowed.status_code == 200
    refused = client.options(
        TOKEN,
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-circles-client",
        },
    )
    assert refused.status_code == 400
    allowed_headers = refused.headers.get("access-control-allow-headers", "").lower()
    assert "x-circles-client" not in allowed_headers


# --- the web app's flow -----------------------------------------------------------------------


def test_the_password_grant_puts_the_refresh_token_in_the_cookie_only(
    client: TestClient, person: Person
) -> None:
    response = password_grant(client, person.email, web())

    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    assert body["token_type"] == "bearer"
    token = assert_sets_cookie(response)
    assert token not in response.text
    assert client.get(ME, headers=bearer(body["access_token"])).status_code == 200


def test_in_production_the_cookie_is_secure_too(settings: Settings) -> None:
    production = Settings.model_validate(settings.model_dump() | {"env": "production"})
    with TestClient(create_app(production)) as client:
        user = make_user(client.app)  # type: ignore[arg-type]
        response = password_grant(client, user.email, web())
        assert response.status_code == 200, response.text
        assert_sets_cookie(response, secure=True)


def test_the_web_app_refreshes_from_the_cookie_and_it_rotates(
    client: TestClient, person: Person
) -> None:
    _, first = web_sign_in(client, person)

    refreshed = cookie_refresh(client, web())

    assert refreshed.status_code == 200, refreshed.text
    assert "refresh_token" not in refreshed.json()
    second = assert_sets_cookie(refreshed)
    assert second != first
    assert client.cookies.get(COOKIE) == second  # the browser keeps the rotated one
    assert client.get(ME, headers=bearer(refreshed.json()["access_token"])).status_code == 200
    again = cookie_refresh(client, web())
    assert again.status_code == 200
    assert assert_sets_cookie(again) not in (first, second)


@pytest.mark.real_commits
def test_a_spent_cookie_ends_the_whole_sign_in_and_is_cleared(
    client: TestClient, person: Person
) -> None:
    access, first = web_sign_in(client, person)
    rotated = cookie_refresh(client, web())
    newest = assert_sets_cookie(rotated)

    use_cookie(client, first)  # a copy of the old cookie, replayed
    replay = cookie_refresh(client, web())

    assert assert_problem(replay, 400)["error"] == "invalid_grant"
    assert_clears_cookie(replay)
    assert client.cookies.get(COOKIE) is None
    # Everything of that sign-in is dead now, the newest cookie and the access tokens included.
    use_cookie(client, newest)
    assert_problem(cookie_refresh(client, web()), 400)
    for token in (access, rotated.json()["access_token"]):
        assert_problem(client.get(ME, headers=bearer(token)), 401)
    # Other sign-ins of the person are untouched.
    assert body_refresh(client, person.refresh_token).status_code == 200


def test_without_a_cookie_the_web_app_is_told_the_session_ended(client: TestClient) -> None:
    response = cookie_refresh(client, web())
    body = assert_problem(response, 400)
    assert body["error"] == "invalid_grant"
    assert body["detail"] == "The session has ended. Sign in again."


def expired_refresh_token(settings: Settings, person: Person) -> str:
    token, _ = issue_token(
        settings,
        subject=str(person.user.id),
        token_type="refresh",
        ttl=timedelta(seconds=-60),
        version=person.user.token_version,
    )
    return token


@pytest.mark.parametrize("case", ["garbage", "expired", "signed out", "password changed"])
def test_a_cookie_that_no_longer_works_is_cleared(
    client: TestClient, person: Person, settings: Settings, case: str
) -> None:
    access, token = web_sign_in(client, person)
    if case == "garbage":
        token = "not.a.token"
    elif case == "expired":
        token = expired_refresh_token(settings, person)
    elif case == "signed out":
        assert client.post("/api/v1/auth/logout", headers=bearer(access)).status_code == 204
    else:
        changed = client.post(
            "/api/v1/me/password",
            headers=bearer(person.access_token),
            json={"current_password": PASSWORD, "new_password": "a brand new quiet lake"},
        )
        assert changed.status_code == 200
    use_cookie(client, token)

    response = cookie_refresh(client, web())

    assert assert_problem(response, 400)["error"] == "invalid_grant"
    assert_clears_cookie(response)


# --- clients without the header ---------------------------------------------------------------


def test_clients_without_the_header_work_exactly_as_before(
    client: TestClient, person: Person
) -> None:
    signed_in = password_grant(client, person.email)
    assert signed_in.status_code == 200
    assert signed_in.json()["refresh_token"]
    assert_no_cookie(signed_in)

    refreshed = body_refresh(client, signed_in.json()["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"]
    assert_no_cookie(refreshed)

    missing = cookie_refresh(client)
    assert assert_problem(missing, 400)["error"] == "invalid_request"
    assert_no_cookie(missing)


# --- the paths that end a session -------------------------------------------------------------


def test_logout_clears_the_cookie(client: TestClient, person: Person) -> None:
    access, _ = web_sign_in(client, person)
    refused = client.post("/api/v1/auth/logout")
    assert_problem(refused, 401)
    assert_no_cookie(refused)

    response = client.post("/api/v1/auth/logout", headers=bearer(access))

    assert response.status_code == 204
    assert_clears_cookie(response)
    assert client.cookies.get(COOKIE) is None


@pytest.mark.real_commits
def test_closing_the_account_clears_the_cookie(client: TestClient, person: Person) -> None:
    access, _ = web_sign_in(client, person)
    wrong = client.request(
        "DELETE", ME, headers=bearer(access), json={"password": "not my password at all"}
    )
    assert_problem(wrong, 403)
    assert_no_cookie(wrong)

    gone = client.request("DELETE", ME, headers=bearer(access), json={"password": PASSWORD})

    assert gone.status_code == 204
    assert_clears_cookie(gone)


@pytest.mark.real_commits
def test_a_password_reset_clears_the_cookie(
    client: TestClient, app: FastAPI, person: Person
) -> None:
    web_sign_in(client, person)
    assert client.post("/api/v1/auth/password-reset", json={"email": person.email}).status_code
    response = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset_link_token(app, person.email), "new_password": "spring is here again"},
    )
    assert response.status_code == 204
    assert_clears_cookie(response)


def test_a_password_change_from_the_web_app_sets_the_new_cookie(
    client: TestClient, person: Person
) -> None:
    access, old = web_sign_in(client, person)
    change = {"current_password": PASSWORD, "new_password": "a brand new quiet lake"}
    foreign = client.post("/api/v1/me/password", headers=bearer(access) | web(EVIL), json=change)
    assert assert_problem(foreign, 403)["detail"] == NOT_FROM_THE_APP
    assert_no_cookie(foreign)

    response = client.post("/api/v1/me/password", headers=bearer(access) | web(), json=change)

    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] is None
    new = assert_sets_cookie(response)
    assert new != old
    assert cookie_refresh(client, web()).status_code == 200
    use_cookie(client, old)
    assert_problem(cookie_refresh(client, web()), 400)  # the old sign-in ended


def test_a_password_change_without_the_header_answers_as_before(
    client: TestClient, person: Person
) -> None:
    response = client.post(
        "/api/v1/me/password",
        headers=person.headers,
        json={"current_password": PASSWORD, "new_password": "a brand new quiet lake"},
    )
    assert response.status_code == 200
    assert response.json()["refresh_token"]
    assert_no_cookie(response)


# --- the contract -----------------------------------------------------------------------------


def test_openapi_documents_the_header_the_cookie_and_the_403(app: FastAPI) -> None:
    spec: dict[str, Any] = app.openapi()
    for path in ("/api/v1/auth/token", "/api/v1/me/password"):
        operation = spec["paths"][path]["post"]
        [header] = [p for p in operation["parameters"] if p["name"] == "X-Circles-Client"]
        assert header["in"] == "header"
        assert "circles_refresh" in header["description"]
        assert "403" in operation["responses"]
        assert "cookie" in operation["description"]
    token = spec["paths"]["/api/v1/auth/token"]["post"]
    assert "HttpOnly; SameSite=Strict; Path=/api/v1/auth" in token["description"]
    for path, method in (("/api/v1/auth/logout", "post"), ("/api/v1/me", "delete")):
        assert "cookie" in spec["paths"][path][method]["description"]
