"""The negative token matrix of SECURITY.md: every untrustworthy token gets 401 with
``WWW-Authenticate: Bearer`` on a protected route, and key rotation by ``kid`` works."""

import base64
import json
import time
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import select

from backend.accounts.models import AuthSession, RefreshToken
from backend.core.config import Settings
from backend.core.security import hash_secret
from backend.main import create_app
from tests.factories import Person, make_person
from tests.support.problems import assert_problem

ME = "/api/v1/me"
WRONG_KEY = "another-key-entirely-" + "y" * 40


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.get_unverified_claims(token)
    return claims


def sign(claims: dict[str, Any], key: str, *, algorithm: str = "HS256", kid: str = "main") -> str:
    token: str = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})
    return token


def unsigned(claims: dict[str, Any], alg: str) -> str:
    return f"{b64({'alg': alg, 'typ': 'JWT', 'kid': 'main'})}.{b64(claims)}."


def without(claim: str) -> Callable[[dict[str, Any], str], str]:
    def forge(claims: dict[str, Any], key: str) -> str:
        return sign({k: v for k, v in claims.items() if k != claim}, key)

    return forge


def changed(**values: Any) -> Callable[[dict[str, Any], str], str]:
    def forge(claims: dict[str, Any], key: str) -> str:
        return sign(claims | values, key)

    return forge


def tampered(claims: dict[str, Any], key: str) -> str:
    header, _, signature = sign(claims, key).split(".")
    return f"{header}.{b64(claims | {'sub': '00000000-0000-0000-0000-000000000000'})}.{signature}"


NOW = int(time.time())
FORGERIES: dict[str, Callable[[dict[str, Any], str], str]] = {
    "alg none": lambda claims, _key: unsigned(claims, "none"),
    "alg NoNe": lambda claims, _key: unsigned(claims, "NoNe"),
    "HS512 with the right key": lambda claims, key: sign(claims, key, algorithm="HS512"),
    "wrong key": lambda claims, _key: sign(claims, WRONG_KEY),
    "unknown kid": lambda claims, key: sign(claims, key, kid="retired-long-ago"),
    "tampered payload": tampered,
    "missing exp": without("exp"),
    "missing aud": without("aud"),
    "missing iss": without("iss"),
    "missing sub": without("sub"),
    "missing jti": without("jti"),
    "missing iat": without("iat"),
    "missing typ": without("typ"),
    "expired": changed(exp=NOW - 60, iat=NOW - 1000, nbf=NOW - 1000),
    "not yet valid": changed(nbf=NOW + 3600),
    "wrong audience": changed(aud="another-api"),
    "wrong issuer": changed(iss="someone-else"),
    "refresh type": changed(typ="refresh"),
    "old token version": changed(ver=-1),
    "unknown session": changed(sid="00000000-0000-0000-0000-000000000000"),
    "garbage": lambda _claims, _key: "not.a.token",
    "empty": lambda _claims, _key: "",
}


@pytest.fixture
def person(client: TestClient) -> Person:
    return make_person(client)


def assert_unauthorized(client: TestClient, token: str) -> None:
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Traceback" not in response.text


def test_a_genuine_token_works(client: TestClient, person: Person) -> None:
    assert client.get(ME, headers=person.headers).status_code == 200


def test_the_genuine_token_carries_every_required_claim(person: Person) -> None:
    header = jwt.get_unverified_header(person.access_token)
    assert header["alg"] == "HS256"
    assert header["kid"] == "main"
    claims = claims_of(person.access_token)
    for claim in ("exp", "iat", "nbf", "sub", "aud", "iss", "jti", "typ", "sid", "ver"):
        assert claim in claims
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60


@pytest.mark.parametrize("case", list(FORGERIES))
def test_untrustworthy_tokens_get_401(
    client: TestClient, person: Person, settings: Settings, case: str
) -> None:
    key = settings.jwt_secret_value()
    assert_unauthorized(client, FORGERIES[case](claims_of(person.access_token), key))


def test_a_refresh_token_is_not_an_access_token(client: TestClient, person: Person) -> None:
    assert_unauthorized(client, person.refresh_token)


def test_an_access_token_is_not_a_refresh_token(client: TestClient, person: Person) -> None:
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": person.access_token},
    )
    assert assert_problem(response, 400)["error"] == "invalid_grant"


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", "bearer  "])
def test_malformed_authorization_headers_get_401(client: TestClient, header: str) -> None:
    response = client.get(ME, headers={"Authorization": header})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_no_token_gets_401_with_bearer_challenge(client: TestClient) -> None:
    response = client.get(ME)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_rotating_the_key_keeps_old_tokens_valid_until_they_expire(
    client: TestClient, person: Person, settings: Settings
) -> None:
    rotated = Settings.model_validate(
        settings.model_dump()
        | {
            "jwt_secret": "the-new-key-" + "n" * 40,
            "jwt_key_id": "next",
            "jwt_previous_keys": {"main": settings.jwt_secret},
        }
    )
    with TestClient(create_app(rotated)) as rotated_client:
        assert rotated_client.get(ME, headers=person.headers).status_code == 200
        fresh = rotated_client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": person.email, "password": person.password},
        ).json()["access_token"]
        assert jwt.get_unverified_header(fresh)["kid"] == "next"
    # The old deployment does not know the new key: a token signed with it is refused there.
    assert_unauthorized(client, fresh)


def test_refresh_tokens_are_stored_hashed(client: TestClient) -> None:
    person = make_person(client)
    app = client.app
    assert isinstance(app, FastAPI)
    with app.state.session_factory() as db:
        stored = db.scalars(
            select(RefreshToken.token_hash)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(AuthSession.user_id == person.user.id)
        ).all()
    assert stored == [hash_secret(person.refresh_token)]
    assert person.refresh_token not in stored[0]


def test_the_jose_in_use_is_one_that_refuses_what_older_ones_accepted() -> None:
    """python-jose before 3.5 let some malformed and algorithm-confused tokens through."""
    major, minor = (int(part) for part in version("python-jose").split(".")[:2])
    assert (major, minor) >= (3, 5)
