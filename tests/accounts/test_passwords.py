"""Password storage: argon2id at OWASP's parameters, rehashed on sign-in when they change, and
a cap on how many hashes run at once so a flood of sign-ins cannot exhaust memory.

The suite hashes with argon2's cheapest parameters (tests/conftest.py); the tests here that are
about the parameters themselves ask for production's with ``production_hashing``."""

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from backend.accounts.models import User
from backend.core import security
from tests.factories import PASSWORD, make_user, sign_in

PRODUCTION_PARAMETERS = "$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashing() -> Iterator[None]:
    with security.use_password_hasher(security.PASSWORD_HASHER):
        yield


def test_production_hashes_are_argon2id_at_owasps_parameters() -> None:
    """In a fresh interpreter, as the app runs, untouched by the suite's cheap hasher."""
    program = (
        "from backend.core import security\n"
        f"stored = security.hash_password({PASSWORD!r})\n"
        f"assert security.verify_password({PASSWORD!r}, stored) == (True, None)\n"
        "print(stored)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    stored = result.stdout.strip()
    assert stored.startswith(PRODUCTION_PARAMETERS), stored
    assert security.PASSWORD_HASHER.identify(stored)


def test_the_suite_hashes_cheaply_and_verifies_without_rehashing() -> None:
    """The suite's hashes verify as current, so no test depends on a rehash it never asked
    for; production's are rehashed to the suite's (the same rule as any change of
    parameters)."""
    stored = security.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$"), stored
    assert security.verify_password(PASSWORD, stored) == (True, None)
    matches, rehashed = security.verify_password(
        PASSWORD, PasswordHash((security.PASSWORD_HASHER,)).hash(PASSWORD)
    )
    assert matches
    assert rehashed is not None
    assert rehashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")


@pytest.mark.usefixtures("production_hashing")
def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
    client: TestClient, app: FastAPI
) -> None:
    old_hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),))
    user = make_user(app)
    with app.state.session_factory.begin() as db:
        db.get_one(User, user.id).password_hash = old_hasher.hash(PASSWORD)
    sign_in(client, user.email)
    with app.state.session_factory() as db:
        rehashed = db.get_one(User, user.id).password_hash
    assert "m=19456,t=2,p=1" in rehashed
    sign_in(client, user.email)  # and the new hash verifies


def test_unknown_accounts_still_pay_for_a_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown email verifies against a dummy hash, so it costs what a wrong password
    costs and speed does not tell an attacker which emails have accounts."""
    verified: list[str] = []

    class RecordingHasher:
        def verify(self, password: str, stored: str) -> bool:
            verified.append(stored)
            return False

    monkeypatch.setattr(security, "_password_hash", RecordingHasher())
    assert security.verify_password(PASSWORD, None) == (False, None)
    assert verified == [security._DUMMY_HASH]
    assert verified[0].startswith("$argon2id$")


def test_concurrent_hashing_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return "hashed"

    monkeypatch.setattr(security, "_password_hash", SlowHasher())
    with ThreadPoolExecutor(max_workers=security.MAX_CONCURRENT_HASHES * 3) as pool:
        results = list(
            pool.map(security.hash_password, ["pw"] * security.MAX_CONCURRENT_HASHES * 3)
        )
    assert results == ["hashed"] * security.MAX_CONCURRENT_HASHES * 3
    assert most == security.MAX_CONCURRENT_HASHES
