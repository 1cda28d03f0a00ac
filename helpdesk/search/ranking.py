"""Rank a flat union of terms from the scores stored in the build, with numpy.

A term's BM25F score in a document depends only on the build, so the writer
stores it (:mod:`helpdesk.search.writer`). A search adds each term's scores,
times the term's boost, into one array over the build's documents (in the order
of the terms, as Whoosh adds them), counts the documents any term matched, and
takes the top with a partial sort; equal scores go by document number.

Coordination, which Whoosh does not have, is applied last: a section's sum is
scaled by the share of the query's words it matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

Postings = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]


class QueryTerm(NamedTuple):
    """One term of a union: where to look, what for, and how much it counts."""

    fieldname: str
    text: str
    boost: float
    #: The query word the term stands for (-1: none); see :func:`rank`.
    word: int = -1


class PostingsSource(Protocol):
    """What ranking reads: an index build (:class:`.store.IndexReader`)."""

    doc_count: int

    def postings(self, field: str, term: str) -> Postings:
        """Return a term's documents and its score in each."""
        ...


class Ranking(NamedTuple):
    """The documents matched, and the best of them."""

    total: int
    #: (document number, score), best first.
    top: list[tuple[int, float]]


def rank(
    source: PostingsSource,
    terms: Sequence[QueryTerm],
    count: int,
    coordination: float = 0.0,
) -> Ranking:
    """Return how many documents match any of ``terms`` and the ``count`` best.

    With ``coordination``, a document matching ``m`` of the query's ``n``
    words (see :attr:`QueryTerm.word`) has its score multiplied by
    ``(m / n) ** coordination``: a section about all the words asked beats
    one that repeats a few of them. 0 adds the scores alone, as Whoosh does.
    """
    size = source.doc_count
    # Every term's documents and weighted scores in the order of the terms, added
    # up at once: bincount adds each document's scores in that order, from 0,
    # as adding term after term into an array of zeros does (the same floats).
    found_docs: list[npt.NDArray[np.int32]] = []
    found_scores: list[npt.NDArray[np.float64]] = []
    words: dict[int, list[npt.NDArray[np.int32]]] = {}
    for fieldname, text, boost, word in terms:
        docnums, scores = source.postings(fieldname, text)
        if not len(docnums):
            continue
        found_docs.append(docnums)
        found_scores.append(scores if boost == 1.0 else scores * boost)
        if coordination and word >= 0:
            words.setdefault(word, []).append(docnums)
    if not found_docs:
        return Ranking(0, [])
    every = np.concatenate(found_docs)
    # (Weighted, bincount answers float64 already: the cast copies nothing.)
    total = np.bincount(every, np.concatenate(found_scores), size).astype(
        np.float64, copy=False
    )
    hit = np.zeros(size, dtype=np.bool_)
    hit[every] = True
    matched = np.flatnonzero(hit)
    sums = total[matched]
    asked = len({term.word for term in terms if term.word >= 0})
    if coordination and asked > 1 and len(words) > 1:
        counts = np.zeros(len(matched), dtype=np.int64)
        for found in words.values():
            mask = np.zeros(size, dtype=np.bool_)
            mask[np.concatenate(found)] = True
            counts += mask[matched]
        factors = np.array([(m / asked) ** coordination for m in range(asked + 1)])
        factors[0] = factors[1]  # terms of no word: as one word
        sums = sums * factors[counts]
    return Ranking(len(matched), best(matched, sums, count))


def best(
    docnums: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], count: int
) -> list[tuple[int, float]]:
    """Return the ``count`` best (docnum, score): highest first, ties by docnum."""
    if count <= 0 or not len(docnums):
        return []
    if len(scores) > count:
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= threshold
        docnums, scores = docnums[keep], scores[keep]
    order = np.lexsort((docnums, -scores))[:count]
    # tolist: Python ints and floats, as int() and float() of each would give.
    return list(zip(docnums[order].tolist(), scores[order].tolist(), strict=True))
