"""Sandbox UI: a mock Zoom web portal, server-rendered, on top of the sandbox service.

Every page loads the visitor's sandbox (:mod:`.state`); a missing or expired
sandbox is replaced by a fresh ``error-1009`` one. Every form posts, then
redirects (POST-redirect-GET) with a notice. Before anything destructive a
confirmation page shows the consequences, worked out by running the very simulator
operation on a copy of the account (:mod:`helpdesk.sandbox.preview`).

The views live in one module per area; all are on :data:`bp`, so their endpoints
are ``sandbox.<function>``.
"""

from __future__ import annotations

from flask import Flask

from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("sandbox", __name__, "/sandbox")


def init_app(app: Flask) -> None:
    """Register the sandbox UI."""
    app.register_blueprint(bp)


# The view modules attach their routes to ``bp``, so they are imported after it.
from helpdesk.views.sandbox import (  # noqa: E402
    guide,
    imports,
    overview,
    removal,
    rooms,
    users,
)

__all__ = [
    "bp",
    "guide",
    "imports",
    "init_app",
    "overview",
    "removal",
    "rooms",
    "users",
]
