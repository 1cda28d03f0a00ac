"""Stored scores: the same scores, order and totals as Whoosh's own search.

A Whoosh index of the same sections, with the same analyzer and BM25F, is the
reference: the writer computes at build time what Whoosh computes per search.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.searching import Searcher

from helpdesk.content import ContentLibrary
from helpdesk.search import index
from helpdesk.search.analysis import analyzer
from helpdesk.search.query import (
    BM25_B,
    BM25_K1,
    TermUnion,
    build_multilingual_query,
    build_query,
    parse_query,
)
from helpdesk.search.ranking import QueryTerm, Ranking, best, rank
from helpdesk.search.store import IndexReader
from helpdesk.settings import LANGUAGES, PROJECT_ROOT

QUERIES = [
    ("en", "unlink a user"),
    ("en", "user"),
    ("en", "1009"),
    ("en", "deactivate several users at once"),
    ("nl", "gebruiker ontkoppelen"),
    ("nl", "#1,009"),
    ("pl", "uzytkownikow dezaktywowanych"),
    ("pl", "zoom"),
]


def reference_schema() -> Schema:
    """Whoosh's schema for the same fields, with the same analyzer."""
    fields: dict[str, object] = {"key": ID(stored=True)}
    for lang in LANGUAGES:
        fields[f"heading_{lang}"] = TEXT(analyzer=analyzer(lang), phrase=False)
        fields[f"body_{lang}"] = TEXT(analyzer=analyzer(lang))
        fields[f"lead_{lang}"] = TEXT(analyzer=analyzer(lang))
        fields[f"codes_{lang}"] = KEYWORD
        fields[f"lead_codes_{lang}"] = KEYWORD
    return Schema(**fields)


def write_reference(path: Path, docs: list[index.SectionDoc]) -> None:
    path.mkdir()
    ix = whoosh_index.create_in(str(path), reference_schema())
    writer = ix.writer()
    for doc in docs:
        lang = doc.lang
        writer.add_document(
            key=f"{doc.slug}#{doc.section}@{lang}",
            **{
                f"heading_{lang}": doc.heading,
                f"body_{lang}": doc.body,
                f"lead_{lang}": doc.lead,
                f"codes_{lang}": " ".join(doc.codes),
                f"lead_codes_{lang}": " ".join(doc.lead_codes),
            },
        )
    writer.commit()


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[IndexReader, Searcher]]:
    library = ContentLibrary.load(PROJECT_ROOT / "articles", LANGUAGES)
    docs = list(index.sections(library.all_articles()))
    root = tmp_path_factory.mktemp("ranking")
    index.write_index(root / "ours", docs, LANGUAGES)
    write_reference(root / "whoosh", docs)
    reader = IndexReader(root / "ours")
    ix = whoosh_index.open_dir(str(root / "whoosh"))
    with ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as searcher:
        yield reader, searcher
    reader.close()


@pytest.fixture
def reader(built: tuple[IndexReader, Searcher]) -> IndexReader:
    return built[0]


def whoosh_ranking(searcher: Searcher, q: TermUnion, limit: int) -> Ranking:
    results = searcher.search(q, limit=limit, optimize=False)
    return Ranking(len(results), [(hit.docnum, hit.score) for hit in results])


def our_ranking(reader: IndexReader, q: TermUnion, limit: int) -> Ranking:
    terms = [QueryTerm(t.fieldname, t.text, t.boost) for t in q.subqueries]
    return rank(reader, terms, limit)


def same(ours: Ranking, theirs: Ranking) -> bool:
    """Same total and order; scores equal up to float rounding."""
    return (
        ours.total == theirs.total
        and [d for d, _ in ours.top] == [d for d, _ in theirs.top]
        and all(
            s == pytest.approx(t, rel=1e-12)
            for (_, s), (_, t) in zip(ours.top, theirs.top, strict=True)
        )
    )


@pytest.mark.parametrize(("lang", "text"), QUERIES)
@pytest.mark.parametrize("limit", [1, 5, 50, 10_000])
def test_same_ranking_as_whoosh(
    built: tuple[IndexReader, Searcher], lang: str, text: str, limit: int
) -> None:
    reader, searcher = built
    q = build_query(parse_query(text), lang)
    assert q is not None
    assert same(our_ranking(reader, q, limit), whoosh_ranking(searcher, q, limit))


def test_same_ranking_across_languages(built: tuple[IndexReader, Searcher]) -> None:
    reader, searcher = built
    q = build_multilingual_query(parse_query("user gebruiker konto"), ["en", "nl"])
    assert q is not None
    assert same(our_ranking(reader, q, 20), whoosh_ranking(searcher, q, 20))


def test_ties_are_ordered_by_document_number() -> None:
    docnums = np.array([5, 3, 9, 1, 7])
    scores = np.array([1.0, 2.0, 1.0, 1.0, 0.5])
    assert best(docnums, scores, 3) == [(3, 2.0), (1, 1.0), (5, 1.0)]
    assert best(docnums, scores, 10) == [
        (3, 2.0), (1, 1.0), (5, 1.0), (9, 1.0), (7, 0.5)
    ]  # fmt: skip
    assert best(docnums, scores, 0) == []
    assert best(docnums[:0], scores[:0], 3) == []


def test_unknown_terms_and_fields_score_nothing(reader: IndexReader) -> None:
    terms = [
        QueryTerm("body_en", "qqxqzz", 1.0),
        QueryTerm("no_such_field", "user", 1.0),
    ]
    assert rank(reader, terms, 10) == Ranking(0, [])


def test_threads_share_one_build(built: tuple[IndexReader, Searcher]) -> None:
    reader, searcher = built
    q = build_query(parse_query("unlink users account zoom"), "en")
    assert q is not None
    expected = whoosh_ranking(searcher, q, 10)
    results: list[Ranking] = []

    def run() -> None:
        mine = IndexReader(reader.build)
        for _ in range(20):
            results.append(our_ranking(mine, q, 10))
        mine.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(same(result, expected) for result in results)


def _words_of(reader: IndexReader, terms: list[QueryTerm], docnum: int) -> set[int]:
    return {
        term.word
        for term in terms
        if docnum in set(reader.postings(term.fieldname, term.text)[0].tolist())
    }


def test_coordination_scales_by_the_share_of_words_matched(reader: IndexReader) -> None:
    q = build_query(parse_query("reactivate users bulk"), "en")
    assert q is not None
    terms = [QueryTerm(t.fieldname, t.text, t.boost, t.word) for t in q.subqueries]
    assert {term.word for term in terms} == {0, 1, 2}
    plain = dict(rank(reader, terms, 10_000).top)
    coordinated = dict(rank(reader, terms, 10_000, coordination=0.5).top)
    assert plain == dict(rank(reader, terms, 10_000, coordination=0.0).top)
    assert plain.keys() == coordinated.keys()
    counts = {1: 0, 2: 0, 3: 0}
    for docnum, score in plain.items():
        words = _words_of(reader, terms, docnum)
        counts[len(words)] += 1
        assert coordinated[docnum] == pytest.approx(score * (len(words) / 3) ** 0.5)
    assert counts[1] and counts[2]  # the query tells sections apart


def test_coordination_ignores_single_word_queries(reader: IndexReader) -> None:
    q = build_query(parse_query("users"), "en")
    assert q is not None
    terms = [QueryTerm(t.fieldname, t.text, t.boost, t.word) for t in q.subqueries]
    assert rank(reader, terms, 100, 0.5) == rank(reader, terms, 100)


def test_every_term_of_a_query_belongs_to_one_of_its_words() -> None:
    parsed = parse_query("gebruikersaccount 1009 ontkoppelen")
    q = build_query(parsed, "nl", parts={"gebruikersaccount": ("account",)})
    assert q is not None
    words = {(t.text, t.fieldname.split("_")[0]): t.word for t in q.subqueries}
    assert words[("account", "body")] == words[("gebruikersaccount", "body")] == 0
    assert words[("ontkoppel", "body")] == words[("ontkoppelen", "heading")] == 1
    assert words[("1009", "codes")] == words[("1009", "lead")] == 2
