"""Where search counts live: one small protocol, a SQLite store, an in-memory one.

A count is kept per day, language and normalized query: how many searches, how
many of them found nothing, and how many results the latest one found. Nothing
identifies the reader: no address, no cookie, no agent. Days before a cutoff are
dropped by :meth:`SearchCountStore.purge`. :class:`MemorySearchCountStore` is the
fake, held to the same contract tests as :class:`SQLiteSearchCountStore`.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Protocol

from helpdesk.database import SQLiteDatabase


@dataclass(frozen=True)
class QueryCount:
    """How often a query was searched for in a language over some days."""

    query: str
    searches: int
    zero_results: int
    #: Results found by the latest search for it.
    results: int


@dataclass(frozen=True)
class PendingCount:
    """Searches for one query of one day and language, added to a store at once."""

    day: dt.date
    lang: str
    query: str
    searches: int
    zero_results: int
    #: Results found by the latest of these searches.
    results: int


class SearchCountStore(Protocol):
    """What search recording, the staff area and the purge need from a store."""

    def record(self, day: dt.date, lang: str, query: str, results: int) -> None:
        """Count one search for ``query`` (already normalized) on ``day``."""
        ...

    def add(self, counts: list[PendingCount]) -> None:
        """Add many counts at once (one transaction), as if recorded in order."""
        ...

    def top_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        """Return the most searched queries from ``since`` on, most first."""
        ...

    def zero_result_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        """Return the queries that found nothing at least once, most misses first."""
        ...

    def purge(self, before: dt.date) -> int:
        """Drop every count of a day before ``before``; return how many rows."""
        ...

    def close(self) -> None:
        """Release what the current thread holds."""
        ...


@dataclass
class _Row:
    searches: int = 0
    zero_results: int = 0
    results: int = 0


def _ranked(counts: list[QueryCount], zero: bool, limit: int) -> list[QueryCount]:
    if zero:
        counts = [c for c in counts if c.zero_results]
        counts.sort(key=lambda c: (-c.zero_results, -c.searches, c.query))
    else:
        counts.sort(key=lambda c: (-c.searches, c.query))
    return counts[:limit]


class MemorySearchCountStore:
    """Search counts in a dict (tests, and a store that needs no file)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[dt.date, str, str], _Row] = {}
        self._lock = threading.Lock()

    def record(self, day: dt.date, lang: str, query: str, results: int) -> None:
        self.add([PendingCount(day, lang, query, 1, int(results == 0), results)])

    def add(self, counts: list[PendingCount]) -> None:
        with self._lock:
            for count in counts:
                key = (count.day, count.lang, count.query)
                row = self._rows.setdefault(key, _Row())
                row.searches += count.searches
                row.zero_results += count.zero_results
                row.results = count.results

    def _totals(self, lang: str, since: dt.date) -> list[QueryCount]:
        totals: dict[str, tuple[int, int, dt.date, int]] = {}
        with self._lock:
            for (day, row_lang, query), row in self._rows.items():
                if row_lang != lang or day < since:
                    continue
                searches, zero, latest, results = totals.get(
                    query, (0, 0, dt.date.min, 0)
                )
                if day >= latest:
                    latest, results = day, row.results
                totals[query] = (
                    searches + row.searches, zero + row.zero_results, latest, results
                )  # fmt: skip
        return [
            QueryCount(query, searches, zero, results)
            for query, (searches, zero, _latest, results) in totals.items()
        ]

    def top_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        return _ranked(self._totals(lang, since), False, limit)

    def zero_result_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        return _ranked(self._totals(lang, since), True, limit)

    def purge(self, before: dt.date) -> int:
        with self._lock:
            old = [key for key in self._rows if key[0] < before]
            for key in old:
                del self._rows[key]
        return len(old)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_counts (
    day TEXT NOT NULL,
    lang TEXT NOT NULL,
    query TEXT NOT NULL,
    searches INTEGER NOT NULL,
    zero_results INTEGER NOT NULL,
    results INTEGER NOT NULL,
    PRIMARY KEY (day, lang, query)
);
CREATE INDEX IF NOT EXISTS search_counts_lang ON search_counts (lang, query);
"""

_TOTALS = """
SELECT query, SUM(searches), SUM(zero_results),
       (SELECT latest.results FROM search_counts AS latest
        WHERE latest.lang = c.lang AND latest.query = c.query AND latest.day >= ?
        ORDER BY latest.day DESC LIMIT 1)
FROM search_counts AS c
WHERE lang = ? AND day >= ?
GROUP BY query
"""


class SQLiteSearchCountStore:
    """Search counts in a table of the content-loop database."""

    def __init__(self, database: SQLiteDatabase) -> None:
        self.database = database
        database.add_schema(_SCHEMA)

    def record(self, day: dt.date, lang: str, query: str, results: int) -> None:
        self.add([PendingCount(day, lang, query, 1, int(results == 0), results)])

    def add(self, counts: list[PendingCount]) -> None:
        rows = [
            (c.day.isoformat(), c.lang, c.query, c.searches, c.zero_results, c.results)
            for c in counts
        ]
        with self.database.write() as conn:
            conn.executemany(
                "INSERT INTO search_counts VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (day, lang, query) DO UPDATE SET"
                " searches = searches + excluded.searches,"
                " zero_results = zero_results + excluded.zero_results,"
                " results = excluded.results",
                rows,
            )

    def _totals(
        self, lang: str, since: dt.date, having: str, order: str, limit: int
    ) -> list[QueryCount]:
        cutoff = since.isoformat()
        with self.database.read() as conn:
            rows = conn.execute(
                f"{_TOTALS} {having} ORDER BY {order} LIMIT ?",
                (cutoff, lang, cutoff, limit),
            ).fetchall()
        return [QueryCount(q, s, z, r) for q, s, z, r in rows]

    def top_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        return self._totals(lang, since, "", "SUM(searches) DESC, query", limit)

    def zero_result_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        return self._totals(
            lang,
            since,
            "HAVING SUM(zero_results) > 0",
            "SUM(zero_results) DESC, SUM(searches) DESC, query",
            limit,
        )

    def purge(self, before: dt.date) -> int:
        with self.database.write() as conn:
            cursor = conn.execute(
                "DELETE FROM search_counts WHERE day < ?", (before.isoformat(),)
            )
        return cursor.rowcount

    def close(self) -> None:
        self.database.close()
