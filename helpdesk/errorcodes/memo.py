"""Plans, fix sections and answered pages already worked out, kept per app.

A code page shows the same plan and the same fix sections for the same code and
answers: they are a pure function of the code, the answers, the content (its
fingerprint), the language and the URL root the links are built under. So they
are worked out once and kept (:func:`remembered`) under a key of all of these.
What is kept is frozen (tuples of frozen dataclasses), so no caller can change a
kept value. The answers come from the query string, so anyone can ask for new
keys: the LRU is bounded (``ERRORCODE_CACHE_ENTRIES``, 0 turns it off) and of its
own, so such requests never push whole pages out of the page cache.

:func:`remembered_page` keeps the rendered page of a URL *with* its answers (the
page cache keeps only URLs without a query string): the page shows nothing of the
reader (tests/helpdesk/test_page_cache.py), so it is a function of its URL too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from helpdesk.content import get_library
from helpdesk.pagecache import FragmentCache, fragment_cache

_EXTENSION_KEY = "helpdesk.errorcodes.memo"
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Give the app its cache of plans and fix sections."""
    entries = int(app.config.get("ERRORCODE_CACHE_ENTRIES", 256))
    app.extensions[_EXTENSION_KEY] = FragmentCache(entries)


def memo_cache() -> FragmentCache | None:
    """Return the current app's cache of plans and fix sections, if it has one."""
    found: FragmentCache | None = current_app.extensions.get(_EXTENSION_KEY)
    return found


def remembered(kind: str, key: Hashable, work: Callable[[], T]) -> T:
    """Return what ``work`` returns for ``kind``/``key`` here, worked out once.

    ``key`` must hold everything ``work`` depends on besides the content, the
    reader's language and the URL root (added here); ``work`` must return a
    frozen value. Outside a request (URLs then depend on the app's config) or
    without a cache nothing is kept.
    """
    cache = memo_cache()
    if cache is None or not has_request_context():
        return work()
    full = (
        kind,
        get_library().fingerprint,
        str(get_locale()),
        request.scheme,
        request.script_root,
    )
    # Boxed: a kept None (no plan for this code) is still found.
    return cache.get_or_render((*full, key), lambda: (work(),))[0]


def remembered_page(render: Callable[[], str]) -> str:
    """Return the page of this URL, query string included, rendered once.

    For pages that depend on their URL alone (CSRF tokens left as placeholders).
    Off whenever the page cache is (0 entries, or templates reloaded on change).
    """
    if fragment_cache().max_entries <= 0:
        return render()
    # A digest: the key stays small whatever the reader puts in the query string.
    query = hashlib.sha256(request.query_string).digest()
    return remembered("page", (request.host, request.path, query), render)
