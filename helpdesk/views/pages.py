"""Home, article pages and the language redirect at ``/``."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from helpdesk.content import Translation, get_library
from helpdesk.content.freshness import outdated_sections
from helpdesk.i18n import current_language, localized_blueprint, negotiate

root = Blueprint("root", __name__)
bp = localized_blueprint("pages", __name__)


@root.get("/")
def choose_language() -> Response:
    """Redirect to the visitor's language: cookie, Accept-Language, else English."""
    return redirect(url_for("pages.home", lang_code=negotiate()), code=302)


@bp.get("/")
def home() -> str:
    """Show the home page: search, error-code lookup, articles, sandbox."""
    articles = get_library().translations(current_language())
    return render_template("home.html", articles=articles)


@bp.get("/articles/")
def article_list() -> str:
    """List every article in the reader's language."""
    articles = get_library().translations(current_language())
    return render_template("article_list.html", articles=articles)


@bp.get("/articles/<slug>")
def article(slug: str) -> str:
    """Show one article, falling back to another language with a notice.

    A section whose source changed since it was translated carries a notice
    linking to the source section.
    """
    translation = get_translation(slug)
    library = get_library()
    return render_template(
        "article.html",
        translation=translation,
        article=translation.article,
        available=library.languages(slug),
        outdated=outdated_sections(library, translation.article),
    )


def get_translation(slug: str) -> Translation:
    """Return the article for the current reader.

    :raise 404: when no article has this slug.
    """
    translation = get_library().translation(slug, current_language())
    if translation is None:
        abort(404)
    return translation
