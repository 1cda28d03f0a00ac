"""``GET /api/v1/errors/<code>``: shapes and errors in every language."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("written", ["1009", "1,009", "1.009"])
@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Zoom error code 1009"),
        ("nl", "Zoom-foutcode 1009"),
        ("pl", "Kod błędu 1009 w Zoom"),
    ],
)
def test_a_known_code_is_described(
    client: FlaskClient, written: str, lang: str, title: str
) -> None:
    response = client.get(f"/api/v1/errors/{written}?lang={lang}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"code", "title", "summary", "lang", "articles"}
    assert body["code"] == 1009
    assert body["title"] == title
    assert body["lang"] == lang
    assert body["summary"]
    first = body["articles"][0]
    assert set(first) == {"slug", "section", "title", "url"}
    assert (first["slug"], first["section"]) == ("error-1009", "solution")
    assert first["url"] == f"/{lang}/articles/error-1009#solution"
    sections = [f"{a['slug']}#{a['section']}" for a in body["articles"]]
    assert sections.index("remove-users#convert-admin") < sections.index(
        "remove-users#delete-multiple"
    )
    assert "remove-rooms#delete-room" in sections


def test_the_language_comes_from_accept_language(client: FlaskClient) -> None:
    response = client.get("/api/v1/errors/1009", headers={"Accept-Language": "pl"})
    assert response.get_json()["lang"] == "pl"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "We have no article about error code 4711 yet."),
        ("nl", "We hebben nog geen artikel over foutcode 4711."),
        ("pl", "Nie mamy jeszcze artykułu o kodzie błędu 4711."),
    ],
)
def test_an_unknown_code_is_a_404_with_suggestions(
    client: FlaskClient, lang: str, message: str
) -> None:
    response = client.get(f"/api/v1/errors/4,711?lang={lang}")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "unknown-error-code"
    assert error["rule"] is None
    assert error["message"] == message
    assert error["suggestions"][0]["code"] == 1009
    assert error["suggestions"][0]["url"] == f"/{lang}/errors/1009"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "“abc” is not an error code we know."),
        ("nl", "„abc” is geen foutcode die we kennen."),
        ("pl", "„abc” to nie jest znany nam kod błędu."),
    ],
)
def test_something_that_is_no_code_is_a_404(
    client: FlaskClient, lang: str, message: str
) -> None:
    response = client.get(f"/api/v1/errors/abc?lang={lang}")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == message
