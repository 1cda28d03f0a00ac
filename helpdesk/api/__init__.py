"""JSON API v1: one module per area, all on one blueprint under ``/api/v1``.

Errors everywhere are ``{"error": {"code", "rule", "message"}}`` in the request's
language (``?lang=``, else ``Accept-Language``, else English); an unknown ``?lang=``
is refused on every route (:mod:`helpdesk.api.language`). Every state-changing
call is first checked by :mod:`helpdesk.api.origin` (JSON, or a custom header).
"""

from __future__ import annotations

from flask import Flask

# Each area's module adds its routes to ``bp`` when imported: all of them must be
# imported here, before the blueprint is first registered.
from helpdesk.api import (
    articles,
    errors,
    language,
    origin,
    sandboxes,
    search,
    sharing,
    suggest,
)
from helpdesk.api.blueprint import bp
from helpdesk.api.sandbox_errors import init_blueprint

AREAS = (articles, errors, language, origin, sandboxes, search, sharing, suggest)
init_blueprint(bp)


def init_app(app: Flask) -> None:
    """Register the API; it is exempt from CSRF (no cookie-authenticated forms)."""
    from helpdesk.security import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
