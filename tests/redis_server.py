"""A real ``redis-server`` for the tests: started on a free port, stopped after.

Debian's ``redis-server`` package provides it (``.ci/run`` installs it). In CI
(``HELPDESK_REQUIRE_REDIS=1``) a missing server fails the run; elsewhere the
tests that need it skip with a message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.processes import free_port, stop

__all__ = ["free_port", "require_redis", "running_redis"]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def require_redis() -> None:
    """Skip (or, in CI, fail) when there is no ``redis-server`` to start."""
    if os.path.exists(REDIS_SERVER):
        return
    message = f"redis-server not found at {REDIS_SERVER}: install Debian's redis-server"
    if os.environ.get("HELPDESK_REQUIRE_REDIS"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def running_redis(directory: Path, port: int | None = None) -> Iterator[str]:
    """Run ``redis-server`` on loopback with its files in ``directory``.

    Yield its URL; stop it afterwards. Nothing is persisted.
    """
    port = port or free_port()
    directory.mkdir(parents=True, exist_ok=True)
    log = open(directory / "redis.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],  # fmt: skip
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((directory / "redis.log").read_text()) from None
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        stop(process, log)
