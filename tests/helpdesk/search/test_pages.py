"""The search page in every language: counts, pages, empty results, labels."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.search import Hit, SearchResult
from helpdesk.search.query import MAX_INPUT_CHARS
from helpdesk.views import search as search_view


def fake_result(total: int, page: int = 1, pages: int = 1) -> SearchResult:
    hit = Hit("remove-users", "unlink", "en", "Users", "Unlink", "/x#y", "s", 1.0)
    return SearchResult("user", "en", total, None, [hit], page, pages)


@pytest.mark.parametrize(
    ("lang", "total", "text"),
    [
        ("pl", 1, "1 wynik"),
        ("pl", 2, "2 wyniki"),
        ("pl", 5, "5 wyników"),
        ("pl", 22, "22 wyniki"),
        ("pl", 112, "112 wyników"),
        ("nl", 1, "1 resultaat"),
        ("nl", 3, "3 resultaten"),
        ("en", 1, "1 result"),
        ("en", 2, "2 results"),
    ],
)
def test_result_count_plurals(
    search_client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    total: int,
    text: str,
) -> None:
    monkeypatch.setattr(
        search_view.search_service, "search", lambda *a, **k: fake_result(total)
    )
    html = search_client.get(f"/{lang}/search?q=user").get_data(as_text=True)
    count = re.search(r'search-count" role="status">([^<]*)<', html)
    one_article = {"en": "in 1 article", "nl": "in 1 artikel", "pl": "w 1 artykule"}
    assert count is not None
    assert count.group(1).strip() == f"{text} {one_article[lang]}"


@pytest.mark.parametrize(
    ("lang", "articles", "text"),
    [
        ("pl", 2, "w 2 artykułach"),
        ("pl", 5, "w 5 artykułach"),
        ("nl", 3, "in 3 artikelen"),
        ("en", 2, "in 2 articles"),
    ],
)
def test_article_count_plurals(
    search_client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    articles: int,
    text: str,
) -> None:
    hits = [
        Hit(f"a{n}", "s", lang, "T", "H", f"/{lang}/articles/a{n}#s", "s", 1.0)
        for n in range(articles)
    ]
    result = SearchResult("user", lang, articles, None, hits, 1, 1)
    monkeypatch.setattr(search_view.search_service, "search", lambda *a, **k: result)
    html = search_client.get(f"/{lang}/search?q=user").get_data(as_text=True)
    count = re.search(r'search-count" role="status">([^<]*)<', html)
    assert count is not None and count.group(1).strip().endswith(text)


def test_pagination_links(
    search_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages count articles: 25 articles are 3 pages of 10.
    hits = [
        Hit(f"a{n}", "s", "pl", "T", "H", f"/pl/articles/a{n}#s", "s", 1.0)
        for n in range(25)
    ]
    result = SearchResult("user", "pl", 25, None, hits, 1, 1)
    monkeypatch.setattr(search_view.search_service, "search", lambda *a, **k: result)
    html = search_client.get("/pl/search?q=user&page=2").get_data(as_text=True)
    assert 'rel="prev" href="/pl/search?q=user&amp;page=1"' in html
    assert 'rel="next" href="/pl/search?q=user&amp;page=3"' in html
    assert "Strona 2 z 3" in html


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999999999999"])
def test_bad_page_numbers_are_fine(search_client: FlaskClient, page: str) -> None:
    assert search_client.get(f"/en/search?q=user&page={page}").status_code == 200


def test_real_page_past_the_articles(search_client: FlaskClient) -> None:
    # Pages count articles, and three articles fit on the first page.
    first = search_client.get("/en/search?q=user").get_data(as_text=True)
    assert 'class="search-result"' in first and 'rel="next"' not in first
    html = search_client.get("/en/search?q=user&page=2").get_data(as_text=True)
    assert "There are no more results." in html
    assert 'href="/en/search?q=user"' in html


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "No results for"), ("nl", "Geen resultaten voor"), ("pl", "Brak wyników")],
)
def test_empty_results_suggest_code_lookup_and_articles(
    search_client: FlaskClient, lang: str, text: str
) -> None:
    html = search_client.get(f"/{lang}/search?q=qqxqzz").get_data(as_text=True)
    assert text in html
    assert f'action="/{lang}/errors/"' in html
    assert 'name="code"' in html
    assert f'href="/{lang}/articles/"' in html


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_results_deep_link_and_highlight(search_client: FlaskClient, lang: str) -> None:
    query = {"en": "unlink", "nl": "ontkoppelen", "pl": "odłączyć"}[lang]
    html = search_client.get(f"/{lang}/search?q={query}").get_data(as_text=True)
    assert re.search(rf'href="/{lang}/articles/[a-z0-9-]+#[a-z0-9-]+"', html)
    assert "<mark>" in html


def test_other_language_results_are_labelled(search_client: FlaskClient) -> None:
    html = search_client.get("/en/search?q=gebruiker ontkoppelen").get_data(
        as_text=True
    )
    assert "search-other-languages" in html
    assert 'class="lang-label"' in html and "Nederlands" in html
    assert '<li class="search-group" lang="nl">' in html


def test_suggestion_link(search_client: FlaskClient) -> None:
    html = search_client.get("/en/search?q=unlnik").get_data(as_text=True)
    assert "Did you mean:" in html
    assert 'href="/en/search?q=unlink"' in html


def test_query_markup_is_escaped(search_client: FlaskClient) -> None:
    html = search_client.get("/en/search?q=<script>alert(1)</script> user").get_data(
        as_text=True
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_no_query_shows_the_form(search_client: FlaskClient) -> None:
    response = search_client.get("/nl/search")
    assert response.status_code == 200
    assert 'id="search-q"' in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def keeping_client(search_instance: Path) -> FlaskClient:
    """A client of the search app with its answers kept (the search cache on)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(search_instance),
            "SEARCH_CACHE_ENTRIES": 64,
        }
    )
    return app.test_client()


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_a_gzipped_search_page_is_the_plain_page_new_or_kept(
    keeping_client: FlaskClient, lang: str
) -> None:
    browser = {"Accept-Encoding": "gzip, deflate, br"}
    kept = keeping_client.application.extensions["helpdesk.search.cache"]
    for query in ("deactivate user", "verwijderen 1009", "usuń konto"):
        path = f"/{lang}/search?q={query}"
        first = keeping_client.get(path, headers=browser)  # rendered now
        hits = kept.hits
        again = keeping_client.get(path, headers=browser)  # kept, gzipped again
        plain = keeping_client.get(path)  # kept, plain
        assert kept.hits == hits + 2
        assert plain.headers.get("Content-Encoding") is None
        for answer in (first, again):
            assert answer.status_code == 200
            assert answer.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in answer.headers["Vary"]
            assert gzip.decompress(answer.get_data()) == plain.get_data()
        assert query.split()[0] in plain.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The search text is too long: at most 500 characters."),
        ("nl", "De zoektekst is te lang: maximaal 500 tekens."),
        ("pl", "Wyszukiwany tekst jest za długi: może mieć najwyżej 500 znaków."),
    ],
)
def test_a_query_longer_than_the_search_box_is_refused_on_the_page(
    search_client: FlaskClient, lang: str, message: str
) -> None:
    query = "remove user " + "x" * MAX_INPUT_CHARS
    response = search_client.get(f"/{lang}/search", query_string={"q": query})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'role="alert" id="search-refusal">{message}</p>' in html
    assert 'aria-invalid="true" aria-describedby="search-refusal"' in html
    # The box holds what it can take, to be shortened; nothing was searched.
    assert f'value="{query[:MAX_INPUT_CHARS]}"' in html
    assert "search-group" not in html


def test_every_search_box_takes_what_the_search_accepts(
    search_client: FlaskClient,
) -> None:
    pages = (
        "/en/",
        "/en/search?q=x",
        "/en/articles/",
        "/en/search?q=qqqqqqqqzz",
        "/en/no-such-page",
    )
    boxes = 0
    for path in pages:
        html = search_client.get(path).get_data(as_text=True)
        for box in re.findall(r"<input[^>]*name=\"q\"[^>]*>", html):
            assert f'maxlength="{MAX_INPUT_CHARS}"' in box, (path, box)
            boxes += 1
    assert boxes >= 3


def test_a_query_as_long_as_the_search_box_is_searched_on_the_page(
    search_client: FlaskClient,
) -> None:
    query = "1009 " + "x" * (MAX_INPUT_CHARS - 5)
    response = search_client.get("/en/search", query_string={"q": query})
    assert response.status_code == 200
    assert "search-group" in response.get_data(as_text=True)
