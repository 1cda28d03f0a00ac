"""The search page around its results, rendered once per language and kept.

Most of a search page is the same for every query: the header, navigation,
language links and footer (base.html) and the search form. Only the query (in
the title, the search box and the language links' query string) and what was
found differ. So the page is rendered once per language (content fingerprint
and script root) with a placeholder for each of those (:func:`shell`), kept in
the fragment cache (:func:`helpdesk.pagecache.cached_fragment`, off in debug),
and each search fills in its own (:func:`fill`): the bytes are those a whole
rendering gives, since the placeholders stand where the same values, escaped
as the template escapes them, would be.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask import request
from markupsafe import Markup, escape

from helpdesk.httpcache import render_page
from helpdesk.i18n import language_urls
from helpdesk.pagecache import cached_fragment

# Random per process: no query or article can contain them (nor guess them), and
# they never leave the process (every one is replaced before a page is sent).
_QUERY = f"search-query-{secrets.token_hex(16)}"
_QUERY_STRING = f"search-query-string-{secrets.token_hex(16)}"
_FOUND = f"search-found-{secrets.token_hex(16)}"
_PLACEHOLDERS = re.compile("|".join((_QUERY_STRING, _QUERY, _FOUND)))


def _shell_language_urls() -> Callable[[], dict[str, str]]:
    """Return ``language_urls`` for the shell: each with the query string's placeholder.

    The links are the app's own (:func:`helpdesk.i18n.language_urls`), with this
    request's query string, which they end with, replaced by the placeholder.
    """
    query = request.query_string.decode("utf-8", "replace")
    urls = language_urls()
    shell = {
        code: f"{url[: -len(query)]}{_QUERY_STRING}"
        if query and url.endswith(f"?{query}")
        else url
        for code, url in urls.items()
    }
    return lambda: shell


def _render_shell() -> str:
    return render_page(
        "search.html",
        query=_QUERY,
        found=Markup(_FOUND),
        language_urls=_shell_language_urls(),
    )


def shell() -> str:
    """Return the search page of the reader's language with placeholders, kept."""
    return str(cached_fragment("search-shell", request.script_root, _render_shell))


def fill(page: str, query: str, found: str) -> str:
    """Return the shell ``page`` with ``query`` and the ``found`` HTML filled in.

    ``query`` is escaped as the template escapes it; the query string is this
    request's, as the language links carry it (escaped as an attribute).
    """
    values = {
        _QUERY: str(escape(query)),
        _QUERY_STRING: str(escape(request.query_string.decode("utf-8", "replace"))),
        _FOUND: found,
    }
    # One pass: a value filled in is never searched for placeholders.
    return _PLACEHOLDERS.sub(lambda match: values[match.group(0)], page)
