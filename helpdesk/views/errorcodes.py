"""Error-code lookup pages (placeholder until the error-code area lands)."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from werkzeug.wrappers import Response

from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("errorcodes", __name__)


@bp.get("/errors/")
def lookup() -> Response:
    """Normalize a pasted code or message and go to its page."""
    return redirect(url_for("errorcodes.code", code=request.args.get("code", "")))


@bp.get("/errors/<code>")
def code(code: str) -> str:
    """Show what an error code means."""
    return code


def init_app(app: Flask) -> None:
    """Register the error-code pages."""
    app.register_blueprint(bp)
