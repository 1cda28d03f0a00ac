"""bench/page_throughput.py's "search, first-seen" line asks what the cache lacks.

wrk is not needed for this: the queries it walks and the Lua that walks them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import page_throughput  # noqa: E402


def test_first_seen_queries_are_distinct_and_outnumber_the_cache() -> None:
    paths = page_throughput.first_seen_paths()
    assert len(paths) == len(set(paths)) == page_throughput.FIRST_SEEN_COUNT
    assert len(paths) > 10 * 256  # SEARCH_CACHE_ENTRIES: never served from it
    langs = set()
    for path in paths:
        parts = urlsplit(path)
        lang, page = parts.path.strip("/").split("/")
        assert page == "search" and parts.query.isascii()
        (query,) = parse_qs(parts.query)["q"]
        assert len(query.split()) >= 2  # a bench query and one more word
        langs.add(lang)
    assert langs == {"en", "nl", "pl"}
    assert page_throughput.first_seen_paths() == paths  # every run the same list


def test_the_rotation_asks_each_path_in_turn() -> None:
    lua = page_throughput.rotation(["/en/search?q=a%20b", "/nl/search?q=c%20d"])
    assert '"/en/search?q=a%20b", "/nl/search?q=c%20d"' in lua
    assert "pos = pos % #paths + 1" in lua
    assert 'wrk.format("GET", paths[pos])' in lua
