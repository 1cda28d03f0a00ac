"""A page deflated once and gzipped for each reader with their own text put in:
always the gzip of exactly the bytes the reader would get uncompressed; and when
the reader accepts gzip at all."""

from __future__ import annotations

import gzip
import zlib

from flask import Flask, request
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.compression import (
    accepts_gzip,
    deflate_parts,
    gzip_joined,
    stored_blocks,
)
from helpdesk.pagecache import Page

# Parts that repeat one another, so that back-references reach across the fillers.
WORDS = st.sampled_from(
    [b"<form>", b"csrf", b"section", b"\xc5\x82", b" ", b"hello", b"\x00", b"x" * 300]
)
PARTS = st.lists(
    st.lists(WORDS, max_size=60).map(b"".join) | st.binary(max_size=2000),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(parts=PARTS, filler=st.binary(max_size=200) | WORDS)
def test_the_joined_stream_is_the_gzip_of_the_filled_page(
    parts: list[bytes], filler: bytes
) -> None:
    joined = gzip_joined(parts, deflate_parts(parts, len(filler)), filler)
    assert gzip.decompress(joined) == filler.join(parts)
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert reader.decompress(joined) == filler.join(parts)
    assert reader.eof and not reader.unused_data  # one member, nothing after it


def test_a_filler_longer_than_a_stored_block_is_split() -> None:
    filler = bytes(range(256)) * 300  # 76,800 bytes: two stored blocks
    parts = [b"a" * 100, b"b" * 100, b"c"]
    joined = gzip_joined(parts, deflate_parts(parts, len(filler)), filler)
    assert gzip.decompress(joined) == filler.join(parts)
    assert stored_blocks(b"") == b""


def test_a_page_with_nul_bytes_is_deflated_without_the_shared_window() -> None:
    parts = [b"same text \x00 here " * 50, b"same text \x00 here " * 50]
    filler = b"T" * 20
    joined = gzip_joined(parts, deflate_parts(parts, len(filler)), filler)
    assert gzip.decompress(joined) == filler.join(parts)


def test_a_page_is_gzipped_nearly_as_small_as_all_at_once() -> None:
    section = b"<form><input name=csrf_token value=MARK><p>Was this helpful?</p></form>"
    page = Page.of((section * 20).decode(), "MARK")
    token = b"IjUwODhjMmFiNDUwZDg3YWQ2MjVlZTRiZDllNjQ2NmMw.aw-l2w.Psd1HRuubiqKcrkR"
    packed = page.gzipped(token)
    assert gzip.decompress(packed) == page.body(token)
    whole = gzip.compress(page.body(token), 6)
    # The tokens go in uncompressed (20 of them), each in a stored block of its
    # own (5 bytes) after a sync flush (5 bytes) and a new block (a few bytes).
    assert len(packed) <= len(whole) + 20 * (len(token) + 16)


def test_a_page_keeps_its_deflated_parts_for_the_next_reader() -> None:
    page = Page.of("<p>MARK and MARK</p>" * 40, "MARK")
    first = page.gzipped(b"alice-token")
    again = page.gzipped(b"bobby-token")
    assert gzip.decompress(first) == page.body(b"alice-token")
    assert gzip.decompress(again) == page.body(b"bobby-token")
    assert list(page._deflated) == [len(b"alice-token")]
    other = page.gzipped(b"a much longer token than before")
    assert gzip.decompress(other) == page.body(b"a much longer token than before")


ENCODINGS = st.lists(
    st.tuples(
        st.sampled_from(["gzip", "GZIP", "deflate", "br", "identity", "*", "x-gzip"]),
        st.sampled_from(["", ";q=0", ";q=0.0", ";q=0.5", ";q=1", ";q=x", ";level=1"]),
    ),
    max_size=4,
).map(lambda found: ", ".join(name + q for name, q in found))


@settings(max_examples=300, deadline=None)
@given(header=ENCODINGS | st.text(max_size=40))
def test_gzip_is_accepted_as_werkzeug_reads_the_header(header: str) -> None:
    # accepts_gzip keeps its answer per header: the same answer as reading it anew.
    app = Flask(__name__)
    environ = {"HTTP_ACCEPT_ENCODING": header}
    with app.test_request_context(environ_base=environ):
        expected = request.accept_encodings.quality("gzip") > 0
        assert accepts_gzip() is expected
        assert accepts_gzip() is expected  # kept
