"""``GET /api/v1/search``: shape and errors."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from helpdesk.search.query import MAX_INPUT_CHARS


def test_shape(search_client: FlaskClient) -> None:
    response = search_client.get("/api/v1/search?q=1,009&lang=nl&limit=3")
    assert response.status_code == 200
    body = response.get_json()
    assert {"query", "lang", "total", "suggestion", "results"} <= set(body)
    assert body["lang"] == "nl" and body["query"] == "1,009"
    assert len(body["results"]) == 3 <= body["total"]
    first = body["results"][0]
    assert {"slug", "section", "lang", "title", "url", "snippet", "score"} <= set(first)
    assert (first["slug"], first["section"]) == ("error-1009", "cause")
    assert first["url"] == "/nl/articles/error-1009#cause"
    assert isinstance(first["score"], float)


def test_language_from_accept_language(search_client: FlaskClient) -> None:
    body = search_client.get(
        "/api/v1/search?q=uzytkownikow", headers={"Accept-Language": "pl"}
    ).get_json()
    assert body["lang"] == "pl"
    assert body["results"] and body["results"][0]["lang"] == "pl"


def test_suggestion(search_client: FlaskClient) -> None:
    body = search_client.get("/api/v1/search?q=unlnik&lang=en").get_json()
    assert body["suggestion"] == "unlink"


@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "", "1.5"])
def test_bad_limit_is_a_localized_400(search_client: FlaskClient, limit: str) -> None:
    response = search_client.get(f"/api/v1/search?q=user&lang=pl&limit={limit}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid-limit"
    assert "Limit musi być" in error["message"]


@pytest.mark.parametrize("limit", ["1", "50"])
def test_limit_bounds(search_client: FlaskClient, limit: str) -> None:
    response = search_client.get(f"/api/v1/search?q=user&limit={limit}")
    assert response.status_code == 200
    assert len(response.get_json()["results"]) <= int(limit)


def test_missing_query_is_a_400(search_client: FlaskClient) -> None:
    response = search_client.get("/api/v1/search?lang=nl")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Typ iets om naar te zoeken."


def test_unknown_language_is_a_400(search_client: FlaskClient) -> None:
    response = search_client.get("/api/v1/search?q=user&lang=de")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-lang"


def test_bad_page_is_a_400(search_client: FlaskClient) -> None:
    response = search_client.get("/api/v1/search?q=user&page=0")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-page"


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "unlink user"),
        ("nl", "gebruiker ontkoppelen"),
        ("pl", "odłączyć użytkownika"),
    ],
)
def test_article_hits_group_the_returned_sections(
    search_client: FlaskClient, lang: str, query: str
) -> None:
    body = search_client.get(
        "/api/v1/search", query_string={"q": query, "lang": lang, "limit": 20}
    ).get_json()
    groups = body["article_hits"]
    assert [s for g in groups for s in g["sections"]] != []
    assert sorted((g["slug"], s) for g in groups for s in g["sections"]) == sorted(
        (r["slug"], r["section"]) for r in body["results"]
    )
    assert len({g["slug"] for g in groups}) == len(groups)
    assert groups[0]["sections"][0] == body["results"][0]["section"]
    assert all(g["lang"] == lang for g in groups)


TOO_LONG = {
    "en": "The search text is too long: at most 500 characters.",
    "nl": "De zoektekst is te lang:",
    "pl": "Wyszukiwany tekst jest za długi:",
}


@pytest.mark.parametrize("lang", sorted(TOO_LONG))
def test_a_query_longer_than_the_search_box_is_a_localized_400(
    search_client: FlaskClient, lang: str
) -> None:
    # Refused, not cut without a word: the boxes take 500 characters (a pasted
    # error message), and anything longer is not a reader's query.
    query = "1009 " + "x" * MAX_INPUT_CHARS
    response = search_client.get(f"/api/v1/search?lang={lang}&q={query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "query-too-long"
    assert TOO_LONG[lang] in error["message"] and "500" in error["message"]


def test_a_query_as_long_as_the_search_box_is_searched(
    search_client: FlaskClient,
) -> None:
    query = "1009 " + "x" * (MAX_INPUT_CHARS - 5)
    response = search_client.get(f"/api/v1/search?lang=en&q={query}")
    assert response.status_code == 200 and response.get_json()["total"] > 0
