"""Sandbox writes on one app server with SQLite, one with Redis, two behind nginx.

Starts, in the same run, on 127.0.0.1 (free ports, every process in its own
process group, stopped on exit, Ctrl-C or error):

a. ``sqlite``: one gunicorn app server (2 sync workers), sandboxes in SQLite in
   its instance folder (the default; the baseline);
b. ``redis``: one app server (2 workers) with ``HELPDESK_SANDBOX_STORE`` on its
   own ``redis-server``;
c. ``2 x redis + nginx``: the ``make cluster`` topology (``deploy/cluster.py``):
   Redis, two app servers (2 workers each) and nginx in front; wrk talks to nginx.

On each it creates 100 ``bulk`` sandboxes and runs the ``write-spread`` load of
``bench/sandbox_throughput.py`` (same Lua, from ``bench/serving.py``): ``PUT
.../users/<email>/status`` toggles spread round-robin over the 100 sandboxes, each
(sandbox, user) pair owned by one wrk connection; a warm-up that is not measured,
then ``--duration`` seconds at ``--connections`` (default 32). Access logs are off
everywhere. The table gives req/s, p50, p99, non-2xx and socket errors, and the
ratio of req/s to the SQLite server; then the RSS (``VmRSS``) of the app workers,
redis-server and nginx (master and worker) after each row.

The machine's cores are shared by everything: with 2 cores, two app servers of 2
workers each, Redis, nginx and wrk all compete, so c. measures the overhead of the
extra hop and processes more than any gain from a second server (which needs a
second machine). Needs ``wrk``, ``redis-server`` and ``nginx`` (Debian packages).
Run (also from ``make bench``)::

    .venv/bin/python bench/cluster_throughput.py [--duration 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from serving import (
    ROOT,
    BenchError,
    active_members,
    create_sandbox,
    deactivated,
    fmt,
    free_port,
    mib,
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

sys.path.insert(0, str(ROOT))
from deploy.cluster import Cluster, missing_programs  # noqa: E402

WORKERS = 2
SANDBOXES = 100
EXTRA_ENV = {
    "HELPDESK_SANDBOX_CREATE_LIMIT": "1000000/minute",
    "HELPDESK_TRUSTED_HOSTS": "localhost,127.0.0.1",
}


class Target:
    """One configuration under test: where wrk sends, which processes to measure."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port
        self.apps: list[tuple[subprocess.Popen[bytes], int]] = []  # (master, port)
        self.redis: int | None = None  # pid
        self.nginx: subprocess.Popen[bytes] | None = None

    def memory(self) -> dict[str, Any]:
        workers = [rss_kib(p) for app, _ in self.apps for p in worker_pids(app)]
        nginx = []
        if self.nginx is not None:
            nginx = [rss_kib(self.nginx.pid)] + [
                rss_kib(p) for p in worker_pids(self.nginx)
            ]
        return {
            "app_workers_rss_kib": workers,
            "redis_rss_kib": rss_kib(self.redis) if self.redis else None,
            "nginx_rss_kib": nginx,
        }

    def settle(self) -> bool:
        return all(wait_idle(app, port) for app, port in self.apps)


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.servers: list[subprocess.Popen[bytes]] = []
        self.clusters: list[Cluster] = []
        self.rows: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.load_average = [os.getloadavg()[0]]

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def stop_all(self) -> None:
        for server in self.servers:
            stop(server)
        for cluster in self.clusters:
            cluster.stop()

    def start_sqlite(self) -> Target:
        instance = self.tmp / "sqlite"
        instance.mkdir()
        env = dict(
            os.environ,
            HELPDESK_INSTANCE_PATH=str(instance),
            HELPDESK_SECRET_KEY="bench-secret-key-not-for-production",
            **EXTRA_ENV,
        )
        env.pop("HELPDESK_SANDBOX_STORE", None)
        port = free_port()
        with (self.tmp / "sqlite.log").open("wb") as log:
            server = start("helpdesk:create_app()", port, env, WORKERS, log=log)
        self.servers.append(server)
        target = Target("sqlite", port)
        target.apps.append((server, port))
        self.index = instance / "search"  # built by that server: seeds the others
        return target

    def start_cluster(self, name: str, servers: int) -> Target:
        cluster = Cluster(
            self.tmp / name.replace(" ", ""),
            app_ports=[free_port() for _ in range(servers)],
            workers=WORKERS,
            secret_key="bench-secret-key-not-for-production",
            seed_index=self.index,
            env=EXTRA_ENV,
            access_logs=False,
            nginx=servers > 1,
        )
        self.clusters.append(cluster)
        cluster.start()
        port = cluster.port if servers > 1 else cluster.app_ports[0]
        target = Target(name, port)
        for app, app_port in zip(cluster.apps, cluster.app_ports, strict=True):
            assert app.process is not None
            target.apps.append((app.process, app_port))
        assert cluster.redis is not None
        target.redis = cluster.redis.pid
        if cluster.nginx is not None:
            target.nginx = cluster.nginx.process
        return target

    def measure(self, target: Target) -> None:
        args = self.args
        connections = args.connections
        self.log(f"{target.name}: {SANDBOXES} sandboxes, {connections} connections")
        ids, members = [], []
        for _ in range(SANDBOXES):
            sandbox_id, account = create_sandbox(target.port, {"scenario": "bulk"})
            ids.append(sandbox_id)
            members = active_members(account)
        reset(target.port, ids)
        for seconds in (args.warmup, args.duration):
            off = deactivated(target.port, ids, members)
            script = toggle_script(ids, members, off, connections)
            result = run_wrk(target.port, "/", script, connections, seconds, self.tmp)
            if not target.settle():
                self.notes.append(f"{target.name}: still busy 30 s after wrk")
        result["config"] = target.name
        result["app_servers"] = len(target.apps)
        result["memory"] = target.memory()
        self.rows.append(result)

    def run(self) -> None:
        self.log("starting: sqlite server, redis server, 2 servers + nginx")
        targets = [self.start_sqlite()]
        targets.append(self.start_cluster("redis", 1))
        targets.append(self.start_cluster("2 x redis + nginx", 2))
        for target in targets:
            self.measure(target)

    def report(self) -> dict[str, Any]:
        args = self.args
        self.load_average.append(os.getloadavg()[0])
        print(
            f"sandbox writes spread over {SANDBOXES} sandboxes: gunicorn {WORKERS} sync"
            f" workers per app server, 127.0.0.1, wrk {args.warmup:g} s warm-up +"
            f" {args.duration:g} s, {args.connections} connections (one thread each)"
        )
        print(
            f"{os.cpu_count()} CPUs shared by every process; 1-min load average"
            f" {self.load_average[0]:.1f} at start, {self.load_average[1]:.1f} at end"
        )
        header = (
            f"{'config':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
            f" {'vs sqlite':>9}  errors"
        )
        print(header)
        print("-" * len(header))
        base = self.rows[0]["rps"] if self.rows else None
        for row in self.rows:
            ratio = row["rps"] / base if base else None
            row["ratio_to_sqlite"] = ratio
            print(
                f"{row['config']:18} {row['rps']:8.1f} {fmt(row['p50_ms'])}"
                f" {fmt(row['p99_ms'])} {row['non_2xx']:8d} {fmt(ratio, 9, 2)}"
                f"  {', '.join(problems(row)) or '-'}"
            )
        print()
        print("memory after each row (VmRSS, MiB)")
        for row in self.rows:
            memory = row["memory"]
            workers = memory["app_workers_rss_kib"]
            total = sum(k or 0 for k in workers)
            redis = memory["redis_rss_kib"]
            nginx = memory["nginx_rss_kib"]
            print(
                f"  {row['config']:18} app workers {'/'.join(mib(k) for k in workers)}"
                f" (sum {mib(total)}), redis-server {mib(redis) if redis else '-'},"
                f" nginx {'/'.join(mib(k) for k in nginx) or '-'}"
            )
        for row in self.rows:
            for sample in row.get("samples", []):
                print(f"sample {row['config']}: {sample}")
        for note in self.notes:
            print(f"note: {note}")
        return {
            "config": {
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "workers_per_server": WORKERS,
                "sandboxes": SANDBOXES,
                "cpus": os.cpu_count(),
                "load_average_start_end": self.load_average,
            },
            "rows": self.rows,
            "notes": self.notes,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="3 s rows, 1 s warm-up")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    missing = missing_programs() + ([] if shutil.which("wrk") else ["wrk"])
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)} (Debian packages)")

    def terminate(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        try:
            bench.run()
        except BenchError as error:
            raise SystemExit(f"bench broke: {error}") from None
        finally:
            bench.stop_all()
        figures = bench.report()
    print(f"({time.monotonic() - started:.0f} s in all)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
