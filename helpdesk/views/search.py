"""Search pages (placeholder until the search area lands)."""

from __future__ import annotations

from flask import Flask, render_template, request

from helpdesk.i18n import localized_blueprint

bp = localized_blueprint("search", __name__)


@bp.get("/search")
def results() -> str:
    """Show search results for ``?q=``."""
    return render_template("search.html", query=request.args.get("q", ""), results=[])


def init_app(app: Flask) -> None:
    """Register the search pages."""
    app.register_blueprint(bp)
