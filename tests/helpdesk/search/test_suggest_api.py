"""``GET /api/v1/suggest``: completions in every language, codes, bad input."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.content import get_library
from helpdesk.search.suggest import MAX_QUERY_CHARS, labels
from helpdesk.settings import LANGUAGES

FIELDS = {"slug", "section", "lang", "title", "url", "kind"}


def suggest(client: FlaskClient, q: str, lang: str, **args: object) -> list[dict]:
    response = client.get(
        "/api/v1/suggest", query_string={"q": q, "lang": lang, **args}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["query"] == q and body["lang"] == lang
    return body["suggestions"]


def places(found: list[dict]) -> list[tuple[str, str | None]]:
    return [(s["slug"], s["section"]) for s in found]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shape_and_links(search_client: FlaskClient, lang: str) -> None:
    found = suggest(search_client, "1", lang) + suggest(search_client, "10", lang)
    found += suggest(search_client, "zoom", lang)
    kinds = {s["kind"] for s in found}
    assert kinds == {"error-code", "section", "article"}
    for item in found:
        assert FIELDS <= set(item)
        assert item["lang"] == lang
        if item["kind"] == "section":
            assert item["url"] == f"/{lang}/articles/{item['slug']}#{item['section']}"
        elif item["kind"] == "article":
            assert item["section"] is None
            assert item["url"] == f"/{lang}/articles/{item['slug']}"
        else:
            assert item["url"] == f"/{lang}/errors/{item['code']}"


UNLINK = {
    ("error-1009", "unlink-users"),
    ("error-1009", "unlink-single"),
    ("error-1009", "unlink-multiple"),
    ("remove-users", "unlink"),
    ("remove-users", "unlink-single"),
    ("remove-users", "unlink-multiple"),
}


@pytest.mark.parametrize(
    ("lang", "typed"), [("pl", "odłą"), ("pl", "odla"), ("nl", "ontkop")]
)
def test_the_start_of_unlink_offers_the_unlink_sections(
    search_client: FlaskClient, lang: str, typed: str
) -> None:
    found = places(suggest(search_client, typed, lang, limit=6))
    assert set(found) == UNLINK


def test_typing_with_or_without_diacritics_is_the_same(
    search_client: FlaskClient,
) -> None:
    assert suggest(search_client, "odłą", "pl") == suggest(search_client, "odla", "pl")
    assert suggest(search_client, "ODŁĄCZ", "pl") == suggest(
        search_client, "odlacz", "pl"
    )


def test_dezakt_offers_deactivation_first(search_client: FlaskClient) -> None:
    found = suggest(search_client, "dezakt", "pl", limit=3)
    assert places(found) == [
        ("remove-users", "deactivate"),
        ("remove-users", "deactivate-single"),
        ("remove-users", "deactivate-multiple"),
    ]


def test_auto_del_offers_automatic_deletion(search_client: FlaskClient) -> None:
    found = suggest(search_client, "auto-del", "en")
    assert places(found)[0] == ("remove-users", "auto-delete")
    assert found[0]["title"] == "Automatically delete deactivated users"


def test_a_portal_label_completes_to_the_sections_naming_it(
    search_client: FlaskClient, search_app: Flask
) -> None:
    found = suggest(search_client, "Gebruikersbe", "nl", limit=20)
    assert found
    with search_app.app_context():
        library = get_library()
        for item in found:
            section = library.get(item["slug"], "nl").section(item["section"])
            assert "Gebruikersbeheer" in labels(section.html)


def test_an_inflected_whole_word_matches_by_its_stem(
    search_client: FlaskClient,
) -> None:
    # "użytkownika" is in no heading; "użytkowników", "użytkownik" are.
    found = suggest(search_client, "odłączanie użytkownika", "pl", limit=5)
    assert set(places(found)) <= UNLINK and len(found) == 5


def test_earlier_words_narrow_the_completion(search_client: FlaskClient) -> None:
    found = places(suggest(search_client, "deactivate multi", "en"))
    assert found[0] == ("remove-users", "deactivate-multiple")
    # Others only where the article's title says "deactivate".
    assert all(s.endswith("-multiple") for _slug, s in found)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "typed", ["10", "100", "1,00", "1.00", "#100", "1009", "1,009"]
)
def test_the_start_of_a_code_completes_to_the_code(
    search_client: FlaskClient, lang: str, typed: str
) -> None:
    first = suggest(search_client, typed, lang)[0]
    assert first["kind"] == "error-code" and first["code"] == 1009
    assert first["url"] == f"/{lang}/errors/1009"
    assert first["slug"] == "error-1009"


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("en", "error 10"), ("nl", "foutcode 100"), ("pl", "kod błędu 10")],
)
def test_a_code_after_its_word_still_completes(
    search_client: FlaskClient, lang: str, typed: str
) -> None:
    assert suggest(search_client, typed, lang)[0]["kind"] == "error-code"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "typed", ["1008", "1019", "2000", "1,008", "10090", "error 1008"]
)
def test_numbers_are_never_corrected(
    search_client: FlaskClient, lang: str, typed: str
) -> None:
    assert suggest(search_client, typed, lang) == []


def test_one_digit_is_not_yet_a_code(search_client: FlaskClient) -> None:
    assert all(s["kind"] != "error-code" for s in suggest(search_client, "1", "en"))


def test_a_word_with_a_typo_is_corrected(search_client: FlaskClient) -> None:
    found = suggest(search_client, "unlnik", "en")
    assert found and all("nlink" in s["title"] for s in found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answers_only_in_the_language_asked(
    search_client: FlaskClient, lang: str
) -> None:
    found = suggest(search_client, "zoom", lang, limit=20)
    assert found and {s["lang"] for s in found} == {lang}


def test_language_from_accept_language(search_client: FlaskClient) -> None:
    response = search_client.get(
        "/api/v1/suggest?q=odla", headers={"Accept-Language": "pl"}
    )
    body = response.get_json()
    assert body["lang"] == "pl" and body["suggestions"]


@pytest.mark.parametrize("q", ["", "   ", "\t"])
def test_an_empty_box_has_no_suggestions(search_client: FlaskClient, q: str) -> None:
    assert suggest(search_client, q, "nl") == []


@pytest.mark.parametrize("limit", ["1", "20"])
def test_limit_bounds(search_client: FlaskClient, limit: str) -> None:
    assert 1 <= len(suggest(search_client, "u", "en", limit=limit)) <= int(limit)


def test_default_limit_is_eight(search_client: FlaskClient) -> None:
    assert len(suggest(search_client, "u", "en")) == 8


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("/api/v1/suggest?lang=nl", "missing-query", "Typ iets om naar te zoeken."),
        (
            f"/api/v1/suggest?lang=pl&q={'a' * (MAX_QUERY_CHARS + 1)}",
            "query-too-long",
            "Wyszukiwany tekst jest za długi: może mieć najwyżej 200 znaków.",
        ),
        (
            "/api/v1/suggest?lang=nl&q=a&limit=21",
            "invalid-limit",
            "De limiet moet een geheel getal van 1 tot en met 20 zijn.",
        ),
        (
            "/api/v1/suggest?q=a&lang=de",
            "invalid-lang",
            "Unknown language. Use one of: en, nl, pl.",
        ),
    ],
)
def test_bad_input_is_a_localized_400(
    search_client: FlaskClient, url: str, code: str, message: str
) -> None:
    response = search_client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error == {"code": code, "rule": None, "message": message}


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "", "1.5"])
def test_bad_limits(search_client: FlaskClient, limit: str) -> None:
    response = search_client.get(f"/api/v1/suggest?q=a&lang=en&limit={limit}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-limit"


def test_the_longest_query_is_answered(search_client: FlaskClient) -> None:
    assert suggest(search_client, "u" * MAX_QUERY_CHARS, "en") == []


@pytest.mark.parametrize(
    "q",
    [
        '"unlink',
        "unlink*",
        "heading_en:unlink",
        "NOT AND OR",
        "💥",
        "\u202eodla",
        "\x00",
        "#",
        ",,,",
        "1,",
        "-",
        "'",
    ],
)
def test_odd_text_is_answered_not_an_error(search_client: FlaskClient, q: str) -> None:
    response = search_client.get("/api/v1/suggest", query_string={"q": q, "lang": "en"})
    assert response.status_code == 200
