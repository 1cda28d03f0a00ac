"""The baseline for the throughput benches: a bare Flask app answering a short text.

Served with the same gunicorn settings as the real app, it measures what the WSGI
server, Flask and HTTP cost alone.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> tuple[str, int, dict[str, str]]:
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}
