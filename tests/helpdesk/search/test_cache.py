"""Search answers kept per app: the same bytes as a fresh search, per index build.

Also: snippets are cut only for the hits the page shows, and the page then shows
exactly what it showed when every hit had its snippet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from helpdesk import search as search_service
from helpdesk.content import get_library
from helpdesk.pagecache import FragmentCache
from helpdesk.search import Hit, SearchResult, rebuild
from helpdesk.search import results as grouping
from helpdesk.views import search as search_view

CACHE = "helpdesk.search.cache"
LANGS = ("en", "nl", "pl")
QUERIES = [
    "odlaczyc uzytkownika",
    "unlink",
    "gebruiker verwijderen",
    "1009",
    "usuń konto",
    "qqqxxyyzz",
    "deactivate user",
    "uzytkownik",
    # Articles that match only in another language ("Also in other languages"):
    "usuń meeting",
    "deactivate gebruiker licentie",
]


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the searches the pages and the API run (by query)."""
    calls: list[str] = []
    real = search_service.search

    def search(query: str, *args: Any, **kwargs: Any) -> SearchResult:
        calls.append(query)
        return real(query, *args, **kwargs)

    monkeypatch.setattr(search_service, "search", search)
    monkeypatch.setattr("helpdesk.api.search.search", search)
    return calls


def pages(client: FlaskClient) -> list[str]:
    return [
        client.get(f"/{lang}/search?q={query}&page={page}").get_data(as_text=True)
        for lang in LANGS
        for query in QUERIES
        for page in (1, 2)
    ]


def test_cached_pages_and_answers_equal_fresh_ones(
    search_app: Flask, search_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = pages(search_client)
    api = [search_client.get(f"/api/v1/search?q={q}").json for q in QUERIES]
    monkeypatch.setitem(search_app.extensions, CACHE, FragmentCache(500))
    calls = counting(monkeypatch)
    assert pages(search_client) == fresh  # filled
    assert [search_client.get(f"/api/v1/search?q={q}").json for q in QUERIES] == api
    searched = len(calls)
    assert pages(search_client) == fresh  # served from the cache
    assert [search_client.get(f"/api/v1/search?q={q}").json for q in QUERIES] == api
    assert len(calls) == searched


def test_the_cache_keeps_at_most_its_size(
    search_app: Flask, search_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FragmentCache(2)
    monkeypatch.setitem(search_app.extensions, CACHE, cache)
    calls = counting(monkeypatch)
    for query in ("unlink", "1009", "deactivate"):
        search_client.get(f"/en/search?q={query}")
    assert len(cache) == 2
    before = len(calls)
    search_client.get("/en/search?q=deactivate")  # kept
    assert len(calls) == before
    search_client.get("/en/search?q=unlink")  # the least recent: dropped
    assert len(calls) > before


def test_a_new_index_build_is_searched_afresh(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting(monkeypatch)
    first = client.get("/en/search?q=unlink").get_data(as_text=True)
    api = client.get("/api/v1/search?q=unlink&lang=en").json
    searched = len(calls)
    client.get("/en/search?q=unlink")
    client.get("/api/v1/search?q=unlink&lang=en")
    assert len(calls) == searched  # same build: the cache answers
    rebuild(app)
    assert client.get("/en/search?q=unlink").get_data(as_text=True) == first
    assert client.get("/api/v1/search?q=unlink&lang=en").json == api
    assert len(calls) > searched  # a new build: searched again


def test_a_query_string_of_its_own_is_a_page_of_its_own(
    app: Flask, client: FlaskClient
) -> None:
    unlink = client.get("/en/search?q=unlink").get_data(as_text=True)
    other = client.get("/en/search?q=1009").get_data(as_text=True)
    assert unlink != other
    assert 'value="unlink"' in unlink and 'value="1009"' in other
    assert client.get("/en/search?q=unlink").get_data(as_text=True) == unlink


def test_debug_apps_keep_no_search_answers(
    app_config: dict[str, object],
) -> None:
    from helpdesk import create_app

    app = create_app({**app_config, "TEMPLATES_AUTO_RELOAD": True})
    assert app.extensions[CACHE].max_entries == 0


# --- snippets only where shown ---------------------------------------------------


def every_snippet(search: Callable[..., SearchResult]) -> grouping.Search:
    """The search before: a snippet for every hit, the other-language fallback on."""

    def full(
        query: str,
        lang: str,
        limit: int,
        page: int,
        *,
        correct: bool = True,
        **_: object,
    ) -> SearchResult:
        return search(query, lang, limit, page, correct=correct)

    return full  # type: ignore[return-value]


def shown(page: grouping.ResultsPage) -> list[object]:
    """Everything of a results page the template shows."""

    def group(g: grouping.ArticleGroup) -> tuple[object, ...]:
        others = [(h.section, h.heading, h.url, h.score) for h in g.others]
        return (g.slug, g.lang, g.title, g.best, others, g.sections, g.unlisted)

    return [
        page.query, page.lang, page.total, page.suggestion, page.articles,
        page.page, page.pages, page.other_languages, page.code,
        [group(g) for g in page.groups], [group(g) for g in page.other_groups],
    ]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_size", [10, 2])
def test_a_page_shows_what_it_showed_with_every_snippet_cut(
    search_app: Flask, lang: str, page_size: int
) -> None:
    search = search_view._search
    with search_app.test_request_context():
        library = get_library()
        for query in QUERIES:
            for number in (1, 2):
                args = (query, lang, number, page_size, LANGS)
                lazy = grouping.results_page(*args, search, library)
                full = grouping.results_page(*args, every_snippet(search), library)
                assert shown(lazy) == shown(full), (query, number)


class _EverySearched:
    """A library that has, in every language, an article no search finds."""

    def __init__(self, library: Any) -> None:
        self._library = library

    def written_in(self, lang: str) -> frozenset[str]:
        return self._library.written_in(lang) | {"never-found"}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)


@pytest.mark.parametrize("lang", LANGS)
def test_leaving_out_languages_with_nothing_to_add_changes_no_page(
    search_app: Flask, lang: str
) -> None:
    search = search_view._search
    with search_app.test_request_context():
        library = get_library()
        for query in QUERIES:
            args = (query, lang, 1, 10, LANGS, search)
            kept = grouping.results_page(*args, library)
            every = grouping.results_page(*args, _EverySearched(library))
            assert shown(kept) == shown(every), query


def fake_engine(by_lang: dict[str, list[Hit]]) -> grouping.Search:
    """A search over fixed ranked hits that cuts only the chosen snippets."""

    def search(
        query: str,
        lang: str,
        limit: int,
        page: int,
        *,
        snippets: Any = None,
        fallback: bool = True,
        correct: bool = True,
    ) -> SearchResult:
        hits = by_lang.get(lang, [])[:limit]
        if snippets is not None:
            chosen = set(snippets([(h.lang, h.slug) for h in hits]))
            hits = [
                h if i in chosen else Hit(*dataclasses.astuple(h)[:6], "", h.score)
                for i, h in enumerate(hits)
            ]
        return SearchResult(query, lang, len(hits), None, hits, 1, 1 if hits else 0)

    return search  # type: ignore[return-value]


ranked_hits = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("xyz"), st.integers(1, 9)),
    max_size=25,
    unique_by=lambda t: t[:2],
)


@given(st.fixed_dictionaries({lang: ranked_hits for lang in LANGS}), st.integers(1, 3))
def test_other_languages_show_the_same_articles_with_their_snippets(
    search_app: Flask, found: dict[str, list[tuple[str, str, int]]], size: int
) -> None:
    by_lang = {
        lang: sorted(
            (
                Hit(slug, s, lang, slug, s, f"/{lang}/{slug}#{s}", f"<{s}>", score)
                for slug, s, score in hits
            ),
            key=lambda h: -h.score,
        )
        for lang, hits in found.items()
    }
    with search_app.app_context():
        library = get_library()
        for number in (1, 2):
            args = ("q", "en", number, size, LANGS)
            lazy = grouping.results_page(*args, fake_engine(by_lang), library)
            full = grouping.results_page(
                *args, every_snippet(fake_engine(by_lang)), library
            )
            assert shown(lazy) == shown(full)
