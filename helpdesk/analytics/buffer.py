"""Search counts gathered in memory and written in batches (no Flask).

Counting a search was one SQLite write transaction per search, taken while the
reader waits, and serialized across every worker by SQLite's write lock: on a
busy site the search pages queued behind it. :class:`BufferedSearchCounts`
wraps a store: it adds each search to a small in-process tally and writes the
tally in one transaction every ``every`` searches, or on the first search
``seconds`` after the oldest unwritten one, before any read of the counts (so
this process's staff pages see its own searches) and on :meth:`flush` at exit.

The trade-off, chosen deliberately: a process killed without a clean shutdown
(SIGKILL, a crash, the OOM killer) loses the searches it had not written (at
most ``every`` searches or ``seconds`` of them), and the other processes see a
search only once it is written. A clean shutdown (SIGTERM to gunicorn, a worker
reaching ``max_requests``, the end of a CLI command) writes everything: the app
registers :meth:`flush` with :mod:`atexit`. A failed write keeps the tally for
the next try and logs; past ``max_pending`` unwritten queries the tally is
dropped, and the error log says how many searches were lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from helpdesk.analytics.store import PendingCount, QueryCount, SearchCountStore

#: Searches tallied before they are written.
DEFAULT_EVERY = 50
#: Seconds the oldest tallied search may wait for the next write.
DEFAULT_SECONDS = 5.0
#: Distinct unwritten queries kept while the store fails, before dropping them.
MAX_PENDING = 10_000

_log = logging.getLogger(__name__)


@dataclass
class _Tally:
    searches: int = 0
    zero_results: int = 0
    results: int = 0


class BufferedSearchCounts:
    """A :class:`SearchCountStore` that writes to ``store`` in batches."""

    def __init__(
        self,
        store: SearchCountStore,
        every: int = DEFAULT_EVERY,
        seconds: float = DEFAULT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_pending: int = MAX_PENDING,
        log: logging.Logger = _log,
    ) -> None:
        self.store = store
        self.every = max(1, int(every))
        self.seconds = float(seconds)
        self.clock = clock
        self.max_pending = max_pending
        self.log = log
        self._pending: dict[tuple[dt.date, str, str], _Tally] = {}
        self._searches = 0
        self._oldest: float | None = None
        self._lock = threading.Lock()
        # One writer at a time, so that counts are written in the order taken.
        self._writing = threading.Lock()

    @property
    def pending(self) -> int:
        """Return how many searches are tallied but not yet written."""
        return self._searches

    def record(self, day: dt.date, lang: str, query: str, results: int) -> None:
        """Tally one search; write the tally when it is due.

        A failed write is logged and the tally kept for the next one: the
        search was counted, only not written yet.
        """
        with self._lock:
            tally = self._pending.setdefault((day, lang, query), _Tally())
            tally.searches += 1
            tally.zero_results += results == 0
            tally.results = results
            self._searches += 1
            if self._oldest is None:
                self._oldest = self.clock()
            due = (
                self._searches >= self.every
                or self.clock() - self._oldest >= self.seconds
            )
        if due:
            try:
                self.flush()
            except Exception:
                self.log.warning(
                    "search counts not written yet (kept for the next write)",
                    exc_info=True,
                )

    def add(self, counts: list[PendingCount]) -> None:
        """Write ``counts`` after what is tallied (a batch needs no buffer)."""
        self.flush()
        self.store.add(counts)

    def flush(self) -> None:
        """Write what is tallied in one transaction; raise what the store raises.

        On failure the tally is kept for the next write (merged before what was
        tallied meanwhile), unless it grew past ``max_pending`` queries.
        """
        with self._writing:
            with self._lock:
                pending, searches = self._pending, self._searches
                self._pending, self._searches, self._oldest = {}, 0, None
            if not pending:
                return
            counts = [
                PendingCount(day, lang, query, t.searches, t.zero_results, t.results)
                for (day, lang, query), t in pending.items()
            ]
            try:
                self.store.add(counts)
            except BaseException:
                self._keep(pending, searches)
                raise

    def _keep(
        self, pending: dict[tuple[dt.date, str, str], _Tally], searches: int
    ) -> None:
        with self._lock:
            for key, later in self._pending.items():
                tally = pending.setdefault(key, _Tally())
                tally.searches += later.searches
                tally.zero_results += later.zero_results
                tally.results = later.results
            searches += self._searches
            if len(pending) > self.max_pending:
                self.log.error(
                    "%d search(es) not counted: the analytics store kept failing",
                    searches,
                )
                pending, searches = {}, 0
            self._pending, self._searches = pending, searches
            self._oldest = self.clock() if pending else None

    def flush_quietly(self) -> None:
        """Write what is tallied; log a failure instead of raising (for atexit)."""
        try:
            self.flush()
        except Exception:
            self.log.exception(
                "%d search(es) not counted at shutdown: the analytics store failed",
                self._searches,
            )

    def top_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        """Write what is tallied, then read from the store."""
        self.flush()
        return self.store.top_queries(lang, since, limit)

    def zero_result_queries(
        self, lang: str, since: dt.date, limit: int = 100
    ) -> list[QueryCount]:
        """Write what is tallied, then read from the store."""
        self.flush()
        return self.store.zero_result_queries(lang, since, limit)

    def purge(self, before: dt.date) -> int:
        """Write what is tallied, then purge the store."""
        self.flush()
        return self.store.purge(before)

    def close(self) -> None:
        """Write what is tallied, then release the store."""
        try:
            self.flush()
        finally:
            self.store.close()
