"""Page throughput: our pages under gunicorn, beside a bare Flask hello route.

Starts two gunicorns on 127.0.0.1 with the same settings (sync workers): the real
app and ``bench/hello_app.py`` (what the WSGI server, Flask and HTTP cost alone).
For each route wrk runs on the hello route and then on the route, in the same run,
so the ratio ``route req/s / hello req/s`` is what counts on a loaded machine; the
target for that ratio is printed beside it (issue 11). One more line measures a
conditional GET: an article requested with the ETag of its last answer (a 304).

Run: ``.venv/bin/python bench/page_throughput.py [--seconds 3] [--connections 4]``
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import tempfile
from pathlib import Path

from serving import BENCH, LUA_COMMON, BenchError, free_port, run_wrk, start, stop

#: (label, path, target ratio to hello or None, expected status)
ROUTES: tuple[tuple[str, str, float | None, int], ...] = (
    ("home", "/en/", 0.6, 200),
    ("article", "/nl/articles/error-1009", 0.6, 200),
    ("article", "/pl/articles/remove-users", 0.6, 200),
    ("article list", "/en/articles/", 0.6, 200),
    ("search page", "/pl/search?q=odlaczyc%20uzytkownika", 0.3, 200),
    ("error-code page", "/nl/errors/1009", 0.3, 200),
    ("search API", "/api/v1/search?q=unlink&lang=en", None, 200),
)
CONDITIONAL = "/nl/articles/error-1009"
ENV = {"HELPDESK_TRUSTED_HOSTS": "localhost,127.0.0.1"}


def first_answer(port: int, path: str) -> tuple[int, dict[str, str]]:
    """GET ``path`` once (warms the worker up); return status and headers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def measure(
    port: int, path: str, args: argparse.Namespace, tmp: Path, headers: str = ""
) -> dict[str, float]:
    """Run wrk on ``path``; return req/s, p50 and the statuses seen."""
    result = run_wrk(
        port, path, LUA_COMMON + headers, args.connections, args.seconds, tmp
    )
    if result["socket_errors"]:
        raise BenchError(f"{path}: socket errors {result['socket_errors']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = dict(os.environ, HELPDESK_INSTANCE_PATH=str(tmp / "instance"), **ENV)
        app_port, hello_port = free_port(), free_port()
        app = start("helpdesk:create_app()", app_port, env, args.workers)
        hello = start(
            "hello_app:app", hello_port, dict(env, PYTHONPATH=str(BENCH)), args.workers
        )
        try:
            print(
                f"wrk {args.seconds:g} s per line, {args.connections} connections,"
                f" gunicorn {args.workers} sync workers, 127.0.0.1,"
                f" Python {sys.version.split()[0]}"
            )
            header = (
                f"{'route':16} {'path':38} {'req/s':>7} {'p50 ms':>7}"
                f" | {'hello':>7} | {'ratio':>5} {'target':>6}"
            )
            print(header)
            print("-" * len(header))
            etag = None
            for label, path, target, status in ROUTES:
                for _ in range(2 * args.workers):
                    got, headers = first_answer(app_port, path)
                    if got != status:
                        raise BenchError(f"{path}: {got}, expected {status}")
                if path == CONDITIONAL:
                    etag = headers.get("etag")
                ours = measure(app_port, path, args, tmp)
                if ours["non_2xx"]:
                    raise BenchError(f"{path}: {ours['statuses']}")
                row(label, path, target, ours, measure(hello_port, "/", args, tmp))
            if etag is None:
                print(f"{'conditional GET':16} {CONDITIONAL:38} (no ETag: no 304)")
            else:
                lua = f'wrk.headers["If-None-Match"] = [[{etag}]]\n'
                result = measure(app_port, CONDITIONAL, args, tmp, lua)
                if set(result["statuses"]) != {"304"}:
                    raise BenchError(f"conditional GET: {result['statuses']}")
                row(
                    "304", CONDITIONAL, 0.6, result, measure(hello_port, "/", args, tmp)
                )
        finally:
            stop(hello)
            stop(app)


def row(
    label: str,
    path: str,
    target: float | None,
    ours: dict[str, float],
    hello: dict[str, float],
) -> None:
    """Print one measured line: ours, hello, the ratio and the target."""
    ratio = ours["rps"] / hello["rps"]
    verdict = "" if target is None else ("ok" if ratio >= target else "BELOW")
    print(
        f"{label:16} {path:38} {ours['rps']:7.0f} {ours['p50_ms'] or 0:7.2f}"
        f" | {hello['rps']:7.0f} | {ratio:5.2f} "
        f"{'-' if target is None else f'>={target:.1f}':>6} {verdict}",
        flush=True,
    )


if __name__ == "__main__":
    main()
