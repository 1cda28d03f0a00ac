"""Gzip for text answers, when the client asks for it (``Accept-Encoding``).

Done here rather than in nginx so that every way of serving the app (gunicorn
alone, the cluster behind nginx) compresses the same; nginx passes an answer
that already has a ``Content-Encoding`` through unchanged.

Compressed: HTML, CSS, JavaScript, JSON, XML (Atom, OpenSearch, SVG) and plain
text of at least :data:`MIN_SIZE` bytes, answered 200 in one piece (streamed
answers, such as CSV downloads, are left alone). Every such answer says
``Vary: Accept-Encoding``. A strong ETag becomes weak on a compressed answer, as
nginx does: the bytes differ but the content is the same, and If-None-Match is
compared weakly, so a 304 still answers a client that holds either copy.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, request
from werkzeug.wrappers import Response

#: Below this many bytes gzip saves less than its headers and time cost.
MIN_SIZE = 512
#: Fast and nearly as small as 9 for pages of a few dozen kB.
LEVEL = 6
_TEXT_TYPES = {
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
}
_STATIC_CACHE_ENTRIES = 64


def compressible(mimetype: str) -> bool:
    """Return whether answers of this type are worth compressing."""
    return (
        mimetype.startswith("text/")
        or mimetype in _TEXT_TYPES
        or mimetype.endswith(("+xml", "+json"))
    )


class _StaticGzipCache:
    """Compressed static files by ETag: the same ETag is the same bytes."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def compress(self, etag: str, data: bytes) -> bytes:
        with self._lock:
            found = self._entries.get(etag)
        if found is None:
            found = gzip.compress(data, LEVEL, mtime=0)
            with self._lock:
                self._entries[etag] = found
                while len(self._entries) > _STATIC_CACHE_ENTRIES:
                    self._entries.popitem(last=False)
        return found


def compress_response(response: Response, static_cache: _StaticGzipCache) -> Response:
    """Gzip ``response`` in place when it and the request allow it."""
    # The Content-Type header itself rather than response.mimetype (which parses
    # its parameters too): this runs on every answer.
    content_type = response.headers.get("Content-Type", "")
    if not compressible(content_type.partition(";")[0].strip().lower()):
        return response
    _vary_on_encoding(response)
    accepted = request.environ.get("HTTP_ACCEPT_ENCODING", "")
    if (
        "gzip" not in accepted  # the common "no" without parsing the header
        or request.accept_encodings.quality("gzip") <= 0
        or "Content-Encoding" in response.headers
        or "no-transform" in response.headers.get("Cache-Control", "")
    ):
        return response
    etag, weak = response.get_etag()
    if response.status_code == 304:
        if etag and not weak:
            response.set_etag(etag, weak=True)  # as the 200 it confirms had
        return response
    if (
        response.status_code != 200
        or response.is_streamed
        and not (response.direct_passthrough and request.endpoint == "static")
    ):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    if request.endpoint == "static" and etag:
        response.set_data(static_cache.compress(etag, data))
    else:
        response.set_data(gzip.compress(data, LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def _vary_on_encoding(response: Response) -> None:
    # The header itself rather than response.vary: this runs on every answer.
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers.add("Vary", "Accept-Encoding")
    elif not vary:
        response.headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding"


def init_app(app: Flask) -> None:
    """Compress eligible answers as the last step of every request."""
    static_cache = _StaticGzipCache()

    # Registered first, so it runs last of the after_request hooks: the headers
    # and cookies the others add are final by then.
    @app.after_request
    def gzip_answer(response: Response) -> Response:
        return compress_response(response, static_cache)
