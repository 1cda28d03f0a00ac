"""Search pages: ``/<lang>/search?q=`` with results grouped by article."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _

from helpdesk import search as search_service
from helpdesk.content import get_library
from helpdesk.contentloop import record_search
from helpdesk.httpcache import csrf_placeholder, page_answer, render_page
from helpdesk.i18n import current_language, localized_blueprint
from helpdesk.pagecache import Page
from helpdesk.search.query import MAX_INPUT_CHARS
from helpdesk.search.results import results_page
from helpdesk.views import search_shell

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
    correct: bool = True,
) -> search_service.SearchResult:
    return search_service.search(
        query,
        lang,
        limit=limit,
        page=page,
        snippets=snippets,
        fallback=fallback,
        correct=correct,
    )


@dataclass(frozen=True)
class _Shown:
    """A rendered results page (cut at its CSRF placeholders) and its total."""

    page: Page
    total: int


def _render(query: str, lang: str, page: int) -> _Shown:
    languages = search_service.get_engine().languages
    result = results_page(
        query, lang, page, PAGE_SIZE, languages, _search, get_library()
    )
    # Only what was found is rendered for each query: the page around it is
    # the same for every query of a language (:mod:`.search_shell`).
    found = render_page(
        "_search_found.html", query=query, result=result, page_size=PAGE_SIZE
    )
    html = search_shell.fill(search_shell.shell(), query, found)
    return _Shown(Page.of(html, csrf_placeholder()), result.total)


@bp.get("/search")
def results() -> str | Response:
    """Show one page of articles matching ``?q=``, the reader's language first."""
    query = request.args.get("q", "")
    if not query.strip():
        return render_template("search.html", query=query, found=None)
    if len(query) > MAX_INPUT_CHARS:
        refusal = _(
            "The search text is too long: at most %(max)s characters.",
            max=MAX_INPUT_CHARS,
        )
        page = render_template(
            "search.html", query=query[:MAX_INPUT_CHARS], found=None, refusal=refusal
        )
        return Response(page, status=400)
    page = _page_number(request.args.get("page"))
    lang = current_language()
    # The page shows nothing of the reader but CSRF tokens (filled in below), so
    # it is kept whole for its URL: scheme and host, path (the language) and
    # query string (the query, the page, and the language links that keep it),
    # with the content's fingerprint (the error-code notice reads the content)
    # and, by search_service.cached, the index build.
    url = f"{request.scheme}://{request.host}{request.script_root}{request.full_path}"
    key = ("page", get_library().fingerprint, url)
    shown = search_service.cached(key, lambda: _render(query, lang, page))
    if page == 1:
        record_search(lang, query, shown.total)
    return page_answer(shown.page)


def init_app(app: Flask) -> None:
    """Register the search pages and the search service (index CLI, engine)."""
    search_service.init_app(app)
    app.register_blueprint(bp)
