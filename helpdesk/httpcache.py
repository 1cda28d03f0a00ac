"""Pages a browser may keep and revalidate: ETag, Last-Modified and 304 answers.

:func:`render_page` renders a page with every CSRF token left as
:func:`csrf_placeholder`; :func:`revalidated` takes the ETag over those bytes
(plus, when the page has a form, the reader's session token the CSRF tokens are
signed from), fills in this reader's token and answers 304 when the reader
already has these bytes. So a 304 never hands one reader's page to another, nor
a page after something it shows has changed: the ETag is a digest of what this
reader would get. The signed tokens of a page differ from second to second (they
carry a timestamp) but all stand for the same session token and never expire
(``WTF_CSRF_TIME_LIMIT`` is None); with a time limit the signed token itself goes
into the ETag (no 304 for pages with forms).

Pages are ``Cache-Control: no-cache`` (kept, but asked about every time), and
``private`` when they carry a form: no shared cache may keep a reader's token.

:func:`page_answer` is how a kept :class:`~helpdesk.pagecache.Page` is sent:
the reader's token put in, gzipped from the page's parts deflated once when the
client asks. :func:`revalidated` uses it; so does the search page, which keeps
its own pages (without ETag: a query's page is not asked for again by URL).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template, request, session
from werkzeug.http import http_date, quote_etag
from werkzeug.wrappers import Response

from helpdesk.compression import MIN_SIZE, accepts_gzip
from helpdesk.pagecache import Page, cached_page
from helpdesk.sessions import reader_csrf_token
from helpdesk.settings import PROJECT_ROOT

_SITE_MTIME_KEY = "helpdesk.httpcache.site_mtime_ns"
_PLACEHOLDER_KEY = "helpdesk.httpcache.csrf_placeholder"
#: The request headers that can turn an answer into a 304.
_CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def csrf_placeholder() -> str:
    """Return what a CSRF token is rendered as until the page is finished.

    Derived from the secret key: no article text can contain it, and every worker
    and app server sharing the key renders the same bytes (the same ETag).
    """
    found: str = current_app.extensions[_PLACEHOLDER_KEY]
    return found


def site_mtime_ns(app: Flask) -> int:
    """Return the newest modification time (ns) of the templates, static files and
    compiled translations: a deploy that changes the page around the content
    changes Last-Modified too."""
    folders = [Path(app.root_path) / "templates", Path(app.root_path) / "static"]
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    files += list((PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/*.mo"))
    return max((p.stat().st_mtime_ns for p in files), default=0)


def init_app(app: Flask) -> None:
    """Record when the site's own files last changed (once, at start)."""
    app.extensions[_SITE_MTIME_KEY] = site_mtime_ns(app)
    mac = hmac.new(
        str(app.config["SECRET_KEY"]).encode(), b"csrf-placeholder", "sha256"
    )
    app.extensions[_PLACEHOLDER_KEY] = f"csrf-placeholder-{mac.hexdigest()[:32]}"


def render_page(template: str, **context: Any) -> str:
    """Render ``template`` with every CSRF token left as :func:`csrf_placeholder`."""
    return render_template(template, csrf_token=csrf_placeholder, **context)


def page_answer(
    page: Page,
    headers: dict[str, str] | None = None,
    etag: str | None = None,
    token: str | None = None,
) -> Response:
    """Answer with ``page`` (cut at :func:`csrf_placeholder`), tokens filled in.

    The reader's CSRF token goes where each placeholder was; the answer is
    gzipped when the client asks (from the page's parts deflated once, see
    :meth:`Page.gzipped`). ``headers`` are sent too, and ``etag`` as the ETag:
    weak on a gzipped answer, as on every compressed answer. ``token`` is the
    reader's signed token when the caller has it already.
    """
    filler = b""
    if page.personal:
        filler = (reader_csrf_token() if token is None else token).encode()
    sent = {
        **(headers or {}),
        # Gzipped or not; a page with a form also differs by its reader's session
        # cookie (the session says so too).
        "Vary": "Accept-Encoding, Cookie" if page.personal else "Accept-Encoding",
    }
    if page.size >= MIN_SIZE and accepts_gzip():
        body = page.gzipped(filler)
        sent["Content-Encoding"] = "gzip"
        if etag is not None:
            sent["ETag"] = quote_etag(etag, weak=True)
    else:
        body = page.body(filler)
        if etag is not None:
            sent["ETag"] = quote_etag(etag)
    response: Response = current_app.response_class(body, headers=sent)
    return response


@functools.lru_cache(maxsize=256)
def _http_date(ns: int) -> str:
    return http_date(dt.datetime.fromtimestamp(ns / 1e9, dt.UTC))


def revalidated(render: Callable[[], str], last_modified_ns: int) -> Response:
    """Answer with the page ``render`` makes (by :func:`render_page`), or a 304.

    The page is taken from the page cache when the URL has no query string (see
    :func:`helpdesk.pagecache.cached_page`). ``last_modified_ns`` is when the
    content shown last changed; the later of it and the site's own files is sent.
    A page with a form is personal: only its ETag can make it a 304
    (If-Modified-Since alone cannot tell one reader from another).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    placeholder = csrf_placeholder()
    if request.query_string:
        page = Page.of(render(), placeholder)
    else:
        page = cached_page(render, placeholder)
    digest = page.digest
    signed = None
    if page.personal:
        # Personal: the ETag also stands for the reader's session token.
        signed = reader_csrf_token()
        if app.config.get("WTF_CSRF_TIME_LIMIT") is None:
            field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            reader = str(session[field])
        else:
            reader = signed
        digest = hashlib.sha256(digest + reader.encode()).digest()
    response = page_answer(
        page,
        {
            "Last-Modified": _http_date(
                max(last_modified_ns, app.extensions[_SITE_MTIME_KEY])
            ),
            "Cache-Control": "private, no-cache" if page.personal else "no-cache",
        },
        etag=digest.hex()[:32],
        token=signed,
    )
    environ = request.environ
    if not any(name in environ for name in _CONDITIONAL_HEADERS):
        return response  # nothing to compare: make_conditional would only add Date
    if page.personal and "HTTP_IF_MODIFIED_SINCE" in environ:
        environ = {k: v for k, v in environ.items() if k != "HTTP_IF_MODIFIED_SINCE"}
    return response.make_conditional(environ)
