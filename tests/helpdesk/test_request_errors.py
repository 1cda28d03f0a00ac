"""Requests no view answers: the error page's language, ``Allow`` and odd bytes."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from helpdesk.settings import LANGUAGES

NOT_FOUND = {
    "en": "Page not found",
    "nl": "Pagina niet gevonden",
    "pl": "Nie znaleziono strony",
}


def _lang(html: str) -> str:
    found = re.search(r'<html lang="(\w+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_url_no_rule_matches_is_answered_in_its_language(
    client: FlaskClient, lang: str
) -> None:
    # No cookie and no Accept-Language: the path's language is the only hint.
    for path in (f"/{lang}/no-such-page", f"/{lang}/articles/error-1009/extra"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert _lang(html) == lang and NOT_FOUND[lang] in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_method_not_allowed_is_a_localized_405_saying_what_is(
    client: FlaskClient, lang: str
) -> None:
    response = client.post(f"/{lang}/search")
    assert response.status_code == 405
    assert _lang(response.get_data(as_text=True)) == lang
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_api_method_not_allowed_says_what_is_in_json(client: FlaskClient) -> None:
    response = client.post("/api/v1/search", headers={"Accept-Language": "nl"})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert "GET" in response.headers["Allow"]
    response = client.get("/api/v1/sandboxes")
    assert response.status_code == 405 and response.headers["Allow"]


@pytest.mark.parametrize(
    "path", ["/pl/search", "/nl/errors/1009", "/en/", "/", "/staff/sign-in"]
)
def test_a_raw_byte_that_is_not_utf8_in_the_query_is_a_localized_400(
    client: FlaskClient, path: str
) -> None:
    # What a server other than gunicorn passes on: refused before a view reads it.
    response = client.get(
        path,
        environ_overrides={"QUERY_STRING": "q=\xff"},
        headers={"Accept-Language": "pl"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    prefix = path.split("/")[1]
    assert _lang(html) == (prefix if prefix in LANGUAGES else "pl")


def test_a_raw_byte_in_an_api_query_is_the_json_400(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/search",
        environ_overrides={"QUERY_STRING": "q=\xff&lang=nl"},
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"] == "Het verzoek kon niet worden begrepen."


def test_a_query_in_utf8_is_still_read(client: FlaskClient) -> None:
    response = client.get("/pl/search", query_string={"q": "odłączyć użytkownika"})
    assert response.status_code == 200


def test_a_raw_byte_from_an_untrusted_host_is_still_the_host_refusal(
    client: FlaskClient,
) -> None:
    # Refused as a host before the query is looked at: the language negotiation
    # behind its message must not trip on the unreadable query string.
    for path, lang in (("/api/v1/search", None), ("/pl/search", "pl")):
        response = client.get(
            path,
            environ_overrides={"QUERY_STRING": "q=\xff"},
            headers={"Host": "evil.example"},
        )
        assert response.status_code == 400
        if lang is None:
            assert response.get_json()["error"]["code"] == "untrusted-host"
        else:
            assert _lang(response.get_data(as_text=True)) == lang
