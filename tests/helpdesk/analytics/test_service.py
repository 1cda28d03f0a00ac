"""Recording searches never fails a search; purge keeps the retention."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from helpdesk.analytics import service
from helpdesk.analytics.store import MemorySearchCountStore, QueryCount
from helpdesk.database import StoreUnavailable

TODAY = dt.date(2026, 12, 31)


class BrokenStore(MemorySearchCountStore):
    def record(self, day: dt.date, lang: str, query: str, results: int) -> None:
        raise StoreUnavailable()


def test_a_search_is_counted_under_its_normalized_query() -> None:
    store = MemorySearchCountStore()
    assert service.record_search(store, "pl", "  Usunąć  UŻYTKOWNIKA", 3, TODAY)
    assert store.top_queries("pl", TODAY) == [QueryCount("usunac uzytkownika", 1, 0, 3)]


def test_an_empty_query_is_not_counted() -> None:
    store = MemorySearchCountStore()
    assert not service.record_search(store, "pl", " \u0301 ", 0, TODAY)
    assert store.top_queries("pl", TODAY) == []


def test_a_broken_store_is_logged_and_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        assert not service.record_search(BrokenStore(), "en", "1009", 1, TODAY)
    assert "search not counted" in caplog.text


def test_purge_drops_what_is_older_than_the_retention() -> None:
    store = MemorySearchCountStore()
    store.record(TODAY - dt.timedelta(days=91), "en", "old", 1)
    store.record(TODAY - dt.timedelta(days=90), "en", "kept", 1)
    assert service.purge(store, TODAY, 90) == 1
    assert [q.query for q in store.top_queries("en", dt.date.min)] == ["kept"]


def test_reports_show_only_the_retained_days_even_before_a_purge() -> None:
    store = MemorySearchCountStore()
    store.record(TODAY - dt.timedelta(days=100), "en", "old", 0)
    assert service.top_queries(store, "en", TODAY, 90) == []
    assert service.zero_result_queries(store, "en", TODAY, 90) == []
    assert [q.query for q in service.top_queries(store, "en", TODAY, 200)] == ["old"]
