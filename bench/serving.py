"""Start, inspect and stop gunicorn for the benches (127.0.0.1 only); drive wrk.

Each server runs in its own process group (session), so :func:`stop` ends the
master and its workers together, also when the bench is interrupted.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
HEADERS = {"Content-Type": "application/json", "X-Requested-With": "bench"}
WRK_TIMEOUT_S = 10


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


class BenchError(RuntimeError):
    """The bench itself broke (not a slow or failing server)."""


# --- HTTP client for set-up --------------------------------------------------------


def call(
    port: int, method: str, path: str, body: Any = None, timeout: float = 120.0
) -> tuple[int, Any]:
    """Send one request with the bench headers; return (status, JSON or None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=HEADERS)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, None


def create_sandbox(port: int, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    status, body = call(port, "POST", "/api/v1/sandboxes", payload)
    if status != 201:
        raise BenchError(f"creating a sandbox: {status} {body}")
    return body["id"], body["account"]


def active_members(account: dict[str, Any]) -> list[str]:
    """The users a privileged owner can deactivate: active members."""
    return [
        u["email"]
        for u in account["users"]
        if u.get("role", "member") == "member" and u.get("status", "active") == "active"
    ]


def reset(port: int, sandbox_ids: list[str]) -> None:
    for sandbox_id in sandbox_ids:
        status, body = call(port, "POST", f"/api/v1/sandboxes/{sandbox_id}/reset")
        if status != 200:
            raise BenchError(f"resetting {sandbox_id}: {status} {body}")


def deactivated(
    port: int, sandbox_ids: list[str], users: list[str]
) -> set[tuple[str, str]]:
    """Read back which (sandbox, user) pairs are deactivated now."""
    wanted = set(users)
    found = set()
    for sandbox_id in sandbox_ids:
        status, body = call(port, "GET", f"/api/v1/sandboxes/{sandbox_id}")
        if status != 200:
            raise BenchError(f"reading {sandbox_id}: {status} {body}")
        for user in body["users"]:
            if user["email"] in wanted and user.get("status") == "deactivated":
                found.add((sandbox_id, user["email"]))
    return found


# --- wrk ---------------------------------------------------------------------------

LUA_COMMON = """\
-- Generated by bench/serving.py: one wrk thread per connection.
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Requested-With"] = "bench"

local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

statuses = {}
samples = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status < 200 or status > 299) and #samples < 2 then
    table.insert(samples, status .. " " .. (body or ""):sub(1, 200):gsub("%s+", " "))
  end
  if answered then answered(status) end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("STATUS %d %d\\n", code, n))
  end
  local shown = 0
  for _, thread in ipairs(threads) do
    for _, sample in ipairs(thread:get("samples")) do
      if shown < 3 then io.write("SAMPLE " .. sample .. "\\n") end
      shown = shown + 1
    end
  end
end
"""

LUA_TOGGLE = """
local sandboxes = {%(sandboxes)s}
local users = {%(users)s}
local deactivated = {%(deactivated)s}
local groups = %(groups)d
local DEACTIVATE = '{"action": "deactivate"}'
local ACTIVATE = '{"action": "activate"}'
local paths, next_is_deactivate, pos = {}, {}, 0

-- Connection tid toggles user (tid mod #users) on the sandboxes of its group:
-- no two connections ever touch the same (sandbox, user) pair.
function init(args)
  local user = users[tid %% #users + 1]
  local group = math.floor(tid / #users)
  for i, sandbox in ipairs(sandboxes) do
    if (i - 1) %% groups == group then
      table.insert(paths, "/api/v1/sandboxes/" .. sandbox .. "/users/" .. user
        .. "/status")
      table.insert(next_is_deactivate, not deactivated[sandbox .. " " .. user])
    end
  end
  pos = tid %% #paths
end

-- A user's status flips only on an answer: wrk calls request() once for nothing
-- (to check the script), and a request that timed out may or may not have been
-- applied (a 409 then puts this connection back in step).
local last = nil
function request()
  pos = pos %% #paths + 1
  last = pos
  local body = next_is_deactivate[pos] and DEACTIVATE or ACTIVATE
  return wrk.format("PUT", paths[pos], nil, body)
end

function answered(status)
  if last and ((status >= 200 and status <= 299) or status == 409) then
    next_is_deactivate[last] = not next_is_deactivate[last]
  end
  last = nil
end
"""


def lua_strings(values: list[str]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def toggle_script(
    sandbox_ids: list[str],
    users: list[str],
    off: set[tuple[str, str]],
    connections: int,
) -> str:
    groups = math.ceil(connections / len(users))
    if groups > len(sandbox_ids):
        raise BenchError(
            f"{connections} connections need more than {len(users)} users"
            f" on {len(sandbox_ids)} sandbox(es)"
        )
    return LUA_COMMON + LUA_TOGGLE % {
        "sandboxes": lua_strings(sandbox_ids),
        "users": lua_strings(users),
        "deactivated": ", ".join(
            f"[{json.dumps(f'{s} {u}')}] = true" for s, u in sorted(off)
        ),
        "groups": groups,
    }


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Read req/s, p50/p99, socket errors and status counts from wrk's output."""
    result: dict[str, Any] = {"socket_errors": {}, "statuses": {}}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    if rate is None or requests is None:
        raise BenchError(f"cannot read wrk output:\n{output}")
    result["rps"] = float(rate.group(1))
    result["requests"] = int(requests.group(1))
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        result[f"p{pct}_ms"] = _ms(match.group(1)) if match else None
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        result["socket_errors"] = {
            k: int(v)
            for k, v in zip(
                ("connect", "read", "write", "timeout"), errors.groups(), strict=True
            )
            if int(v)
        }
    for code, n in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M):
        result["statuses"][code] = int(n)
    result["samples"] = re.findall(r"^SAMPLE (.*)$", output, re.M)
    result["non_2xx"] = sum(
        n for code, n in result["statuses"].items() if not code.startswith("2")
    )
    return result


def run_wrk(
    port: int, path: str, script: str, connections: int, seconds: float, tmp: Path
) -> dict[str, Any]:
    script_path = tmp / f"wrk-{time.monotonic_ns()}.lua"
    script_path.write_text(script)
    command = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        f"{WRK_TIMEOUT_S}s",
        "--latency",
        "-s",
        str(script_path),
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    result = parse_wrk(done.stdout)
    result["connections"] = connections
    return result


def fmt(value: float | None, width: int = 8, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.{digits}f}"


def mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:.0f}"


def problems(row: dict[str, Any]) -> list[str]:
    """Return a measured row's non-2xx statuses and socket errors, as counts."""
    return [
        f"{code}: {n}"
        for code, n in sorted(row["statuses"].items())
        if not code.startswith("2")
    ] + [f"socket {kind}: {n}" for kind, n in row["socket_errors"].items()]
