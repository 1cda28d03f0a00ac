"""Sitemap, robots.txt, Atom feeds, OpenSearch, the head links and the print sheet."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.content import get_library
from helpdesk.settings import LANGUAGES

SLUGS = ("error-1009", "remove-rooms", "remove-users")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BASE = "http://localhost"


def parse(client: FlaskClient, url: str, mimetype: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    return ET.fromstring(response.data)


def test_the_sitemap_lists_every_article_in_every_language_with_alternates(
    client: FlaskClient,
) -> None:
    root = parse(client, "/sitemap.xml", "application/xml")
    assert root.tag == f"{SITEMAP}urlset"
    urls = root.findall(f"{SITEMAP}url")
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    expected = {
        f"{BASE}/{lang}/articles/{slug}" for slug in SLUGS for lang in LANGUAGES
    }
    assert set(locs) == expected and len(locs) == len(expected)
    for url in urls:
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc is not None
        slug = loc.rsplit("/", 1)[1]
        dt.date.fromisoformat(url.findtext(f"{SITEMAP}lastmod") or "")
        links = url.findall(f"{XHTML}link")
        alternates = {link.get("hreflang"): link.get("href") for link in links}
        assert all(link.get("rel") == "alternate" for link in links)
        assert alternates == {
            **{lang: f"{BASE}/{lang}/articles/{slug}" for lang in LANGUAGES},
            "x-default": f"{BASE}/en/articles/{slug}",
        }


def test_robots_keeps_crawlers_out_of_sandboxes_and_the_api(
    client: FlaskClient,
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /*/sandbox/" in lines
    assert "Disallow: /api/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_an_atom_feed_of_article_updates(
    client: FlaskClient, lang: str
) -> None:
    feed = parse(client, f"/{lang}/feed.xml", "application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    assert feed.get(XML_LANG) == lang
    self_url = f"{BASE}/{lang}/feed.xml"
    assert feed.findtext(f"{ATOM}id") == self_url
    assert feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Helpdesk"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == self_url
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(SLUGS)
    stamps = []
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith(
            f"{BASE}/{lang}/articles/"
        )
        assert entry.findtext(f"{ATOM}id") == link.get("href")
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}summary")
        stamp = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        assert stamp.tzinfo is not None
        stamps.append(stamp)
    assert stamps == sorted(stamps, reverse=True)
    feed_updated = dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated") or "")
    assert feed_updated == max(stamps)


def test_the_feed_titles_are_in_the_readers_language(client: FlaskClient) -> None:
    titles = {
        lang: parse(client, f"/{lang}/feed.xml", "application/atom+xml").findtext(
            f"{ATOM}entry/{ATOM}title"
        )
        for lang in LANGUAGES
    }
    assert len(set(titles.values())) == len(LANGUAGES)
    pl = parse(client, "/pl/feed.xml", "application/atom+xml")
    assert "Kod błędu 1009 w Zoom" in [
        e.findtext(f"{ATOM}title") for e in pl.findall(f"{ATOM}entry")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_opensearch_description_searches_the_readers_language(
    client: FlaskClient, lang: str
) -> None:
    root = parse(
        client, f"/{lang}/opensearch.xml", "application/opensearchdescription+xml"
    )
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.findtext(f"{OPENSEARCH}ShortName") == "Helpdesk"
    assert root.findtext(f"{OPENSEARCH}Language") == lang
    urls = {u.get("type"): u for u in root.findall(f"{OPENSEARCH}Url")}
    assert (
        urls["text/html"].get("template") == f"{BASE}/{lang}/search?q={{searchTerms}}"
    )
    assert urls["application/opensearchdescription+xml"].get("rel") == "self"


def test_the_opensearch_description_is_localized(client: FlaskClient) -> None:
    nl = parse(client, "/nl/opensearch.xml", "application/opensearchdescription+xml")
    assert nl.findtext(f"{OPENSEARCH}Description") == "Zoeken in de helpartikelen"


@pytest.mark.parametrize(
    "path", ["/{lang}/", "/{lang}/articles/remove-users", "/{lang}/search?q=1009"]
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_links_the_opensearch_description_and_the_feed(
    client: FlaskClient, lang: str, path: str
) -> None:
    body = client.get(path.format(lang=lang)).get_data(as_text=True)
    head = body.split("</head>", 1)[0]
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" '
        f'title="Helpdesk" href="/{lang}/opensearch.xml">'
    ) in head
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Helpdesk · '
    ) in head
    assert f'href="/{lang}/feed.xml">' in head
    assert re.search(
        r'<link rel="stylesheet" href="/static/print\.[0-9a-f]{12}\.css"'
        r' media="print">',
        head,
    )


def test_the_documents_name_the_host_the_request_came_to(client: FlaskClient) -> None:
    body = client.get("/sitemap.xml", base_url="http://127.0.0.1").get_data(
        as_text=True
    )
    assert "http://127.0.0.1/en/articles/error-1009" in body
    forged = client.get("/sitemap.xml", headers={"Host": "evil.example"})
    assert forged.status_code == 400


def test_the_print_sheet_hides_everything_to_click_and_shows_link_urls(
    client: FlaskClient,
) -> None:
    response = client.get("/static/print.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "@media print" in css
    for selector in (".site-header", ".toc", ".button", ".try-it", "form", ".feedback"):
        assert selector in css
    assert 'a[href*="/sandbox/"]' in css
    assert "attr(href)" in css and "attr(data-print-url)" in css


ORIGINS = {
    "en": "Based on Zoom's article “Zoom-foutcode 1009” (Dutch)",
    "nl": "Gebaseerd op het Zoom-artikel “Zoom-foutcode 1009” (Nederlands)",
    "pl": "Na podstawie artykułu Zoom „Zoom-foutcode 1009” (niderlandzki)",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_article_names_its_origin_and_its_last_update(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    body = client.get(f"/{lang}/articles/error-1009").get_data(as_text=True)
    assert ORIGINS[lang] in body
    with app.app_context():
        article = get_library().get("error-1009", lang)
    assert article is not None
    assert format_date(article.updated, "long", locale=lang) in body
    users = client.get(f"/{lang}/articles/remove-users").get_data(as_text=True)
    assert "Dezaktywowanie, odłączanie lub usuwanie użytkowników z konta” (" in users
    rooms = client.get(f"/{lang}/articles/remove-rooms").get_data(as_text=True)
    assert 'class="meta origin"' not in rooms  # no seed of its own
