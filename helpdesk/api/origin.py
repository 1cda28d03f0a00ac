"""Refuse the state-changing API calls that another website could make a browser send.

The sandbox id in the URL is the only credential, and a browser sends a cross-site
"simple" request without asking first (no CORS preflight): a POST whose body is
form-encoded, ``multipart/form-data``, ``text/plain`` or absent, with no custom
header. A page elsewhere could so import a CSV, reset a sandbox, sign a user in or
accept the invitation. So every POST, PUT, PATCH and DELETE under ``/api/`` is
checked here, once, before any view runs:

1. An ``Origin`` header other than the site's own is 403 ``foreign-origin``. The
   site's own origin is the request's scheme and host (``http://localhost:8000``);
   an origin on one of the configured trusted hosts (``TRUSTED_HOSTS``) is the
   site's too, on any scheme and port, as behind a proxy that terminates HTTPS.
2. The request must then be one no browser sends cross-site without a preflight,
   which this site never grants: ``Content-Type: application/json`` (parameters
   such as ``charset`` allowed), or any other body (``text/csv``,
   ``multipart/form-data``) or none, together with an ``X-Requested-With`` header
   (any value) or the site's own ``Origin``. Anything else is 403
   ``cross-site-request``.

Clients outside a browser (curl, scripts) send JSON, or add
``X-Requested-With: XMLHttpRequest`` to uploads and body-less calls. This module
adds no routes; the HTML forms outside ``/api/`` are protected by CSRF tokens.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.sansio.utils import host_is_trusted

from helpdesk.api.blueprint import bp
from helpdesk.errors import api_error

#: Methods that change state; GET, HEAD and OPTIONS pass unchecked.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The custom header that makes a browser ask (preflight) before a cross-site call.
CUSTOM_HEADER = "X-Requested-With"
JSON_TYPE = "application/json"

#: Each refusal's error code and message.
MESSAGES = {
    "foreign-origin": _l("This request comes from another website and was refused."),
    "cross-site-request": _l(
        "Send the body as JSON (Content-Type: application/json), or add the header "
        "X-Requested-With to the request."
    ),
}


def is_own_origin(origin: str) -> bool:
    """Return whether ``origin`` (an ``Origin`` header) is this site's.

    ``null`` and anything that is not ``scheme://host[:port]`` are foreign.
    """
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 -- raises ValueError on a port out of range
    except ValueError:
        return False
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return False
    netloc = parts.netloc.lower()
    if (parts.scheme, netloc) == (request.scheme, request.host.lower()):
        return True
    trusted = current_app.config.get("TRUSTED_HOSTS")
    return bool(trusted) and host_is_trusted(netloc, trusted)


def refusal() -> str | None:
    """Return the error code refusing the current request, or ``None`` to let it in."""
    if request.method not in STATE_CHANGING:
        return None
    origin = request.headers.get("Origin")
    if origin is not None and not is_own_origin(origin):
        return "foreign-origin"
    if request.mimetype == JSON_TYPE:
        return None
    if origin is not None or CUSTOM_HEADER in request.headers:
        return None  # the own origin (checked above), or a header forcing a preflight
    return "cross-site-request"


@bp.before_request
def refuse_cross_site_requests():  # type: ignore[no-untyped-def]
    """Answer 403 with the API's JSON error to a request another site could forge."""
    code = refusal()
    if code is None:
        return None
    return api_error(403, str(MESSAGES[code]), code=code)
