"""Sitemap, robots.txt, the Atom feed and the OpenSearch description."""

from __future__ import annotations

from flask import Blueprint, Flask, Response

from helpdesk import feeds
from helpdesk.content import get_library
from helpdesk.i18n import current_language, localized_blueprint

root = Blueprint("feeds_root", __name__)
bp = localized_blueprint("feeds", __name__)


@root.get("/sitemap.xml")
def sitemap() -> Response:
    """Serve every article in every language, with its alternates."""
    return Response(feeds.sitemap(get_library()), mimetype=feeds.SITEMAP_TYPE)


@root.get("/robots.txt")
def robots() -> Response:
    """Serve the crawler rules, pointing at the sitemap."""
    return Response(feeds.robots(), mimetype="text/plain")


@bp.get("/feed.xml")
def feed() -> Response:
    """Serve the Atom feed of article updates in the reader's language."""
    body = feeds.atom_feed(get_library(), current_language())
    return Response(body, mimetype=feeds.ATOM_TYPE)


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """Serve the OpenSearch description of the reader's language's search."""
    body = feeds.opensearch(current_language())
    return Response(body, mimetype=feeds.OPENSEARCH_TYPE)


def init_app(app: Flask) -> None:
    """Register the crawler and feed documents; every page's head links to both."""
    app.register_blueprint(root)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"feed_title": feeds.feed_title})
