"""What the staff area shows for one language, and its tables as CSV rows.

:func:`build_report` reads the feedback and the search counts it is given (no
Flask); :func:`table_rows` turns one table into rows for
:func:`simulator.csv_files.write_csv`, which keeps every cell formula-safe.
The translations table lists the report language's sections that are outdated
or missing against their source (:mod:`helpdesk.content.freshness`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from helpdesk.analytics import service as analytics
from helpdesk.analytics.store import QueryCount, SearchCountStore
from helpdesk.content.freshness import SectionState, State
from helpdesk.feedback.service import REASONS
from helpdesk.feedback.store import FeedbackEntry, FeedbackStore, FeedbackSummary

#: The tables of the report, as they are named in CSV download URLs.
TABLES: tuple[str, ...] = (
    "feedback",
    "comments",
    "top-queries",
    "zero-results",
    "translations",
)


@dataclass(frozen=True)
class Report:
    """Feedback and search counts for one language."""

    lang: str
    feedback: list[FeedbackSummary]
    comments: list[FeedbackEntry]
    top_queries: list[QueryCount]
    zero_results: list[QueryCount]
    translations: list[SectionState]


def build_report(
    feedback: FeedbackStore,
    searches: SearchCountStore,
    lang: str,
    today: dt.date,
    retention_days: int,
    freshness: Sequence[SectionState] = (),
) -> Report:
    """Return the feedback, comments, queries and stale translations of ``lang``.

    ``freshness`` is every translated section's state
    (:func:`helpdesk.content.freshness.status`); only ``lang``'s outdated and
    missing ones are kept.
    """
    return Report(
        lang=lang,
        feedback=feedback.summaries(lang),
        comments=feedback.comments(lang),
        top_queries=analytics.top_queries(searches, lang, today, retention_days),
        zero_results=analytics.zero_result_queries(
            searches, lang, today, retention_days
        ),
        translations=[
            state
            for state in freshness
            if state.lang == lang and state.state is not State.UP_TO_DATE
        ],
    )


def table_rows(
    report: Report, table: str, headers: Mapping[str, str]
) -> list[Sequence[object]]:
    """Return ``table`` of ``report`` as rows, the first one ``headers`` (labels).

    ``headers`` maps every column key (``slug``, ``section``, ``yes``, ``no``,
    each reason, ``day``, ``reason``, ``comment``, ``query``, ``searches``,
    ``zero_results``, ``results``, ``source``, ``state`` and ``state:<STATE>``)
    to its label in the reader's language.
    """
    if table == "feedback":
        columns = ["slug", "section", "yes", "no", *REASONS]
        rows: list[Sequence[object]] = [
            [s.slug, s.section, s.yes, s.no, *(s.reasons.get(r, 0) for r in REASONS)]
            for s in report.feedback
        ]
    elif table == "comments":
        columns = ["day", "slug", "section", "reason", "comment"]
        rows = [
            [c.day.isoformat(), c.slug, c.section, c.reason or "", c.comment]
            for c in report.comments
        ]
    elif table == "translations":
        columns = ["slug", "section", "source", "state"]
        rows = [
            [t.slug, t.section, t.source, headers[f"state:{t.state.name}"]]
            for t in report.translations
        ]
    elif table in ("top-queries", "zero-results"):
        columns = ["query", "searches", "zero_results", "results"]
        counts = report.top_queries if table == "top-queries" else report.zero_results
        rows = [[q.query, q.searches, q.zero_results, q.results] for q in counts]
    else:
        raise KeyError(table)
    return [[headers[column] for column in columns], *rows]
