"""The files of one index build, and how a search reads them.

A build is two files besides ``build.json``:

``index.sqlite``
    ``terms``: each (field, term) with where its postings start and how many
    there are; ``docs``: each section's stored fields, the text snippets are cut
    from; ``words``: each language's vocabulary for the spelling corrector, and
    ``shapes``: the same words grouped by first letter and length.
``postings.bin``
    Every term's document numbers (int32), term after term, then every term's
    BM25F score in each of its documents (float64, aligned), in the same order:
    scores are computed when the build is written, since a build never changes.

Both are read from disk on demand (SQLite's page cache, a memory map), so a
worker's memory stays small whatever the size of the index, and the operating
system shares the mapped pages between the workers of one machine. A reader
keeps only the terms and documents it read last (bounded LRUs of
:data:`TERM_CACHE` terms and :data:`DOC_CACHE` documents): a build never
changes, and a query's words and the sections they find are mostly those of the
queries before it, so most lookups skip SQLite.
"""

from __future__ import annotations

import mmap
import sqlite3
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

INDEX_DB = "index.sqlite"
POSTINGS = "postings.bin"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE terms (
    field TEXT, term TEXT, start INTEGER, count INTEGER,
    PRIMARY KEY (field, term)
) WITHOUT ROWID;
CREATE TABLE docs (
    docnum INTEGER PRIMARY KEY, key TEXT, slug TEXT, section TEXT, lang TEXT,
    title TEXT, heading TEXT, body TEXT, lead TEXT
);
CREATE TABLE words (
    lang TEXT, folded TEXT, spelling TEXT, freq INTEGER, head TEXT, size INTEGER,
    PRIMARY KEY (lang, folded)
) WITHOUT ROWID;
-- The words of one first letter and length, one a line: what the speller
-- reads for a typo (one row per length) instead of a row per word.
CREATE TABLE shapes (
    lang TEXT, head TEXT, size INTEGER, words TEXT,
    PRIMARY KEY (lang, head, size)
) WITHOUT ROWID;
"""

#: SQLite page cache per connection, in KiB (negative: KiB, as SQLite counts).
CACHE_KIB = 4096
#: Terms whose place in the postings a reader keeps (a few hundred bytes each).
TERM_CACHE = 16_384
#: Documents whose stored fields a reader keeps (a section's text, a few KiB).
DOC_CACHE = 2_048

Postings = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]
_EMPTY: Postings = (np.zeros(0, np.int32), np.zeros(0, np.float64))


def connect(path: Path, readonly: bool = True) -> sqlite3.Connection:
    """Open a build's database (read-only unless writing the build)."""
    if readonly:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        db = sqlite3.connect(path, check_same_thread=False)
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return db


class IndexReader:
    """Read one build: terms, postings, stored fields; one per thread."""

    def __init__(self, build: Path):
        self.build = build
        self.db = connect(build / INDEX_DB)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'docs'").fetchone()
        if row is None:
            raise OSError(f"not an index build: {build}")
        self.doc_count = int(row[0])
        row = self.db.execute("SELECT value FROM meta WHERE key = 'scores_at'")
        self._scores_at = int(row.fetchone()[0])
        with open(build / POSTINGS, "rb") as handle:
            size = handle.seek(0, 2)
            # An empty file cannot be mapped; an index without postings reads none.
            self._map = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
            )
        # Pure lookups into a build that never changes: kept, a bounded number.
        self._term = lru_cache(maxsize=TERM_CACHE)(self._lookup)
        # Views on the map (no copy): a term's arrays are made once.
        self._postings = lru_cache(maxsize=TERM_CACHE)(self._read_postings)
        self._docs: OrderedDict[tuple[str, int], Mapping[str, Any]] = OrderedDict()

    def close(self) -> None:
        """Close the database; the map goes with the last array reading it."""
        self.db.close()
        self._map = None
        self._term.cache_clear()
        self._postings.cache_clear()
        self._docs.clear()

    def __contains__(self, key: object) -> bool:
        """Return whether ``(field, term)`` occurs in the index."""
        return self._find(key) is not None

    def _find(self, key: object) -> tuple[int, int] | None:
        if not isinstance(key, tuple) or len(key) != 2:
            return None
        field, term = key
        if not isinstance(field, str) or not isinstance(term, str):
            return None
        return self._term(field, term)

    def _lookup(self, field: str, term: str) -> tuple[int, int] | None:
        row = self.db.execute(
            "SELECT start, count FROM terms WHERE field = ? AND term = ?",
            (field, term),
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def postings(self, field: str, term: str) -> Postings:
        """Return the documents holding a term and the term's score in each."""
        return self._postings(field, term)

    def _read_postings(self, field: str, term: str) -> Postings:
        found = self._term(field, term)
        if found is None or self._map is None:
            return _EMPTY
        start, count = found
        docnums = np.frombuffer(self._map, np.int32, count, 4 * start)
        scores = np.frombuffer(
            self._map, np.float64, count, self._scores_at + 8 * start
        )
        return docnums, scores

    def stored(
        self, docnums: Sequence[int], text: bool = True
    ) -> dict[int, Mapping[str, Any]]:
        """Return the stored fields of each of ``docnums``.

        ``text`` off leaves out the section's ``body`` and ``lead`` (the long
        fields, needed only to cut a snippet: see :meth:`texts`).
        """
        columns = "docnum, key, slug, section, lang, title, heading"
        return self._rows(columns + (", body, lead" if text else ""), docnums)

    def texts(self, docnums: Sequence[int]) -> dict[int, Mapping[str, Any]]:
        """Return the ``body`` and ``lead`` of each of ``docnums``."""
        return self._rows("docnum, body, lead", docnums)

    def _rows(
        self, columns: str, docnums: Sequence[int]
    ) -> dict[int, Mapping[str, Any]]:
        """Return read-only maps of ``columns`` (docnum first) for ``docnums``.

        Rows come from the reader's LRU where it has them, the rest in one query;
        a row is shared by every caller, hence read-only.
        """
        if not docnums:
            return {}
        kept = self._docs
        rows: dict[int, Mapping[str, Any]] = {}
        missing: list[int] = []
        for docnum in docnums:
            row = kept.get((columns, docnum))
            if row is None:
                missing.append(docnum)
            else:
                kept.move_to_end((columns, docnum))
                rows[docnum] = row
        if missing:
            marks = ",".join("?" * len(missing))
            cursor = self.db.execute(
                f"SELECT {columns} FROM docs WHERE docnum IN ({marks})", missing
            )
            names = [d[0] for d in cursor.description]
            for found in cursor:
                row = MappingProxyType(dict(zip(names, found, strict=True)))
                rows[found[0]] = kept[(columns, found[0])] = row
            while len(kept) > DOC_CACHE:
                kept.popitem(last=False)
        # In the order SQLite returns them (by docnum), as before the cache.
        return {docnum: rows[docnum] for docnum in sorted(rows)}


def scores_at(postings: int) -> int:
    """Return where the scores start in ``postings.bin`` (eight-byte aligned)."""
    return (4 * postings + 7) // 8 * 8
