"""Helpers for tests that start real servers (gunicorn, redis-server, nginx)."""

from __future__ import annotations

import socket
import subprocess
from typing import IO


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes], log: IO[bytes] | None = None) -> None:
    """Stop ``process`` (SIGTERM, then SIGKILL after 10 s) and close its log."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if log is not None:
        log.close()
