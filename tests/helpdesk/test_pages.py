"""Every foundation page in every language, the language redirect and error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from helpdesk.settings import LANGUAGES

SLUGS = ("error-1009", "remove-users", "remove-rooms")


def html_lang(body: bytes) -> str:
    match = re.search(rb'<html lang="([a-z]+)"', body)
    assert match, "page has no <html lang>"
    return match.group(1).decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_is_served_in_each_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert html_lang(response.data) == lang
    body = response.get_data(as_text=True)
    assert f'action="/{lang}/search"' in body
    assert f'action="/{lang}/errors/"' in body
    assert f'href="/{lang}/sandbox/"' in body
    for slug in SLUGS:
        assert f'href="/{lang}/articles/{slug}"' in body


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_article_is_served_in_every_language(client, lang, slug):
    response = client.get(f"/{lang}/articles/{slug}")
    assert response.status_code == 200
    assert html_lang(response.data) == lang
    body = response.get_data(as_text=True)
    assert f'<article class="article" lang="{lang}"' in body
    for other in LANGUAGES:
        assert (
            f'hreflang="{other}" href="http://localhost/{other}/articles/{slug}"'
            in body
        )
    assert "fallback" not in body and 'class="notice"' not in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_article_list_counts_articles_with_plurals(client, lang):
    body = client.get(f"/{lang}/articles/").get_data(as_text=True)
    expected = {"en": "3 articles", "nl": "3 artikelen", "pl": "3 artykuły"}[lang]
    assert expected in body


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "December 2, 2026"),
        ("nl", "2 december 2026"),
        ("pl", "2 grudnia 2026"),
    ],
)
def test_updated_date_is_formatted_for_the_locale(client, lang, expected):
    body = client.get(f"/{lang}/articles/error-1009").get_data(as_text=True)
    assert expected in body


def test_article_has_table_of_contents_and_section_anchors(client):
    body = client.get("/nl/articles/error-1009").get_data(as_text=True)
    for section in ("cause", "solution", "unlink-single", "delete-rooms"):
        assert f'id="{section}"' in body
        assert f'href="#{section}"' in body


def test_procedure_steps_carry_their_kinds_invisibly(client):
    body = client.get("/pl/articles/remove-users").get_data(as_text=True)
    assert 'data-step="sign-in"' in body
    assert "<!-- step:" not in body
    assert "/pl/sandbox/?guide=remove-users%23convert-admin" in body


def test_language_switcher_links_to_the_same_article(client):
    body = client.get("/en/articles/remove-rooms").get_data(as_text=True)
    assert 'href="/nl/articles/remove-rooms"' in body
    assert 'href="/pl/articles/remove-rooms"' in body
    assert 'aria-current="true">English<' in body


def test_cross_article_links_point_at_the_readers_language(client):
    body = client.get("/pl/articles/error-1009").get_data(as_text=True)
    assert 'href="/pl/articles/remove-rooms#delete-room"' in body


@pytest.mark.parametrize(
    ("headers", "cookie", "expected"),
    [
        ({}, None, "/en/"),
        ({"Accept-Language": "pl"}, None, "/pl/"),
        ({"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}, None, "/nl/"),
        ({"Accept-Language": "de-DE,de;q=0.9"}, None, "/en/"),
        ({"Accept-Language": "fr, pl;q=0.4, nl;q=0.6"}, None, "/nl/"),
        ({"Accept-Language": "pl"}, "nl", "/nl/"),
        ({}, "pl", "/pl/"),
        ({"Accept-Language": "nl"}, "xx", "/nl/"),
    ],
)
def test_root_redirects_by_cookie_then_accept_language(
    client, headers, cookie, expected
):
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_viewing_a_language_remembers_it_for_the_root(client):
    client.get("/pl/articles/error-1009")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/pl/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_article_is_a_localized_404(client, lang):
    response = client.get(f"/{lang}/articles/no-such-article")
    assert response.status_code == 404
    assert html_lang(response.data) == lang
    title = {
        "en": "Page not found",
        "nl": "Pagina niet gevonden",
        "pl": "Nie znaleziono",
    }
    assert title[lang] in response.get_data(as_text=True)


def test_unknown_path_without_language_uses_accept_language(client):
    response = client.get("/nowhere", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert html_lang(response.data) == "pl"


def test_unknown_language_prefix_is_a_404(client):
    assert client.get("/de/articles/error-1009").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_server_error_is_a_localized_500(app, lang):
    @app.get(f"/{lang}/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get(f"/{lang}/boom", headers={"Accept-Language": lang})
    assert response.status_code == 500
    assert html_lang(response.data) == lang
    expected = {
        "en": "Something went wrong on our side.",
        "nl": "Er ging aan onze kant iets mis.",
        "pl": "Coś poszło nie tak po naszej stronie.",
    }
    assert expected[lang] in response.get_data(as_text=True)


def test_missing_translation_falls_back_with_a_visible_notice(
    app_config, content_dir: Path
):
    from helpdesk import create_app

    (content_dir / "remove-rooms" / "pl.md").unlink()
    app_config["CONTENT_DIR"] = str(content_dir)
    client = create_app(app_config).test_client()
    response = client.get("/pl/articles/remove-rooms")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert html_lang(response.data) == "pl"
    assert 'class="notice"' in body
    assert "Ten artykuł nie jest jeszcze dostępny w Twoim języku" in body
    assert '<article class="article" lang="en"' in body


@pytest.mark.parametrize(
    ("lang", "notice", "shown"),
    [
        ("en", "You are reading the Dutch version.", "nl"),
        ("nl", "U leest de versie in het Engels.", "en"),
        ("pl", "Czytasz wersję językową: angielski.", "en"),
    ],
)
def test_the_fallback_notice_names_the_language_in_the_readers_language(
    app_config, content_dir: Path, lang: str, notice: str, shown: str
):
    from helpdesk import create_app

    for slug in ("remove-rooms", "error-1009"):
        (content_dir / slug / f"{lang}.md").unlink()
    app_config["CONTENT_DIR"] = str(content_dir)
    client = create_app(app_config).test_client()
    body = client.get(f"/{lang}/errors/1009").get_data(as_text=True)
    assert notice in body
    body = client.get(f"/{lang}/articles/remove-rooms").get_data(as_text=True)
    assert notice in body
    assert f'<article class="article" lang="{shown}"' in body
    # The language switcher keeps each language's own name.
    assert ">Nederlands</a>" in body and ">Polski</a>" in body


def test_pages_send_security_headers(client):
    response = client.get("/en/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_pages_have_no_inline_script(client):
    body = client.get("/nl/articles/error-1009").get_data(as_text=True)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) is None


def test_without_a_configured_key_the_instance_gets_a_private_random_one(tmp_path):
    from helpdesk import create_app

    instance = tmp_path / "inst"
    first = create_app({"INSTANCE_PATH": str(instance), "SEARCH_AUTO_BUILD": False})
    second = create_app({"INSTANCE_PATH": str(instance), "SEARCH_AUTO_BUILD": False})
    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 48
    assert key_file.stat().st_mode & 0o777 == 0o600
    other = create_app(
        {"INSTANCE_PATH": str(tmp_path / "other"), "SEARCH_AUTO_BUILD": False}
    )
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_the_article_list_has_no_heading_level_skipped(client: FlaskClient) -> None:
    body = client.get("/en/articles/").get_data(as_text=True)
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", body)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


@pytest.mark.parametrize(
    ("path", "link", "current"),
    [
        ("/en/articles/", "/en/articles/", "page"),
        ("/en/articles/error-1009", "/en/articles/", "true"),
        ("/en/sandbox/users", "/en/sandbox/", "true"),
    ],
)
def test_the_main_navigation_marks_the_current_area(
    client: FlaskClient, path: str, link: str, current: str
) -> None:
    body = client.get(path).get_data(as_text=True)
    nav = body.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{link}" aria-current="{current}">' in nav


@pytest.mark.parametrize(
    ("value", "secure"), [("1", True), ("true", True), ("0", False)]
)
def test_secure_cookies_are_switched_on_from_the_environment(value, secure):
    from helpdesk.settings import from_environment

    config = from_environment({"HELPDESK_SECURE_COOKIES": value})
    assert config["SESSION_COOKIE_SECURE"] is secure


def test_the_environment_overrides_the_defaults(tmp_path, monkeypatch):
    from helpdesk import create_app

    monkeypatch.setenv("HELPDESK_SANDBOX_TTL_SECONDS", "60")
    monkeypatch.setenv("HELPDESK_SECURE_COOKIES", "1")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SEARCH_AUTO_BUILD": False})
    assert app.config["SANDBOX_TTL_SECONDS"] == 60
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_workers_starting_together_share_one_whole_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from helpdesk import _instance_secret_key

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: _instance_secret_key(str(tmp_path)), range(32)))
    assert len(keys) == 1 and len(keys.pop()) >= 48
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
