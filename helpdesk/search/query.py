"""Turn what a user typed into a Whoosh query: pure functions, no I/O.

User text is never handed to Whoosh's query parser: it is split into words and
error codes here, so quotes, ``AND``/``OR``/``NOT``, ``*`` and ``field:`` are just
characters. The weights of each field are the module-level constants below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq

from helpdesk.search import analysis
from helpdesk.search.ranking import QueryTerm

#: Longest query text considered; the rest is ignored.
MAX_QUERY_CHARS = 200
#: Longest search text accepted (the search boxes' ``maxlength``: a pasted error
#: message fits): longer is refused with an error, not cut without a word.
MAX_INPUT_CHARS = 500
#: Most words (and codes) of a query that are searched for.
MAX_WORDS = 16

#: Field weights: a word in a section heading says more than one in its body.
#: (The article title is not searched: sections of one article share it, and
#: measured, it changed no ranking; its words are in the headings anyway.)
HEADING_BOOST = 2.5
BODY_BOOST = 1.0
#: An article's lead (text before its first heading), attributed to its first section.
LEAD_BOOST = 0.6
#: The section that opens an article diagnosing the code (its "what it means").
LEAD_CODE_BOOST = 60.0
#: Any section that mentions the code.
CODE_BOOST = 6.0
#: A word corrected from a typo counts a little less than a word typed right.
CORRECTION_BOOST = 0.8
#: Each part of a compound (``gebruikersaccount`` → ``gebruikers`` + ``account``).
#: Low: the parts are often the site's most general words, and they only have to
#: let a compound find the sections its parts are in, not outrank the words typed
#: as they are written (measured with bench/search_quality.py: 0.5 and 0.25 made
#: Dutch rankings worse, 0.15 kept them).
PART_BOOST = 0.15
#: A synonym of a word typed (:data:`analysis.SYNONYMS`) counts a little less than
#: the word itself: the reader's own word, where a section has it, says more.
SYNONYM_BOOST = 0.8
#: A word's own forms (stem, folded word, usual spelling) share its weight: each
#: counts ``1 / forms ** FORM_SHARE``. Without it a word whose stem differs from
#: it ("delete": ``delet`` and ``delete``) counted twice as much as one whose
#: stem is itself ("admin"), so "why can't I delete an admin" ranked any section
#: about deleting above the one about admins. Measured with bench/search_quality.py:
#: 0.5 kept the public and held-out figures and gained on the questions; 1 (an
#: even share) gained 0.007 on the held-out queries and lost 0.02 on the questions.
FORM_SHARE = 0.5
#: A word's lemma (:mod:`helpdesk.search.lemmas`) finds the word's other
#: inflections; it is one of the word's forms (sharing its weight, see
#: FORM_SHARE), counted this many times. Measured with bench/search_quality.py
#: (with FORM_SHARE 0.5): 1.5 and 2 scored best on the held-out questions (0.878),
#: 1 lost 0.014 there and 0.017 on the public set, 0.5 lost 0.04 on the questions.
LEMMA_BOOST = 1.5
#: Coordination: a section's score times (words matched / words asked) ** this.
#: Scores add up over the words, so a section repeating the site's commonest
#: words ("account", "gebruiker", "konta") in a short heading outranked the one
#: about the rarer word that says what the reader wants ("bulk", "reaktywacja").
#: Measured with bench/search_quality.py: 0.5 improved the held-out Dutch and
#: Polish queries and kept every other figure; 0.4-0.6 measured the same, 1 and 2
#: made English and the public set worse (documents matching one strong word
#: were pushed below ones that mention every word in passing).
COORDINATION = 0.5
#: BM25 length normalization. Sections differ in length far more than in topic:
#: a long procedure is not less about its heading than a two-line note, so length
#: is discounted only mildly (Whoosh's default is 0.75). Measured with
#: bench/search_quality.py; a proximity bonus for the words in order was measured
#: there too and made rankings worse, so there is none.
BM25_B = 0.3
BM25_K1 = 1.2

#: An error code in any usual spelling: ``1009``, ``1,009``, ``1.009``, ``#1009``.
_CODE = re.compile(r"(?<![\w.,])#?(\d{1,3}(?:[.,]\d{3})+|\d{3,6})(?![\w]|[.,]\d)")

#: ``forms(lang, word)``: the index terms a query word may match ('' = none).
Forms = Callable[[str, str], tuple[str, ...]]


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query split into words and error codes."""

    text: str
    words: tuple[str, ...]
    codes: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Return whether nothing searchable was typed."""
        return not self.words and not self.codes


def find_codes(text: str) -> list[str]:
    """Return every error code written in ``text``, normalized, in order."""
    return [re.sub(r"[.,]", "", m.group(1)) for m in _CODE.finditer(text)]


def clean(text: str) -> str:
    """Return the searchable part of the user's text: capped, one line, trimmed."""
    text = "".join(c if c.isprintable() else " " for c in text[:MAX_QUERY_CHARS])
    return " ".join(text.split())


def parse_query(text: str) -> ParsedQuery:
    """Split user text into lowercase words and normalized error codes."""
    # Kept by the part that counts (clean() cuts the rest): the search page
    # parses one query for each language.
    return _parse(text[:MAX_QUERY_CHARS])


@lru_cache(maxsize=1_024)
def _parse(text: str) -> ParsedQuery:
    text = clean(text)
    codes = _unique(find_codes(text))
    rest = _CODE.sub(" ", text)
    words = _unique(analysis.words(rest))
    return ParsedQuery(text=text, words=tuple(words[:MAX_WORDS]), codes=tuple(codes))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def fields(lang: str) -> dict[str, float]:
    """Return the text fields searched for ``lang`` with their boosts."""
    return dict(_fields(lang))


@lru_cache(maxsize=16)
def _fields(lang: str) -> tuple[tuple[str, float], ...]:
    return (
        (f"heading_{lang}", HEADING_BOOST),
        (f"body_{lang}", BODY_BOOST),
        (f"lead_{lang}", LEAD_BOOST),
    )


def content_words(
    parsed: ParsedQuery, lang: str, stops: Callable[[str], frozenset[str]]
) -> list[str]:
    """Return the query's words that are not stop words in ``lang``.

    Words that only say how a question is asked ("what happens", "czy trzeba")
    are left out too, unless nothing else is left.
    """
    stop = stops(lang)
    words = [w for w in parsed.words if w not in stop]
    asking = analysis.question_words(lang)
    topical = [w for w in words if w not in asking]
    return topical or words


class TermUnion(wq.Or):
    """A flat OR of terms, scored by adding into one array of document scores.

    Whoosh's default OR walks a tree of union matchers for every matching
    document; with a dozen terms over thousands of sections, preloading each
    term's scores is several times faster, and it counts the matches exactly as
    it goes (no second pass for the total). The engine goes further and scores
    its terms from per-build arrays (:mod:`helpdesk.search.ranking`): every
    subquery is a :class:`whoosh.query.Term`.
    """

    matcher_type = wq.Or.ARRAY_MATCHER


class WordTerm(wq.Term):
    """A term searched for one word of the query: ``word`` numbers the word.

    Whoosh scores it as any :class:`whoosh.query.Term`; the engine's ranking
    counts the terms of one word in one field as one match (see
    :mod:`helpdesk.search.ranking`). ``word`` is -1 for a term of its own.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, word: int = -1):
        super().__init__(fieldname, text, boost=boost)
        self.word = word


def _word_terms(
    lang: str, forms: Iterable[str], boost: float = 1.0, word: int = -1
) -> list[QueryTerm]:
    if not forms:
        return []
    return [
        QueryTerm(field, form, field_boost * boost, word)
        for field, field_boost in _fields(lang)
        for form in forms
        if form
    ]


def query_terms(
    parsed: ParsedQuery,
    lang: str,
    forms: Forms = analysis.query_forms,
    stops: Callable[[str], frozenset[str]] = analysis.stop_words,
    corrections: Mapping[str, tuple[str, ...]] | None = None,
    related: Mapping[str, tuple[str, ...]] | None = None,
    variants: Mapping[str, tuple[str, ...]] | None = None,
    parts: Mapping[str, tuple[str, ...]] | None = None,
) -> list[QueryTerm]:
    """Return the terms searched for one language (none when nothing can match).

    Each word matches any of its forms (stem, folded word) in the heading or
    body (or the article's lead, on its first section); words the speller
    corrected also match their corrections, and ``related`` gives index terms
    (already analysed) to search for a word as well, and ``variants`` index terms
    that are forms of the word itself (searched at its full weight); ``parts``
    gives the index terms of a compound's parts, which share one word's weight.
    Error codes match exactly.
    The scores of all matching terms add up. The engine ranks these as they are
    (:func:`helpdesk.search.ranking.rank`); :func:`build_query` makes them a
    Whoosh query.
    """
    corrections = corrections or {}
    related = related or {}
    variants = variants or {}
    parts = parts or {}
    terms: list[QueryTerm] = []
    for n, word in enumerate(content_words(parsed, lang, stops)):
        terms += _terms_of_word(
            lang,
            word,
            n,
            forms,
            tuple(variants.get(word, ())),
            tuple(corrections.get(word, ())),
            tuple(related.get(word, ())),
            tuple(parts.get(word, ())),
        )
    first = len(parsed.words)
    for n, code in enumerate(parsed.codes, first):
        terms.append(QueryTerm(f"lead_codes_{lang}", code, LEAD_CODE_BOOST, n))
        terms.append(QueryTerm(f"codes_{lang}", code, CODE_BOOST, n))
    first += len(parsed.codes)
    for n, name in enumerate(analysis.negated_names(lang, parsed.words), first):
        # A word of its own: "not activated" asks for "pending" as much as for
        # either word typed.
        terms += _word_terms(lang, forms(lang, name), word=n)
    return terms


@lru_cache(maxsize=analysis.QUERY_CACHE)
def _terms_of_word(
    lang: str,
    word: str,
    n: int,
    forms: Forms,
    variants: tuple[str, ...],
    corrections: tuple[str, ...],
    related: tuple[str, ...],
    parts: tuple[str, ...],
) -> tuple[QueryTerm, ...]:
    """Return the terms of the ``n``-th word of a query (see :func:`query_terms`).

    Pure, and kept: the words of readers' queries, and what the index makes of
    them, recur from query to query.
    """
    own = (*forms(lang, word), *variants)
    own = tuple(f for f in dict.fromkeys(own) if f)
    lemma = analysis.lemma_form(lang, word)
    lemmas = (lemma,) if lemma is not None and lemma not in own else ()
    share = 1 / max(1, len(own) + len(lemmas)) ** FORM_SHARE
    terms = _word_terms(lang, own, share, n)
    terms += _word_terms(lang, lemmas, share * LEMMA_BOOST, n)
    for fixed in corrections:
        terms += _word_terms(lang, forms(lang, fixed), CORRECTION_BOOST, n)
    terms += _word_terms(lang, related, CORRECTION_BOOST, n)
    terms += _word_terms(lang, parts, PART_BOOST, n)
    same = [f for w in analysis.synonyms(lang, word) for f in forms(lang, w)]
    same = [f for f in dict.fromkeys(same) if f not in own]
    terms += _word_terms(lang, same, SYNONYM_BOOST, n)
    return tuple(terms)


def build_query(
    parsed: ParsedQuery,
    lang: str,
    forms: Forms = analysis.query_forms,
    stops: Callable[[str], frozenset[str]] = analysis.stop_words,
    corrections: Mapping[str, tuple[str, ...]] | None = None,
    related: Mapping[str, tuple[str, ...]] | None = None,
    variants: Mapping[str, tuple[str, ...]] | None = None,
    parts: Mapping[str, tuple[str, ...]] | None = None,
) -> TermUnion | None:
    """Return :func:`query_terms` as a Whoosh query, or None when nothing can match."""
    terms = query_terms(
        parsed, lang, forms, stops, corrections, related, variants, parts
    )
    return _union(terms)


def _union(terms: Iterable[QueryTerm]) -> TermUnion | None:
    found = [WordTerm(*term) for term in terms]
    return TermUnion(found) if found else None


def multilingual_terms(
    parsed: ParsedQuery,
    languages: Iterable[str],
    forms: Forms = analysis.query_forms,
    stops: Callable[[str], frozenset[str]] = analysis.stop_words,
) -> list[QueryTerm]:
    """Return the terms matching sections in any of ``languages``."""
    return [t for lang in languages for t in query_terms(parsed, lang, forms, stops)]


def build_multilingual_query(
    parsed: ParsedQuery,
    languages: Iterable[str],
    forms: Forms = analysis.query_forms,
    stops: Callable[[str], frozenset[str]] = analysis.stop_words,
) -> TermUnion | None:
    """Return a query matching sections in any of ``languages``."""
    return _union(multilingual_terms(parsed, languages, forms, stops))
