"""Count searches and drop old counts (no Flask).

:func:`record_search` never raises: a search must answer even when the store is
busy or broken, so a failure is logged and forgotten. Only the normalized query
is kept, with the day, the language and the number of results.
"""

from __future__ import annotations

import datetime as dt
import logging

from helpdesk.analytics.normalize import normalize_query
from helpdesk.analytics.store import QueryCount, SearchCountStore

#: Counts are kept this many days unless configured otherwise.
DEFAULT_RETENTION_DAYS = 90

_log = logging.getLogger(__name__)


def record_search(
    store: SearchCountStore,
    lang: str,
    query: str,
    results: int,
    today: dt.date,
    log: logging.Logger = _log,
) -> bool:
    """Count one search; return whether it was counted (never raises).

    A query that normalizes to nothing (only spaces or marks) is not counted.
    """
    try:
        normalized = normalize_query(query)
        if not normalized:
            return False
        store.record(today, lang, normalized, max(0, int(results)))
    except Exception:
        log.exception("search not counted: the analytics store failed")
        return False
    return True


def cutoff(today: dt.date, retention_days: int) -> dt.date:
    """Return the first day kept: counts of earlier days are dropped."""
    return today - dt.timedelta(days=retention_days)


def purge(store: SearchCountStore, today: dt.date, retention_days: int) -> int:
    """Drop the counts older than ``retention_days``; return how many rows."""
    return store.purge(cutoff(today, retention_days))


def top_queries(
    store: SearchCountStore, lang: str, today: dt.date, retention_days: int
) -> list[QueryCount]:
    """Return the most searched queries in ``lang`` within the retention."""
    return store.top_queries(lang, cutoff(today, retention_days))


def zero_result_queries(
    store: SearchCountStore, lang: str, today: dt.date, retention_days: int
) -> list[QueryCount]:
    """Return the queries in ``lang`` that found nothing, within the retention."""
    return store.zero_result_queries(lang, cutoff(today, retention_days))
