"""The app with a search that costs nothing: for ``bench/search_page_floor.py`` only.

Every search of a language (and of the same limit, page and options) is answered
with what the engine found, once, for one fixed query of that language: no query
analysis, spelling, ranking or snippets. Everything else a search page does is
done as served (grouping, the error-code notice, rendering, the search analytics,
the HTTP answer), so a first-seen search page of this app costs what the page
costs around its search.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from helpdesk import create_app
from helpdesk.search import get_engine
from helpdesk.search.engine import SearchResult

#: The query each language's answers are taken from: it matches every article.
FIXED = {
    "en": "unlink user",
    "nl": "gebruiker ontkoppelen",
    "pl": "odłączyć użytkownika",
}


def without_search_cost(app: Flask) -> Flask:
    """Make ``app``'s engine answer each kind of search once, for its fixed query."""
    with app.app_context():
        engine = get_engine()
    search = engine.search
    answers: dict[tuple[Any, ...], SearchResult] = {}
    lock = threading.Lock()

    def answer_once(text: str, lang: str, *args: Any, **options: Any) -> SearchResult:
        # The snippet choice is a new function each time; what it picks does not
        # change which answer is reused.
        kept = tuple(sorted((k, v) for k, v in options.items() if k != "snippets"))
        key = (lang, args[:2], kept)
        with lock:
            found = answers.get(key)
        if found is None:
            found = search(FIXED.get(lang, text), lang, *args, **options)
            with lock:
                answers[key] = found
        return found

    engine.search = answer_once  # type: ignore[method-assign]
    return app


def create() -> Flask:
    """Return the app as served, with a search that costs nothing (for gunicorn)."""
    return without_search_cost(create_app())
