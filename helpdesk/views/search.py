"""Search pages: ``/<lang>/search?q=`` with results grouped by article."""

from __future__ import annotations

from flask import Flask, render_template, request

from helpdesk import search as search_service
from helpdesk.content import get_library
from helpdesk.contentloop import record_search
from helpdesk.i18n import current_language, localized_blueprint
from helpdesk.search.results import results_page

bp = localized_blueprint("search", __name__)

#: Articles shown on one page.
PAGE_SIZE = 10
#: Highest page number accepted (deeper pages are not useful to anyone).
MAX_PAGE = 100


def _page_number(raw: str | None) -> int:
    """Return a page number from ``?page=``: 1 when missing or not a number."""
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _search(
    query: str,
    lang: str,
    limit: int,
    page: int,
    *,
    snippets: search_service.SnippetChoice | None = None,
    fallback: bool = True,
) -> search_service.SearchResult:
    return search_service.search(
        query, lang, limit=limit, page=page, snippets=snippets, fallback=fallback
    )


@bp.get("/search")
def results() -> str:
    """Show one page of articles matching ``?q=``, the reader's language first."""
    query = request.args.get("q", "")
    page = _page_number(request.args.get("page"))
    result = None
    if query.strip():
        lang = current_language()
        languages = search_service.get_engine().languages
        library = get_library()
        # The error-code notice reads the content, not the index: its
        # fingerprint is part of the key too.
        result = search_service.cached(
            ("page", library.fingerprint, lang, query, page),
            lambda: results_page(
                query, lang, page, PAGE_SIZE, languages, _search, library
            ),
        )
        if page == 1:
            record_search(lang, query, result.total)
    return render_template(
        "search.html", query=query, result=result, page_size=PAGE_SIZE
    )


def init_app(app: Flask) -> None:
    """Register the search pages and the search service (index CLI, engine)."""
    search_service.init_app(app)
    app.register_blueprint(bp)
