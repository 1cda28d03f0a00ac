"""``GET /api/v1/search?q=&lang=&limit=&page=``: search results as JSON."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from helpdesk.api.blueprint import bp
from helpdesk.api.query_args import (
    bounded_int,
    invalid_limit,
    query_too_long,
)
from helpdesk.contentloop import record_search
from helpdesk.errors import api_error
from helpdesk.i18n import negotiate_api_language
from helpdesk.search import MAX_LIMIT, SearchResult, cached, search
from helpdesk.search.query import MAX_INPUT_CHARS
from helpdesk.search.results import group_hits

#: Results returned when ``limit`` is not given.
DEFAULT_LIMIT = 10
#: Highest ``page`` accepted.
MAX_PAGE = 100


def result_json(result: SearchResult) -> dict[str, Any]:
    """Return the API's representation of a search result."""
    return {
        "query": result.query,
        "lang": result.lang,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "suggestion": result.suggestion,
        "results": [
            {
                "slug": hit.slug,
                "section": hit.section,
                "lang": hit.lang,
                "title": hit.title,
                "heading": hit.heading,
                "url": hit.url,
                "snippet": hit.snippet,
                "score": hit.score,
            }
            for hit in result.hits
        ],
        # The same hits grouped by article, in rank order: each article's best
        # section first (an optional field; "results" stays per section).
        "article_hits": [
            {
                "slug": group.slug,
                "lang": group.lang,
                "title": group.title,
                "sections": [hit.section for hit in (group.best, *group.others)],
            }
            for group in group_hits(result.hits)
        ],
    }


@bp.get("/search")
def search_articles() -> Any:
    """Search the articles; 400 with a localized message on bad parameters."""
    query = request.args.get("q", "")
    if not query.strip():
        return api_error(400, _("Type something to search for."), code="missing-query")
    too_long = query_too_long(query, MAX_INPUT_CHARS)
    if too_long is not None:
        return too_long
    limit = bounded_int("limit", DEFAULT_LIMIT, MAX_LIMIT)
    if limit is None:
        return invalid_limit(MAX_LIMIT)
    page = bounded_int("page", 1, MAX_PAGE)
    if page is None:
        return api_error(
            400,
            _("The page must be a whole number from 1 to %(max)s.", max=MAX_PAGE),
            code="invalid-page",
        )
    lang = negotiate_api_language()
    result = cached(
        ("api", lang, query, limit, page), lambda: search(query, lang, limit, page)
    )
    if page == 1:
        record_search(lang, query, result.total)
    return result_json(result)
