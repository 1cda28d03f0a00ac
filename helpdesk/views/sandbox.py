"""Sandbox UI (placeholder until the sandbox area lands)."""

from __future__ import annotations

from flask import Flask

from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("sandbox", __name__, "/sandbox")


@bp.get("/")
def index() -> str:
    """Show the sandbox."""
    return "sandbox"


def init_app(app: Flask) -> None:
    """Register the sandbox UI."""
    app.register_blueprint(bp)
