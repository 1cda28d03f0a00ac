"""Write an index build (the files of :mod:`helpdesk.search.store`).

Sections are analysed in batches, by worker processes when there are many
(analysis is most of the work and it is pure Python): each batch gives its terms'
postings for a run of consecutive document numbers, so the batches merge by
appending, in order. The scores are then computed at once for all postings of a
field with numpy, exactly as Whoosh's BM25F computes them at search time (same
formula, same IDF, field lengths rounded to Whoosh's one-byte approximation).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from itertools import chain, islice, repeat
from operator import mul
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.util.numeric import byte_to_length, length_to_byte

from helpdesk.search import analysis, speller, store
from helpdesk.search.query import BM25_B, BM25_K1

#: Version of the files written; a build of another version is stale.
FORMAT = 2
#: Sections analysed per batch.
BATCH = 2000
#: From this many sections on, batches are analysed by worker processes.
PARALLEL_FROM = 5_000
#: Postings scored at once (bounds the writer's memory).
SCORE_CHUNK = 1 << 21
#: The text fields of a section, per language; codes fields are added to these.
TEXT_FIELDS = ("heading", "body", "lead")
CODE_FIELDS = ("codes", "lead_codes")


def _stemmer_in_use() -> str:
    """Return what stems the words: PyStemmer when installed, with its version."""
    try:
        return f"pystemmer {metadata.version('pystemmer')}"
    except metadata.PackageNotFoundError:
        return "python"


STEMMER = _stemmer_in_use()


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
    """What a batch of sections adds to the index.

    Each posting is three numbers: the term (an index into ``keys``, the
    batch's own numbering), the document and the frequency.
    """

    keys: list[tuple[str, str]]
    terms: array[int]
    docnums: array[int]
    freqs: array[int]
    #: field → (document numbers, lengths): the scored fields' lengths.
    lengths: dict[str, tuple[array[int], array[int]]]
    #: language → word → occurrences (for the spelling corrector).
    spellings: dict[str, Counter[str]]
    #: Sections in the batch.
    size: int


_analyzer_for: Callable[[str], Analyzer] = analysis.analyzer
_FINDALL = re.compile(analysis.WORD_PATTERN).findall


class _Forms(dict[str, tuple[str, ...]]):
    """A word's index terms in one language, () for a stop word (memoised)."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        self.stops = analysis.stop_words(lang)

    def __missing__(self, word: str) -> tuple[str, ...]:
        forms = () if word in self.stops else analysis.word_forms(self.lang, word)
        self[word] = forms
        return forms


class _Numbers(dict[str, int]):
    """The batch's number of each term of one field, given on first sight."""

    def __init__(self, field: str, keys: list[tuple[str, str]]):
        super().__init__()
        self.field, self.keys = field, keys

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self.keys)
        self.keys.append((self.field, term))
        return number


class _TermNumbers(dict[str, tuple[int, ...]]):
    """A word's terms' numbers in one field (memoised): the indexing fast path."""

    def __init__(self, numbers: _Numbers, forms: Callable[[str], tuple[str, ...]]):
        super().__init__()
        self.numbers, self.forms = numbers, forms

    def __missing__(self, word: str) -> tuple[int, ...]:
        found = self[word] = tuple(self.numbers[form] for form in self.forms(word))
        return found


def _itself(term: str) -> tuple[str, ...]:
    return (term,)


def _analyze(numbered: list[tuple[int, SectionDoc]]) -> _Batch:
    """Analyse a batch of numbered sections.

    Our analyzer's terms are the forms of a section's words that are not stop
    words: each distinct word of a field is looked up once (its terms' numbers
    memoised), and the postings are appended by C-level iterators. A term that
    two words of one field share (``beheerde``, ``beheerder``) gets two
    postings here, summed when the postings are sorted (:func:`_write_postings`).
    Another analyzer's tokens are counted as its terms.
    """
    keys: list[tuple[str, str]] = []
    per_field: dict[str, tuple[_TermNumbers, _TermNumbers]] = {}
    terms, docnums, freqs = array("i"), array("i"), array("i")
    lengths: dict[str, tuple[array[int], array[int]]] = {}
    seen: dict[str, list[str]] = {}
    analyzers: dict[str, tuple[Analyzer, bool, _Forms]] = {}
    for docnum, doc in numbered:
        lang = doc.lang
        found = analyzers.get(lang)
        if found is None:
            analyzer = _analyzer_for(lang)
            fast = isinstance(analyzer, analysis.LanguageAnalyzer)
            found = analyzers[lang] = (analyzer, fast, _Forms(lang))
        analyzer, fast, forms = found
        spelt = seen.setdefault(lang, [])
        fields: list[tuple[str, dict[str, int], bool, bool]] = []
        for name in TEXT_FIELDS:
            text = getattr(doc, name)
            lowered = list(map(str.lower, _FINDALL(text)))
            spelt += lowered
            if fast:
                fields.append((f"{name}_{lang}", Counter(lowered), True, True))
            else:
                tokens = Counter(t.text for t in analyzer(text)) if text else {}
                fields.append((f"{name}_{lang}", tokens, True, False))
        for name in CODE_FIELDS:
            codes = Counter(" ".join(getattr(doc, name)).split())
            fields.append((f"{name}_{lang}", codes, False, False))
        for field, counts, scored, analysed in fields:
            numbers = per_field.get(field)
            if numbers is None:
                field_numbers = _Numbers(field, keys)
                numbers = per_field[field] = (
                    _TermNumbers(field_numbers, forms.__getitem__),
                    _TermNumbers(field_numbers, _itself),
                )
            ids = list(map(numbers[0 if analysed else 1].__getitem__, counts))
            sizes = list(map(len, ids))
            terms.extend(chain.from_iterable(ids))
            freqs.extend(chain.from_iterable(map(repeat, counts.values(), sizes)))
            docnums.extend(repeat(docnum, sum(sizes)))
            if scored:
                # As Whoosh: a field's length is the sum of its terms' frequencies.
                pair = lengths.get(field)
                if pair is None:
                    pair = lengths[field] = (array("i"), array("i"))
                pair[0].append(docnum)
                pair[1].append(sum(map(mul, counts.values(), sizes)))
    spellings = {}
    for lang, all_words in seen.items():
        counts = spellings[lang] = Counter(all_words)
        for word in [w for w in counts if w.isdigit()]:
            del counts[word]
    return _Batch(keys, terms, docnums, freqs, lengths, spellings, len(numbered))


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
        numbers: dict[tuple[str, str], int] = {}
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        lengths: dict[str, tuple[array[int], array[int]]] = {}
        spellings: dict[str, Counter[str]] = {lang: Counter() for lang in languages}
        for batch in _analyzed(docs, analyzer_for):
            # The batch's term numbers → the build's.
            renumber = np.array(
                [numbers.setdefault(key, len(numbers)) for key in batch.keys],
                dtype=np.int32,
            )
            local = np.frombuffer(batch.terms, dtype=np.int32)
            parts.append(
                (
                    renumber[local] if len(local) else local,
                    np.frombuffer(batch.docnums, dtype=np.int32),
                    np.frombuffer(batch.freqs, dtype=np.int32),
                )
            )
            _merge(lengths, batch.lengths)
            for lang, counts in batch.spellings.items():
                spellings.setdefault(lang, Counter()).update(counts)
            if progress is not None:
                progress(batch.size)
        _write_postings(target, db, list(numbers), parts, lengths, len(docs))
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
    keys: list[tuple[str, str]],
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    lengths: dict[str, tuple[array[int], array[int]]],
    doc_count: int,
) -> None:
    """Score every posting, write ``postings.bin`` and the terms table."""
    empty = np.zeros(0, dtype=np.int32)
    terms = np.concatenate([p[0] for p in parts] or [empty])
    # Batches come in document order: a stable sort by term keeps it per term.
    order = np.argsort(terms, kind="stable")
    terms = terms[order]
    docnums = np.concatenate([p[1] for p in parts] or [empty])[order]
    tf = np.concatenate([p[2] for p in parts] or [empty])[order].astype(np.float64)
    # A term two words of a field share: its postings in one document, summed.
    first = np.ones(len(terms), dtype=np.bool_)
    first[1:] = (terms[1:] != terms[:-1]) | (docnums[1:] != docnums[:-1])
    if not first.all():
        starts_at = np.flatnonzero(first)
        tf = np.add.reduceat(tf, starts_at)
        terms, docnums = terms[starts_at], docnums[starts_at]
    counts = np.bincount(terms, minlength=len(keys)).astype(np.int64)
    starts = np.zeros(len(keys), dtype=np.int64)
    if len(keys):
        starts[1:] = np.cumsum(counts)[:-1]
    field_names = sorted({field for field, _ in keys})
    field_of = np.array([field_names.index(f) for f, _ in keys] or [0], np.int64)
    # Per field and document: the length Whoosh scores with, and the average.
    rounded = np.zeros((len(field_names), max(doc_count, 1)), dtype=np.float64)
    average = np.ones(len(field_names), dtype=np.float64)
    scored = np.zeros(len(field_names), dtype=np.bool_)
    for i, field in enumerate(field_names):
        if field not in lengths:
            continue
        owners = np.frombuffer(lengths[field][0], dtype=np.int32)
        exact = np.frombuffer(lengths[field][1], dtype=np.int32)
        rounded[i, owners] = _rounded(exact.astype(np.int64))
        average[i] = (int(exact.sum()) / (doc_count or 1)) or 1
        scored[i] = True
    idf = np.log(doc_count / (counts + 1)) + 1 if doc_count else counts * 0.0
    scores = np.empty(len(docnums), dtype=np.float64)
    b, k1 = BM25_B, BM25_K1
    for lo in range(0, len(docnums), SCORE_CHUNK):  # a chunk at a time: less memory
        hi = lo + SCORE_CHUNK
        field, tf_part = field_of[terms[lo:hi]], tf[lo:hi]
        fl, avgfl = rounded[field, docnums[lo:hi]], average[field]
        # Whoosh's bm25(), operation for operation: the same float64 results.
        bm25 = idf[terms[lo:hi]] * (
            (tf_part * (k1 + 1)) / (tf_part + k1 * ((1 - b) + b * fl / avgfl))
        )
        # Unscored fields (codes) score their weight, as in Whoosh.
        scores[lo:hi] = np.where(scored[field], bm25, tf_part)
    at = store.scores_at(len(docnums))
    with open(target / store.POSTINGS, "wb") as handle:
        handle.write(docnums.astype(np.int32).tobytes())
        handle.write(b"\0" * (at - 4 * len(docnums)))
        handle.write(scores.tobytes())
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, ?, ?)",
        (
            (field, term, start, count)
            for (field, term), start, count in zip(
                keys, starts.tolist(), counts.tolist(), strict=True
            )
        ),
    )
    db.execute("INSERT INTO meta VALUES ('scores_at', ?)", (at,))


def _store_words(db: sqlite3.Connection, spellings: dict[str, Counter[str]]) -> None:
    """Store each folded word with its most frequent spelling and total frequency."""
    for lang, counts in spellings.items():
        words: dict[str, list[Any]] = {}
        for word, freq in counts.most_common():
            folded = analysis.fold(word)
            if folded in words:
                words[folded][1] += freq
            else:
                words[folded] = [word, freq]
        speller.store_words(db, lang, {w: (v[0], v[1]) for w, v in words.items()})
