"""CSRF protection, trusted hosts and security headers for every response."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, SecurityError

from helpdesk.settings import LANGUAGES

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

csrf = CSRFProtect()

#: No inline script anywhere: every script is a static file of our own.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
#: Sent with every answer that does not set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
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
    if "sandbox" not in path and "shared" not in path:
        return False  # the cheap answer for almost every request
    for prefix in (SANDBOX_API_PREFIX, SHARED_API_PREFIX):
        if path == prefix or path.startswith(f"{prefix}/"):
            return True
    parts = path.split("/", 3)
    return len(parts) >= 3 and parts[1] in LANGUAGES and parts[2] == "sandbox"


class SecurityHeaders:
    """WSGI middleware adding :data:`SECURITY_HEADERS` to every answer.

    A view that sets one of them keeps its own.
    """

    _NAMES = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        def start(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            present = {name.lower() for name, _value in headers}
            added = [header for name, header in self._NAMES if name not in present]
            return start_response(status, [*headers, *added], exc_info)

        return self.app(environ, start)


def init_app(app: Flask) -> None:
    """Refuse untrusted hosts, enable CSRF checks on form posts, add the headers."""

    # Registered before CSRFProtect's own hook, so that a request to an untrusted
    # Host is refused as such (400, "untrusted host") before anything else runs.
    @app.before_request
    def refuse_untrusted_host() -> None:
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    # A query string with a raw byte that is not UTF-8 (gunicorn refuses such a
    # request line itself; other servers pass it on) cannot be read as arguments:
    # a 400 here, before any view reads them.
    @app.before_request
    def refuse_unreadable_query() -> None:
        if not request.query_string.isascii():
            try:
                request.query_string.decode("utf-8")
            except UnicodeDecodeError:
                # No arguments, for whatever reads them while answering the 400
                # (a language switch, a hook): read, they would raise again.
                request.args = ImmutableMultiDict()
                raise BadRequest() from None

    # Flask-WTF's own hook weighs every request against the exempt views before
    # looking at the method: 40 function calls on each GET. Ours checks the
    # unsafe methods only, by the same protect() (WTF_CSRF_CHECK_DEFAULT off
    # is Flask-WTF's way to protect selectively).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def check_csrf() -> None:
        config = app.config
        if request.method in config["WTF_CSRF_METHODS"] and config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    # As WSGI middleware rather than an after_request hook: it sees every answer
    # (errors included) as a plain list of headers, a few microseconds instead of
    # a search of werkzeug's Headers per header on every request.
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]

    @app.after_request
    def no_store_sandboxes(response: Response) -> Response:
        # A sandbox is private state behind a capability (cookie or id in the
        # URL): no shared or browser cache may keep a copy, errors included.
        if is_sandbox_path(request.path) or request.blueprint == "sandbox":
            response.headers["Cache-Control"] = "no-store"
        return response
