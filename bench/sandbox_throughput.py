"""Sandbox API throughput under gunicorn, measured with wrk, against a bare Flask app.

Starts two gunicorn servers on 127.0.0.1 (free ports, 2 sync workers each, own
process groups, stopped on exit, Ctrl-C or error): the real app (``helpdesk:
create_app()``, a temporary ``HELPDESK_INSTANCE_PATH``, the search index built by the
app there) and ``bench/hello_app.py`` (a bare Flask "hello", the baseline). It creates
``bulk``-scenario sandboxes through the API, then runs wrk (one thread per
connection, ``--timeout 10s``, ``--latency``; a 2 s warm-up that is not measured,
then ``--duration`` seconds) at each ``--connections`` count on:

a. ``hello``: ``GET /`` on the bare Flask app;
b. ``read``: ``GET /api/v1/sandboxes/<id>``;
c. ``write-one``: ``PUT /api/v1/sandboxes/<id>/users/<email>/status`` on ONE
   sandbox, ``deactivate`` / ``activate`` alternating. Each wrk connection toggles
   its own member user, so no toggle is refused; the ``bulk`` scenario has 23 active
   members, so with more connections than that the sandbox is the ``bulk`` account
   plus extra members (created with ``{"account": ...}``);
d. ``write-spread``: the same toggles spread round-robin over 100 sandboxes (each
   (sandbox, user) pair belongs to one connection);
e. ``write-spread+bulk``: d. again while a thread sends max-size bulk requests
   (``POST .../users/bulk``, ``deactivate``, 1,000 e-mails: the scenario's members and
   977 unknown users, so the bulk is refused with 404/409 — expected statuses for
   that stream) to one other sandbox in a loop.

Every request sends ``Content-Type: application/json`` and ``X-Requested-With:
bench``. Sandboxes are reset before each warm-up; the measured run starts from the
users' statuses read back after the warm-up. Non-2xx responses and socket errors
(timeouts) are counted and shown: a row with errors says so. After each phase the
RSS (``VmRSS``) of every gunicorn worker and the size of the sandbox SQLite files
are recorded.

The table gives req/s, p50, p99, non-2xx and the ratio of req/s to hello at the same
connections; then the issue's targets are checked and printed as met / not met
(no assertion: the exit status is 0 unless the bench itself broke): writes spread
over sandboxes >= 0.25 of hello with p99 <= 50 ms at 8 connections; the max-size
bulk raises the others' p99 by at most 2x.

Needs ``wrk`` (Debian: ``apt-get install wrk``). Run (also from ``make bench``)::

    .venv/bin/python bench/sandbox_throughput.py [--duration 10] \\
        [--connections 8,32] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from serving import (
    BENCH,
    LUA_COMMON,
    WRK_TIMEOUT_S,
    BenchError,
    active_members,
    call,
    create_sandbox,
    deactivated,
    free_port,
    problems,
    reset,
    rss_kib,
    run_wrk,
    start,
    stop,
    toggle_script,
    wait_idle,
    worker_pids,
)
from serving import fmt as _fmt
from serving import mib as _mib

from simulator.scenarios import scenario_json

WORKERS = 2
SPREAD_SANDBOXES = 100
BULK_EMAILS = 1000  # the most the UI sends in one bulk action
EXTRA_ENV = {
    "HELPDESK_SANDBOX_CREATE_LIMIT": "1000000/minute",
    "HELPDESK_TRUSTED_HOSTS": "localhost,127.0.0.1",
}
TARGET_CONNECTIONS = 8
TARGET_RATIO = 0.25
TARGET_P99_MS = 50.0
TARGET_BULK_FACTOR = 2.0
BULK_EXPECTED = {404, 409}


# --- set-up -----------------------------------------------------------------------


def extended_bulk_account(extra: int) -> dict[str, Any]:
    """The ``bulk`` scenario's account with ``extra`` more active members."""
    account = scenario_json("bulk")
    domain = account["managed_domains"][0]
    account["users"] += [{"email": f"bench{i:03d}@{domain}"} for i in range(extra)]
    return account


# --- the bulk stream ---------------------------------------------------------------


class BulkLoad(threading.Thread):
    """Max-size bulk requests to one sandbox, one at a time, until stopped."""

    def __init__(self, port: int, sandbox_id: str, emails: list[str], limit_s: float):
        super().__init__(daemon=True)
        self.port = port
        self.path = f"/api/v1/sandboxes/{sandbox_id}/users/bulk"
        self.body = {"action": "deactivate", "emails": emails}
        self.deadline = time.monotonic() + limit_s
        self.halt = threading.Event()
        self.going = threading.Event()  # cleared: pause between requests
        self.between = threading.Event()  # set: no request of ours in flight
        self.between.set()
        self.statuses: dict[str, int] = {}
        self.times: list[float] = []

    def run(self) -> None:
        for _ in range(100_000):
            while not self.going.wait(0.1):
                if self.halt.is_set() or time.monotonic() > self.deadline:
                    return
            if self.halt.is_set() or time.monotonic() > self.deadline:
                break
            self.between.clear()
            if not self.going.is_set():  # paused meanwhile
                self.between.set()
                continue
            started = time.perf_counter()
            try:
                status, _body = call(
                    self.port, "POST", self.path, self.body, timeout=60
                )
                key = str(status)
            except (OSError, http.client.HTTPException) as error:
                key = type(error).__name__
            self.times.append(time.perf_counter() - started)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            self.between.set()

    def resume(self) -> None:
        self.going.set()

    def pause(self) -> None:
        """Stop sending; return once the request in flight has its answer."""
        self.going.clear()
        self.between.wait(90)

    def summary(self) -> dict[str, Any]:
        times = sorted(self.times)
        return {
            "requests": len(times),
            "statuses": dict(sorted(self.statuses.items())),
            "unexpected": sum(
                n
                for k, n in self.statuses.items()
                if not (k.isdigit() and int(k) in BULK_EXPECTED)
            ),
            "p50_ms": statistics.median(times) * 1000 if times else None,
            "max_ms": times[-1] * 1000 if times else None,
        }


# --- the bench ---------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.instance = tmp / "instance"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}
        self.rows: list[dict[str, Any]] = []
        self.memory: list[dict[str, Any]] = []
        self.bulk: dict[int, dict[str, Any]] = {}
        self.notes: list[str] = []
        self.load_average = [os.getloadavg()[0]]

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def serve(self, name: str, app: str, env: dict[str, str]) -> int:
        port = free_port()
        self.logs[name] = self.tmp / f"{name}.log"
        with self.logs[name].open("wb") as log:
            self.processes[name] = start(app, port, env, WORKERS, log=log)
        return port

    def stop_all(self) -> None:
        for process in self.processes.values():
            stop(process)

    def snapshot_memory(self, phase: str) -> None:
        entry: dict[str, Any] = {"phase": phase}
        for name, process in self.processes.items():
            entry[f"{name}_workers_rss_kib"] = [
                rss_kib(pid) for pid in worker_pids(process)
            ]
        entry["sqlite_bytes"] = {
            p.name: p.stat().st_size
            for p in sorted(self.instance.iterdir())
            if p.is_file() and re.search(r"\.(sqlite3?|db)(-wal|-shm)?$", p.name)
        }
        self.memory.append(entry)

    def setup(self) -> None:
        self.instance.mkdir()
        env = dict(
            os.environ,
            HELPDESK_INSTANCE_PATH=str(self.instance),
            HELPDESK_SECRET_KEY="bench-secret-key-not-for-production",
            **EXTRA_ENV,
        )
        self.log("starting gunicorn (app, hello); the app builds its search index")
        self.app = self.serve("app", "helpdesk:create_app()", env)
        hello_env = dict(env, PYTHONPATH=str(BENCH))
        self.hello = self.serve("hello", "hello_app:app", hello_env)
        for port, path in ((self.hello, "/"), (self.app, "/api/v1/articles")):
            status, _ = call(port, "GET", path)
            if status != 200:
                raise BenchError(f"GET {path} on port {port}: {status}")

        bulk = {"scenario": "bulk"}
        self.read_id, account = create_sandbox(self.app, bulk)
        self.members = active_members(account)
        if not self.members:
            raise BenchError("the bulk scenario has no active member to toggle")
        self.one: dict[int, tuple[str, list[str]]] = {}
        for connections in self.args.connections:
            extra = max(0, connections - len(self.members))
            if extra:
                sandbox_id, acct = create_sandbox(
                    self.app, {"account": extended_bulk_account(extra)}
                )
                self.notes.append(
                    f"write-one at {connections} connections: the bulk account plus"
                    f" {extra} members (the scenario has {len(self.members)})"
                )
            else:
                sandbox_id, acct = create_sandbox(self.app, bulk)
            self.one[connections] = (sandbox_id, active_members(acct))
        self.spread = [
            create_sandbox(self.app, bulk)[0] for _ in range(SPREAD_SANDBOXES)
        ]
        self.bulk_id, _ = create_sandbox(self.app, bulk)
        domain = scenario_json("bulk")["managed_domains"][0]
        unknown = BULK_EMAILS - len(self.members)
        self.bulk_emails = self.members + [
            f"nobody{i:04d}@{domain}" for i in range(unknown)
        ]
        self.snapshot_memory("set-up")

    def settle(self, port: int, label: str) -> None:
        """Let the requests wrk left behind finish before the state is read."""
        name = "app" if port == self.app else "hello"
        if not wait_idle(self.processes[name], port):
            self.notes.append(f"{label}: the {name} was still busy 30 s after wrk")

    def measure(
        self,
        scenario: str,
        port: int,
        path: str,
        connections: int,
        script: str | None = None,
        toggles: tuple[list[str], list[str]] | None = None,
        load: BulkLoad | None = None,
    ) -> dict[str, Any]:
        """Warm up (unmeasured), then measure; toggle scripts follow the state.

        The bulk ``load`` runs only while wrk does: it pauses while the requests
        wrk left behind finish and the users' statuses are read back.
        """
        args = self.args
        label = f"{scenario} c={connections}"
        self.log(f"{scenario} at {connections} connections")
        for seconds in (args.warmup, args.duration):
            if toggles is not None:
                sandbox_ids, users = toggles
                off = deactivated(self.app, sandbox_ids, users)
                script = toggle_script(sandbox_ids, users, off, connections)
            assert script is not None
            if load is not None:
                load.resume()
            result = run_wrk(port, path, script, connections, seconds, self.tmp)
            if load is not None:
                load.pause()
            self.settle(port, label)
        result["scenario"] = scenario
        self.rows.append(result)
        self.snapshot_memory(label)
        return result

    def run(self) -> None:
        args = self.args
        self.setup()
        plain = LUA_COMMON
        read_path = f"/api/v1/sandboxes/{self.read_id}"
        for connections in args.connections:
            self.measure("hello", self.hello, "/", connections, plain)
        for connections in args.connections:
            self.measure("read", self.app, read_path, connections, plain)
        for connections in args.connections:
            sandbox_id, users = self.one[connections]
            reset(self.app, [sandbox_id])
            self.measure(
                "write-one", self.app, "/", connections, toggles=([sandbox_id], users)
            )
        for connections in args.connections:
            reset(self.app, self.spread)
            self.measure(
                "write-spread",
                self.app,
                "/",
                connections,
                toggles=(self.spread, self.members),
            )
        for connections in args.connections:
            reset(self.app, self.spread)
            load = BulkLoad(
                self.app,
                self.bulk_id,
                self.bulk_emails,
                args.warmup + args.duration + 120,
            )
            load.start()
            try:
                self.measure(
                    "write-spread+bulk",
                    self.app,
                    "/",
                    connections,
                    toggles=(self.spread, self.members),
                    load=load,
                )
            finally:
                load.halt.set()
                load.join(90)
            self.bulk[connections] = load.summary()

    # --- the report ----------------------------------------------------------------

    def row(self, scenario: str, connections: int) -> dict[str, Any] | None:
        for row in self.rows:
            if row["scenario"] == scenario and row["connections"] == connections:
                return row
        return None

    def report(self) -> dict[str, Any]:
        args = self.args
        self.load_average.append(os.getloadavg()[0])
        print(
            f"sandbox API throughput: gunicorn {WORKERS} sync workers, 127.0.0.1,"
            f" wrk {args.warmup:g} s warm-up + {args.duration:g} s per row,"
            f" one thread per connection, --timeout {WRK_TIMEOUT_S}s"
        )
        print(
            f"{SPREAD_SANDBOXES} sandboxes for write-spread; bulk stream:"
            f" {BULK_EMAILS} e-mails ({len(self.members)} members) per request;"
            f" {os.cpu_count()} CPUs, 1-min load average"
            f" {self.load_average[0]:.1f} at start, {self.load_average[1]:.1f} at end"
        )
        header = (
            f"{'scenario':18} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
            f" {'non-2xx':>8} {'vs hello':>8}  errors"
        )
        print(header)
        print("-" * len(header))
        for row in self.rows:
            hello = self.row("hello", row["connections"])
            ratio = row["rps"] / hello["rps"] if hello and hello["rps"] else None
            row["ratio_to_hello"] = ratio
            print(
                f"{row['scenario']:18} {row['connections']:5d} {row['rps']:8.1f}"
                f" {_fmt(row['p50_ms'])} {_fmt(row['p99_ms'])} {row['non_2xx']:8d}"
                f" {_fmt(ratio, 8, 2)}  {', '.join(problems(row)) or '-'}"
            )
        for connections, bulk in self.bulk.items():
            print(
                f"bulk stream during write-spread+bulk c={connections}:"
                f" {bulk['requests']} requests, statuses {bulk['statuses']},"
                f" p50 {_fmt(bulk['p50_ms'], 0)} ms, max {_fmt(bulk['max_ms'], 0)} ms"
                + (f", {bulk['unexpected']} UNEXPECTED" if bulk["unexpected"] else "")
            )
        for row in self.rows:
            for sample in row.get("samples", []):
                print(f"sample {row['scenario']} c={row['connections']}: {sample}")
        for note in self.notes:
            print(f"note: {note}")

        print()
        print("memory after each phase (VmRSS of each gunicorn worker, MiB; SQLite)")
        for entry in self.memory:
            app = "/".join(_mib(k) for k in entry.get("app_workers_rss_kib", []))
            hello = "/".join(_mib(k) for k in entry.get("hello_workers_rss_kib", []))
            files = ", ".join(
                f"{name} {size / 1024:.0f} KiB"
                for name, size in entry["sqlite_bytes"].items()
            )
            print(f"  {entry['phase']:28} app {app:>13}  hello {hello:>11}  {files}")

        print()
        targets = self.targets()
        print("targets (the issue's):")
        for target in targets:
            print(f"  {target['name']}: {target['value']} -> {target['verdict']}")
        logs = self.server_log_summary()
        if logs:
            print()
            print("server logs:")
            for line in logs:
                print(f"  {line}")
        return {
            "config": {
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "workers": WORKERS,
                "spread_sandboxes": SPREAD_SANDBOXES,
                "bulk_emails": BULK_EMAILS,
                "wrk_timeout_s": WRK_TIMEOUT_S,
                "cpus": os.cpu_count(),
                "load_average_start_end": self.load_average,
            },
            "rows": self.rows,
            "bulk_stream": {str(c): v for c, v in self.bulk.items()},
            "memory": self.memory,
            "targets": targets,
            "notes": self.notes,
            "server_logs": logs,
        }

    def targets(self) -> list[dict[str, Any]]:
        c = TARGET_CONNECTIONS
        spread, hello = self.row("write-spread", c), self.row("hello", c)
        out = []
        if spread and hello:
            errors = _errors(spread)
            ratio = spread["rps"] / hello["rps"]
            p99 = spread["p99_ms"]
            out.append(
                {
                    "name": f"writes spread over sandboxes >= {TARGET_RATIO} of hello"
                    f" at {c} connections",
                    "value": f"{ratio:.2f}" + (f" ({errors} errors)" if errors else ""),
                    "verdict": _verdict(ratio >= TARGET_RATIO and not errors),
                }
            )
            out.append(
                {
                    "name": f"writes spread p99 <= {TARGET_P99_MS:g} ms at {c}"
                    " connections",
                    "value": f"{_fmt(p99, 0)} ms",
                    "verdict": _verdict(
                        p99 is not None and p99 <= TARGET_P99_MS and not errors
                    ),
                }
            )
        else:
            out.append(
                {
                    "name": f"writes spread targets at {c} connections",
                    "value": "not measured",
                    "verdict": "not measured",
                }
            )
        factors, met = [], True
        for connections in self.args.connections:
            alone = self.row("write-spread", connections)
            loaded = self.row("write-spread+bulk", connections)
            if not alone or not loaded or not alone["p99_ms"] or not loaded["p99_ms"]:
                met = False
                continue
            factor = loaded["p99_ms"] / alone["p99_ms"]
            errors = _errors(loaded)
            factors.append(
                f"c={connections}: p99 {alone['p99_ms']:.1f} -> "
                f"{loaded['p99_ms']:.1f} ms = {factor:.2f}x"
                + (f" ({errors} errors)" if errors else "")
            )
            met = met and factor <= TARGET_BULK_FACTOR and not errors
        out.append(
            {
                "name": "the max-size bulk raises the others' p99 by at most"
                f" {TARGET_BULK_FACTOR:g}x",
                "value": "; ".join(factors) or "not measured",
                "verdict": _verdict(met and bool(factors)),
            }
        )
        return out

    def server_log_summary(self) -> list[str]:
        lines = []
        patterns = {
            "tracebacks": "Traceback",
            "'database is locked'": "database is locked",
            "worker timeouts": "WORKER TIMEOUT",
        }
        for name, path in self.logs.items():
            if not path.exists():
                continue
            text = path.read_text(errors="replace")
            counts = {k: text.count(p) for k, p in patterns.items()}
            found = [f"{n} {k}" for k, n in counts.items() if n]
            if found:
                lines.append(f"{name}: {', '.join(found)}")
                lines += [
                    f"{name}| {line}" for line in _distinct_errors(text.splitlines())
                ]
        return lines


def _distinct_errors(lines: list[str], limit: int = 5) -> list[str]:
    seen: list[str] = []
    for line in lines:
        line = line.strip()
        if re.match(r"^[\w.]+(Error|Exception|Timeout)\b", line) or "WORKER" in line:
            key = re.sub(r"\d+", "N", line)[:160]
            if key not in seen:
                seen.append(key)
    return seen[:limit]


def _errors(row: dict[str, Any]) -> int:
    return int(row["non_2xx"]) + sum(row["socket_errors"].values())


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def connection_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("connections: positive integers, e.g. 8,32")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per row")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds")
    parser.add_argument("--connections", type=connection_list, default=[8, 32])
    parser.add_argument("--quick", action="store_true", help="2 s rows, 1 s warm-up")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 2.0, 1.0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    def terminate(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        try:
            bench.run()
        finally:
            bench.stop_all()
        figures = bench.report()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
