"""Sandbox UI: a mock Zoom web portal, server-rendered, on top of the sandbox service.

Every page shows the visitor's sandbox (:mod:`.state`); a visitor without one sees
the ``error-1009`` scenario, stored on their first change. Every form posts, then
redirects (POST-redirect-GET) with a notice: each change runs through
:func:`.actions.perform`, and one error handler (:func:`.actions.sandbox_error`)
answers every refusal. Before anything destructive a confirmation page shows the
consequences, worked out by running the very simulator operation on a copy of the
account (:mod:`helpdesk.sandbox.preview`).

The views live in one module per area; all are on :data:`bp`, so their endpoints
are ``sandbox.<function>``.
"""

from __future__ import annotations

from flask import Flask

from helpdesk.sandbox.errors import SandboxError

# The view modules attach their routes to ``bp`` when imported.
from helpdesk.views.sandbox import (
    actions,
    guide,
    imports,
    overview,
    removal,
    replace,
    rooms,
    shared,
    tools,
    users,
)
from helpdesk.views.sandbox.blueprint import bp

bp.register_error_handler(SandboxError, actions.sandbox_error)


def init_app(app: Flask) -> None:
    """Register the sandbox UI."""
    app.register_blueprint(bp)


__all__ = [
    "bp",
    "guide",
    "imports",
    "init_app",
    "overview",
    "removal",
    "replace",
    "rooms",
    "shared",
    "tools",
    "users",
]
