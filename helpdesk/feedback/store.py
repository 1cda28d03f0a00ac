"""Where feedback lives: one small protocol, a SQLite store and an in-memory one.

An entry is one answer: the day (no time), the language of the page, the
article and section (``""`` for the whole article), yes or no, a reason and a
comment. Nothing identifies the reader: no address, no cookie, no agent.
:class:`MemoryFeedbackStore` is the fake for service tests, held to the same
contract tests as :class:`SQLiteFeedbackStore`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from helpdesk.database import SQLiteDatabase


@dataclass(frozen=True)
class FeedbackEntry:
    """One reader's answer to "Was this helpful?"."""

    day: dt.date
    lang: str
    slug: str
    section: str
    helpful: bool
    reason: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class FeedbackSummary:
    """The answers about one article section (or the whole article) in a language."""

    slug: str
    section: str
    yes: int
    no: int
    reasons: dict[str, int] = field(default_factory=dict)


class FeedbackStore(Protocol):
    """What the feedback service and the staff area need from a store."""

    def add(self, entry: FeedbackEntry) -> None:
        """Store one answer."""
        ...

    def summaries(self, lang: str) -> list[FeedbackSummary]:
        """Return the counts per article and section in ``lang``, by slug, section."""
        ...

    def comments(self, lang: str) -> list[FeedbackEntry]:
        """Return the answers in ``lang`` that carry a comment, newest day first."""
        ...

    def close(self) -> None:
        """Release what the current thread holds."""
        ...


def _summaries(entries: list[FeedbackEntry]) -> list[FeedbackSummary]:
    yes: Counter[tuple[str, str]] = Counter()
    no: Counter[tuple[str, str]] = Counter()
    reasons: dict[tuple[str, str], Counter[str]] = {}
    for entry in entries:
        key = (entry.slug, entry.section)
        (yes if entry.helpful else no)[key] += 1
        counter = reasons.setdefault(key, Counter())
        if entry.reason:
            counter[entry.reason] += 1
    return [
        FeedbackSummary(*key, yes[key], no[key], dict(sorted(counter.items())))
        for key, counter in sorted(reasons.items())
    ]


class MemoryFeedbackStore:
    """Feedback in a list (tests, and a store that needs no file)."""

    def __init__(self) -> None:
        self._entries: list[FeedbackEntry] = []
        self._lock = threading.Lock()

    def add(self, entry: FeedbackEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def summaries(self, lang: str) -> list[FeedbackSummary]:
        with self._lock:
            return _summaries([e for e in self._entries if e.lang == lang])

    def comments(self, lang: str) -> list[FeedbackEntry]:
        with self._lock:
            found = [e for e in self._entries if e.lang == lang and e.comment]
        # Stable sort: the same day keeps the order the answers came in, newest first.
        return sorted(reversed(found), key=lambda e: e.day, reverse=True)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    section TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    reason TEXT,
    comment TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_lang ON feedback (lang, slug, section);
"""


class SQLiteFeedbackStore:
    """Feedback in a table of the content-loop database."""

    def __init__(self, database: SQLiteDatabase) -> None:
        self.database = database
        database.add_schema(_SCHEMA)

    def add(self, entry: FeedbackEntry) -> None:
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO feedback (day, lang, slug, section, helpful, reason,"
                " comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.day.isoformat(),
                    entry.lang,
                    entry.slug,
                    entry.section,
                    int(entry.helpful),
                    entry.reason,
                    entry.comment,
                ),
            )

    def summaries(self, lang: str) -> list[FeedbackSummary]:
        with self.database.read() as conn:
            rows = conn.execute(
                "SELECT slug, section, SUM(helpful), SUM(1 - helpful) FROM feedback"
                " WHERE lang = ? GROUP BY slug, section ORDER BY slug, section",
                (lang,),
            ).fetchall()
            reasons: dict[tuple[str, str], dict[str, int]] = {}
            for slug, section, reason, count in conn.execute(
                "SELECT slug, section, reason, COUNT(*) FROM feedback"
                " WHERE lang = ? AND reason IS NOT NULL"
                " GROUP BY slug, section, reason ORDER BY reason",
                (lang,),
            ):
                reasons.setdefault((slug, section), {})[reason] = count
        return [
            FeedbackSummary(slug, section, yes, no, reasons.get((slug, section), {}))
            for slug, section, yes, no in rows
        ]

    def comments(self, lang: str) -> list[FeedbackEntry]:
        with self.database.read() as conn:
            rows = conn.execute(
                "SELECT day, slug, section, helpful, reason, comment FROM feedback"
                " WHERE lang = ? AND comment != '' ORDER BY day DESC, id DESC",
                (lang,),
            ).fetchall()
        return [
            FeedbackEntry(
                dt.date.fromisoformat(day),
                lang,
                slug,
                section,
                bool(helpful),
                reason,
                comment,
            )  # fmt: skip
            for day, slug, section, helpful, reason, comment in rows
        ]

    def close(self) -> None:
        self.database.close()
