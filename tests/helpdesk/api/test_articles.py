"""``GET /api/v1/articles`` and ``/api/v1/articles/<slug>``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from helpdesk import create_app


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_the_list_is_in_the_requests_language(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/api/v1/articles?lang={lang}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["lang"] == lang
    slugs = [a["slug"] for a in body["articles"]]
    assert {"error-1009", "remove-users", "remove-rooms"} <= set(slugs)
    for article in body["articles"]:
        assert {"slug", "title", "summary", "updated", "languages", "url"} <= set(
            article
        )
        assert article["lang"] == lang and article["fallback"] is False
        assert article["url"] == f"/{lang}/articles/{article['slug']}"
        assert article["languages"] == ["en", "nl", "pl"]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Zoom error code 1009"),
        ("nl", "Zoom-foutcode 1009"),
        ("pl", "Kod błędu 1009 w Zoom"),
    ],
)
def test_one_article_has_sections_and_steps(
    client: FlaskClient, lang: str, title: str
) -> None:
    response = client.get(f"/api/v1/articles/error-1009?lang={lang}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == title
    assert body["lang"] == lang and body["fallback"] is False
    assert body["error_codes"] == [1009]
    assert body["lead_html"].startswith("<p>")
    ids = [s["id"] for s in body["sections"]]
    assert ids[:2] == ["cause", "solution"]
    single = body["sections"][ids.index("unlink-single")]
    assert single["procedure"] is True
    assert single["level"] == 3
    assert single["url"] == f"/{lang}/articles/error-1009#unlink-single"
    assert single["steps"][0] == {
        "number": 1,
        "kind": "sign-in",
        "text": single["steps"][0]["text"],
    }
    assert [s["kind"] for s in single["steps"]][-1] == "confirm-unlink"
    assert "<" in single["html"]


def test_a_missing_translation_falls_back(
    app_config: dict[str, object], content_dir: Path
) -> None:
    (content_dir / "remove-rooms" / "pl.md").unlink()
    app_config["CONTENT_DIR"] = str(content_dir)
    app_config["SEARCH_AUTO_BUILD"] = False
    client = create_app(app_config).test_client()
    body = client.get("/api/v1/articles/remove-rooms?lang=pl").get_json()
    assert body["fallback"] is True
    assert body["lang"] == "en"
    assert body["languages"] == ["en", "nl"]
    assert body["url"] == "/pl/articles/remove-rooms"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "There is no article with this name."),
        ("nl", "Er is geen artikel met deze naam."),
        ("pl", "Nie ma artykułu o tej nazwie."),
    ],
)
def test_an_unknown_slug_is_a_404(client: FlaskClient, lang: str, message: str) -> None:
    response = client.get(
        "/api/v1/articles/no-such-article", headers={"Accept-Language": lang}
    )
    assert response.status_code == 404
    assert response.get_json() == {
        "error": {"code": "unknown-article", "rule": None, "message": message}
    }
