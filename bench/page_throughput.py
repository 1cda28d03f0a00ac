"""Page throughput: our pages under gunicorn, beside a bare Flask hello route.

Starts two gunicorns on 127.0.0.1 with the same settings (sync workers): the real
app and ``bench/hello_app.py`` (what the WSGI server, Flask and HTTP cost alone).
For each route wrk alternates between the route and the hello route (in the same run),
so the ratio ``route req/s / hello req/s`` is what counts on a loaded machine; the
target for that ratio is printed beside it (issue 11). Requests carry the cookies
the pages set (a reader on their second page); "article, new" is a first visit
without cookies (a new session and CSRF token each time), and "304" a conditional
GET: an article requested with the ETag of its last answer. The pages with a
target are measured a second time as a browser asks for them ("…, gzip":
``Accept-Encoding: gzip, deflate, br``, hello too). The resident memory of each
worker of both servers is printed at the end.

Two lines for the search page. "search page" repeats one query, so after the
first request it is served from the search result cache (``SEARCH_CACHE_ENTRIES``
pages per worker): it measures that cache. "search, first-seen" sends a query the
workers have not answered before with every request: each wrk connection walks,
from a random place, a list of :data:`FIRST_SEEN_COUNT` distinct queries in their
own language's search page, each a query of the search benches (the public eval
set and the held-out ones) plus one word of another query of its language (a
reader's query is a few topical words). A run of a few thousand requests over
that many queries, against an LRU of 256 pages per worker, meets a page it
rendered before for well under 1% of its requests, so the line measures the
search itself (query analysis, spelling, ranking, snippets, rendering): what a
new query costs. The app runs with its usual settings (the cache on), as served.

Run: ``.venv/bin/python bench/page_throughput.py [--rounds 3] [--seconds 1]
[--routes LABEL_OR_PATH ...]`` (``--routes`` measures only the routes whose label
or path is given, e.g. ``--routes "error-code page"``; the "article, new" and 304
lines follow the article route they come from).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from serving import (
    BENCH,
    LUA_COMMON,
    BenchError,
    free_port,
    lua_strings,
    rss_kib,
    run_wrk,
    start,
    stop,
    worker_pids,
)

ANSWERED = "/nl/errors/1009?users=5&admins=2&managed=2&deactivated=1&rooms=1&diagnose=1"
#: The "search, first-seen" line: a new query with every request (see the docstring).
FIRST_SEEN = "/<lang>/search?q=<new each time>"
#: Distinct queries it walks through: far more than the result cache keeps (256).
FIRST_SEEN_COUNT = 12_000
QUERY_FILES = (
    BENCH.parent.parent / "shared" / "eval" / "search_queries.jsonl",
    BENCH / "heldout_queries.jsonl",
    BENCH / "heldout_questions.jsonl",
)
#: (label, path, target ratio to hello or None, expected status)
ROUTES: tuple[tuple[str, str, float | None, int], ...] = (
    ("home", "/en/", 0.6, 200),
    ("article", "/nl/articles/error-1009", 0.6, 200),
    ("article", "/pl/articles/remove-users", 0.6, 200),
    ("article list", "/en/articles/", 0.6, 200),
    # One query again and again: served from the search result cache.
    ("search page", "/pl/search?q=odlaczyc%20uzytkownika", 0.3, 200),
    ("search, first-seen", FIRST_SEEN, 0.3, 200),
    ("error-code page", "/nl/errors/1009", 0.3, 200),
    # The reader's own diagnosis: answers in the query string, no whole-page cache.
    ("error-code answers", ANSWERED, None, 200),
    ("search API", "/api/v1/search?q=unlink&lang=en", None, 200),
    # The app's floor: a JSON answer, no template (every hook and the session).
    ("app floor", "/healthz", None, 200),
)
CONDITIONAL = "/nl/articles/error-1009"
#: Routes measured a second time with a browser's Accept-Encoding (gzipped answers).
GZIP_LABELS = frozenset(
    {"home", "article", "article list", "search page", "error-code page"}
)
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
ENV = {"HELPDESK_TRUSTED_HOSTS": "localhost,127.0.0.1"}


def first_answer(
    port: int, path: str, jar: dict[str, str]
) -> tuple[int, dict[str, str]]:
    """GET ``path`` once as the reader of ``jar``, keeping the cookies it sets."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Cookie": cookie_header(jar)} if jar else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            jar[name.strip()] = value.strip()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def lua_headers(headers: dict[str, str]) -> str:
    """Return wrk Lua lines that send ``headers`` with every request."""
    return "".join(f'wrk.headers["{k}"] = [[{v}]]\n' for k, v in headers.items())


def first_seen_paths(count: int = FIRST_SEEN_COUNT) -> list[str]:
    """Return ``count`` distinct search page paths: a bench query and one more word.

    Each query of :data:`QUERY_FILES` (in its language) gets a word of another
    query of its language; shuffled with a fixed seed, so every run walks the
    same list.
    """
    queries: list[tuple[str, str]] = []
    for path in QUERY_FILES:
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    found = json.loads(line)
                    queries.append((found.get("lang", "en"), found["q"]))
    words: dict[str, list[str]] = {}
    for lang, text in queries:
        words.setdefault(lang, []).extend(text.lower().split())
    combos = sorted(
        {
            (lang, f"{text} {word}")
            for lang, text in queries
            for word in dict.fromkeys(words[lang])
            if word not in text.lower().split()
        }
    )
    random.Random(11).shuffle(combos)
    if len(combos) < count:
        raise BenchError(f"only {len(combos)} first-seen queries, {count} wanted")
    return [
        f"/{lang}/search?q={urllib.parse.quote(text)}" for lang, text in combos[:count]
    ]


LUA_ROTATE = """
local paths = {%(paths)s}
local pos = 0
-- Each connection (each wrk thread) starts at its own random place, a new one
-- every run: no two runs walk the same stretch of the list, but by chance.
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
  pos = math.random(#paths)
end

function request()
  pos = pos %% #paths + 1
  return wrk.format("GET", paths[pos])
end
"""


def rotation(paths: list[str]) -> str:
    """Return wrk Lua that requests the next of ``paths`` each time."""
    return LUA_ROTATE % {"paths": lua_strings(paths)}


def measure(
    port: int, path: str, args: argparse.Namespace, tmp: Path, headers: str = ""
) -> dict[str, float]:
    """Run wrk on ``path`` once; return req/s, p50 and the statuses seen."""
    result = run_wrk(
        port, path, LUA_COMMON + headers, args.connections, args.seconds, tmp
    )
    if result["socket_errors"]:
        raise BenchError(f"{path}: socket errors {result['socket_errors']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--routes",
        nargs="+",
        metavar="LABEL_OR_PATH",
        help="measure only these routes (by label or path); default: all",
    )
    args = parser.parse_args()
    routes = selected_routes(args.routes)

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
                f"wrk {args.rounds} x {args.seconds:g} s per line, alternating with"
                f" hello (medians), {args.connections} connections,"
                f" gunicorn {args.workers} sync workers, 127.0.0.1,"
                f" Python {sys.version.split()[0]}"
            )
            header = (
                f"{'route':18} {'path':38} {'req/s':>7} {'p50 ms':>7}"
                f" | {'hello':>7} | {'ratio':>5} {'target':>6}"
            )
            print(header)
            print("-" * len(header))
            # One reader: the cookies the pages set (session, language) come back
            # with every later request, as from a browser; hello gets them too.
            # Each route is measured with the cookies as they are after visiting
            # it: a browser stores the language cookie a page sets, so only its
            # first visit to a page in another language sets it again.
            jar: dict[str, str] = {}
            etag = None
            new_queries = first_seen_paths()
            route_cookies: dict[str, str] = {}
            for _label, path, _target, status in routes:
                # The first-seen line is checked on queries it will not ask again.
                checked = new_queries.pop() if path == FIRST_SEEN else path
                for _ in range(2 * args.workers):
                    got, headers = first_answer(app_port, checked, jar)
                    if got != status:
                        raise BenchError(f"{checked}: {got}, expected {status}")
                if path == CONDITIONAL:
                    etag = headers.get("etag")
                route_cookies[path] = lua_headers(
                    {"Cookie": cookie_header(jar)} if jar else {}
                )
            ports = (app_port, hello_port)
            for label, path, target, _status in routes:
                cookies = route_cookies[path]
                if path == FIRST_SEEN:
                    lua = cookies + rotation(new_queries)
                    result = compare(ports, new_queries[0], args, tmp, lua, cookies)
                else:
                    result = compare(ports, path, args, tmp, cookies)
                row(label, path, target, result)
            # The same pages as a browser asks for them: gzip accepted.
            for label, path, target, _status in routes:
                if label in GZIP_LABELS:
                    lua = route_cookies[path] + lua_headers(BROWSER)
                    result = compare(ports, path, args, tmp, lua)
                    row(f"{label}, gzip", path, target, result)
            if all(path != CONDITIONAL for _label, path, _t, _s in routes):
                memory(app, hello)
                return
            new = compare(ports, CONDITIONAL, args, tmp, "")
            row("article, new", CONDITIONAL, None, new)
            if etag is None:
                print(f"{'304':18} {CONDITIONAL:38} (no ETag: no 304)")
            else:
                cookies = route_cookies[CONDITIONAL]
                lua = cookies + lua_headers({"If-None-Match": etag})
                result = compare(ports, CONDITIONAL, args, tmp, lua, cookies, "304")
                row("304", CONDITIONAL, None, result)
            memory(app, hello)
        finally:
            stop(hello)
            stop(app)


def memory(app: subprocess.Popen[bytes], hello: subprocess.Popen[bytes]) -> None:
    """Print the resident memory of each server's workers after the run."""

    def megabytes(server: subprocess.Popen[bytes]) -> str:
        sizes = [rss_kib(pid) for pid in worker_pids(server)]
        return " + ".join(f"{size / 1024:.0f}" for size in sizes if size) or "?"

    print(
        f"worker RSS after the run, MB: ours {megabytes(app)}, hello {megabytes(hello)}"
    )


def selected_routes(
    wanted: list[str] | None,
) -> tuple[tuple[str, str, float | None, int], ...]:
    """Return the routes named by label or path in ``wanted`` (all when None)."""
    if not wanted:
        return ROUTES
    found = tuple(r for r in ROUTES if r[0] in wanted or r[1] in wanted)
    unknown = set(wanted) - {r[0] for r in found} - {r[1] for r in found}
    if unknown:
        raise SystemExit(f"unknown routes: {', '.join(sorted(unknown))}")
    return found


def compare(
    ports: tuple[int, int],
    path: str,
    args: argparse.Namespace,
    tmp: Path,
    headers: str,
    hello_headers: str | None = None,
    expect: str = "2",
) -> dict[str, float]:
    """Alternate wrk on ``path`` and on hello ``--rounds`` times; return the medians.

    Short alternating runs see the same load from the rest of the machine, so the
    median of the per-round ratios is steadier than one long run of each.
    """
    app_port, hello_port = ports
    ours, hello, ratios = [], [], []
    for _ in range(args.rounds):
        mine = measure(app_port, path, args, tmp, headers)
        wrong = {c: n for c, n in mine["statuses"].items() if not c.startswith(expect)}
        if wrong:
            raise BenchError(f"{path}: {mine['statuses']}")
        base = measure(
            hello_port,
            "/",
            args,
            tmp,
            headers if hello_headers is None else hello_headers,
        )
        ours.append(mine)
        hello.append(base)
        ratios.append(mine["rps"] / base["rps"])
    return {
        "rps": statistics.median(r["rps"] for r in ours),
        "p50_ms": statistics.median(r["p50_ms"] or 0 for r in ours),
        "hello": statistics.median(r["rps"] for r in hello),
        "ratio": statistics.median(ratios),
    }


def row(label: str, path: str, target: float | None, result: dict[str, float]) -> None:
    """Print one measured line: ours, hello, the ratio and the target."""
    ratio = result["ratio"]
    verdict = "" if target is None else ("ok" if ratio >= target else "BELOW")
    print(
        f"{label:18} {path:38} {result['rps']:7.0f} {result['p50_ms']:7.2f}"
        f" | {result['hello']:7.0f} | {ratio:5.2f} "
        f"{'-' if target is None else f'>={target:.1f}':>6} {verdict}",
        flush=True,
    )


if __name__ == "__main__":
    main()
