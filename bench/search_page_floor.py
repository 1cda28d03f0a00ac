"""What a first-seen search page costs around its search, beside hello.

``bench/page_throughput.py``'s "search, first-seen" line (a query the workers have
not answered before with every request) for two apps in the same run, each with
the bench's gunicorn settings and alternating with the bare Flask hello route:

- the app as served;
- ``bench/search_floor_app.py``: the same app with a search that costs nothing
  (each language answered with what one fixed query found, once), so its line is
  what the page costs without query analysis, spelling, ranking and snippets: the
  floor that no faster search can go below.

The target of the page line (0.3 of hello, issue 11) is printed beside both, and
the resident memory of each server's workers after each line.

Run: ``.venv/bin/python bench/search_page_floor.py [--rounds 3] [--seconds 3]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import page_throughput as pages
from serving import BENCH, free_port, start, stop

APPS = (
    ("search, first-seen", "helpdesk:create_app()"),
    ("the same, no search", "search_floor_app:create()"),
)
TARGET = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(
        f"wrk {args.rounds} x {args.seconds:g} s per line, alternating with hello"
        f" (medians), {args.connections} connections, gunicorn {args.workers}"
        f" sync workers, 127.0.0.1, Python {sys.version.split()[0]}"
    )
    for label, app_name in APPS:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            env = dict(
                os.environ,
                HELPDESK_INSTANCE_PATH=str(tmp / "instance"),
                PYTHONPATH=str(BENCH),
                **pages.ENV,
            )
            app_port, hello_port = free_port(), free_port()
            app = start(app_name, app_port, env, args.workers)
            hello = start("hello_app:app", hello_port, env, args.workers)
            try:
                jar: dict[str, str] = {}
                queries = pages.first_seen_paths()
                # The cookies a reader has on their second page; the queries
                # asked here are not asked again.
                for _ in range(2 * args.workers):
                    status, _headers = pages.first_answer(app_port, queries.pop(), jar)
                    if status != 200:
                        raise pages.BenchError(f"{app_name}: {status}")
                cookies = pages.lua_headers({"Cookie": pages.cookie_header(jar)})
                result = pages.compare(
                    (app_port, hello_port),
                    queries[0],
                    args,
                    tmp,
                    cookies + pages.rotation(queries),
                    cookies,
                )
                pages.row(label, pages.FIRST_SEEN, TARGET, result)
                pages.memory(app, hello)
            finally:
                stop(hello)
                stop(app)


if __name__ == "__main__":
    main()
