"""Documents for crawlers, feed readers and browsers: sitemap, robots, Atom, OpenSearch.

Every XML document is built with ElementTree (never by joining strings), and every
URL with ``url_for(..., _external=True)``: the host is the request's, which the
trusted-host setting has already vetted.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from flask import url_for
from flask_babel import gettext

from helpdesk.content import ContentLibrary
from helpdesk.settings import DEFAULT_LANGUAGE

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SITEMAP_TYPE = "application/xml"
ATOM_TYPE = "application/atom+xml"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"

#: Paths no crawler needs: private sandboxes (capabilities) and the JSON API.
ROBOTS_DISALLOW = ("/*/sandbox/", "/api/")

SITE_NAME = "Helpdesk"

# The sitemap's alternates are conventionally written ``xhtml:link``.
ET.register_namespace("xhtml", XHTML_NS)


def sitemap(library: ContentLibrary) -> bytes:
    """Return ``/sitemap.xml``: every article in every language, with its alternates.

    Each URL lists all its languages (``hreflang``) and ``x-default`` (English, or
    the first language the article exists in).
    """
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for slug in library.slugs:
        languages = library.languages(slug)
        default = DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in languages else languages[0]
        urls = {
            lang: url_for("pages.article", slug=slug, lang_code=lang, _external=True)
            for lang in languages
        }
        for lang in languages:
            article = library.get(slug, lang)
            assert article is not None
            entry = ET.SubElement(urlset, "url")
            ET.SubElement(entry, "loc").text = urls[lang]
            lastmod = ET.SubElement(entry, "lastmod")
            lastmod.text = article.updated.isoformat()
            for code in (*languages, "x-default"):
                href = urls[default if code == "x-default" else code]
                ET.SubElement(
                    entry,
                    _q(XHTML_NS, "link"),
                    {"rel": "alternate", "hreflang": code, "href": href},
                )
    return _document(urlset)


def robots() -> str:
    """Return ``/robots.txt``: keep crawlers out of sandboxes and the API."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {url_for('feeds_root.sitemap', _external=True)}")
    return "\n".join(lines) + "\n"


def atom_feed(library: ContentLibrary, lang: str) -> bytes:
    """Return ``/<lang>/feed.xml``: the articles by ``updated`` date, newest first.

    An entry's id is its page's URL, so a later update is the same entry with a
    new ``updated``. An article missing in ``lang`` is listed in the language shown.
    """
    translations = sorted(
        library.translations(lang),
        key=lambda t: (t.article.updated, t.article.slug),
        reverse=True,
    )
    self_url = url_for("feeds.feed", lang_code=lang, _external=True)
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: lang})
    ET.SubElement(feed, "id").text = self_url
    ET.SubElement(feed, "title").text = feed_title()
    newest = max((t.article.updated for t in translations), default=dt.date(2026, 1, 1))
    ET.SubElement(feed, "updated").text = _timestamp(newest)
    ET.SubElement(feed, "link", {"rel": "self", "type": ATOM_TYPE, "href": self_url})
    home = url_for("pages.home", lang_code=lang, _external=True)
    ET.SubElement(
        feed,
        "link",
        {"rel": "alternate", "type": "text/html", "href": home},
    )
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = SITE_NAME
    for translation in translations:
        article = translation.article
        url = url_for(
            "pages.article", slug=article.slug, lang_code=lang, _external=True
        )
        entry = ET.SubElement(feed, "entry", {XML_LANG: article.lang})
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "title").text = article.title
        ET.SubElement(
            entry,
            "link",
            {"rel": "alternate", "type": "text/html", "href": url},
        )
        ET.SubElement(entry, "updated").text = _timestamp(article.updated)
        ET.SubElement(entry, "summary").text = article.summary
    return _document(feed)


def opensearch(lang: str) -> bytes:
    """Return ``/<lang>/opensearch.xml``: search the site from a browser's bar."""
    root = ET.Element("OpenSearchDescription", {"xmlns": OPENSEARCH_NS})
    ET.SubElement(root, "ShortName").text = SITE_NAME
    description = ET.SubElement(root, "Description")
    description.text = gettext("Search the help articles")
    ET.SubElement(root, "InputEncoding").text = "UTF-8"
    ET.SubElement(root, "Language").text = lang
    search = url_for("search.results", lang_code=lang, _external=True)
    ET.SubElement(
        root,
        "Url",
        # The braces are OpenSearch's placeholder, not part of a URL to encode.
        {
            "type": "text/html",
            "method": "get",
            "template": f"{search}?q={{searchTerms}}",
        },
    )
    ET.SubElement(
        root,
        "Url",
        {
            "type": OPENSEARCH_TYPE,
            "rel": "self",
            "template": url_for("feeds.opensearch", lang_code=lang, _external=True),
        },
    )
    return _document(root)


def feed_title() -> str:
    """Return the feed's title in the reader's language (also its link's title)."""
    return f"{SITE_NAME} · {gettext('Zoom admin help')}"


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _timestamp(day: dt.date) -> str:
    """Return an Atom (RFC 3339) timestamp for a date: midnight UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).isoformat()


def _document(root: ET.Element) -> bytes:
    # Each document's own elements are unqualified under the root's ``xmlns``
    # (ElementTree cannot write a default namespace beside plain attributes);
    # elements of another namespace are qualified and get their prefix.
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
