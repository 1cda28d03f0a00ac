"""bench/page_throughput.py's "search, first-seen" line asks what the cache lacks;
bench/search_page_floor.py measures the same page with a search that costs nothing.

wrk is not needed for this: the queries it walks and the Lua that walks them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import page_throughput  # noqa: E402
import search_floor_app  # noqa: E402


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


def test_the_floor_app_answers_every_query_with_its_fixed_search(app: Flask) -> None:
    # bench/search_page_floor.py: its search costs nothing because every query of
    # a language gets the answer found once for one fixed query; the page around
    # it (grouping, rendering, analytics) is the served one.
    client = search_floor_app.without_search_cost(app).test_client()
    fixed = client.get("/pl/search?q=" + quote(search_floor_app.FIXED["pl"]))
    assert fixed.status_code == 200 and "search-group" in fixed.text
    for query in ("zupełnie inne słowa", "1009", "xyzzy"):
        page = client.get("/pl/search?q=" + quote(query))
        assert page.status_code == 200
        assert _results(page.text) == _results(fixed.text)
        assert f'value="{query}"' in page.text  # the query shown is the reader's


def _results(html: str) -> str:
    """Return the list of results of a search page (its ``<ol>``s)."""
    return "".join(re.findall(r'<ol class="search-results".*?</ol>', html, re.S))
