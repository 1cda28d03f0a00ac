"""Start, inspect and stop gunicorn for the benches (127.0.0.1 only).

Each server runs in its own process group (session), so :func:`stop` ends the
master and its workers together, also when the bench is interrupted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    app: str,
    port: int,
    env: dict[str, str],
    workers: int,
    log: IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """Start gunicorn (sync workers) serving ``app``; return once the port accepts.

    Its output goes to ``log`` when given, else to ours.
    """
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--log-level",
            "warning",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"server on port {port} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: TERM, then KILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Workers left behind by a master that died first are in the same group.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def worker_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """Return the pids of the master's children (the gunicorn workers)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        return sorted(int(pid) for pid in children.read_text().split())
    except OSError:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)


def rss_kib(pid: int) -> int | None:
    """Return the resident set size of ``pid`` in KiB (``VmRSS``), if it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _listen_queue(port: int) -> int | None:
    """Return how many connections wait in the listening socket's accept queue."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and fields[1].endswith(f":{port:04X}"):
                return int(fields[4].split(":")[1], 16)
    return None


def _waiting_for_clients(pid: int) -> bool:
    """Whether a sync worker sits in its select() on the listener (between requests)."""
    try:
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return True  # gone: it holds no request either
    return "poll" in wchan or "select" in wchan


def wait_idle(process: subprocess.Popen[bytes], port: int, limit: float = 30.0) -> bool:
    """Wait until no request is queued or being handled (twice in a row, 50 ms apart).

    A client that gave up leaves its request queued or running on the server; this
    waits for those. Return ``False`` if the server was still busy after ``limit`` s.
    """
    deadline = time.monotonic() + limit
    calm = 0
    while time.monotonic() < deadline:
        idle = _listen_queue(port) == 0 and all(
            _waiting_for_clients(pid) for pid in worker_pids(process)
        )
        calm = calm + 1 if idle else 0
        if calm >= 2:
            return True
        time.sleep(0.05)
    return False
