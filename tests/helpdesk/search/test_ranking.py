"""In-memory ranking: the same scores, order and totals as Whoosh's own search."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.searching import Searcher

from helpdesk.search import index_root
from helpdesk.search.analysis import analyzer
from helpdesk.search.index import current_build, make_schema
from helpdesk.search.query import (
    BM25_B,
    BM25_K1,
    TermUnion,
    build_multilingual_query,
    build_query,
    parse_query,
)
from helpdesk.search.ranking import QueryTerm, TermScores, top

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


def whoosh_ranking(
    searcher: Searcher, q: TermUnion, limit: int
) -> tuple[int, list[tuple[int, float]]]:
    results = searcher.search(q, limit=limit, optimize=False)
    return len(results), [(hit.docnum, hit.score) for hit in results]


def our_ranking(
    scores: TermScores, searcher: Searcher, q: TermUnion, limit: int
) -> tuple[int, list[tuple[int, float]]]:
    terms = [QueryTerm(t.fieldname, t.text, t.boost) for t in q.subqueries]
    found = scores.scores(searcher, terms)
    return len(found), top(found, limit)


@pytest.fixture
def searcher(search_app: Flask) -> Iterator[Searcher]:
    build = current_build(index_root(search_app))
    assert build is not None
    ix = whoosh_index.open_dir(str(build))
    with ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as opened:
        yield opened


@pytest.mark.parametrize(("lang", "text"), QUERIES)
@pytest.mark.parametrize("limit", [1, 5, 50, 10_000])
def test_same_ranking_as_whoosh(
    searcher: Searcher, lang: str, text: str, limit: int
) -> None:
    q = build_query(parse_query(text), lang)
    assert q is not None
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    assert our_ranking(scores, searcher, q, limit) == whoosh_ranking(searcher, q, limit)
    # Second time from the cache: the same again.
    assert our_ranking(scores, searcher, q, limit) == whoosh_ranking(searcher, q, limit)


def test_same_ranking_across_languages(searcher: Searcher) -> None:
    q = build_multilingual_query(parse_query("user gebruiker konto"), ["en", "nl"])
    assert q is not None
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    assert our_ranking(scores, searcher, q, 20) == whoosh_ranking(searcher, q, 20)


def test_ties_are_ordered_by_document_number() -> None:
    scores = {5: 1.0, 3: 2.0, 9: 1.0, 1: 1.0, 7: 0.5}
    assert top(scores, 3) == [(3, 2.0), (1, 1.0), (5, 1.0)]
    assert top(scores, 10) == [(3, 2.0), (1, 1.0), (5, 1.0), (9, 1.0), (7, 0.5)]
    assert top(scores, 0) == [] and top({}, 3) == []


def test_unknown_terms_and_fields_score_nothing(searcher: Searcher) -> None:
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    terms = [
        QueryTerm("body_en", "qqxqzz", 1.0),
        QueryTerm("no_such_field", "user", 1.0),
    ]
    assert scores.scores(searcher, terms) == {}


def _segmented_index(path: Path) -> None:
    """An index of three segments, one document deleted."""
    ix = whoosh_index.create_in(str(path), make_schema(["en"], analyzer))
    texts = [
        ["Unlink a user from the account", "Delete users", "Reactivate a user"],
        ["Users and rooms", "Transfer recordings of a user", "Error 1009 user"],
        ["A user, a user, a user", "Nothing to see here"],
    ]
    for n, batch in enumerate(texts):
        writer = ix.writer()
        for i, text in enumerate(batch):
            writer.add_document(
                key=f"{n}-{i}", lang="en", heading_en=text, body_en=f"{text}. {text}"
            )
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("key", "1-1")
    writer.commit(merge=False)


def test_same_ranking_over_segments_and_deletions(tmp_path: Path) -> None:
    _segmented_index(tmp_path)
    ix = whoosh_index.open_dir(str(tmp_path))
    with ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as searcher:
        assert not searcher.is_atomic()
        q = build_query(parse_query("user recordings"), "en")
        assert q is not None
        ours = our_ranking(TermScores(b=BM25_B, k1=BM25_K1), searcher, q, 10)
        assert ours == whoosh_ranking(searcher, q, 10)
        assert ours[0] == 6  # the deleted document is not counted


def test_threads_share_one_cache(search_app: Flask) -> None:
    build = current_build(index_root(search_app))
    ix = whoosh_index.open_dir(str(build))
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    q = build_query(parse_query("unlink users account zoom"), "en")
    assert q is not None
    with ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as searcher:
        expected = whoosh_ranking(searcher, q, 10)
    results: list[object] = []

    def run() -> None:
        with ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)) as mine:
            for _ in range(20):
                results.append(our_ranking(scores, mine, q, 10))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(result == expected for result in results)


def test_coordination_scales_by_the_share_of_words_matched(searcher: Searcher) -> None:
    q = build_query(parse_query("reactivate users bulk"), "en")
    assert q is not None
    terms = [QueryTerm(t.fieldname, t.text, t.boost, t.word) for t in q.subqueries]
    assert {term.word for term in terms} == {0, 1, 2}
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    plain = scores.scores(searcher, terms)
    coordinated = scores.scores(searcher, terms, coordination=0.5)
    assert plain == scores.scores(searcher, terms, coordination=0.0)
    assert plain.keys() == coordinated.keys()
    counts = {1: 0, 2: 0, 3: 0}
    for docnum, score in plain.items():
        words = {
            term.word
            for term in terms
            if docnum in scores.postings(searcher, term.fieldname, term.text).docnums
        }
        counts[len(words)] += 1
        assert coordinated[docnum] == pytest.approx(score * (len(words) / 3) ** 0.5)
    assert counts[1] and counts[2]  # the query tells sections apart


def test_coordination_ignores_single_word_queries(searcher: Searcher) -> None:
    q = build_query(parse_query("users"), "en")
    assert q is not None
    terms = [QueryTerm(t.fieldname, t.text, t.boost, t.word) for t in q.subqueries]
    scores = TermScores(b=BM25_B, k1=BM25_K1)
    assert scores.scores(searcher, terms, 0.5) == scores.scores(searcher, terms)


def test_every_term_of_a_query_belongs_to_one_of_its_words() -> None:
    parsed = parse_query("gebruikersaccount 1009 ontkoppelen")
    q = build_query(parsed, "nl", parts={"gebruikersaccount": ("account",)})
    assert q is not None
    words = {(t.text, t.fieldname.split("_")[0]): t.word for t in q.subqueries}
    assert words[("account", "body")] == words[("gebruikersaccount", "body")] == 0
    assert words[("ontkoppel", "body")] == words[("ontkoppelen", "heading")] == 1
    assert words[("1009", "codes")] == words[("1009", "lead")] == 2
