"""Search over the articles: one document per section and language.

Whoosh provides the analysis and query objects; the index is our own (SQLite and
memory-mapped score arrays, see :mod:`.store`), so that it stays on disk and a
worker's memory stays small at any size. Other areas call :func:`search`; it
returns plain dataclasses (:class:`SearchResult` of :class:`Hit`). The index
lives under ``<instance>/search``, is built by ``helpdesk index build`` (or at
start-up when missing or stale, unless ``SEARCH_AUTO_BUILD`` is off) and never
by a request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import click
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask.cli import AppGroup

from helpdesk.content import ContentLibrary, get_library
from helpdesk.pagecache import FragmentCache
from helpdesk.search import index
from helpdesk.search.engine import (
    MAX_LIMIT,
    Hit,
    SearchEngine,
    SearchResult,
    SnippetChoice,
)

__all__ = [
    "MAX_LIMIT",
    "Hit",
    "SearchResult",
    "SnippetChoice",
    "cached",
    "ensure_index",
    "get_engine",
    "index_cli",
    "index_root",
    "init_app",
    "rebuild",
    "search",
]

_EXTENSION_KEY = "helpdesk.search"
_BUILT_AT_START = "helpdesk.search.built_at_start"
_CACHE_KEY = "helpdesk.search.cache"
_URLS_KEY = "helpdesk.search.article_urls"
#: Articles' URLs (per host and script root) kept by an app.
ARTICLE_URLS = 4_096

T = TypeVar("T")

index_cli = AppGroup("index", help="Build the search index.")


def index_root(app: Flask) -> Path:
    """Return the folder holding the app's index builds."""
    return Path(app.instance_path) / "search"


def get_engine() -> SearchEngine:
    """Return the app's search engine (one per app, shared by threads)."""
    engine: SearchEngine = current_app.extensions[_EXTENSION_KEY]
    return engine


def index_ready() -> bool:
    """Return whether the app has a search index built to answer from."""
    build = index.current_build(index_root(current_app))
    return build is not None and build.is_dir()


def _article_urls() -> Callable[[str, str, str], str]:
    """Return this request's ``url_for`` of a section, building each URL once.

    A page ranks up to 50 sections in each language, of a few articles, and
    the same sections again for each language searched: each article's URL is
    built by ``url_for`` once a request, and its sections' anchors are quoted
    as ``url_for`` quotes an ``_anchor``.
    """
    found: Callable[[str, str, str], str] | None = g.get("_search_article_url")
    if found is not None:
        return found
    # An article's URL depends on the request only by its host and script root.
    kept: FragmentCache = current_app.extensions[_URLS_KEY]
    where = (request.host, request.script_root)
    articles: dict[tuple[str, str], str] = {}

    def article_url(lang: str, slug: str, section: str) -> str:
        base = articles.get((lang, slug))
        if base is None:
            base = articles[(lang, slug)] = kept.get_or_render(
                (*where, lang, slug),
                lambda: url_for("pages.article", lang_code=lang, slug=slug),
            )
        return f"{base}#{_anchor(section)}"

    g._search_article_url = article_url
    return article_url


#: What ``flask.url_for`` leaves unquoted in an ``_anchor``.
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


@lru_cache(maxsize=16_384)
def _anchor(section: str) -> str:
    """Return a section id quoted as ``url_for`` quotes an ``_anchor``."""
    return quote(section, safe=_ANCHOR_SAFE)


def search(
    query: str,
    lang: str,
    limit: int = 10,
    page: int = 1,
    *,
    snippets: SnippetChoice | None = None,
    fallback: bool = True,
    correct: bool = True,
) -> SearchResult:
    """Search the articles for what a user typed; never raises on odd input.

    Hits in ``lang`` come first; when nothing matches in ``lang``, hits in the
    other languages are returned (each labelled with its ``lang``) unless
    ``fallback`` is off; ``correct`` off searches no spelling correction (see
    :meth:`SearchEngine.search`). ``limit`` is clamped to 1..``MAX_LIMIT``.
    ``snippets`` picks the hits that get a snippet (all when None). Within a
    request the index pointer is checked once.
    """
    engine = get_engine()
    options = {"snippets": snippets, "fallback": fallback, "correct": correct}
    if has_request_context():
        check = not g.get("_search_checked", False)
        g._search_checked = True
        return engine.search(
            query, lang, limit, page, _article_urls(), check=check, **options
        )
    return engine.search(query, lang, limit, page, **options)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``'s answer for ``key`` from the current index build.

    Answers are kept per worker (``SEARCH_CACHE_ENTRIES`` of them, least recently
    used dropped first) under the build's id with ``key``: an answer read from
    one build is never served once ``current`` points at another. ``key`` must
    name everything else the answer depends on (the kind of answer, query,
    language, page).
    """
    cache: FragmentCache | None = current_app.extensions.get(_CACHE_KEY)
    build = index.current_build(index_root(current_app))
    if cache is None or build is None:
        return compute()
    return cache.get_or_render((str(build), key), compute)


def rebuild(
    app: Flask,
    library: ContentLibrary | None = None,
    force: bool = True,
    wait: bool = True,
) -> Path | None:
    """Build the index and swap it in; return the build, or None when skipped.

    Waits for a build running elsewhere (or skips when ``wait`` is off), then
    builds unless ``force`` is off and the index is already fresh.
    """
    root = index_root(app)
    languages = tuple(app.config["LANGUAGES"])
    with app.app_context():
        library = library or get_library()
    with index.build_lock(root, wait=wait) as locked:
        if not locked:
            return None
        if not force and not index.is_stale(root, library, languages):
            return None
        return index.build(root, library, languages)


def ensure_index(app: Flask) -> bool:
    """Build the index when it is missing or stale; return whether it was built."""
    root = index_root(app)
    languages = tuple(app.config["LANGUAGES"])
    # The content's fingerprint says whether to build: a worker starting on a
    # fresh index parses no content for search.
    if not index.is_stale(root, Path(app.config["CONTENT_DIR"]), languages):
        return False
    with app.app_context():
        library = get_library()
    started = time.monotonic()
    built = rebuild(app, library, force=False) is not None
    if built:
        app.logger.info("search index built in %.1fs", time.monotonic() - started)
    return built


@index_cli.command("build")
@click.option(
    "--if-stale", is_flag=True, help="Only build when the index is missing or stale."
)
def build_command(if_stale: bool) -> None:
    """Build the search index aside and swap it in atomically."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    root = index_root(app)
    languages = tuple(app.config["LANGUAGES"])
    library = get_library()
    if app.extensions.get(_BUILT_AT_START) or (
        if_stale and not index.is_stale(root, library, languages)
    ):
        click.echo(f"search index is up to date: {index.current_build(root)}")
        return
    total = sum(len(article.sections) for article in library.all_articles())
    with index.build_lock(root) as _locked:
        with click.progressbar(length=total, label="Indexing sections") as bar:
            build = index.build(root, library, languages, progress=bar.update)
    click.echo(f"search index built: {build} ({total} sections)")


def init_app(app: Flask) -> None:
    """Register the ``index`` commands and the engine; build a missing index."""
    app.cli.add_command(index_cli)
    app.extensions[_EXTENSION_KEY] = SearchEngine(
        index_root(app), tuple(app.config["LANGUAGES"])
    )
    entries = int(app.config["SEARCH_CACHE_ENTRIES"])
    if app.config.get("TEMPLATES_AUTO_RELOAD") or app.debug:
        entries = 0  # the search page is kept rendered: a template edit must show
    app.extensions[_CACHE_KEY] = FragmentCache(entries)
    app.extensions[_URLS_KEY] = FragmentCache(ARTICLE_URLS)
    if app.config.get("SEARCH_AUTO_BUILD", True):
        app.extensions[_BUILT_AT_START] = ensure_index(app)
