"""Scenes for webhook tests: an app that may send to loopback, a real HTTP receiver on
127.0.0.1 in a thread, integrators with endpoints, and running the worker's delivery.

All traffic stays on loopback, and every wait is bounded.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.schemas import Scope
from backend.core.config import Settings
from backend.webhooks.delivery import deliver_webhooks
from tests.conftest import DatabaseUnderTest, app_settings
from tests.factories import Integrator, client_token, make_service_client

ENDPOINTS = "/api/v1/webhook-endpoints"


@pytest.fixture
def settings(database: DatabaseUnderTest, app_folder: Path) -> Settings:
    """The test app may send webhooks to the receiver on 127.0.0.1 (plain http, loopback)."""
    return app_settings(database.url, app_folder).model_copy(
        update={"webhooks_allow_private_urls": True}
    )


@pytest.fixture
def strict_settings(settings: Settings) -> Settings:
    """As production: https only, public addresses only."""
    return settings.model_copy(update={"webhooks_allow_private_urls": False})


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    # Bytes streamed after the body's headers, in 64 KiB pieces (the bounded read).
    stream_bytes: int = 0
    delay_seconds: float = 0.0
    # Seconds between the bytes of the body (a receiver that drips its answer).
    drip_seconds: float = 0.0


class Receiver:
    """A real HTTP server on 127.0.0.1 (port 0): records every request and answers with
    ``answer`` (or the next of ``answers`` while there are some)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answer = Answer()
        self.answers: list[Answer] = []
        self.streamed = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(min(length, 1 << 20))
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.answer
                if answer.delay_seconds:
                    threading.Event().wait(answer.delay_seconds)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.drip_seconds:
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self._drip(answer.drip_seconds)
                    return
                if answer.stream_bytes:
                    self.send_header("Content-Length", str(answer.stream_bytes))
                    self.end_headers()
                    self._stream(answer.stream_bytes)
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def _drip(self, seconds: float) -> None:
                try:
                    for _ in range(1000):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        threading.Event().wait(seconds)
                except OSError:
                    pass  # hung up on: what the test wants

            def _stream(self, total: int) -> None:
                piece = b"x" * 65536
                try:
                    while receiver.streamed < total:
                        self.wfile.write(piece)
                        receiver.streamed += len(piece)
                except OSError:
                    pass  # the client stopped reading and closed: what the test wants

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.start()
    try:
        yield found
    finally:
        found.stop()


@dataclass
class Client:
    """An integrator's service client with a token."""

    integrator: Integrator
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> str:
        return self.integrator.client_id


def make_client(client: TestClient, scopes: list[Scope], name: str = "Referral desk") -> Client:
    app = client.app
    assert isinstance(app, FastAPI)
    integrator = make_service_client(app, scopes=scopes, name=name)
    return Client(integrator, client_token(client, integrator))


def register(
    client: TestClient,
    owner: Client,
    url: str,
    event_types: list[str] | None = None,
    **fields: object,
) -> dict[str, Any]:
    response = client.post(
        ENDPOINTS,
        headers=owner.headers,
        json={"url": url, "event_types": event_types or ["meeting.cancelled"]} | fields,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def deliver(app: FastAPI, settings: Settings | None = None) -> int:
    """One round of the worker's webhook delivery."""
    return deliver_webhooks(app.state.session_factory, settings or app.state.settings)


def deliveries(client: TestClient, owner: Client, endpoint_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=owner.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
