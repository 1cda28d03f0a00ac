"""Every API answer is in ``?lang=``, else Accept-Language, else English.

The language cookie (set by browsing the site) never changes an API answer.
"""

from __future__ import annotations

import pytest

UNKNOWN_ARTICLE = {
    "en": "There is no article with this name.",
    "nl": "Er is geen artikel met deze naam.",
    "pl": "Nie ma artykułu o tej nazwie.",
}


@pytest.mark.parametrize(
    ("query", "header", "cookie", "expected"),
    [
        ("", None, None, "en"),
        ("", "nl", "pl", "nl"),
        ("?lang=pl", "nl", "en", "pl"),
        ("", None, "pl", "en"),
    ],
)
def test_api_language_ignores_the_cookie(client, query, header, cookie, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": header} if header else {}
    nowhere = client.get(f"/api/v1/articles/nowhere{query}", headers=headers)
    bad_limit = client.get(
        f"/api/v1/search{query or '?'}&q=x&limit=0".replace("?&", "?"), headers=headers
    )
    assert nowhere.status_code == 404
    assert nowhere.get_json()["error"]["message"] == UNKNOWN_ARTICLE[expected]
    assert bad_limit.status_code == 400
    other = client.get(f"/api/v1/search?q=x&limit=0&lang={expected}")
    assert bad_limit.get_json()["error"] == other.get_json()["error"]


UNKNOWN_LANGUAGE = {
    "en": "Unknown language. Use one of: en, nl, pl.",
    "nl": "Onbekende taal.",
    "pl": "Nieznany język.",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/errors/1009"),
        ("GET", "/api/v1/articles/error-1009"),
        ("GET", "/api/v1/search?q=user"),
        ("GET", "/api/v1/suggest?q=us"),
        ("GET", "/api/v1/sandboxes/nope"),
        ("GET", "/api/v1/shared/nope"),
        ("POST", "/api/v1/sandboxes"),
    ],
)
@pytest.mark.parametrize("lang", sorted(UNKNOWN_LANGUAGE))
def test_an_unknown_lang_is_the_same_localized_400_on_every_route(
    client, method, path, lang
):
    joiner = "&" if "?" in path else "?"
    response = client.open(
        f"{path}{joiner}lang=de",
        method=method,
        json={"scenario": "clean"} if method == "POST" else None,
        headers={"Accept-Language": lang},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid-lang"
    assert error["message"].startswith(UNKNOWN_LANGUAGE[lang])
