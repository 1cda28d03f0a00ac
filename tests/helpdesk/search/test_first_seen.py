"""A first-seen search is cheap and answers as before: memoized analysis, kept
lookups, one-pass ranking, snippets by form, and the page around the results
rendered once per language."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import numpy as np
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from helpdesk import create_app
from helpdesk.search import _anchor, analysis, get_engine, search, snippets
from helpdesk.search.engine import root
from helpdesk.search.ranking import QueryTerm, rank
from helpdesk.search.store import IndexReader

LANGS = ("en", "nl", "pl")
WORDS = {
    "en": "deleting users accounts can't unlink reactivated recordings admin 1009",
    "nl": "gebruikers verwijderen gebruikersaccount heractiveren niet beheerde kunt",
    "pl": "użytkowników uzytkownikow usunięcie dezaktywacja wyłączone nie można konta",
}


def _words(lang: str) -> list[str]:
    return analysis.words(WORDS[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_memoized_query_analysis_answers_as_computed_afresh(lang: str) -> None:
    for word in _words(lang):
        for _ in range(2):  # the second answer comes from the cache
            assert analysis.query_forms(lang, word) == analysis.query_forms.__wrapped__(
                lang, word
            )
            assert analysis.synonyms(lang, word) == analysis.synonyms.__wrapped__(
                lang, word
            )
            folded = analysis.fold(word)
            assert root(folded, lang) == root.__wrapped__(folded, lang)
    words = tuple(_words(lang)) + ("not", "niet", "nie", "activated")
    assert analysis.negated_names(lang, words) == analysis.negated_names.__wrapped__(
        lang, words
    )


@settings(max_examples=60, deadline=None)
@given(
    lang=st.sampled_from(LANGS),
    word=st.text(alphabet="abcdeęłóśżnoprstuwyzij'", min_size=1, max_size=14),
)
def test_query_forms_of_any_word_are_those_computed_afresh(
    lang: str, word: str
) -> None:
    assert analysis.query_forms(lang, word) == analysis.query_forms.__wrapped__(
        lang, word
    )


def _by_scan(lang: str, word: str) -> tuple[str, ...]:
    """The index's forms, under another name: matches() then reads every word."""
    return analysis.word_forms(lang, word)


@settings(max_examples=80, deadline=None)
@given(
    lang=st.sampled_from(LANGS),
    words=st.lists(
        st.sampled_from(
            "Users user's gebruikers Gebruiker użytkowników UŻYTKOWNIK konto "
            "delete deleted Deleting verwijderen verwijderd usunąć usunięty "
            "Ge-account geactiveerd activeren İstanbul STRASSE ß the a".split()
        ),
        min_size=1,
        max_size=40,
    ),
    asked=st.lists(
        st.sampled_from(
            "user gebruiker użytkownik delete verwijderen usunąć "
            "activeren account istanbul strasse".split()
        ),  # fmt: skip
        min_size=1,
        max_size=3,
    ),
)
def test_snippets_by_form_mark_what_reading_every_word_marks(
    lang: str, words: list[str], asked: list[str]
) -> None:
    text = " ".join(words) + ". " + " ".join(reversed(words))
    wanted = {form for word in asked for form in analysis.word_forms(lang, word)}
    stops = snippets.never_marked(lang, analysis.stop_words(lang))
    by_form = snippets.matches(text, lang, wanted, stops)
    assert by_form == snippets.matches(text, lang, wanted, stops, _by_scan)
    # Seen before, then kept: the text's words by form answer the same.
    for _ in range(2):
        assert snippets.matches(text, lang, wanted, stops) == by_form


class _Postings:
    """A postings source over given arrays."""

    def __init__(self, size: int, postings: dict[tuple[str, str], list[int]]):
        self.doc_count = size
        self._postings = {
            key: (
                np.array(docs, dtype=np.int32),
                np.array([1.0 + d * 0.37 + len(key[1]) for d in docs]),
            )
            for key, docs in postings.items()
        }

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        return self._postings.get(
            (field, term), (np.zeros(0, np.int32), np.zeros(0, np.float64))
        )


def _rank_term_by_term(
    source: _Postings, terms: list[QueryTerm], count: int, coordination: float
) -> tuple[int, list[tuple[int, float]]]:
    """Ranking as it was: each term's scores added into the array in turn."""
    size = source.doc_count
    total = np.zeros(size)
    hit = np.zeros(size, dtype=np.bool_)
    words: dict[int, np.ndarray] = {}
    for fieldname, text, boost, word in terms:
        docnums, scores = source.postings(fieldname, text)
        if not len(docnums):
            continue
        total[docnums] += scores if boost == 1.0 else scores * boost
        hit[docnums] = True
        if coordination and word >= 0:
            words.setdefault(word, np.zeros(size, dtype=np.bool_))[docnums] = True
    matched = np.flatnonzero(hit)
    sums = total[matched]
    asked = len({term.word for term in terms if term.word >= 0})
    if coordination and asked > 1 and len(words) > 1:
        counts = np.zeros(len(matched), dtype=np.int64)
        for mask in words.values():
            counts += mask[matched]
        factors = np.array([(m / asked) ** coordination for m in range(asked + 1)])
        factors[0] = factors[1]
        sums = sums * factors[counts]
    pairs = zip(matched.tolist(), sums.tolist(), strict=True)
    order = sorted(pairs, key=lambda x: (-x[1], x[0]))
    return len(matched), order[:count]


@settings(max_examples=80, deadline=None)
@given(
    postings=st.dictionaries(
        st.tuples(
            st.sampled_from(["body_en", "heading_en"]), st.sampled_from("abcdef")
        ),
        st.lists(st.integers(0, 29), unique=True, max_size=12),
        max_size=8,
    ),
    terms=st.lists(
        st.tuples(
            st.sampled_from(["body_en", "heading_en"]),
            st.sampled_from("abcdefg"),
            st.sampled_from([1.0, 2.5, 0.6, 0.8 * 0.7]),
            st.integers(-1, 3),
        ),
        max_size=10,
    ),
    coordination=st.sampled_from([0.0, 0.5]),
)
def test_ranking_in_one_pass_gives_the_same_floats_as_term_by_term(
    postings: dict[tuple[str, str], list[int]],
    terms: list[tuple[str, str, float, int]],
    coordination: float,
) -> None:
    source = _Postings(30, postings)
    query = [QueryTerm(*term) for term in terms]
    got = rank(source, query, 10, coordination)
    assert (got.total, got.top) == _rank_term_by_term(source, query, 10, coordination)


def test_a_reader_keeps_lookups_and_hands_out_read_only_fields(
    search_app: Flask,
) -> None:
    with search_app.app_context():
        build = get_engine()._opened().reader.build  # type: ignore[union-attr]
    kept, fresh = IndexReader(build), IndexReader(build)
    try:
        docnums = list(range(min(kept.doc_count, 12)))
        first = kept.stored(docnums)
        with pytest.raises(TypeError):  # shared by every caller: read-only
            first[docnums[0]]["body"] = "changed by a caller"  # type: ignore[index]
        assert kept.stored(docnums) == fresh.stored(docnums)
        assert kept.texts(docnums[:3]) == fresh.texts(docnums[:3])
        for key in [("body_en", "user"), ("body_en", "no-such-term"), ("x", "y")]:
            for _ in range(2):
                assert (key in kept) == (key in fresh)
                a, b = kept.postings(*key), fresh.postings(*key)
                assert a[0].tolist() == b[0].tolist()
                assert a[1].tolist() == b[1].tolist()
    finally:
        kept.close()
        fresh.close()


@pytest.mark.parametrize(
    ("lang", "query", "suggestion"),
    [
        ("en", "unlnik single user", "unlink single user"),
        ("nl", "verwijdren gebruikr", "verwijderen gebruiker"),
        ("pl", "odlonczyc uzytkownika", "odłączyć uzytkownika"),
    ],
)
def test_a_misspelt_query_still_gets_did_you_mean_every_time(
    search_client: FlaskClient, lang: str, query: str, suggestion: str
) -> None:
    for _ in range(2):  # the second time the speller answers from what it kept
        page = search_client.get(f"/{lang}/search?q={quote(query)}")
        text = page.get_data(as_text=True)
        assert 'class="search-suggestion"' in text
        link = re.search(r'search-suggestion">[^<]*<a href="[^"]*">([^<]*)<', text)
        assert link is not None and html.unescape(link.group(1)) == suggestion


def _asked(speller: object) -> int:
    info = speller._corrected.cache_info()  # type: ignore[attr-defined]
    return int(info.hits + info.misses)


def test_the_speller_is_asked_only_about_unknown_words(search_app: Flask) -> None:
    with search_app.test_request_context():
        opened = get_engine()._opened()
        assert opened is not None
        speller = opened.spellers["en"]
        before = _asked(speller)
        result = search("unlink user", "en", fallback=False)
        assert result.suggestion is None and result.total
        assert _asked(speller) == before
        for _ in range(2):
            result = search("reactivatte user", "en", fallback=False)
            assert result.suggestion == "reactivate user"
        assert _asked(speller) == before + 2


def test_section_urls_are_those_url_for_builds(search_app: Flask) -> None:
    for section in ["unlink", "why-1009", "a b", "zażółć#?%&"]:
        with search_app.test_request_context("/en/search"):
            built = url_for(
                "pages.article", lang_code="nl", slug="remove-users", _anchor=section
            )
            base = url_for("pages.article", lang_code="nl", slug="remove-users")
            assert f"{base}#{_anchor(section)}" == built
    with search_app.test_request_context("/en/search"):
        for hit in search("unlink users", "en", limit=20).hits:
            assert hit.url == url_for(
                "pages.article", lang_code=hit.lang, slug=hit.slug, _anchor=hit.section
            )


@pytest.fixture(scope="module")
def kept_pages(search_instance: object) -> Flask:
    """The search app with the page around the results kept (the fragment cache on)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(search_instance),
            "SEARCH_CACHE_ENTRIES": 0,
            "PAGE_CACHE_ENTRIES": 64,
        }
    )


@pytest.mark.parametrize("lang", LANGS)
def test_each_query_shows_itself_in_the_kept_page(kept_pages: Flask, lang: str) -> None:
    client = kept_pages.test_client()
    for query in ["unlink user", "<b>\"odd\" & 'quoted'</b> 1009", "zażółć gęślą"]:
        page = client.get(f"/{lang}/search", query_string={"q": query})
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "search-query-" not in text and "search-found-" not in text
        shown = str(escape(query))  # as the template escapes it
        assert f'value="{shown}"' in text
        assert shown in text.split("<title>", 1)[1].split("</title>", 1)[0]
        assert "<b>" not in text.split("<main", 1)[1].split("</main>", 1)[0]
        qs = page.request.query_string.decode()
        for code in LANGS:
            assert f'href="/{code}/search?{escape(qs)}"' in text
    # The kept page is the same for every query: one per language.
    with kept_pages.test_request_context(f"/{lang}/search?q=x"):
        from helpdesk.pagecache import fragment_cache

        kinds = [key for key in fragment_cache()._entries if "search-shell" in key]
        assert len([k for k in kinds if lang in k]) == 1


def test_the_page_without_a_query_still_asks_for_one(
    search_client: FlaskClient,
) -> None:
    for lang, text in [("en", "Type a question"), ("nl", "1009"), ("pl", "1009")]:
        page = search_client.get(f"/{lang}/search").get_data(as_text=True)
        assert text in page
        assert 'class="search-results"' not in page


@pytest.mark.parametrize("lang", LANGS)
def test_kept_terms_of_a_word_are_those_made_afresh(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk.search import query

    text = WORDS[lang] + " not activated"
    rewrites = {"corrections": {w: (w[:-1],) for w in _words(lang)[:2]}}
    kept = [query.query_terms(query.parse_query(text), lang, **rewrites)]
    kept.append(query.query_terms(query.parse_query(text), lang, **rewrites))
    monkeypatch.setattr(query, "_terms_of_word", query._terms_of_word.__wrapped__)
    fresh = query.query_terms(query.parse_query(text), lang, **rewrites)
    assert kept[0] == kept[1] == fresh
    assert fresh  # the query has terms to compare


def _window_by_every_start(found: list[tuple[int, int, str]]) -> int:
    """The best window as it was found: every start, its matches counted anew."""
    best, best_score = 0, -1
    for i, (start, _, _) in enumerate(found):
        limit = start - snippets.SNIPPET_SURROUND + snippets.SNIPPET_CHARS
        inside = set()
        for _, end, word in found[i:]:
            if end > limit:
                break
            inside.add(word)
        if len(inside) > best_score:
            best, best_score = i, len(inside)
    return best


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.integers(1, 200), st.sampled_from("abcde")),
        max_size=40,
    )
)
def test_the_window_in_one_pass_is_the_one_every_start_finds(
    steps: list[tuple[int, int, str]],
) -> None:
    # Matches as a text has them: in order, none overlapping (a gap, a length).
    found, at = [], 0
    for gap, length, word in steps:
        start = at + gap
        found.append((start, start + length, word))
        at = start + length
    assert snippets._window(found) == _window_by_every_start(found)
