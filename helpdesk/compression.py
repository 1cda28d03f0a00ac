"""Gzip for text answers, when the client asks for it (``Accept-Encoding``).

Done here rather than in nginx so that every way of serving the app (gunicorn
alone, the cluster behind nginx) compresses the same; nginx passes an answer
that already has a ``Content-Encoding`` through unchanged.

Cached pages are gzipped by :mod:`helpdesk.httpcache` from parts deflated once
(:func:`deflate_parts`, :func:`gzip_joined`); everything else here, as the last
step of the request.

Compressed: HTML, CSS, JavaScript, JSON, XML (Atom, OpenSearch, SVG) and plain
text of at least :data:`MIN_SIZE` bytes, answered 200 in one piece (streamed
answers, such as CSV downloads, are left alone). Every such answer says
``Vary: Accept-Encoding``. A strong ETag becomes weak on a compressed answer, as
nginx does: the bytes differ but the content is the same, and If-None-Match is
compared weakly, so a 304 still answers a client that holds either copy.
"""

from __future__ import annotations

import functools
import gzip
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence

from flask import Flask, request
from werkzeug.http import parse_accept_header
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


def accepts_gzip() -> bool:
    """Return whether the current request accepts a gzipped answer."""
    return _gzip_accepted(request.environ.get("HTTP_ACCEPT_ENCODING", ""))


@functools.lru_cache(maxsize=256)
def _gzip_accepted(header: str) -> bool:
    # Asked twice an answer (the page, then the last hook), and browsers send a
    # handful of distinct headers: parsed once each. The common "no" unparsed
    # (codings are case-insensitive, and "*" stands for any of them).
    if "gzip" not in header.lower() and "*" not in header:
        return False
    return parse_accept_header(header).quality("gzip") > 0


# --- a page gzipped once, with per-reader text put in for each reader ----------------
#
# A cached page is the same bytes for every reader but for its CSRF tokens, which
# all have one length. Its other parts are deflated once, each by a compressor
# primed with the 32 kB before it (zdict) in which every token is NUL bytes, and
# each ends byte-aligned (sync flush). For each reader the gzip stream is those
# parts with the reader's token between them as stored (uncompressed) deflate
# blocks, an empty final block and the CRC-32 and length of the whole: a valid
# gzip member (RFC 1951, 1952) for a CRC instead of compressing 50 kB anew. The
# distances back stay right because the token has the length of the NULs, and no
# match can copy from the token, since no part holds a NUL byte (a page that does
# is deflated part by part without the window: still correct, less small).

#: ID1 ID2, deflate, no flags, mtime 0, no extra flags, OS unknown (as gzip.compress).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
#: A final fixed-Huffman block holding only its end-of-block code.
_FINAL_BLOCK = b"\x03\x00"
_STORED_MAX = 0xFFFF
_WINDOW = 1 << zlib.MAX_WBITS


def deflate_parts(
    parts: Sequence[bytes], filler_length: int, level: int = LEVEL
) -> tuple[bytes, ...]:
    """Return each of ``parts`` as raw deflate, for fillers of ``filler_length``.

    Each ends byte-aligned and none is final: the parts with any filler of that
    length between them as stored blocks are one valid deflate stream (see
    :func:`gzip_joined`).
    """
    primed = not any(b"\x00" in part for part in parts)
    gap = b"\x00" * filler_length
    window = b""
    out = []
    for part in parts:
        if primed and window:
            compressor = zlib.compressobj(
                level, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=window
            )
        else:
            compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        out.append(compressor.compress(part) + compressor.flush(zlib.Z_SYNC_FLUSH))
        window = (window + part + gap)[-_WINDOW:]
    return tuple(out)


def stored_blocks(data: bytes) -> bytes:
    """Return ``data`` as non-final stored deflate blocks (none when empty)."""
    out = []
    for start in range(0, len(data), _STORED_MAX):
        chunk = data[start : start + _STORED_MAX]
        out.append(
            b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
        )
    return b"".join(out)


def gzip_joined(
    parts: Sequence[bytes], deflated: Sequence[bytes], filler: bytes
) -> bytes:
    """Return the gzip member of ``filler.join(parts)``.

    ``deflated`` is :func:`deflate_parts` of ``parts`` for fillers of this length.
    """
    crc, size = 0, 0
    for index, part in enumerate(parts):
        if index:
            crc = zlib.crc32(filler, crc)
        crc = zlib.crc32(part, crc)
        size += len(part)
    size += len(filler) * (len(parts) - 1)
    return b"".join(
        (
            _GZIP_HEADER,
            stored_blocks(filler).join(deflated),
            _FINAL_BLOCK,
            struct.pack("<II", crc, size & 0xFFFFFFFF),
        )
    )


def compress_response(response: Response, static_cache: _StaticGzipCache) -> Response:
    """Gzip ``response`` in place when it and the request allow it."""
    # The Content-Type header itself rather than response.mimetype (which parses
    # its parameters too): this runs on every answer.
    content_type = response.headers.get("Content-Type", "")
    if not compressible(content_type.partition(";")[0].strip().lower()):
        return response
    _vary_on_encoding(response)
    if (
        not accepts_gzip()
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
