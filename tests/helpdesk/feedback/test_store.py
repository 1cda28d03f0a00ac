"""The feedback store contract: every FeedbackStore behaves alike (memory, SQLite).

Each test runs against every implementation in :data:`STORES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from helpdesk.database import SQLiteDatabase
from helpdesk.feedback.store import (
    FeedbackEntry,
    FeedbackStore,
    FeedbackSummary,
    MemoryFeedbackStore,
    SQLiteFeedbackStore,
)

DAY = dt.date(2026, 12, 1)


def sqlite_store(tmp: Path) -> FeedbackStore:
    return SQLiteFeedbackStore(SQLiteDatabase(str(tmp / "loop.sqlite3")))


def memory_store(tmp: Path) -> FeedbackStore:
    return MemoryFeedbackStore()


STORES: dict[str, Callable[[Path], FeedbackStore]] = {
    "memory": memory_store,
    "sqlite": sqlite_store,
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FeedbackStore:
    made = STORES[request.param](tmp_path)
    yield made
    made.close()


def entry(**changes: object) -> FeedbackEntry:
    values: dict[str, object] = {
        "day": DAY,
        "lang": "nl",
        "slug": "error-1009",
        "section": "unlink-single",
        "helpful": False,
    }
    values.update(changes)
    return FeedbackEntry(**values)  # type: ignore[arg-type]


def test_an_empty_store_has_no_summaries_and_no_comments(store: FeedbackStore) -> None:
    assert store.summaries("nl") == []
    assert store.comments("nl") == []


def test_answers_are_counted_per_article_and_section(store: FeedbackStore) -> None:
    store.add(entry(helpful=True))
    store.add(entry(reason="unclear"))
    store.add(entry(reason="unclear"))
    store.add(entry(reason="outdated"))
    store.add(entry(section="", helpful=True))
    store.add(entry(slug="remove-users", section="delete", helpful=True))
    assert store.summaries("nl") == [
        FeedbackSummary("error-1009", "", 1, 0, {}),
        FeedbackSummary(
            "error-1009", "unlink-single", 1, 3, {"outdated": 1, "unclear": 2}
        ),
        FeedbackSummary("remove-users", "delete", 1, 0, {}),
    ]


def test_each_language_has_its_own_answers(store: FeedbackStore) -> None:
    store.add(entry(lang="pl", comment="Nie działa"))
    store.add(entry(lang="en", helpful=True))
    assert store.summaries("nl") == []
    assert [s.no for s in store.summaries("pl")] == [1]
    assert [c.comment for c in store.comments("pl")] == ["Nie działa"]
    assert store.comments("en") == []


def test_comments_come_newest_day_first_with_everything_kept(
    store: FeedbackStore,
) -> None:
    store.add(entry(comment="first", reason="other"))
    store.add(entry(comment="", reason="unclear"))
    store.add(entry(comment="later <b>", day=DAY + dt.timedelta(days=2)))
    store.add(entry(comment="second", section=""))
    comments = store.comments("nl")
    assert [c.comment for c in comments] == ["later <b>", "second", "first"]
    assert comments[2] == entry(comment="first", reason="other")


def test_text_is_kept_exactly(store: FeedbackStore) -> None:
    text = "Zażółć gęślą jaźń\nline two\t'; DROP TABLE feedback; --"
    store.add(entry(comment=text))
    assert store.comments("nl")[0].comment == text
