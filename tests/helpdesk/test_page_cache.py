"""Cached pages, ETag/Last-Modified/304 (never one reader's page for another),
hashed static files, the favicon and gzip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.pagecache import FragmentCache, fragment_cache
from helpdesk.settings import LANGUAGES

PAGES = (
    "/{lang}/",
    "/{lang}/articles/",
    "/{lang}/articles/error-1009",
    "/{lang}/errors/1009",
)
ARTICLE = "/{lang}/articles/remove-users"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def tokens(body: str) -> set[str]:
    return set(TOKEN.findall(body))


def without_tokens(body: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', body)


@pytest.fixture
def csrf_app(app_config: dict[str, object]) -> Flask:
    app_config["WTF_CSRF_ENABLED"] = True
    return create_app(app_config)


# --- the fragment and page cache ----------------------------------------------------


def test_the_cache_keeps_the_least_recently_used_out_past_its_size() -> None:
    cache = FragmentCache(2)
    renders: list[str] = []

    def render(name: str) -> str:
        renders.append(name)
        return f"<p>{name}</p>"

    assert cache.get_or_render("a", lambda: render("a")) == "<p>a</p>"
    cache.get_or_render("b", lambda: render("b"))
    cache.get_or_render("a", lambda: render("a"))  # a is now the most recent
    cache.get_or_render("c", lambda: render("c"))  # b goes
    cache.get_or_render("a", lambda: render("a"))
    cache.get_or_render("b", lambda: render("b"))
    assert renders == ["a", "b", "c", "b"]
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (2, 4)


def test_a_cache_of_size_zero_renders_every_time() -> None:
    cache = FragmentCache(0)
    calls = []
    for _ in range(3):
        cache.get_or_render("k", lambda: calls.append(1) or "x")
    assert len(calls) == 3 and len(cache) == 0


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_rendered_once_then_served_from_the_cache(
    app: Flask, client: FlaskClient, lang: str, page: str
) -> None:
    url = page.format(lang=lang)
    first = client.get(url)
    with app.app_context():
        cache = fragment_cache()
        misses, hits = cache.misses, cache.hits
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert (cache.misses, cache.hits) == (misses, hits + 1)


def test_each_language_has_its_own_rendering(client: FlaskClient) -> None:
    bodies = {lang: client.get(ARTICLE.format(lang=lang)).data for lang in LANGUAGES}
    assert len(set(bodies.values())) == len(LANGUAGES)
    for lang, body in bodies.items():
        assert f'<html lang="{lang}">'.encode() in body


def test_a_query_string_renders_the_page_around_the_cached_body(
    app: Flask, client: FlaskClient
) -> None:
    plain = client.get("/en/articles/error-1009").get_data(as_text=True)
    with app.app_context():
        cache = fragment_cache()
        entries = len(cache)
    for n in range(5):
        tagged = client.get(f"/en/articles/error-1009?from={n}").get_data(as_text=True)
        assert f'href="/nl/articles/error-1009?from={n}"' in tagged  # language links
        assert (
            without_tokens(tagged).split("<main", 1)[1]
            == without_tokens(plain).split("<main", 1)[1]
        )
    assert len(cache) == entries  # no entry per query string


def test_an_edited_article_is_never_served_from_the_old_rendering(
    app_config: dict[str, object], content_dir: Path
) -> None:
    app_config["CONTENT_DIR"] = str(content_dir)
    app_config["SEARCH_AUTO_BUILD"] = False
    app = create_app(app_config)
    client = app.test_client()
    url = "/nl/articles/error-1009"
    before = client.get(url)
    source = content_dir / "error-1009" / "nl.md"
    text = source.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M)
    assert title
    source.write_text(
        text.replace(title.group(0), "title: Een nieuwe titel"), encoding="utf-8"
    )
    # What a new worker does: the library is parsed again when its files changed.
    app.extensions.pop("helpdesk.content")
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "<h1>Een nieuwe titel</h1>" in after.get_data(as_text=True)
    assert f"<h1>{title.group(1)}</h1>" in before.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    home = client.get("/nl/").get_data(as_text=True)
    assert "Een nieuwe titel" in home


def test_in_debug_the_cache_is_off(app_config: dict[str, object]) -> None:
    app_config["TEMPLATES_AUTO_RELOAD"] = True
    app = create_app(app_config)
    client = app.test_client()
    client.get("/en/")
    client.get("/en/")
    with app.app_context():
        assert len(fragment_cache()) == 0


# --- ETag, Last-Modified, 304 -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_the_reader_has_is_answered_304(
    client: FlaskClient, lang: str, page: str
) -> None:
    url = page.format(lang=lang)
    first = client.get(url)
    assert first.headers["ETag"].startswith('"')
    assert first.headers["Last-Modified"].endswith("GMT")
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    # The same page; its CSRF token is signed anew when a second has passed.
    assert other.status_code == 200
    assert without_tokens(other.get_data(as_text=True)) == without_tokens(
        first.get_data(as_text=True)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ("/{lang}/", "/{lang}/articles/"))
def test_a_page_without_a_form_is_304_by_its_date_too(
    client: FlaskClient, lang: str, page: str
) -> None:
    url = page.format(lang=lang)
    first = client.get(url)
    assert "private" not in first.headers["Cache-Control"]
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(url, headers=since).status_code == 304
    older = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    assert client.get(url, headers=older).status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_page_with_a_form_is_private_and_never_304_by_date_alone(
    csrf_app: Flask, lang: str
) -> None:
    client = csrf_app.test_client()
    url = ARTICLE.format(lang=lang)
    first = client.get(url)
    assert "private" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(url, headers=since).status_code == 200


def test_every_app_server_gives_a_reader_the_same_etag(
    app_config: dict[str, object],
) -> None:
    app_config["WTF_CSRF_ENABLED"] = True
    one, two = create_app(app_config), create_app(app_config)
    reader = one.test_client()
    first = reader.get("/nl/articles/error-1009")
    cookie = reader.get_cookie("session")
    assert cookie is not None
    other = two.test_client()
    other.set_cookie("session", cookie.value)
    again = other.get(
        "/nl/articles/error-1009", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_head_request_is_conditional_too(client: FlaskClient) -> None:
    first = client.head("/pl/articles/")
    assert first.status_code == 200 and first.data == b""
    again = client.head(
        "/pl/articles/", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


# --- no page of one reader for another ----------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_another_reader_with_the_etag_gets_a_page_of_their_own(
    csrf_app: Flask, lang: str
) -> None:
    url = ARTICLE.format(lang=lang)
    alice, bob = csrf_app.test_client(), csrf_app.test_client()
    page_a = alice.get(url)
    assert (
        alice.get(url, headers={"If-None-Match": page_a.headers["ETag"]}).status_code
        == 304
    )
    # Bob has Alice's ETag (a shared cache, a copied header): he must not get a 304
    # that makes him use her page, with her CSRF tokens.
    page_b = bob.get(url, headers={"If-None-Match": page_a.headers["ETag"]})
    assert page_b.status_code == 200
    assert page_b.headers["ETag"] != page_a.headers["ETag"]
    body_a, body_b = page_a.get_data(as_text=True), page_b.get_data(as_text=True)
    assert tokens(body_a) and tokens(body_b) and not tokens(body_a) & tokens(body_b)
    assert without_tokens(body_a) == without_tokens(body_b)


def test_the_token_of_a_cached_page_is_the_readers_own_and_works(
    csrf_app: Flask,
) -> None:
    client = csrf_app.test_client()
    client.get("/en/articles/error-1009")  # fills the cache
    reader = csrf_app.test_client()
    page = reader.get("/en/articles/error-1009").get_data(as_text=True)
    (token,) = tokens(page)
    answer = reader.post(
        "/en/articles/error-1009/feedback",
        data={"csrf_token": token, "helpful": "yes", "section": ""},
    )
    assert answer.status_code == 303 or answer.status_code == 302
    stranger = csrf_app.test_client()
    refused = stranger.post(
        "/en/articles/error-1009/feedback",
        data={"csrf_token": token, "helpful": "yes", "section": ""},
    )
    assert refused.status_code == 400


def test_after_feedback_the_thank_you_is_never_a_304_of_the_plain_page(
    client: FlaskClient,
) -> None:
    plain = client.get("/en/articles/error-1009")
    thanked = client.get(
        "/en/articles/error-1009?feedback=thanks&section=",
        headers={"If-None-Match": plain.headers["ETag"]},
    )
    assert thanked.status_code == 200
    assert "Thank you for your feedback." in thanked.get_data(as_text=True)
    again = client.get("/en/articles/error-1009").get_data(as_text=True)
    assert "Thank you for your feedback." not in again


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_cached_page_shows_nothing_of_the_readers_session(
    csrf_app: Flask, lang: str
) -> None:
    """The guard on the page cache: the same bytes (but the tokens) for anyone.

    A reader with a flashed message and other state in the session gets the same
    page as a new reader; if a template ever shows session state on these pages,
    this fails, and the page cache would have to key on it.
    """
    url = ARTICLE.format(lang=lang)
    plain = csrf_app.test_client().get(url).get_data(as_text=True)
    reader = csrf_app.test_client()
    with reader.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader only")]
        session["sandbox"] = "a-private-capability"
    page = reader.get(url).get_data(as_text=True)
    assert "A message for this reader only" not in page
    assert without_tokens(page) == without_tokens(plain)
    with reader.session_transaction() as session:
        assert session["_flashes"]  # left for the page that shows it


# --- static files, favicon, compression ---------------------------------------------


STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.mark.parametrize("page", ("/en/", "/nl/articles/error-1009", "/pl/sandbox/"))
def test_every_static_url_of_a_page_is_hashed_and_immutable(
    client: FlaskClient, page: str
) -> None:
    body = client.get(page).get_data(as_text=True)
    urls = set(STATIC_URL.findall(body))
    names = {re.sub(r"\.[0-9a-f]{12}\.", ".", u.rsplit("/", 1)[1]) for u in urls}
    assert {"style.css", "print.css", "site.js", "print.js", "favicon.svg"} <= names
    for url in urls:
        assert re.fullmatch(r"/static/[\w-]+\.[0-9a-f]{12}\.(css|js|svg)", url), url
        response = client.get(url)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert (
            "public" in cache and "max-age=31536000" in cache and "immutable" in cache
        )
        response.close()


def test_the_plain_static_name_still_works_without_immutable(
    client: FlaskClient,
) -> None:
    for name in ("style.css", "print.css", "print.js", "site.js", "feedback.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")
        assert response.headers["ETag"]
        response.close()


def test_an_old_hash_gets_the_current_file_revalidated(client: FlaskClient) -> None:
    response = client.get("/static/style.000000000000.css")
    current = client.get("/static/style.css")
    assert response.status_code == 200 and response.data == current.data
    assert response.headers["Cache-Control"] == "no-cache"
    current.close()
    response.close()
    assert client.get("/static/nothing.000000000000.css").status_code == 404
    assert client.get("/static/../helpdesk/__init__.py").status_code == 404


def test_the_hash_changes_with_the_file(tmp_path: Path) -> None:
    from helpdesk.assets import Manifest

    (tmp_path / "a.css").write_text("a {}")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "b.svg").write_text("<svg/>")
    first = Manifest.build(tmp_path)
    assert re.fullmatch(r"img/b\.[0-9a-f]{12}\.svg", first.hashed["img/b.svg"])
    assert first.resolve(first.hashed["img/b.svg"]) == ("img/b.svg", True)
    (tmp_path / "a.css").write_text("a { color: red }")
    second = Manifest.build(tmp_path)
    assert second.hashed["a.css"] != first.hashed["a.css"]
    assert second.resolve(first.hashed["a.css"]) == ("a.css", False)


def test_the_favicon_is_an_icon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert "max-age" in response.headers["Cache-Control"]
    response.close()
    page = client.get("/en/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link
    svg = client.get(link.group(1))
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    svg.close()


GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.mark.parametrize(
    "url", ("/en/", "/nl/articles/", "/api/v1/articles", "/pl/search?q=konto")
)
def test_text_is_gzipped_when_the_client_asks(client: FlaskClient, url: str) -> None:
    import gzip

    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)


def test_a_gzipped_page_has_a_weak_etag_that_still_gives_304(
    client: FlaskClient,
) -> None:
    plain = client.get("/en/")
    packed = client.get("/en/", headers=GZIP)
    assert packed.headers["ETag"] == f"W/{plain.headers['ETag']}"
    again = client.get(
        "/en/", headers={**GZIP, "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == packed.headers["ETag"]
    cross = client.get("/en/", headers={"If-None-Match": packed.headers["ETag"]})
    assert cross.status_code == 304  # the same content, weakly compared


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "url", ("/{lang}/articles/error-1009", ARTICLE, "/{lang}/errors/1009")
)
def test_a_page_with_forms_is_gzipped_with_the_readers_own_tokens(
    csrf_app: Flask, url: str, lang: str
) -> None:
    import gzip

    url = url.format(lang=lang)
    alice, bob = csrf_app.test_client(), csrf_app.test_client()
    plain = alice.get(url)
    packed = alice.get(url, headers=GZIP)
    other = bob.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    assert len(packed.data) < len(plain.data) / 2
    page = gzip.decompress(packed.data).decode()
    # The same page as uncompressed, with this reader's tokens (signed anew each
    # second, so compared without them, and shown to be this reader's).
    assert without_tokens(page) == without_tokens(plain.get_data(as_text=True))
    assert tokens(page) and tokens(page) != tokens(gzip.decompress(other.data).decode())
    assert packed.headers["ETag"] == f"W/{plain.headers['ETag']}"
    assert packed.headers["Vary"] == plain.headers["Vary"]
    again = alice.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    strange = bob.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert strange.status_code == 200


def test_the_token_in_a_gzipped_page_is_accepted_by_the_form(csrf_app: Flask) -> None:
    import gzip

    client = csrf_app.test_client()
    packed = client.get(ARTICLE.format(lang="pl"), headers=GZIP)
    (token,) = tokens(gzip.decompress(packed.data).decode())
    answer = client.post(
        "/pl/articles/remove-users/feedback",
        data={"helpful": "yes", "csrf_token": token},
    )
    assert answer.status_code == 303


def test_static_files_are_gzipped_and_small_answers_are_not(
    client: FlaskClient,
) -> None:
    import gzip

    body = client.get("/en/").get_data(as_text=True)
    (css,) = [u for u in STATIC_URL.findall(body) if "/style." in u]
    packed = client.get(css, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    plain = client.get("/static/style.css")
    assert gzip.decompress(packed.data) == plain.data
    packed.close()
    plain.close()
    small = client.get("/healthz", headers=GZIP)
    assert "Content-Encoding" not in small.headers
    refused = client.get("/en/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    icon = client.get("/favicon.ico", headers=GZIP)
    assert "Content-Encoding" not in icon.headers
    icon.close()


def test_the_security_headers_stay_on_cached_and_304_pages(client: FlaskClient) -> None:
    first = client.get("/nl/articles/error-1009", headers=GZIP)
    again = client.get(
        "/nl/articles/error-1009",
        headers={**GZIP, "If-None-Match": first.headers["ETag"]},
    )
    for response in (first, again):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
