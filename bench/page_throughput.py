"""Page throughput: our pages under gunicorn, side by side with a static baseline.

Starts gunicorn on 127.0.0.1 (a free port) with the real app, and a second gunicorn
serving one pre-rendered copy of each page from memory (the cost of the WSGI server and
HTTP alone). Each URL gets a bounded number of requests from a few client threads; the
table prints requests/s and latency percentiles for both, and the ratio.

Run: ``.venv/bin/python bench/page_throughput.py [--requests 300] [--clients 4]``
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from serving import free_port, start, stop

URLS = (
    "/en/",
    "/nl/articles/error-1009",
    "/pl/articles/remove-users",
    "/pl/search?q=odlaczyc%20uzytkownika",
    "/nl/errors/1009",
    "/api/v1/search?q=unlink&lang=en",
)


def hammer(
    port: int, url: str, requests: int, clients: int
) -> tuple[float, list[float]]:
    per_client = requests // clients

    def client(_: int) -> list[float]:
        times = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _i in range(per_client):
            started = time.perf_counter()
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (url, response.status)
            times.append(time.perf_counter() - started)
        conn.close()
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [t for batch in pool.map(client, range(clients)) for t in batch]
    return len(results) / (time.perf_counter() - started), results


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HELPDESK_INSTANCE_PATH=tmp)
        app_port, static_port = free_port(), free_port()
        app = start("helpdesk:create_app()", app_port, env, args.workers)
        try:
            pages = {}
            for url in URLS:
                conn = http.client.HTTPConnection("127.0.0.1", app_port, timeout=30)
                conn.request("GET", url)
                response = conn.getresponse()
                pages[url] = (response.getheader("Content-Type"), response.read())
            static_module = Path(tmp) / "static_pages.py"
            static_module.write_text(
                textwrap.dedent(
                    f"""
                    PAGES = {pages!r}

                    def app(environ, start_response):
                        path = environ["PATH_INFO"]
                        if environ.get("QUERY_STRING"):
                            path += "?" + environ["QUERY_STRING"]
                        kind, body = PAGES[path]
                        start_response("200 OK", [("Content-Type", kind)])
                        return [body]
                    """
                )
            )
            static_env = dict(env, PYTHONPATH=tmp)
            static = start("static_pages:app", static_port, static_env, args.workers)
            try:
                print(
                    f"{args.requests} requests per URL, {args.clients} clients, "
                    f"gunicorn {args.workers} workers, 127.0.0.1"
                )
                header = (
                    f"{'url':42} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
                    f" | {'static':>7} {'p50 ms':>7} | {'ratio':>6}"
                )
                print(header)
                print("-" * len(header))
                for url in URLS:
                    hammer(app_port, url, args.clients * 5, args.clients)  # warm up
                    rate, times = hammer(app_port, url, args.requests, args.clients)
                    base_rate, base_times = hammer(
                        static_port, url, args.requests, args.clients
                    )
                    print(
                        f"{url:42} {rate:7.0f} {pct(times, 50):7.1f}"
                        f" {pct(times, 95):7.1f}"
                        f" | {base_rate:7.0f} {pct(base_times, 50):7.1f}"
                        f" | {base_rate / rate:5.1f}x"
                    )
            finally:
                stop(static)
        finally:
            stop(app)


if __name__ == "__main__":
    main()
