"""JSON API for articles: ``GET /api/v1/articles`` and ``/api/v1/articles/<slug>``.

Language: ``?lang=``, else ``Accept-Language``, else English. A missing translation
falls back to another language with ``"fallback": true``, never a 404.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from helpdesk.api.blueprint import bp
from helpdesk.content import Section, Translation, get_library
from helpdesk.errors import api_error
from helpdesk.i18n import negotiate_api_language


@bp.get("/articles")
def article_list() -> dict[str, Any]:
    """List every article in the request's language."""
    lang = negotiate_api_language()
    library = get_library()
    return {
        "lang": lang,
        "articles": [
            _summary(t, library.languages(t.article.slug), lang)
            for t in library.translations(lang)
        ],
    }


@bp.get("/articles/<slug>")
def article(slug: str) -> Any:
    """Return one article: metadata, lead, sections with their steps and HTML.

    :raise 404: no article has this slug (``error.code`` ``unknown-article``).
    """
    lang = negotiate_api_language()
    library = get_library()
    translation = library.translation(slug, lang)
    if translation is None:
        return api_error(
            404, _("There is no article with this name."), code="unknown-article"
        )
    body = _summary(translation, library.languages(slug), lang)
    body.update(
        {
            "source": translation.article.source,
            "error_codes": list(translation.article.error_codes),
            "lead_html": translation.article.lead_html,
            "sections": [_section(s, slug, lang) for s in translation.article.sections],
        }
    )
    return body


def _summary(
    translation: Translation, languages: list[str], lang: str
) -> dict[str, Any]:
    """Return the fields every article listing carries."""
    article = translation.article
    return {
        "slug": article.slug,
        "lang": article.lang,
        "fallback": translation.is_fallback,
        "title": article.title,
        "summary": article.summary,
        "updated": article.updated.isoformat(),
        "languages": languages,
        "url": url_for("pages.article", slug=article.slug, lang_code=lang),
    }


def _section(section: Section, slug: str, lang: str) -> dict[str, Any]:
    """Return one section as JSON, with a deep link to it."""
    return {
        "id": section.id,
        "title": section.title,
        "level": section.level,
        "procedure": section.procedure,
        "steps": [
            {"number": s.number, "kind": s.kind, "text": s.text} for s in section.steps
        ],
        "html": section.html,
        "url": url_for("pages.article", slug=slug, lang_code=lang, _anchor=section.id),
    }
