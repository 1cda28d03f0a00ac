"""Every search is counted (pages and API), without personal data, never failing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.analytics.store import QueryCount
from helpdesk.contentloop import content_loop
from helpdesk.database import StoreUnavailable
from helpdesk.settings import LANGUAGES

SINCE = dt.date.min


def counts(app: Flask, lang: str) -> list[QueryCount]:
    with app.app_context():
        return content_loop().searches.top_queries(lang, SINCE)


def zero(app: Flask, lang: str) -> list[QueryCount]:
    with app.app_context():
        return content_loop().searches.zero_result_queries(lang, SINCE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_search_page_is_counted_under_the_normalized_query(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    assert client.get(f"/{lang}/search?q=  Użytkownik   1009 ").status_code == 200
    assert client.get(f"/{lang}/search?q=uzytkownik 1009").status_code == 200
    [count] = counts(app, lang)
    assert count.query == "uzytkownik 1009"
    assert count.searches == 2
    assert count.results > 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_api_search_is_counted_in_the_language_it_answers_in(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    response = client.get(f"/api/v1/search?q=1009&lang={lang}")
    assert response.status_code == 200
    assert counts(app, lang) == [QueryCount("1009", 1, 0, response.json["total"])]  # type: ignore[index]


def test_searches_without_results_are_listed_separately(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/en/search?q=qqqxxyyzz")
    client.get("/api/v1/search?q=QQQXXYYZZ&lang=en")
    client.get("/en/search?q=1009")
    assert zero(app, "en") == [QueryCount("qqqxxyyzz", 2, 2, 0)]


def test_turning_the_page_or_an_empty_query_is_not_a_new_search(
    app: Flask, client: FlaskClient
) -> None:
    client.get("/en/search?q=user&page=2")
    client.get("/api/v1/search?q=user&page=2")
    client.get("/en/search?q=+++")
    client.get("/api/v1/search?q=")
    assert counts(app, "en") == []


def test_nothing_personal_is_stored(app: Flask, client: FlaskClient) -> None:
    client.set_cookie("session", "cookie-abc-987")
    client.get(
        "/en/search?q=deactivate",
        environ_base={"REMOTE_ADDR": "203.0.113.99"},
        headers={"User-Agent": "agent-qwe-456"},
    )
    counts(app, "en")  # a read writes the searches counted in memory
    raw = b"".join(
        path.read_bytes() for path in Path(app.instance_path).glob("content_loop*")
    )
    assert b"deactivate" in raw
    for secret in (b"203.0.113.99", b"cookie-abc-987", b"agent-qwe-456"):
        assert secret not in raw


class BrokenSearchCounts:
    def record(self, *args: object) -> None:
        raise StoreUnavailable()


@pytest.mark.parametrize("path", ["/en/search?q=1009", "/api/v1/search?q=1009"])
def test_a_broken_store_is_logged_and_the_search_still_answers(
    app: Flask, client: FlaskClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        loop = content_loop()
    app.extensions["helpdesk.contentloop"] = dataclasses.replace(
        loop,
        searches=BrokenSearchCounts(),  # type: ignore[arg-type]
    )
    with caplog.at_level(logging.ERROR):
        response = client.get(path)
    assert response.status_code == 200
    assert "search not counted" in caplog.text
