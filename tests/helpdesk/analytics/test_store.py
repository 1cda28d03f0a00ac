"""The search count contract: every SearchCountStore behaves alike (memory, SQLite)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpdesk.analytics.buffer import BufferedSearchCounts
from helpdesk.analytics.store import (
    MemorySearchCountStore,
    PendingCount,
    QueryCount,
    SearchCountStore,
    SQLiteSearchCountStore,
)
from helpdesk.database import SQLiteDatabase

DAY = dt.date(2026, 12, 1)
EARLY = dt.date(2026, 1, 1)


def sqlite_store(tmp: Path) -> SearchCountStore:
    return SQLiteSearchCountStore(SQLiteDatabase(str(tmp / "loop.sqlite3")))


def memory_store(tmp: Path) -> SearchCountStore:
    return MemorySearchCountStore()


def buffered_store(tmp: Path) -> SearchCountStore:
    return BufferedSearchCounts(sqlite_store(tmp), every=3, seconds=3600)


STORES: dict[str, Callable[[Path], SearchCountStore]] = {
    "memory": memory_store,
    "sqlite": sqlite_store,
    "buffered": buffered_store,
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchCountStore]:
    made = STORES[request.param](tmp_path)
    yield made
    made.close()


def test_an_empty_store_has_no_queries(store: SearchCountStore) -> None:
    assert store.top_queries("nl", EARLY) == []
    assert store.zero_result_queries("nl", EARLY) == []
    assert store.purge(DAY) == 0


def test_searches_are_counted_over_days_with_the_latest_results(
    store: SearchCountStore,
) -> None:
    store.record(DAY, "pl", "1009", 5)
    store.record(DAY, "pl", "1009", 5)
    store.record(DAY + dt.timedelta(days=1), "pl", "1009", 4)
    store.record(DAY, "pl", "usun", 0)
    store.record(DAY, "nl", "1009", 5)
    assert store.top_queries("pl", EARLY) == [
        QueryCount("1009", 3, 0, 4),
        QueryCount("usun", 1, 1, 0),
    ]
    assert store.top_queries("nl", EARLY) == [QueryCount("1009", 1, 0, 5)]


def test_zero_result_queries_are_listed_separately(store: SearchCountStore) -> None:
    store.record(DAY, "en", "zoom room", 0)
    store.record(DAY, "en", "zoom room", 2)
    store.record(DAY, "en", "xyz", 0)
    store.record(DAY, "en", "xyz", 0)
    store.record(DAY, "en", "found", 3)
    assert store.zero_result_queries("en", EARLY) == [
        QueryCount("xyz", 2, 2, 0),
        QueryCount("zoom room", 2, 1, 2),
    ]


def test_ties_are_ordered_by_query_and_limited(store: SearchCountStore) -> None:
    for query in ("c", "a", "b"):
        store.record(DAY, "en", query, 0)
    assert [q.query for q in store.top_queries("en", EARLY, limit=2)] == ["a", "b"]
    assert [q.query for q in store.zero_result_queries("en", EARLY, 2)] == ["a", "b"]


def test_days_before_since_are_not_counted(store: SearchCountStore) -> None:
    store.record(DAY - dt.timedelta(days=10), "en", "old", 0)
    store.record(DAY, "en", "new", 1)
    assert [q.query for q in store.top_queries("en", DAY)] == ["new"]
    assert store.zero_result_queries("en", DAY) == []


def test_purge_drops_the_days_before_the_cutoff_only(store: SearchCountStore) -> None:
    store.record(DAY - dt.timedelta(days=1), "en", "a", 1)
    store.record(DAY - dt.timedelta(days=1), "nl", "a", 1)
    store.record(DAY, "en", "a", 1)
    assert store.purge(DAY) == 2
    assert store.top_queries("en", EARLY) == [QueryCount("a", 1, 0, 1)]
    assert store.top_queries("nl", EARLY) == []
    assert store.purge(DAY) == 0


def test_a_batch_adds_to_the_counts_as_searches_in_order(
    store: SearchCountStore,
) -> None:
    store.record(DAY, "en", "a", 2)
    store.add(
        [
            PendingCount(DAY, "en", "a", 3, 1, 7),
            PendingCount(DAY, "en", "b", 2, 2, 0),
            PendingCount(DAY, "nl", "a", 1, 0, 1),
        ]
    )
    store.add([])
    assert store.top_queries("en", EARLY) == [
        QueryCount("a", 4, 1, 7),
        QueryCount("b", 2, 2, 0),
    ]
    assert store.top_queries("nl", EARLY) == [QueryCount("a", 1, 0, 1)]
