"""Write an index build (the files of :mod:`helpdesk.search.store`).

Sections are analysed in batches, by worker processes when there are many
(analysis is most of the work and it is pure Python): each batch gives its terms'
postings for a run of consecutive document numbers, so the batches merge by
appending, in order. The scores are then computed at once for all postings of a
field with numpy, exactly as Whoosh's BM25F computes them at search time (same
formula, same IDF, field lengths rounded to Whoosh's one-byte approximation).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.util.numeric import byte_to_length, length_to_byte

from helpdesk.search import analysis, store
from helpdesk.search.query import BM25_B, BM25_K1

#: Version of the files written; a build of another version is stale.
FORMAT = 1
#: Sections analysed per batch.
BATCH = 2000
#: From this many sections on, batches are analysed by worker processes.
PARALLEL_FROM = 6000
#: The text fields of a section, per language; codes fields are added to these.
TEXT_FIELDS = ("heading", "body", "lead")
CODE_FIELDS = ("codes", "lead_codes")


@dataclass(frozen=True)
class SectionDoc:
    """One searchable unit: a section of one translation of an article."""

    slug: str
    section: str
    lang: str
    title: str
    heading: str
    body: str
    lead: str
    codes: tuple[str, ...]
    lead_codes: tuple[str, ...]


@dataclass
class _Batch:
    """What a batch of sections adds to the index."""

    #: (field, term) → (document numbers, frequencies), numbers ascending.
    postings: dict[tuple[str, str], tuple[array[int], array[int]]]
    #: field → (document numbers, lengths): the scored fields' lengths.
    lengths: dict[str, tuple[array[int], array[int]]]
    #: language → word → occurrences (for the spelling corrector).
    spellings: dict[str, Counter[str]]
    #: Sections in the batch.
    size: int


_analyzer_for: Callable[[str], Analyzer] = analysis.analyzer


def _term_counts(analyzer: Analyzer, text: str) -> dict[str, int]:
    """Return each term of ``text`` with its frequency."""
    if not text:
        return {}
    bulk = getattr(analyzer, "word_positions", None)
    if bulk is not None:
        return {term: len(places) for term, places in bulk(text).items()}
    return Counter(token.text for token in analyzer(text))


def _analyze(numbered: list[tuple[int, SectionDoc]]) -> _Batch:
    """Analyse a batch of numbered sections."""
    postings: dict[tuple[str, str], tuple[array[int], array[int]]] = {}
    lengths: dict[str, tuple[array[int], array[int]]] = {}
    spellings: dict[str, Counter[str]] = {}
    analyzers: dict[str, Analyzer] = {}
    for docnum, doc in numbered:
        lang = doc.lang
        analyzer = analyzers.get(lang)
        if analyzer is None:
            analyzer = analyzers[lang] = _analyzer_for(lang)
        fields: list[tuple[str, dict[str, int], bool]] = [
            (f"{name}_{lang}", _term_counts(analyzer, getattr(doc, name)), True)
            for name in TEXT_FIELDS
        ]
        for name in CODE_FIELDS:
            codes = Counter(" ".join(getattr(doc, name)).split())
            fields.append((f"{name}_{lang}", codes, False))
        for field, counts, scored in fields:
            for term, freq in counts.items():
                found = postings.get((field, term))
                if found is None:
                    found = postings[(field, term)] = (array("i"), array("i"))
                found[0].append(docnum)
                found[1].append(freq)
            if scored:
                # As Whoosh: a field's length is the sum of its terms' frequencies.
                pair = lengths.get(field)
                if pair is None:
                    pair = lengths[field] = (array("i"), array("i"))
                pair[0].append(docnum)
                pair[1].append(sum(counts.values()))
        words = analysis.words(f"{doc.heading} {doc.lead} {doc.body}")
        spellings.setdefault(lang, Counter()).update(
            w for w in words if not w.isdigit()
        )
    return _Batch(postings, lengths, spellings, len(numbered))


def _batches(docs: Iterable[SectionDoc]) -> Iterator[list[tuple[int, SectionDoc]]]:
    numbered = enumerate(docs)
    while batch := list(islice(numbered, BATCH)):
        yield batch


def _analyzed(
    docs: list[SectionDoc], analyzer_for: Callable[[str], Analyzer]
) -> Iterator[_Batch]:
    """Yield the analysed batches in order, from worker processes when many."""
    global _analyzer_for
    _analyzer_for = analyzer_for
    workers = min(os.cpu_count() or 1, 4)
    if len(docs) < PARALLEL_FROM or workers < 2 or not _can_fork():
        yield from map(_analyze, _batches(docs))
        return
    # Forked workers inherit the analyzer factory (a lambda cannot be pickled).
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(_analyze, _batches(docs))


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def write(
    target: Path,
    docs: Iterable[SectionDoc],
    languages: tuple[str, ...],
    analyzer_for: Callable[[str], Analyzer] = analysis.analyzer,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the index of ``docs`` into the empty directory ``target``.

    Returns the number of sections indexed.
    """
    target.mkdir(parents=True, exist_ok=True)
    docs = list(docs)
    db = store.connect(target / store.INDEX_DB, readonly=False)
    try:
        db.executescript(store.SCHEMA)
        _store_docs(db, docs)
        postings: dict[tuple[str, str], tuple[array[int], array[int]]] = {}
        lengths: dict[str, tuple[array[int], array[int]]] = {}
        spellings: dict[str, Counter[str]] = {lang: Counter() for lang in languages}
        for batch in _analyzed(docs, analyzer_for):
            _merge(postings, batch.postings)
            _merge(lengths, batch.lengths)
            for lang, counts in batch.spellings.items():
                spellings.setdefault(lang, Counter()).update(counts)
            if progress is not None:
                progress(batch.size)
        _write_postings(target, db, postings, lengths, len(docs))
        _store_words(db, spellings)
        db.execute("INSERT INTO meta VALUES ('docs', ?)", (len(docs),))
        db.commit()
    finally:
        db.close()
    return len(docs)


def _merge(into: dict, batch: dict) -> None:  # type: ignore[type-arg]
    """Append a later batch's arrays to the arrays gathered so far."""
    for key, (first, second) in batch.items():
        found = into.get(key)
        if found is None:
            into[key] = (first, second)
        else:
            found[0].extend(first)
            found[1].extend(second)


def _store_docs(db: sqlite3.Connection, docs: list[SectionDoc]) -> None:
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                n,
                f"{d.slug}#{d.section}@{d.lang}",
                d.slug,
                d.section,
                d.lang,
                d.title,
                d.heading,
                d.body,
                d.lead,
            )
            for n, d in enumerate(docs)
        ),
    )


#: Whoosh stores a field length in one byte: the length a search sees, per length.
_ROUNDED = np.array([byte_to_length(length_to_byte(n)) for n in range(1 << 16)])


def _rounded(lengths: np.ndarray) -> np.ndarray:
    small = np.minimum(lengths, len(_ROUNDED) - 1)
    out = _ROUNDED[small].astype(np.float64)
    big = lengths >= len(_ROUNDED)
    if big.any():
        out[big] = [byte_to_length(length_to_byte(int(n))) for n in lengths[big]]
    return out


def _write_postings(
    target: Path,
    db: sqlite3.Connection,
    postings: dict[tuple[str, str], tuple[array[int], array[int]]],
    lengths: dict[str, tuple[array[int], array[int]]],
    doc_count: int,
) -> None:
    """Score every posting, write ``postings.bin`` and the terms table."""
    keys = sorted(postings)
    counts = np.array([len(postings[k][0]) for k in keys], dtype=np.int64)
    starts = np.zeros(len(keys), dtype=np.int64)
    if len(keys):
        starts[1:] = np.cumsum(counts)[:-1]
    total = int(counts.sum())
    docnums = np.empty(total, dtype=np.int32)
    freqs = np.empty(total, dtype=np.float64)
    for i, key in enumerate(keys):
        d, f = postings[key]
        start = int(starts[i])
        docnums[start : start + len(d)] = np.frombuffer(d, dtype=np.int32)
        freqs[start : start + len(f)] = np.frombuffer(f, dtype=np.int32)
    scores = freqs.copy()  # unscored fields (codes): the weight, as Whoosh
    fields = [k[0] for k in keys]
    first = 0
    while first < len(keys):
        field = fields[first]
        last = first
        while last < len(keys) and fields[last] == field:
            last += 1
        if field in lengths:
            _score_field(
                scores, docnums, freqs, counts, starts, first, last,
                lengths[field], doc_count,
            )  # fmt: skip
        first = last
    at = store.scores_at(total)
    with open(target / store.POSTINGS, "wb") as handle:
        handle.write(docnums.tobytes())
        handle.write(b"\0" * (at - 4 * total))
        handle.write(scores.tobytes())
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, ?, ?)",
        (
            (field, term, int(start), int(count))
            for (field, term), start, count in zip(keys, starts, counts, strict=True)
        ),
    )
    db.execute("INSERT INTO meta VALUES ('scores_at', ?)", (at,))


def _score_field(
    scores: np.ndarray,
    docnums: np.ndarray,
    freqs: np.ndarray,
    counts: np.ndarray,
    starts: np.ndarray,
    first: int,
    last: int,
    field_lengths: tuple[array[int], array[int]],
    doc_count: int,
) -> None:
    """Compute BM25F for the postings of terms ``first``..``last`` (one field)."""
    owners = np.frombuffer(field_lengths[0], dtype=np.int32)
    exact = np.frombuffer(field_lengths[1], dtype=np.int32)
    per_doc = np.zeros(doc_count, dtype=np.float64)
    per_doc[owners] = _rounded(exact.astype(np.int64))
    avgfl = (int(exact.sum()) / (doc_count or 1)) or 1
    lo, hi = int(starts[first]), int(starts[last - 1] + counts[last - 1])
    idf = np.array([math.log(doc_count / (int(n) + 1)) + 1 for n in counts[first:last]])
    idf_each = np.repeat(idf, counts[first:last])
    tf = freqs[lo:hi]
    fl = per_doc[docnums[lo:hi]]
    b, k1 = BM25_B, BM25_K1
    # Whoosh's bm25(), operation for operation: the same float64 results.
    scores[lo:hi] = idf_each * (
        (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl))
    )


def _store_words(db: sqlite3.Connection, spellings: dict[str, Counter[str]]) -> None:
    """Store each folded word with its most frequent spelling and total frequency."""
    rows = []
    for lang, counts in spellings.items():
        words: dict[str, list[object]] = {}
        for word, freq in counts.most_common():
            folded = analysis.fold(word)
            if folded in words:
                words[folded][1] += freq  # type: ignore[operator]
            else:
                words[folded] = [word, freq]
        rows += [
            (lang, folded, spelling, freq, folded[:1], len(folded))
            for folded, (spelling, freq) in words.items()
        ]
    db.executemany("INSERT INTO words VALUES (?, ?, ?, ?, ?, ?)", rows)
