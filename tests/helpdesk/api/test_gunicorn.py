"""Concurrent writes through real gunicorn workers: separate processes, one store.

Threads in one process share a GIL and a connection pool; two gunicorn workers
share only the SQLite file, which is what the compare-and-swap commit has to hold
together. Each test starts gunicorn on a free loopback port and stops it after.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest

from helpdesk.settings import PROJECT_ROOT
from tests.processes import free_port, stop

GUNICORN = Path(sys.executable).with_name("gunicorn")


class Server:
    """A gunicorn server on loopback, spoken to with one connection per call."""

    def __init__(self, port: int) -> None:
        self.port = port

    def call(
        self, method: str, path: str, body: Any = None
    ) -> tuple[int, dict[str, Any]]:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"}
            data = None if body is None else json.dumps(body)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()


@pytest.fixture
def server(tmp_path: Path, search_index_template: Path) -> Iterator[Server]:
    instance = tmp_path / "instance"
    shutil.copytree(search_index_template, instance / "search", symlinks=True)
    port = free_port()
    env = {
        **os.environ,
        "HELPDESK_INSTANCE_PATH": str(instance),
        "HELPDESK_SECRET_KEY": "test-secret",
        "HELPDESK_SANDBOX_CREATE_LIMIT": "1000/minute",
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "helpdesk:create_app()",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    served = Server(port)
    deadline = time.monotonic() + 60
    while True:
        try:
            if served.call("GET", "/api/v1/articles")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            log.close()
            raise RuntimeError((tmp_path / "gunicorn.log").read_text())
        time.sleep(0.2)
    yield served
    stop(process, log)


def test_concurrent_writes_through_two_workers_lose_no_update(server: Server) -> None:
    status, created = server.call("POST", "/api/v1/sandboxes", {"scenario": "bulk"})
    assert status == 201
    sid = created["id"]
    members = [
        u["email"]
        for u in created["account"]["users"]
        if u["role"] == "member" and u["status"] == "active"
    ]
    assert len(members) >= 15

    def work(email: str) -> list[int]:
        deactivated, _ = server.call(
            "PUT",
            f"/api/v1/sandboxes/{sid}/users/{email}/status",
            {"action": "deactivate"},
        )
        ticked, _ = server.call("POST", f"/api/v1/sandboxes/{sid}/clock", {"days": 1})
        return [deactivated, ticked]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for pair in pool.map(work, members) for s in pair]
    assert set(statuses) == {200}
    _, account = server.call("GET", f"/api/v1/sandboxes/{sid}")
    assert account["day"] == len(members)
    states = {u["email"]: u["status"] for u in account["users"]}
    assert all(states[e] == "deactivated" for e in members)
    _, log = server.call("GET", f"/api/v1/sandboxes/{sid}/events")
    assert sum(1 for e in log["events"] if e["action"] == "deactivate") == len(members)


def test_a_large_bulk_on_one_sandbox_does_not_stop_writes_to_others(
    server: Server,
) -> None:
    ids = []
    for _ in range(4):
        status, created = server.call("POST", "/api/v1/sandboxes", {"scenario": "bulk"})
        assert status == 201
        ids.append(created["id"])
    busy, others = ids[0], ids[1:]
    emails = [f"ghost{i}@bulk.example" for i in range(1000)]

    def bulk(_: int) -> int:
        return server.call(
            "POST",
            f"/api/v1/sandboxes/{busy}/users/bulk",
            {"action": "deactivate", "emails": emails},
        )[0]

    def write(sid: str) -> int:
        return server.call("POST", f"/api/v1/sandboxes/{sid}/clock", {"days": 1})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        bulks = [pool.submit(bulk, i) for i in range(6)]
        writes = [pool.submit(write, sid) for sid in others * 5]
        assert {w.result() for w in writes} == {200}
        assert {b.result() for b in bulks} == {404}  # all unknown: refused whole
    for sid in others:
        assert server.call("GET", f"/api/v1/sandboxes/{sid}")[1]["day"] == 5
