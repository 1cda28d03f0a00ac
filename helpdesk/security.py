"""CSRF protection, trusted hosts and security headers for every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError

from helpdesk.settings import LANGUAGES

csrf = CSRFProtect()

#: No inline script anywhere: every script is a static file of our own.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
#: Every sandbox API path starts with this (the collection itself has no slash).
SANDBOX_API_PREFIX = "/api/v1/sandboxes"
#: Shared sandboxes, read through their share token (helpdesk.api.sharing).
SHARED_API_PREFIX = "/api/v1/shared"


def is_sandbox_path(path: str) -> bool:
    """Return whether ``path`` is a sandbox page or a sandbox API path.

    Decided on the path, not the endpoint, so that a 404 or 405 under the
    sandbox (no endpoint matched) counts too.
    """
    for prefix in (SANDBOX_API_PREFIX, SHARED_API_PREFIX):
        if path == prefix or path.startswith(f"{prefix}/"):
            return True
    parts = path.split("/", 3)
    return len(parts) >= 3 and parts[1] in LANGUAGES and parts[2] == "sandbox"


def init_app(app: Flask) -> None:
    """Refuse untrusted hosts, enable CSRF checks on form posts, add the headers."""

    # Registered before CSRFProtect's own hook, so that a request to an untrusted
    # Host is refused as such (400, "untrusted host") before anything else runs.
    @app.before_request
    def refuse_untrusted_host() -> None:
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    csrf.init_app(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    @app.after_request
    def no_store_sandboxes(response: Response) -> Response:
        # A sandbox is private state behind a capability (cookie or id in the
        # URL): no shared or browser cache may keep a copy, errors included.
        if request.blueprint == "sandbox" or is_sandbox_path(request.path):
            response.headers["Cache-Control"] = "no-store"
        return response
