"""Home, article pages and the language redirect at ``/``.

The article body and the article cards are rendered once per language and content
fingerprint, and so are these whole pages for a URL without a query string
(:mod:`helpdesk.pagecache`); they carry an ETag and Last-Modified and answer 304
when the reader has them already (:mod:`helpdesk.httpcache`).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from helpdesk.content import Translation, get_library
from helpdesk.content.freshness import outdated_sections
from helpdesk.httpcache import render_page, revalidated
from helpdesk.i18n import current_language, localized_blueprint, negotiate
from helpdesk.pagecache import cached_fragment

root = Blueprint("root", __name__)
bp = localized_blueprint("pages", __name__)


@root.get("/")
def choose_language() -> Response:
    """Redirect to the visitor's language: cookie, Accept-Language, else English."""
    return redirect(url_for("pages.home", lang_code=negotiate()), code=302)


@bp.get("/")
def home() -> Response:
    """Show the home page: search, error-code lookup, articles, sandbox."""
    return revalidated(
        lambda: render_page("home.html", cards=article_cards(3)),
        get_library().last_modified_ns(),
    )


@bp.get("/articles/")
def article_list() -> Response:
    """List every article in the reader's language."""
    library = get_library()
    return revalidated(
        lambda: render_page(
            "article_list.html",
            articles=library.translations(current_language()),
            cards=article_cards(2),
        ),
        library.last_modified_ns(),
    )


@bp.get("/articles/<slug>")
def article(slug: str) -> Response:
    """Show one article, falling back to another language with a notice.

    A section whose source changed since it was translated carries a notice
    linking to the source section.
    """
    translation = get_translation(slug)
    library = get_library()
    return revalidated(
        lambda: render_page(
            "article.html",
            translation=translation,
            article=translation.article,
            available=library.languages(slug),
            body=article_body(translation),
        ),
        library.last_modified_ns(slug),
    )


def article_cards(level: int) -> str:
    """Return the cards of every article for the reader's language (headings at
    ``level``), rendered once per language and content."""

    def render() -> str:
        articles = get_library().translations(current_language())
        return render_template(
            "_article_cards.html", articles=articles, card_level=level
        )

    return cached_fragment("cards", str(level), render)


def article_body(translation: Translation) -> str:
    """Return the article's body for the reader's language, rendered once.

    The thank-you shown after feedback (``?feedback=thanks``) is rendered anew:
    it depends on the query string, which the cached body must not.
    """
    article = translation.article

    def render() -> str:
        return render_page(
            "_article_body.html",
            translation=translation,
            article=article,
            outdated=outdated_sections(get_library(), article),
        )

    if "feedback" in request.args:
        return Markup(render())
    return cached_fragment("article", article.slug, render)


def get_translation(slug: str) -> Translation:
    """Return the article for the current reader.

    :raise 404: when no article has this slug.
    """
    translation = get_library().translation(slug, current_language())
    if translation is None:
        abort(404)
    return translation
