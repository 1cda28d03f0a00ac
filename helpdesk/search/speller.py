"""Spelling correction from the index's own vocabulary (stored in the build)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpdesk.search.store import SCHEMA

#: Shortest word the speller corrects; shorter words have too many neighbours.
MIN_LENGTH = 4
#: From this length on, two edits are allowed instead of one.
TWO_EDITS_FROM = 8
#: Answers a speller keeps per kind of lookup (word, beginning, correction): its
#: build never changes, and readers' words recur from query to query.
KEPT = 4_096


def max_edits(word: str) -> int:
    """Return how many edits a typo of ``word`` may be from the real word."""
    if len(word) < MIN_LENGTH:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM else 1


class Speller:
    """Suggest the known word closest to a misspelt one (most frequent on ties).

    The words are read from a build's ``words`` table (:mod:`.store`) as needed:
    a lookup, a range of words sharing a beginning, or the words with the
    typo's first letter and about its length, whose distances rapidfuzz
    computes. Only the last :data:`KEPT` answers of each kind are kept (they
    are pure: a build never changes), so a word seen before costs no query.
    """

    def __init__(self, words: Mapping[str, Sequence[object]], lang: str = "xx"):
        """``words`` maps each folded word to ``[spelling, frequency]``."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(SCHEMA)
        store_words(
            db, lang, {w: (str(v[0]), int(str(v[1]))) for w, v in words.items()}
        )
        self._setup(db, lang)

    @classmethod
    def open(cls, db: sqlite3.Connection, lang: str) -> Speller:
        """Return the speller of ``lang`` over a build's database."""
        speller = cls.__new__(cls)
        speller._setup(db, lang)
        return speller

    def _setup(self, db: sqlite3.Connection, lang: str) -> None:
        self._db, self._lang = db, lang
        self._one = lru_cache(maxsize=KEPT)(self._read_one)
        self._starting = lru_cache(maxsize=KEPT)(self._read_starting)
        self._corrected = lru_cache(maxsize=KEPT)(self._correct)

    def _read_one(self, folded: str) -> tuple[str, int] | None:
        row = self._db.execute(
            "SELECT spelling, freq FROM words WHERE lang = ? AND folded = ?",
            (self._lang, folded),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))

    def __contains__(self, folded: object) -> bool:
        return isinstance(folded, str) and self._one(folded) is not None

    def spelling(self, folded: str) -> str:
        """Return the usual spelling of a known folded word."""
        found = self._one(folded)
        if found is None:
            raise KeyError(folded)
        return found[0]

    def starting_with(self, prefix: str, limit: int) -> list[str]:
        """Return the spellings of the commonest known words beginning ``prefix``."""
        return list(self._starting(prefix, limit))

    def correct(self, folded: str) -> str | None:
        """Return the spelling of the closest known word, or None."""
        return self._corrected(folded)

    def _read_starting(self, prefix: str, limit: int) -> tuple[str, ...]:
        rows = self._db.execute(
            "SELECT spelling FROM words WHERE lang = ? AND folded >= ?"
            " AND folded < ? ORDER BY freq DESC, folded LIMIT ?",
            (self._lang, prefix, prefix + "\U0010ffff", limit),
        )
        return tuple(str(row[0]) for row in rows)

    def _correct(self, folded: str) -> str | None:
        edits = max_edits(folded)
        if not edits or folded in self:
            return None
        # Typos rarely hit the first letter, and a different first letter often
        # means a different word (reaktywacja is not dezaktywacja): the usual
        # prefix length of 1 of fuzzy search (Whoosh's FuzzyTerm, Elasticsearch).
        rows = self._db.execute(
            "SELECT words FROM shapes WHERE lang = ? AND head = ?"
            " AND size BETWEEN ? AND ?",
            (self._lang, folded[:1], max(MIN_LENGTH, len(folded) - edits),
             len(folded) + edits),
        ).fetchall()  # fmt: skip
        candidates = [word for (words,) in rows for word in words.split("\n")]
        best: tuple[int, int, str, str] | None = None
        for found, dist, _ in process.extract_iter(
            folded, candidates, scorer=OSA.distance, score_cutoff=edits
        ):
            if dist > min(edits, max_edits(found)):
                continue
            spelling, freq = self._one(found) or (found, 0)
            key = (int(dist), -freq, found, spelling)
            if best is None or key < best:
                best = key
        return None if best is None else best[3]


def store_words(
    db: sqlite3.Connection, lang: str, words: Mapping[str, tuple[str, int]]
) -> None:
    """Store a language's words: folded word → (usual spelling, frequency)."""
    db.executemany(
        "INSERT INTO words VALUES (?, ?, ?, ?, ?, ?)",
        ((lang, w, v[0], v[1], w[:1], len(w)) for w, v in words.items()),
    )
    shapes: dict[tuple[str, int], list[str]] = {}
    for word in words:
        shapes.setdefault((word[:1], len(word)), []).append(word)
    db.executemany(
        "INSERT INTO shapes VALUES (?, ?, ?, ?)",
        (
            (lang, head, size, "\n".join(group))
            for (head, size), group in shapes.items()
        ),
    )
