"""``GET /api/v1/suggest?q=&lang=&limit=``: completions of what is being typed."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from helpdesk.api.blueprint import bp
from helpdesk.api.query_args import (
    bounded_int,
    invalid_limit,
    query_too_long,
)
from helpdesk.content import get_library
from helpdesk.errors import api_error
from helpdesk.i18n import negotiate_api_language
from helpdesk.search.suggest import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Suggestion,
    suggest,
)


def _url(item: Suggestion) -> str:
    """Return where a suggestion leads: a section, an article or a code's page."""
    if item.kind == "error-code":
        return url_for("errorcodes.code", lang_code=item.lang, code=item.code)
    return url_for(
        "pages.article", lang_code=item.lang, slug=item.slug, _anchor=item.section
    )


def suggestion_json(item: Suggestion) -> dict[str, Any]:
    """Return the API's representation of one suggestion."""
    body: dict[str, Any] = {
        "slug": item.slug,
        "section": item.section,
        "lang": item.lang,
        "title": item.title,
        "article": item.article,
        "url": _url(item),
        "kind": item.kind,
    }
    if item.code is not None:
        body["code"] = item.code
    return body


@bp.get("/suggest")
def suggest_sections() -> Any:
    """Complete the text being typed; 400 with a localized message on bad input.

    An empty ``q`` has no suggestions (a box that was just cleared); a missing
    one is an error, like a ``q`` longer than anyone types into a search box.
    """
    query = request.args.get("q")
    if query is None:
        return api_error(400, _("Type something to search for."), code="missing-query")
    too_long = query_too_long(query, MAX_QUERY_CHARS)
    if too_long is not None:
        return too_long
    limit = bounded_int("limit", DEFAULT_LIMIT, MAX_LIMIT)
    if limit is None:
        return invalid_limit(MAX_LIMIT)
    lang = negotiate_api_language()
    found = suggest(get_library(), query, lang, limit)
    return {
        "query": query,
        "lang": lang,
        "suggestions": [suggestion_json(item) for item in found],
    }
