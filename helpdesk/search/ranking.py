"""Score a flat union of terms in memory: BM25F per term, computed once per build.

Whoosh scores a query by walking every matching posting through a chain of Python
matcher and scorer objects, on every search. But an index build never changes, and
a term's BM25F score in a document depends only on the build (the term's weight
there, the document's field length, the term's IDF, the field's average length):
so the first search that needs a term reads its postings once and keeps its
document numbers and scores in two flat arrays. A search then adds each term's
scores, times the term's boost, into one dictionary of documents; the number of
matches is its size, and the top of the ranking is taken with a heap.

The scores are exactly Whoosh's (same formula, same field lengths, same order of
addition), and so is the order of equal scores (lower document number first);
the engine then asks for coordination (:meth:`TermScores.scores`), which Whoosh
does not have: a section's sum is scaled by the share of the query's words it
matches.

One :class:`TermScores` serves every thread searching one build: each thread
reads postings with its own searcher, and entries, once published, are never
changed (a lost race only means one term was read twice).
"""

from __future__ import annotations

import heapq
import threading
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from whoosh.scoring import bm25
from whoosh.searching import Searcher

#: Postings kept before the cache starts over (about 12 bytes each).
MAX_CACHED_POSTINGS = 4_000_000


class QueryTerm(NamedTuple):
    """One term of a union: where to look, what for, and how much it counts."""

    fieldname: str
    text: str
    boost: float
    #: The query word the term stands for (-1: none); see :meth:`TermScores.scores`.
    word: int = -1


class _Postings(NamedTuple):
    docnums: array[int]
    scores: array[float]


_EMPTY = _Postings(array("i"), array("d"))


class TermScores:
    """The BM25F scores of each queried term in every document of one build."""

    def __init__(self, b: float, k1: float):
        self.b = b
        self.k1 = k1
        self._terms: dict[tuple[str, str], _Postings] = {}
        self._lengths: dict[tuple[int, str], list[int]] = {}  # (segment, field)
        self._cached = 0
        self._lock = threading.Lock()

    def postings(self, searcher: Searcher, fieldname: str, text: str) -> _Postings:
        """Return the documents containing a term and the term's score in each."""
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is None:
            found = self._read(searcher, fieldname, text)
            with self._lock:
                if self._cached + len(found.docnums) > MAX_CACHED_POSTINGS:
                    self._terms, self._cached = {}, 0
                found = self._terms.setdefault(key, found)
                self._cached += len(found.docnums)
        return found

    def _read(self, searcher: Searcher, fieldname: str, text: str) -> _Postings:
        schema = searcher.schema
        if fieldname not in schema:
            return _EMPTY
        field = schema[fieldname]
        try:
            term = field.to_bytes(text)
        except ValueError:
            return _EMPTY
        # Global statistics come from the top searcher, as in Whoosh's BM25F.
        scorable = field.scorable
        if scorable:
            idf = searcher.idf(fieldname, term)
            avgfl = searcher.avg_field_length(fieldname) or 1
        docnums, scores = array("i"), array("d")
        for segment, (leaf, offset) in enumerate(searcher.leaf_searchers()):
            reader = leaf.reader()
            if (fieldname, term) not in reader:
                continue
            lengths = None
            if scorable:
                lengths = self._field_lengths(segment, leaf, fieldname)
            matcher = reader.postings(fieldname, term)
            b, k1 = self.b, self.k1
            while matcher.is_active():
                docnum, weight = matcher.id(), matcher.weight()
                docnums.append(docnum + offset)
                if lengths is None:
                    scores.append(weight)
                else:
                    scores.append(bm25(idf, weight, lengths[docnum], avgfl, b, k1))
                matcher.next()
        return _Postings(docnums, scores)

    def _field_lengths(self, segment: int, leaf: Searcher, fieldname: str) -> list[int]:
        """Return each document's length of a field, as Whoosh scores it."""
        key = (segment, fieldname)
        lengths = self._lengths.get(key)
        if lengths is None:
            reader = leaf.reader()
            length = reader.doc_field_length
            lengths = [length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            lengths = self._lengths.setdefault(key, lengths)
        return lengths

    def scores(
        self,
        searcher: Searcher,
        terms: Sequence[QueryTerm],
        coordination: float = 0.0,
    ) -> dict[int, float]:
        """Return the summed score of every document matching any of ``terms``.

        With ``coordination``, a document matching ``m`` of the query's ``n``
        words (see :attr:`QueryTerm.word`) has its score multiplied by
        ``(m / n) ** coordination``: a section about all the words asked beats
        one that repeats a few of them. 0 adds the scores alone, as Whoosh does.
        """
        total: dict[int, float] = {}
        matched: dict[int, set[int]] = {}
        for fieldname, text, boost, word in terms:
            docnums, scores = self.postings(searcher, fieldname, text)
            if not docnums:
                continue
            if coordination and word >= 0:
                matched.setdefault(word, set()).update(docnums)
            get = total.get
            if boost == 1.0:
                for docnum, score in zip(docnums, scores, strict=True):
                    total[docnum] = get(docnum, 0.0) + score
            else:
                for docnum, score in zip(docnums, scores, strict=True):
                    total[docnum] = get(docnum, 0.0) + score * boost
        words = len({term.word for term in terms if term.word >= 0})
        if coordination and words > 1 and len(matched) > 1:
            counts: Counter[int] = Counter()
            for docnums in matched.values():
                counts.update(docnums)
            factors = [(m / words) ** coordination for m in range(words + 1)]
            factors[0] = factors[1]  # terms of no word: as one word
            for docnum, score in total.items():
                total[docnum] = score * factors[counts[docnum]]
        return total


def top(scores: dict[int, float], count: int) -> list[tuple[int, float]]:
    """Return the ``count`` best (docnum, score): highest first, ties by docnum."""
    if count <= 0 or not scores:
        return []
    if len(scores) > count:
        threshold = heapq.nlargest(count, scores.values())[-1]
        best = [(d, s) for d, s in scores.items() if s >= threshold]
    else:
        best = list(scores.items())
    best.sort(key=lambda item: (-item[1], item[0]))
    return best[:count]
