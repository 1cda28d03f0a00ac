"""Rendered pages and fragments of pages, cached per content fingerprint and language.

An article body (and the list of article cards) is the same HTML for every reader
of a language: it is rendered once and kept (:func:`cached_fragment`). So is the
whole page of a URL without a query string (:func:`cached_page`): the home page,
the article list and the articles depend on nothing but their URL, the content
and the site's own files. The key holds the content library's fingerprint, so an
edited article is never served from an older rendering. Per-reader parts (the
CSRF token of the feedback forms) are rendered as a placeholder and filled in for
each reader on the finished page (:mod:`helpdesk.httpcache`); a page cached here
must show nothing else of the reader (no session, cookie or flashed message:
tests/helpdesk/test_page_cache.py checks).

The cache is an LRU of at most ``PAGE_CACHE_ENTRIES`` fragments per app (0 turns it
off; it is off too while templates are reloaded on change, in debug).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request
from markupsafe import Markup

from helpdesk.compression import deflate_parts, gzip_joined
from helpdesk.content import get_library
from helpdesk.i18n import current_language

_EXTENSION_KEY = "helpdesk.pagecache"
#: Deflated forms kept per page: one per length of token (there is one in use).
_FILLER_LENGTHS = 2
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A whole page as rendered, in UTF-8, cut where each reader's own text goes.

    ``parts`` are the bytes between the markers the page was rendered with (the
    CSRF placeholders of :mod:`helpdesk.httpcache`): one part when it has none.
    Kept encoded, because that is what is sent (encoding 50 kB anew for each
    reader was a tenth of a cached article's time), and deflated once on the
    first gzipped answer (:func:`helpdesk.compression.gzip_joined`).
    """

    parts: tuple[bytes, ...]
    #: SHA-256 of the page as rendered, markers included (the ETag comes from it).
    digest: bytes
    _deflated: dict[int, tuple[bytes, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(cls, html: str, marker: str | None = None) -> Page:
        """Return ``html`` encoded and cut at ``marker``, with its digest."""
        body = html.encode()
        parts = tuple(body.split(marker.encode())) if marker else (body,)
        return cls(parts, hashlib.sha256(body).digest())

    @property
    def personal(self) -> bool:
        """Whether the page has a marker to fill in for each reader."""
        return len(self.parts) > 1

    @property
    def size(self) -> int:
        """The page's length in bytes, markers left out."""
        return sum(map(len, self.parts))

    def body(self, filler: bytes = b"") -> bytes:
        """Return the page with ``filler`` where each marker was."""
        return filler.join(self.parts)

    def gzipped(self, filler: bytes = b"") -> bytes:
        """Return :meth:`body` gzipped, deflating the page once per filler length."""
        deflated = self._deflated.get(len(filler))
        if deflated is None:
            # Two threads may both deflate it: the same bytes, no lock needed.
            deflated = deflate_parts(self.parts, len(filler))
            if len(self._deflated) < _FILLER_LENGTHS:
                self._deflated[len(filler)] = deflated
        return gzip_joined(self.parts, deflated, filler)


class FragmentCache:
    """A thread-safe LRU of rendered fragments and pages, bounded in entries."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_render(self, key: Hashable, render: Callable[[], T]) -> T:
        """Return the value stored under ``key``, rendering and storing it if absent.

        Rendering happens outside the lock: two threads missing the same key both
        render it (the same bytes), and nobody waits behind a render.
        """
        if self.max_entries <= 0:
            return render()
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return cast(T, found)
            self.misses += 1
        fragment = render()
        with self._lock:
            self._entries[key] = fragment
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return fragment


def init_app(app: Flask) -> None:
    """Give the app its fragment cache (``PAGE_CACHE_ENTRIES`` fragments at most)."""
    entries = int(app.config["PAGE_CACHE_ENTRIES"])
    if app.config.get("TEMPLATES_AUTO_RELOAD") or app.debug:
        entries = 0  # a template edited on disk must show at once
    app.extensions[_EXTENSION_KEY] = FragmentCache(entries)


def fragment_cache() -> FragmentCache:
    """Return the current app's fragment cache."""
    found: FragmentCache = current_app.extensions[_EXTENSION_KEY]
    return found


def cached_fragment(kind: str, name: str, render: Callable[[], str]) -> Markup:
    """Return fragment ``kind``/``name`` for the reader's language, rendered once.

    The key is the content fingerprint, the language, ``kind`` and ``name``:
    everything the fragment may depend on. A fragment must not depend on the
    request otherwise (its query string, its cookies, the session).
    """
    key = (get_library().fingerprint, current_language(), kind, name)
    return fragment_cache().get_or_render(key, lambda: Markup(render()))


def cached_page(render: Callable[[], str], marker: str | None = None) -> Page:
    """Return the page of this URL (scheme, host, path), rendered once.

    Only for pages that depend on their URL alone; a query string is left to the
    caller (a key of its own for every query would let anyone fill the cache).
    The page is cut at ``marker`` (:meth:`Page.of`).
    """
    # Scheme and host: the pages carry absolute links (hreflang alternates).
    req = request._get_current_object()  # type: ignore[attr-defined]
    url = f"{req.scheme}://{req.host}{req.script_root}{req.path}"
    key = (get_library().fingerprint, current_language(), "page", url)
    return fragment_cache().get_or_render(key, lambda: Page.of(render(), marker))
