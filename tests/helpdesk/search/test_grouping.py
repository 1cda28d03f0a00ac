"""Search results grouped by article, other languages after, error-code notices."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.content import get_library
from helpdesk.errorcodes import codes
from helpdesk.search import Hit, SearchResult
from helpdesk.search import results as grouping
from helpdesk.views import search as search_view

LANGS = ("en", "nl", "pl")
#: A pasted Zoom message naming code 1009 (Zoom prints it grouped).
ZOOM_MESSAGE = "The user john.doe@example.com already holds an active account. (1,009)"


def hit(slug: str, section: str, lang: str = "en", score: float = 1.0) -> Hit:
    url = f"/{lang}/articles/{slug}#{section}"
    return Hit(slug, section, lang, f"T {slug}", f"H {section}", url, "s", score)


def fake_search(by_lang: dict[str, list[Hit]]) -> grouping.Search:
    def search(
        query: str,
        lang: str,
        limit: int,
        page: int,
        *,
        snippets: object = None,
        fallback: bool = True,
        correct: bool = True,
    ) -> SearchResult:
        hits = by_lang.get(lang, [])[:limit]
        return SearchResult(query, lang, len(hits), None, hits, 1, 1 if hits else 0)

    return search


# --- grouping, pure ---------------------------------------------------------------


def test_sections_of_one_article_are_grouped_under_the_best() -> None:
    hits = [hit("a", "x"), hit("b", "y"), hit("a", "z"), hit("b", "w"), hit("a", "v")]
    groups = grouping.group_hits(hits)
    assert [g.slug for g in groups] == ["a", "b"]
    assert groups[0].best.section == "x"
    assert [h.section for h in groups[0].others] == ["z", "v"]
    assert groups[0].sections == 3


def test_one_article_in_two_languages_makes_two_groups() -> None:
    groups = grouping.group_hits([hit("a", "x", "en"), hit("a", "x", "nl")])
    assert [(g.slug, g.lang) for g in groups] == [("a", "en"), ("a", "nl")]


@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from(LANGS), st.integers(0, 30)),
        unique=True,  # the engine returns each section once
    )
)
def test_grouping_keeps_every_hit_once_in_rank_order(
    items: list[tuple[str, str, int]],
) -> None:
    hits = [hit(slug, f"s{n}", lang) for slug, lang, n in items]
    groups = grouping.group_hits(hits)
    regrouped = [h for g in groups for h in (g.best, *g.others)]
    assert sorted(regrouped, key=hits.index) == hits
    assert len(regrouped) == len(hits)
    firsts = [g.best for g in groups]
    assert firsts == sorted(firsts, key=hits.index)
    for g in groups:
        members = [g.best, *g.others]
        assert members == sorted(members, key=hits.index)
        assert {(h.slug, h.lang) for h in members} == {(g.slug, g.lang)}


def test_long_lists_of_other_sections_are_cut_and_counted() -> None:
    many = [hit("a", f"s{n}") for n in range(grouping.MAX_OTHER_SECTIONS + 4)]
    (group,) = grouping.group_hits(many)
    assert len(group.listed) == grouping.MAX_OTHER_SECTIONS
    assert group.unlisted == 3
    assert group.article_url == "/en/articles/a"


def test_other_languages_skip_articles_already_shown_and_rank_by_score() -> None:
    nl = SearchResult(
        "q", "nl", 2, None, [hit("a", "x", "nl", 9), hit("c", "x", "nl", 2)]
    )
    pl = SearchResult(
        "q", "pl", 2, None, [hit("c", "y", "pl", 5), hit("d", "y", "pl", 3)]
    )
    groups = grouping.other_language_groups([nl, pl], ["a", "b"], limit=5)
    assert [(g.slug, g.lang) for g in groups] == [("c", "pl"), ("d", "pl")]
    assert grouping.other_language_groups([nl, pl], ["a"], limit=1)[0].slug == "c"


def test_results_page_puts_the_readers_language_first(search_app: Flask) -> None:
    search = fake_search(
        {
            "en": [hit("a", "x"), hit("a", "y")],
            "nl": [hit("a", "x", "nl"), hit("b", "x", "nl")],
        }
    )
    with search_app.app_context():
        page = grouping.results_page("q", "en", 1, 10, LANGS, search, get_library())
    assert [(g.slug, g.lang) for g in page.groups] == [("a", "en")]
    assert [(g.slug, g.lang) for g in page.other_groups] == [("b", "nl")]
    assert page.total == 2 and page.articles == 1 and page.pages == 1


def test_other_languages_get_no_spelling_correction_the_readers_own_does(
    search_app: Flask,
) -> None:
    asked: list[tuple[str, bool]] = []
    found = fake_search({"pl": [hit("a", "x", "pl")], "nl": [hit("b", "x", "nl")]})

    def search(*args: Any, correct: bool = True, **kwargs: Any) -> SearchResult:
        asked.append((args[1], correct))
        return found(*args, **kwargs)

    with search_app.app_context():
        page = grouping.results_page("q", "pl", 1, 10, LANGS, search, get_library())
    assert asked == [("pl", True), ("en", False), ("nl", False)]
    assert [g.slug for g in page.other_groups] == ["b"]


def test_a_language_with_no_article_left_to_add_is_not_searched(
    search_app: Flask,
) -> None:
    asked: list[str] = []
    with search_app.app_context():
        library = get_library()
        every = [hit(slug, "x", "pl") for slug in sorted(library.written_in("pl"))]
        found = fake_search({"pl": every, "en": [hit("a", "x")]})

        def search(*args: Any, **kwargs: Any) -> SearchResult:
            asked.append(args[1])
            return found(*args, **kwargs)

        page = grouping.results_page("q", "pl", 1, 10, LANGS, search, library)
        assert asked == ["pl"] and not page.other_groups
        # One article fewer in Polish: the others are searched.
        asked.clear()
        found = fake_search({"pl": every[1:], "en": [hit(every[0].slug, "x")]})
        page = grouping.results_page("q", "pl", 1, 10, LANGS, search, library)
    assert asked == ["pl", "en", "nl"]
    assert [g.slug for g in page.other_groups] == [every[0].slug]


def test_results_page_pages_by_article(search_app: Flask) -> None:
    hits = [hit(f"a{n}", "x") for n in range(5)] + [hit("a0", "y")]
    search = fake_search({"en": hits})
    with search_app.app_context():
        first = grouping.results_page("q", "en", 1, 2, LANGS, search, get_library())
        last = grouping.results_page("q", "en", 3, 2, LANGS, search, get_library())
    assert first.pages == 3 and first.articles == 5
    assert [g.slug for g in first.groups] == ["a0", "a1"]
    assert [h.section for h in first.groups[0].others] == ["y"]
    assert [g.slug for g in last.groups] == ["a4"]
    assert last.other_groups == ()


# --- error codes in the query ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("error 4711", 4711),
        ("(4,711)", 4711),
        ("kod błędu 4711", 4711),
        ("foutcode 4711", 4711),
        ("4711", 4711),
        ("remove 200 users", None),
        ("2 users", None),
        ("", None),
    ],
)
def test_named_code_needs_evidence(text: str, code: int | None) -> None:
    assert codes.named_code(text) == code


@pytest.mark.parametrize(
    "text", ["1009", "(1,009)", "how to fix 1009", "foutcode 1.009", ZOOM_MESSAGE]
)
def test_known_codes_are_noticed(search_app: Flask, text: str) -> None:
    with search_app.app_context():
        notice = grouping.code_notice(text, "en", get_library())
    assert notice is not None and notice.known and notice.code == 1009
    assert notice.slug == "error-1009"


@pytest.mark.parametrize("text", ["remove 200 users", "delete users", "unlink 3"])
def test_no_notice_without_a_code(search_app: Flask, text: str) -> None:
    with search_app.app_context():
        assert grouping.code_notice(text, "en", get_library()) is None


# --- the page, in every language ---------------------------------------------------


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "unlink a single user"),
        ("nl", "één gebruiker ontkoppelen"),
        ("pl", "odłączanie pojedynczego użytkownika"),
    ],
)
def test_each_article_is_shown_once_with_its_other_sections(
    search_client: FlaskClient, lang: str, query: str
) -> None:
    html = main_of(
        search_client.get(f"/{lang}/search?q={query}").get_data(as_text=True)
    )
    titles = re.findall(r'<h2 class="search-group-title">([^<]*)<', html)
    assert len(titles) >= 2 and len(titles) == len(set(titles))
    best = re.findall(r'<h3 class="search-result-heading"><a href="([^"]+)"', html)
    assert len(best) == len(titles)
    assert best[0].endswith("#unlink-single")
    assert html.count('class="snippet"') == len(titles)
    lists = re.findall(r'<ul class="search-group-sections"[^>]*>(.*?)</ul>', html, re.S)
    assert lists and all("<li>" in items for items in lists)
    links = re.findall(r'href="(/[a-z]{2}/articles/[^"#]+#[^"]+)"', html)
    assert len(links) == len(set(links))  # no section twice
    assert all(link.startswith(f"/{lang}/") for link in links)


@pytest.mark.parametrize(
    ("lang", "count"),
    [("en", "in 1 article"), ("nl", "in 1 artikel"), ("pl", "w 1 artykule")],
)
def test_count_says_how_many_articles(
    search_client: FlaskClient, lang: str, count: str
) -> None:
    html = search_client.get(
        f"/{lang}/search?q="
        + {"en": "reactivate", "nl": "heractiveren", "pl": "ponowna aktywacja"}[lang]
    ).get_data(as_text=True)
    status = re.search(r'search-count" role="status">([^<]*)<', html)
    assert status is not None and re.search(r"\d+ \w+ (in|w) \d+ ", status.group(1))


@pytest.mark.parametrize(
    ("lang", "heading", "more"),
    [
        ("en", "Also in other languages", "Other matching sections in this article:"),
        ("nl", "Ook in andere talen", "Andere passende secties in dit artikel:"),
        ("pl", "Także w innych językach", "Inne pasujące sekcje tego artykułu:"),
    ],
)
def test_other_languages_come_after_under_their_own_heading(
    search_client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    heading: str,
    more: str,
) -> None:
    other = next(code for code in LANGS if code != lang)
    by_lang = {
        lang: [hit("a", "x", lang, 3), hit("a", "y", lang, 2)],
        other: [hit("a", "x", other, 9), hit("b", "z", other, 1)],
    }
    search = fake_search(by_lang)
    monkeypatch.setattr(
        search_view.search_service,
        "search",
        lambda q, lang, limit=10, page=1, **_: search(q, lang, limit, page),
    )
    html = main_of(search_client.get(f"/{lang}/search?q=users").get_data(as_text=True))
    assert html.count(heading) == 1 and more in html
    own = html.index(f'href="/{lang}/articles/a#x"')
    assert own < html.index(heading) < html.index(f'href="/{other}/articles/b#z"')
    assert f'href="/{other}/articles/a#' not in html  # shown in the reader's language
    assert f'<li class="search-group" lang="{other}">' in html
    assert '<h2 id="search-elsewhere-heading">' in html
    assert '<h3 class="search-group-title">' in html and "<h4 " in html
    assert 'aria-labelledby="search-elsewhere-heading"' in html


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "This looks like error 1009 — "),
        ("nl", "Dit lijkt op foutcode 1009 — "),
        ("pl", "To wygląda na błąd 1009 — "),
    ],
)
@pytest.mark.parametrize("query", ["(1,009)", ZOOM_MESSAGE, "1009"])
def test_a_known_code_links_to_its_page(
    search_client: FlaskClient, lang: str, text: str, query: str
) -> None:
    html = main_of(
        search_client.get(f"/{lang}/search", query_string={"q": query}).get_data(
            as_text=True
        )
    )
    notice = re.search(r'<p class="notice search-code">(.*?)</p>', html, re.S)
    assert notice is not None and text in notice.group(1)
    assert f'href="/{lang}/errors/1009"' in notice.group(1)
    assert html.index("search-code") < html.index("search-count")
    assert search_client.get(f"/{lang}/errors/1009").status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_code_links_to_the_known_codes_not_a_missing_page(
    search_client: FlaskClient, lang: str
) -> None:
    query = {"en": "error 4711", "nl": "foutcode 4711", "pl": "kod błędu 4711"}[lang]
    html = main_of(
        search_client.get(f"/{lang}/search?q={query}").get_data(as_text=True)
    )
    notice = re.search(r'<p class="notice search-code">(.*?)</p>', html, re.S)
    assert notice is not None and "4711" in notice.group(1)
    assert f'href="/{lang}/errors/"' in notice.group(1)
    assert "/errors/4711" not in html
    assert search_client.get(f"/{lang}/errors/").status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_no_notice_for_a_count_of_users(search_client: FlaskClient, lang: str) -> None:
    html = search_client.get(f"/{lang}/search?q=remove 200 users").get_data(
        as_text=True
    )
    assert "search-code" not in html


def test_a_code_notice_shows_with_no_results_too(search_client: FlaskClient) -> None:
    html = search_client.get("/nl/search?q=qqxqzz (98,765)").get_data(as_text=True)
    assert "Geen resultaten voor" in html
    assert 'href="/nl/errors/"' in html and "98765" in html


def test_landmarks_have_unique_names(search_client: FlaskClient) -> None:
    html = search_client.get("/en/search?q=users").get_data(as_text=True)
    form = re.search(
        r'<form class="search-page-form" role="search" aria-label="([^"]+)"', html
    )
    assert form is not None and form.group(1) == "Search the help articles"
    labels = re.findall(r'<nav[^>]*aria-label="([^"]+)"', html)
    assert len(labels) == len(set(labels))
