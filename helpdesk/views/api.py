"""JSON API v1 (placeholder until the API lands)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the JSON API, exempt from CSRF (it takes no cookies-based forms)."""
    from helpdesk.security import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
