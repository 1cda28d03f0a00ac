"""``/healthz`` (the process answers) and ``/readyz`` (it can serve), as JSON.

A load balancer or orchestrator sends traffic to an app server only while
``/readyz`` is 200: the sandbox store answers and the search index is built.
Neither says more than that (no versions, paths or counts).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify

from helpdesk.sandboxes import store
from helpdesk.search import index_ready

bp = Blueprint("health", __name__)

#: Seconds a client is told to wait before asking a server that is not ready.
RETRY_AFTER_SECONDS = 5


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 while the process serves requests at all."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response | tuple[Response, int, dict[str, str]]:
    """Answer 200 when the store and the search index are ready, else 503."""
    checks = {
        "store": "ok" if store().ping() else "unavailable",
        "search_index": "ok" if index_ready() else "missing",
    }
    ready = all(value == "ok" for value in checks.values())
    body = jsonify({"status": "ready" if ready else "not-ready", "checks": checks})
    if ready:
        return body
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    """Register the health checks (no language prefix, no CSRF, no session)."""
    app.register_blueprint(bp)
