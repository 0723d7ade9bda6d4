"""The real server, started the way `make run` starts it (``circles serve``), on loopback."""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from tests.support.postgres import free_port

STARTUP_SECONDS = 60


def circles_command() -> Path:
    return Path(sys.executable).with_name("circles")


@contextmanager
def running_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``circles serve`` on a free loopback port with ``env``, its output in ``log_path``; its
    base URL once /healthz answers, and the process stopped afterwards."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(circles_command()), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
