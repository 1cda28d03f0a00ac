"""The search service over the real articles: languages, typos, codes."""

from __future__ import annotations

import pytest
from flask import Flask

from helpdesk.search import Hit, SearchResult, search


def run(app: Flask, query: str, lang: str, **kwargs: int | bool) -> SearchResult:
    with app.test_request_context(f"/{lang}/search"):
        return search(query, lang, **kwargs)


def keys(result: SearchResult) -> list[str]:
    return [f"{hit.slug}#{hit.section}" for hit in result.hits]


def test_returns_plain_dataclasses(search_app: Flask) -> None:
    result = run(search_app, "unlink a user", "en")
    assert isinstance(result, SearchResult)
    assert result.total >= len(result.hits) > 0
    assert all(isinstance(hit, Hit) for hit in result.hits)
    hit = result.hits[0]
    assert hit.url == f"/en/articles/{hit.slug}#{hit.section}"


@pytest.mark.parametrize("code", ["1009", "1,009", "1.009", "#1009", "error 1009"])
@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_error_code_puts_its_error_section_first(
    search_app: Flask, code: str, lang: str
) -> None:
    result = run(search_app, code, lang)
    assert keys(result)[0] == "error-1009#cause"
    assert result.hits[0].lang == lang


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("uzytkownikow dezaktywowanych", "remove-users#auto-delete"),
        ("odlaczyc uzytkownika", "remove-users#unlink-single"),
        ("usun sale zoom rooms", "remove-rooms#delete-room"),
    ],
)
def test_polish_without_diacritics(
    search_app: Flask, query: str, expected: str
) -> None:
    top = keys(run(search_app, query, "pl", limit=5))
    assert expected in top or expected.replace("remove-users", "error-1009") in top


def test_typo_is_corrected_and_suggested(search_app: Flask) -> None:
    result = run(search_app, "reactvate a deactivated user", "en")
    assert result.suggestion == "reactivate a deactivated user"
    assert keys(result)[0] == "remove-users#reactivate"


def test_no_suggestion_for_correct_words(search_app: Flask) -> None:
    assert run(search_app, "reactivate", "en").suggestion is None


@pytest.mark.parametrize(
    ("query", "lang"),
    [("gebruiker heractiveren", "nl"), ("reaktywacja", "pl"), ("reactivation", "en")],
)
def test_a_derived_word_finds_its_base_word_without_a_correction(
    search_app: Flask, query: str, lang: str
) -> None:
    # heractiveren is good Dutch for "activate again": it must not be "corrected"
    # into its opposite (deactiveren), but found through the known word inside.
    result = run(search_app, query, lang)
    assert result.suggestion is None
    assert keys(result)[0] == "remove-users#reactivate"


def test_a_correction_keeps_the_first_letter() -> None:
    from helpdesk.search.speller import Speller

    speller = Speller({"dezaktywacja": ["dezaktywacja", 5], "reaktywuj": ["x", 1]})
    assert speller.correct("rezaktywacja") is None
    assert speller.correct("dezaktywcja") == "dezaktywacja"


def test_other_languages_when_nothing_matches(search_app: Flask) -> None:
    result = run(search_app, "gebruiker ontkoppelen", "en")
    assert result.total > 0
    assert result.other_languages
    assert {hit.lang for hit in result.hits} == {"nl"}


def test_own_language_first(search_app: Flask) -> None:
    result = run(search_app, "zoom", "pl")
    assert {hit.lang for hit in result.hits} == {"pl"}


def test_pagination(search_app: Flask) -> None:
    first = run(search_app, "user", "en", limit=5, page=1)
    second = run(search_app, "user", "en", limit=5, page=2)
    assert first.pages == -(-first.total // 5) > 1
    assert not set(keys(first)) & set(keys(second))
    beyond = run(search_app, "user", "en", limit=5, page=first.pages + 1)
    assert beyond.hits == [] and beyond.total == first.total


def test_snippets_are_escaped_and_marked(search_app: Flask) -> None:
    result = run(search_app, "don't transfer <b>", "en")
    snippet = result.hits[0].snippet
    assert "<mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("query", ["", "   ", '"', "AND OR NOT", "*", "title:", "the"])
def test_odd_queries_return_empty_or_results(search_app: Flask, query: str) -> None:
    result = run(search_app, query, "en")
    assert result.total >= 0


def test_service_works_outside_a_request(search_app: Flask) -> None:
    with search_app.app_context():
        result = search("unlink", "en")
    assert result.hits[0].url.startswith("/en/articles/")


def test_without_corrections_a_word_is_searched_as_typed_with_its_kin(
    search_app: Flask,
) -> None:
    # "sale" (Polish "rooms") is no English word: the English speller makes it
    # "save", which a reader of Polish never wrote.
    corrected = run(search_app, "sale", "en", fallback=False)
    assert corrected.suggestion == "save" and corrected.total
    as_typed = run(search_app, "sale", "en", fallback=False, correct=False)
    assert as_typed.suggestion is None and as_typed.total == 0
    # A compound's parts, the word inside a derived one and the diacritics
    # variant are no corrections: still searched.
    for query, lang in [
        ("vergaderruimte", "nl"),
        ("heractiveren", "nl"),
        ("odlaczyc uzytkownikow", "pl"),
    ]:
        usual = run(search_app, query, lang, fallback=False)
        without = run(search_app, query, lang, fallback=False, correct=False)
        assert without.total and keys(without) == keys(usual), query
