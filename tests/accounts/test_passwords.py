"""Password storage: argon2id at OWASP's parameters, rehashed on sign-in when they change, and
a cap on how many hashes run at once so a flood of sign-ins cannot exhaust memory."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from backend.accounts.models import User
from backend.core import security
from tests.factories import PASSWORD, make_user, sign_in


def test_hashes_are_argon2id_with_at_least_owasp_parameters() -> None:
    stored = security.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    parameters = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert int(parameters["m"]) >= 19 * 1024
    assert int(parameters["t"]) >= 2
    assert int(parameters["p"]) >= 1


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
