"""Search counts tallied in memory: written in batches, on reads, and at exit."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.analytics.buffer import BufferedSearchCounts
from helpdesk.analytics.store import (
    MemorySearchCountStore,
    PendingCount,
    QueryCount,
    SQLiteSearchCountStore,
)
from helpdesk.database import SQLiteDatabase, StoreUnavailable
from tests.clocks import ManualClock

DAY = dt.date(2026, 12, 1)
EARLY = dt.date(2026, 1, 1)


class FailingStore(MemorySearchCountStore):
    """A memory store whose batches fail while ``failing`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False
        self.batches = 0

    def add(self, counts: list[PendingCount]) -> None:
        if self.failing:
            raise StoreUnavailable()
        self.batches += 1
        super().add(counts)


def written(store: MemorySearchCountStore, lang: str = "en") -> list[QueryCount]:
    return store.top_queries(lang, EARLY)


def test_searches_are_written_every_n_searches_in_one_batch() -> None:
    inner = FailingStore()
    buffer = BufferedSearchCounts(inner, every=3, seconds=3600, clock=ManualClock(0.0))
    buffer.record(DAY, "en", "a", 2)
    buffer.record(DAY, "en", "a", 0)
    assert written(inner) == [] and buffer.pending == 2
    buffer.record(DAY, "en", "b", 1)
    assert inner.batches == 1 and buffer.pending == 0
    assert written(inner) == [QueryCount("a", 2, 1, 0), QueryCount("b", 1, 0, 1)]


def test_searches_are_written_once_the_oldest_waited_long_enough() -> None:
    clock = ManualClock(0.0)
    inner = FailingStore()
    buffer = BufferedSearchCounts(inner, every=100, seconds=5, clock=clock)
    buffer.record(DAY, "en", "a", 1)
    clock.now = 4.9
    buffer.record(DAY, "en", "a", 1)
    assert written(inner) == []
    clock.now = 5.0
    buffer.record(DAY, "nl", "b", 1)
    assert written(inner) == [QueryCount("a", 2, 0, 1)]
    assert written(inner, "nl") == [QueryCount("b", 1, 0, 1)]


def test_a_read_or_purge_through_the_buffer_writes_first() -> None:
    inner = FailingStore()
    buffer = BufferedSearchCounts(
        inner, every=100, seconds=3600, clock=ManualClock(0.0)
    )
    buffer.record(DAY, "en", "a", 0)
    assert buffer.zero_result_queries("en", EARLY) == [QueryCount("a", 1, 1, 0)]
    buffer.record(DAY - dt.timedelta(days=1), "en", "old", 1)
    assert buffer.purge(DAY) == 1
    assert buffer.top_queries("en", EARLY) == [QueryCount("a", 1, 1, 0)]


def test_a_failed_write_keeps_the_counts_for_the_next_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = FailingStore()
    buffer = BufferedSearchCounts(inner, every=2, seconds=3600, clock=ManualClock(0.0))
    inner.failing = True
    with caplog.at_level(logging.WARNING):
        buffer.record(DAY, "en", "a", 1)
        buffer.record(DAY, "en", "a", 2)  # due: the write fails, nothing raised
    assert "not written yet" in caplog.text
    assert buffer.pending == 2
    inner.failing = False
    buffer.record(DAY, "en", "a", 3)
    assert written(inner) == [QueryCount("a", 3, 0, 3)]


def test_counts_dropped_after_failures_are_logged_as_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = FailingStore()
    inner.failing = True
    buffer = BufferedSearchCounts(
        inner, every=1, seconds=3600, clock=ManualClock(0.0), max_pending=2
    )
    with caplog.at_level(logging.ERROR):
        for query in ("a", "b", "c"):
            buffer.record(DAY, "en", query, 1)
    assert "3 search(es) not counted" in caplog.text
    assert buffer.pending == 0


def test_close_writes_what_is_left(tmp_path: Path) -> None:
    database = SQLiteDatabase(str(tmp_path / "loop.sqlite3"))
    buffer = BufferedSearchCounts(SQLiteSearchCountStore(database), every=100)
    buffer.record(DAY, "pl", "usun", 4)
    buffer.close()
    again = SQLiteSearchCountStore(SQLiteDatabase(database.path))
    assert again.top_queries("pl", EARLY) == [QueryCount("usun", 1, 0, 4)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["en", "nl"]),
            st.integers(0, 3),
        ),
        max_size=40,
    ),
    st.integers(1, 7),
)
def test_buffered_counts_equal_counts_written_one_by_one(
    searches: list[tuple[str, str, int]], every: int
) -> None:
    direct, inner = MemorySearchCountStore(), MemorySearchCountStore()
    buffer = BufferedSearchCounts(
        inner, every=every, seconds=3600, clock=ManualClock(0.0)
    )
    for query, lang, results in searches:
        direct.record(DAY, lang, query, results)
        buffer.record(DAY, lang, query, results)
    for lang in ("en", "nl"):
        assert buffer.top_queries(lang, EARLY) == direct.top_queries(lang, EARLY)
        assert buffer.zero_result_queries(lang, EARLY) == (
            direct.zero_result_queries(lang, EARLY)
        )


def test_a_clean_exit_writes_the_counts_still_in_memory(tmp_path: Path) -> None:
    """A process that counted a few searches and exits normally loses none."""
    script = textwrap.dedent(
        f"""
        from helpdesk import create_app
        app = create_app({{
            "TESTING": True, "SECRET_KEY": "x", "SEARCH_AUTO_BUILD": False,
            "INSTANCE_PATH": {str(tmp_path / "instance")!r},
            "ANALYTICS_WRITE_EVERY": 1000, "ANALYTICS_WRITE_SECONDS": 3600,
        }})
        client = app.test_client()
        for _ in range(3):
            assert client.get("/api/v1/search?q=unlink&lang=en").status_code == 200
        with app.app_context():
            from helpdesk.contentloop import content_loop
            assert content_loop().searches.pending == 3
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    path = tmp_path / "instance" / "content_loop.sqlite3"
    store = SQLiteSearchCountStore(SQLiteDatabase(str(path)))
    [count] = store.top_queries("en", EARLY)
    assert (count.query, count.searches) == ("unlink", 3)
