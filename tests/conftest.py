"""Fixtures: every test that asks for a database runs on SQLite and on a real PostgreSQL server
that this test run starts itself, each migrated once. A test's writes are rolled back at its end
(tests/support/rollback.py); a test marked ``real_commits`` commits for real and every table is
emptied after it. Under pytest-xdist each worker process has databases (and a PostgreSQL
cluster) of its own."""

import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies import models as fastapi_dependency_models
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine, text

from backend.core import security
from backend.core.config import Settings, get_settings
from backend.core.db import create_db_engine
from backend.core.migrations import upgrade_to_head
from backend.main import create_app
from backend.models import Base
from backend.wiring import wire
from tests.support.clock import Clock, installed_clock
from tests.support.postgres import PostgresCluster, find_server_binaries
from tests.support.rollback import rollback_engine, rolled_back, session_factory_for

# Services publish domain events; tests that call them without an app need the handlers too.
wire()

DATABASES = ["sqlite", "postgresql"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# For the "databases" summary. Under pytest-xdist each worker counts its own tests and sends
# the counts to the controller, which prints the sum (pytest_testnodedown).
_ran_on: Counter[str] = Counter()
_committed: Counter[str] = Counter()  # of those, the ones marked real_commits
_postgres_note: list[str] = []
_lost_workers: list[str] = []
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# argon2id at its smallest (8 KiB, one pass): a person costs microseconds instead of the
# tens of milliseconds of production's parameters, which keep tests of their own
# (tests/accounts/test_passwords.py).
CHEAP_HASHER = Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with security.use_password_hasher(CHEAP_HASHER):
        yield


# Tables whose rows the migrations load (reference data); restored to that state after each test.
REFERENCE_TABLES = ["topic"]


@dataclass
class DatabaseUnderTest:
    name: str  # "sqlite" or "postgresql"
    url: str
    engine: Engine  # configured as production's: real commits, migrations, resets
    reference_rows: dict[str, list[dict[str, object]]]
    rollback_engine: Engine  # the connection of each test that is rolled back


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bin_dir = find_server_binaries()
    if bin_dir is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under "
            "/usr/lib/postgresql/*/bin; install the 'postgresql' package (make test does this "
            "when it runs as root)."
        )
        _postgres_note.append("postgresql: SKIPPED, " + message)
        if IN_CI:
            pytest.fail("CI=true needs PostgreSQL. " + message, pytrace=False)
        pytest.skip(message)
    cluster = PostgresCluster(bin_dir)
    cluster.init()
    cluster.start()
    where = f" (worker {WORKER})" if WORKER else ""
    _postgres_note.append(f"postgresql: {cluster.version} on 127.0.0.1:{cluster.port}{where}")
    try:
        yield cluster
    finally:
        cluster.destroy()


def create_postgres_database(cluster: PostgresCluster, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(cluster.url())
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return cluster.url(name)


def fresh_database_url(
    name: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """An empty database of kind ``name``, not migrated."""
    if name == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'circles.db'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return create_postgres_database(cluster, "circles_test")


@pytest.fixture
def fresh_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Makes an empty, unmigrated database of the kind asked for and returns its URL."""

    def make(kind: str) -> str:
        _ran_on[kind] += 1
        return fresh_database_url(kind, request, tmp_path_factory)

    return make


@pytest.fixture(scope="session", params=DATABASES)
def migrated_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseUnderTest]:
    """One migrated database per kind for the whole run."""
    url = fresh_database_url(request.param, request, tmp_path_factory)
    engine = create_db_engine(url)
    with engine.begin() as connection:
        upgrade_to_head(connection)
        reference_rows = {
            name: [
                dict(row)
                for row in connection.execute(Base.metadata.tables[name].select()).mappings()
            ]
            for name in REFERENCE_TABLES
        }
    shared = rollback_engine(request.param, url)
    try:
        yield DatabaseUnderTest(request.param, url, engine, reference_rows, shared)
    finally:
        shared.dispose()
        engine.dispose()


def reset_tables(database: "DatabaseUnderTest") -> None:
    """Every table back to how the migrations left it."""
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The audit trail is append-only (migration 0013) except for retention.
            connection.exec_driver_sql("SET LOCAL circles.audit_retention = 'on'")
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        for name, rows in database.reference_rows.items():
            if rows:
                connection.execute(Base.metadata.tables[name].insert(), rows)


@pytest.fixture
def database(
    request: pytest.FixtureRequest, migrated_database: DatabaseUnderTest
) -> Iterator[DatabaseUnderTest]:
    """A clean, migrated database: whatever a test writes is rolled back after it, or, for a
    test marked ``real_commits``, committed and deleted after it."""
    _ran_on[migrated_database.name] += 1
    if request.node.get_closest_marker("real_commits"):
        _committed[migrated_database.name] += 1
        try:
            yield migrated_database
        finally:
            reset_tables(migrated_database)
        return
    with rolled_back(migrated_database.rollback_engine, migrated_database.url) as shared:
        yield migrated_database
    shared.fail_on_problems()


def app_settings(database_url: str, folder: Path) -> Settings:
    """The settings of every test app."""
    return Settings(
        env="development",
        database_url=database_url,
        var_dir=folder / "var",
        jwt_secret="test-secret-" + "x" * 40,
        cors_origins=["https://app.example.org"],
        frontend_dir=folder / "no-frontend",
        outbox_interval_seconds=0,  # tests deliver the outbox themselves
        # Push goes to tests/notifications' receiver on loopback, as well as a real service.
        push_services=["fcm.googleapis.com", "127.0.0.1"],
        # A rolled-back test's writes never commit, so a kept answer could not know of them;
        # tests/core/test_public_cache.py turns it on with real commits.
        public_cache=False,
    )


@pytest.fixture(scope="session")
def app_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the ``settings`` fixture's apps (no web app is built in it): one for the
    run, so that equal settings let tests share an app (see ``app``)."""
    return tmp_path_factory.mktemp("app")


@pytest.fixture
def settings(database: DatabaseUnderTest, app_folder: Path) -> Settings:
    return app_settings(database.url, app_folder)


@contextmanager
def shared_client(database: DatabaseUnderTest, folder: Path) -> Iterator[TestClient]:
    """A client of one app for a whole module: for route x caller matrices that build their
    people once and ask many questions. The module's writes are rolled back at its end; each
    test's are rolled back after it when it runs inside ``undone_after()``."""
    with pytest.MonkeyPatch.context() as patch:
        # Module-scoped, so before the per-test guard: keep the developer's variables out.
        for name in [name for name in os.environ if name.startswith("CIRCLES_")]:
            patch.delenv(name)
        settings = app_settings(database.url, folder)
    with (
        rolled_back(database.rollback_engine, database.url) as shared,
        TestClient(create_app(settings), raise_server_exceptions=False) as client,
    ):
        yield client
    shared.fail_on_problems()


# The app of the ``app`` fixture, one per database and settings for the whole run. Each app
# builds its routes on its first requests (FastAPI's dependency analysis and Pydantic
# adapters, 40-90 ms); once per test, that was a third of the suite's time.
_apps: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings: Settings, request: pytest.FixtureRequest) -> Iterator[FastAPI]:
    """The test's app: built once per database and settings, and bound at each test to the
    test's own transaction (or, for ``real_commits``, to the real engine), the way
    ``create_app`` binds it: requests and the middleware take the session factory from
    ``app.state``. A test that adds routes takes ``probe_app`` instead."""
    real = request.node.get_closest_marker("real_commits") is not None
    key = f"{real}:" + settings.model_dump_json()
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = create_app(settings)
    else:
        # Under rolled_back this is the factory bound to the test's connection.
        app.state.session_factory = session_factory_for(app.state.engine)
    routes = list(app.router.routes)
    yield app
    if app.router.routes != routes:
        del _apps[key]
        pytest.fail(
            "The test changed the shared app's routes, which every later test would see; "
            "add routes to the `probe_app` fixture's app of its own instead.",
            pytrace=False,
        )


@pytest.fixture
def probe_app(settings: Settings) -> FastAPI:
    """An app of the test's own, for tests that add routes (probes) to it."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# FastAPI memoises what kind of callable each dependency is (lru_cache, 4,096 entries) and
# holds on to the callable; create_app's closures (the docs pages, the idempotency caller)
# reach their app, so each test's app, its routes and its engine stayed alive until the cache
# filled: about a thousand apps, gigabytes, and a garbage collector walking all of it. Emptied
# after each test, every app is freed with its test.
FASTAPI_CALLABLE_CACHES = [
    value for value in vars(fastapi_dependency_models).values() if hasattr(value, "cache_clear")
]


def forget_apps() -> None:
    """Drop FastAPI's references to the apps made so far (see above)."""
    for cache in FASTAPI_CALLABLE_CACHES:
        cache.cache_clear()


@pytest.fixture(autouse=True)
def _free_each_app() -> Iterator[None]:
    yield
    forget_apps()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The developer's own CIRCLES_* variables never reach a test, tests that set some see
    them, and no test leaks settings to the next."""
    for name in list(os.environ):
        if name.startswith("CIRCLES_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# The longest tests by far (the schemathesis walk of every operation takes ~20 s, the server
# tests start a process). Collected last, they would run while the other workers sit idle;
# first, the rest of the suite fills in around them.
LONGEST_FIRST = ("tests/test_schemathesis.py", "tests/test_server.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``sqlite_only`` run on the SQLite database alone; the longest run first."""
    dropped = [
        item
        for item in items
        if item.get_closest_marker("sqlite_only") and "postgresql" in item.nodeid
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its counts to the controller."""
    workeroutput: dict[str, object] | None = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["ran_on"] = dict(_ran_on)
        workeroutput["committed"] = dict(_committed)
        workeroutput["postgres_note"] = list(_postgres_note)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """The controller adds up what each pytest-xdist worker counted."""
    output: dict[str, Any] = getattr(node, "workeroutput", {})
    if error is not None or "ran_on" not in output:
        _lost_workers.append(str(getattr(node, "gateway", node)))
        return
    _ran_on.update(output["ran_on"])
    _committed.update(output["committed"])
    _postgres_note.extend(note for note in output["postgres_note"] if note not in _postgres_note)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section("databases")
    if not _ran_on:
        terminalreporter.write_line("no test used a database")
    for name in DATABASES:
        terminalreporter.write_line(
            f"{name}: {_ran_on[name]} tests ran on it ({_committed[name]} with real commits)"
        )
    for note in _postgres_note:
        terminalreporter.write_line(note)
    for worker in _lost_workers:
        terminalreporter.write_line(f"{worker} died before reporting: its tests are not counted")


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Move the app's time: ``clock.set(moment)``, ``clock.advance(delta)``."""
    with installed_clock() as moved:
        yield moved
