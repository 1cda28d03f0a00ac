"""CSRF protection, trusted hosts and security headers for every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError

csrf = CSRFProtect()

#: No inline script anywhere: every script is a static file of our own.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


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
