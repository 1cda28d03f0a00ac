"""Run searches against the current index build; return plain dataclasses.

An :class:`SearchEngine` follows an index root's ``current`` link. Each thread keeps
its own reader of the build (:class:`.store.IndexReader`: an SQLite connection
and a memory map of the postings) and reuses it until the link points at another
build. Queries are ranked from the scores stored in the build
(:mod:`helpdesk.search.ranking`); only the shown hits' stored fields are read,
and their snippets are cut from their text (:mod:`helpdesk.search.snippets`).
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from helpdesk.search import analysis, snippets
from helpdesk.search.index import current_build
from helpdesk.search.query import (
    COORDINATION,
    Forms,
    ParsedQuery,
    content_words,
    multilingual_terms,
    parse_query,
    query_terms,
)
from helpdesk.search.ranking import QueryTerm, rank
from helpdesk.search.speller import Speller
from helpdesk.search.store import IndexReader

_WORD = re.compile(analysis.WORD_PATTERN)

#: Most results asked for at once.
MAX_LIMIT = 50

#: Chooses which ranked hits get a snippet: given each hit's ``(lang, slug)``,
#: best first, it returns their positions. The others get ``snippet=""``: cutting
#: a snippet is most of a search's cost, and a grouped page shows only a few.
SnippetChoice = Callable[[Sequence[tuple[str, str]]], Collection[int]]


@dataclass(frozen=True)
class Hit:
    """One matching section; ``snippet`` is safe HTML with ``<mark>`` highlights."""

    slug: str
    section: str
    lang: str
    title: str
    heading: str
    url: str
    snippet: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the total, and a corrected query when typos were found."""

    query: str
    lang: str
    total: int
    suggestion: str | None
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    pages: int = 0

    @property
    def other_languages(self) -> bool:
        """Return whether the hits come from other languages than the one asked."""
        return bool(self.hits) and all(hit.lang != self.lang for hit in self.hits)


def default_url(lang: str, slug: str, section: str) -> str:
    """Return the deep link to a section (used outside a Flask request)."""
    return f"/{lang}/articles/{slug}#{section}"


@dataclass
class _Opened:
    build: Path
    reader: IndexReader
    spellers: dict[str, Speller]


@dataclass(frozen=True)
class _Found:
    """A ranked document: its number, score and stored fields."""

    docnum: int
    score: float
    stored: Mapping[str, Any]


class SearchEngine:
    """Search one index root; safe to share between threads."""

    def __init__(
        self,
        root: Path,
        languages: tuple[str, ...],
        forms: Forms = analysis.query_forms,
        stops: Callable[[str], frozenset[str]] = analysis.stop_words,
        spelling: bool = True,
        coordination: float = COORDINATION,
    ):
        self.root = root
        self.languages = languages
        self.forms = forms
        self.stops = stops
        self.spelling = spelling
        self.coordination = coordination
        self._local = threading.local()
        self._unmarked: dict[str, frozenset[str]] = {}

    # -- index access ---------------------------------------------------------

    def refresh(self) -> None:
        """Follow ``current`` now: reopen this thread's reader if it moved."""
        self._local.checked = False
        self._opened()

    def _opened(self) -> _Opened | None:
        build = current_build(self.root)
        opened: _Opened | None = getattr(self._local, "opened", None)
        if opened is not None and opened.build == build:
            return opened
        if build is None:
            return opened  # The link vanished: keep serving what we have.
        try:
            reader = IndexReader(build)
        except (OSError, ValueError, sqlite3.Error):
            return opened
        if opened is not None:
            opened.reader.close()
        spellers = {lang: Speller.open(reader.db, lang) for lang in self.languages}
        self._local.opened = _Opened(build, reader, spellers)
        return self._local.opened

    @property
    def available(self) -> bool:
        """Return whether an index build exists to search."""
        return self._opened() is not None

    # -- searching ------------------------------------------------------------

    def search(
        self,
        text: str,
        lang: str,
        limit: int = 10,
        page: int = 1,
        url_for: Callable[[str, str, str], str] = default_url,
        check: bool = True,
        snippets: SnippetChoice | None = None,
        fallback: bool = True,
        correct: bool = True,
    ) -> SearchResult:
        """Search sections in ``lang``; other languages only when none match.

        ``check`` follows the ``current`` link first (a cheap ``readlink``);
        callers serving requests pass False after the first search of a request.
        ``snippets`` picks the hits that get a snippet (all when None);
        ``fallback`` off never searches the other languages. ``correct`` off
        searches no spelling correction of a word (nor shows one): the words
        as typed, with their compounds, derived words and diacritics variants.
        """
        limit = max(1, min(int(limit), MAX_LIMIT))
        page = max(1, int(page))
        parsed = parse_query(text)
        empty = SearchResult(query=parsed.text, lang=lang, total=0, suggestion=None)
        opened = self._opened() if check else getattr(self._local, "opened", None)
        if opened is None:
            opened = self._opened()
        if opened is None or parsed.is_empty or lang not in self.languages:
            return empty
        corrections, related, variants, parts = self._corrections(
            opened, parsed, lang, correct
        )
        suggestion = _suggestion(parsed, corrections)
        terms = query_terms(
            parsed, lang, self.forms, self.stops, corrections, related, variants, parts
        )
        run = (parsed, lang, limit, page, suggestion, url_for, snippets)
        result = self._run(opened, terms, *run)
        if fallback and result.total == 0 and page == 1:
            others = [other for other in self.languages if other != lang]
            terms = multilingual_terms(parsed, others, self.forms, self.stops)
            found = self._run(opened, terms, *run)
            if found.total:
                return found
        return result

    def _run(
        self,
        opened: _Opened,
        terms: list[QueryTerm],
        parsed: ParsedQuery,
        lang: str,
        limit: int,
        page: int,
        suggestion: str | None,
        url_for: Callable[[str, str, str], str],
        snippets: SnippetChoice | None = None,
    ) -> SearchResult:
        if not terms:
            return SearchResult(parsed.text, lang, 0, suggestion, [], page, 0)
        wanted = _highlighted(terms)
        total, best = rank(opened.reader, terms, page * limit, self.coordination)
        pages = math.ceil(total / limit)
        shown = best[(page - 1) * limit :]
        reader = opened.reader
        stored = reader.stored([docnum for docnum, _ in shown], text=snippets is None)
        page_hits = [_Found(docnum, score, stored[docnum]) for docnum, score in shown]
        if snippets is None:
            chosen: Collection[int] = range(len(page_hits))
        else:
            chosen = set(
                snippets([(h.stored["lang"], h.stored["slug"]) for h in page_hits])
            )
            texts = reader.texts([page_hits[i].docnum for i in chosen])
            for i in chosen:
                hit = page_hits[i]
                page_hits[i] = _Found(
                    hit.docnum, hit.score, {**hit.stored, **texts[hit.docnum]}
                )
        hits = [
            self._hit(hit, self._snippet(hit, wanted) if i in chosen else "", url_for)
            for i, hit in enumerate(page_hits)
        ]
        return SearchResult(parsed.text, lang, total, suggestion, hits, page, pages)

    def _snippet(self, hit: _Found, wanted: dict[str, set[str]]) -> str:
        """Return a hit's snippet: from its body, else its lead, else its start."""
        stored = hit.stored
        lang = stored["lang"]
        terms = wanted.get(lang, set())
        stops = self._unmarked.get(lang)
        if stops is None:
            stops = self._unmarked[lang] = snippets.never_marked(lang, self.stops(lang))
        for name in ("body", "lead"):
            text = stored.get(name) or ""
            found = snippets.snippet(text, lang, terms, stops) if terms else ""
            if found:
                return found
        return snippets.plain(stored.get("body") or "")

    def _hit(
        self, hit: _Found, snippet: str, url_for: Callable[[str, str, str], str]
    ) -> Hit:
        stored = hit.stored
        lang, slug, section = stored["lang"], stored["slug"], stored["section"]
        return Hit(
            slug=slug,
            section=section,
            lang=lang,
            title=stored["title"],
            heading=stored["heading"],
            url=url_for(lang, slug, section),
            snippet=snippet,
            score=round(float(hit.score), 4),
        )

    def _corrections(
        self, opened: _Opened, parsed: ParsedQuery, lang: str, correct: bool = True
    ) -> tuple[Rewrites, Rewrites, Rewrites, Rewrites]:
        """Return what to search besides (or instead of) each word of the query.

        First: spelling corrections, shown as "did you mean". Second, searched
        silently since the reader's word was not wrong: the known word inside a
        derived one (``heractiveren`` → ``activeren``), known words of the same
        family (``wyłączyć`` → ``wyłączone``), the parts of a compound
        (``gebruikersaccount`` → ``gebruikers account``, returned fourth: the two
        parts share the weight of one word). Third, searched as the word itself:
        the forms of a known word's usual spelling, for a word typed without its
        diacritics (``uzytkownikow`` stems as ``użytkowników``). With ``correct``
        off the speller corrects no word: the first is then empty.
        """
        if not self.spelling:
            return {}, {}, {}, {}
        speller = opened.spellers.get(lang)
        if speller is None:
            return {}, {}, {}, {}
        reader = opened.reader
        field = f"body_{lang}"

        def indexed(form: str) -> bool:
            return (field, form) in reader

        corrections: dict[str, tuple[str, ...]] = {}
        related: dict[str, tuple[str, ...]] = {}
        variants: dict[str, tuple[str, ...]] = {}
        compounds: dict[str, tuple[str, ...]] = {}
        derived: dict[str, tuple[str, ...]] = {}
        for word in content_words(parsed, lang, self.stops):
            folded = analysis.fold(word)
            if word.isdigit():
                continue
            forms = self.forms(lang, word)
            if lang in ROOT_SUFFIXES:
                kin = _same_root(folded, speller, lambda w: self.forms(lang, w), lang)
                kin = tuple(form for form in kin if form not in forms)
                if kin:
                    derived[word] = kin
            if folded in speller:
                spelling = speller.spelling(folded).lower()
                if spelling != word:
                    extra = [f for f in self.forms(lang, spelling) if f not in forms]
                    if extra:
                        variants[word] = tuple(dict.fromkeys(extra))
                continue
            if any(indexed(form) for form in forms):
                continue
            inner = _without_prefix(forms, indexed)
            if inner:
                related[word] = inner
                continue
            fixed = speller.correct(folded) if correct else None
            if fixed is not None and _same_beginning(folded, analysis.fold(fixed)):
                corrections[word] = (fixed,)  # a typo in the ending
                continue
            inner = _family(folded, speller, lambda w: self.forms(lang, w))
            if inner:
                related[word] = inner
                continue
            parts = _compound(folded, lambda w: self.forms(lang, w), indexed)
            if parts:
                compounds[word] = parts
                continue
            # Nothing known is near: () says so, and no "did you mean" is shown
            # (a suggestion corrects every word it can, or none).
            corrections[word] = (fixed,) if fixed is not None else ()
        for word, kin in derived.items():
            related[word] = tuple(dict.fromkeys((*related.get(word, ()), *kin)))
        return corrections, related, variants, compounds


#: What to search for a query word, by word: index terms.
Rewrites = dict[str, tuple[str, ...]]

#: A derived word is a known word behind a short prefix: re-, her-, de-, prze-, od-.
MAX_PREFIX = 4
#: The known word inside must be long enough to mean the same thing.
MIN_INNER = 5


def _without_prefix(
    forms: Iterable[str], indexed: Callable[[str], bool]
) -> tuple[str, ...]:
    """Return the indexed forms left when a short prefix is taken off ``forms``.

    The index term itself is returned (a stem or a folded word), and the query
    builder searches it as one of the word's forms.
    """
    found: list[str] = []
    for form in forms:
        for cut in range(1, MAX_PREFIX + 1):
            inner = form[cut:]
            if len(inner) < MIN_INNER:
                break
            if indexed(inner):
                found.append(inner)
                break
    return tuple(dict.fromkeys(found))


#: Words of one family share a long beginning: wyłączyć, wyłączone; deactiveren,
#: deactiveert. Shared: all but the last few letters, and at least this many.
MIN_SHARED = 6
#: Letters of a word's ending that inflection and derivation may change.
MAX_ENDING = 3
#: Known words of a family searched for an unknown word.
MAX_FAMILY = 4


def _same_beginning(folded: str, fixed: str) -> bool:
    """Return whether ``fixed`` keeps all but the ending of ``folded``."""
    shared = max(MIN_SHARED, len(folded) - MAX_ENDING)
    return fixed[:shared] == folded[:shared]


def _family(
    folded: str, speller: Speller, forms: Callable[[str], tuple[str, ...]]
) -> tuple[str, ...]:
    """Return the forms of known words that share all but the ending of ``folded``.

    A light stemmer against the index's own words, for the forms the Snowball
    stemmer does not bring together (an unknown inflection, a typo in the
    ending). The longest shared beginning wins: its words are the closest kin.
    """
    shortest = max(MIN_SHARED, len(folded) - MAX_ENDING)
    for length in range(len(folded) - 1, shortest - 1, -1):
        kin = speller.starting_with(folded[:length], MAX_FAMILY)
        if kin:
            found = [form for word in kin for form in forms(word.lower()) if form]
            return tuple(dict.fromkeys(found))
    return ()


#: Endings that make a noun, verb or participle of one root, by language (folded,
#: longest first): Polish ``usunięcie`` (deletion), ``usunąć`` (delete) and
#: ``usunięty`` (deleted) share the root ``usun``, which the Snowball stemmer,
#: light on derivation, leaves apart (``usuni``, ``usun``, ``usuniet``).
ROOT_SUFFIXES = {
    "pl": tuple(
        sorted(
            (
                "owanie owania owaniu owany owana owane owac "
                "iecie iecia ieciu ienie ienia ieniu iety iete iony iona ione "
                "enie enia eniu ecie ecia eciu anie ania aniu acja acji acje "
                "ony ona one ety ete any ana ane ac ec ic yc uj"
            ).split(),
            key=len,
            reverse=True,
        )
    ),
}
#: A root must be this long to stand for one family of words.
MIN_ROOT = 4
#: Known words beginning with a root looked at for its family.
MAX_ROOT_CANDIDATES = 40


@lru_cache(maxsize=analysis.QUERY_CACHE)
def root(folded: str, lang: str) -> str:
    """Return ``folded`` without its derivational ending, or itself."""
    for suffix in ROOT_SUFFIXES.get(lang, ()):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_ROOT:
            return folded[: -len(suffix)]
    return folded


def _same_root(
    folded: str,
    speller: Speller,
    forms: Callable[[str], tuple[str, ...]],
    lang: str,
) -> tuple[str, ...]:
    """Return the forms of the commonest known words with the root of ``folded``.

    Only for a word with a derivational ending: ``usuniecie`` finds ``usunąć``
    and ``usunięty``, and ``dezaktywacja`` finds ``dezaktywować``.
    """
    base = root(folded, lang)
    if base == folded:
        return ()
    kin = [
        word
        for word in speller.starting_with(base, MAX_ROOT_CANDIDATES)
        if analysis.fold(word.lower()) != folded
        and root(analysis.fold(word.lower()), lang) == base
    ][:MAX_FAMILY]
    found = [form for word in kin for form in forms(word.lower()) if form]
    return tuple(dict.fromkeys(found))


#: Each part of a compound is a word of its own, at least this long.
MIN_PART = 4


def _compound(
    folded: str,
    forms: Callable[[str], tuple[str, ...]],
    indexed: Callable[[str], bool],
) -> tuple[str, ...]:
    """Return the forms of the two indexed words a compound is made of, or ().

    Dutch (like German) writes compounds as one word, often with a linking
    ``s``: ``gebruikersaccount`` is ``gebruikers`` + ``account``, and
    ``vergaderruimte`` is ``vergader`` + ``ruimte``. The longest known head wins.
    """
    for cut in range(len(folded) - MIN_PART, MIN_PART - 1, -1):
        head, tail = folded[:cut], folded[cut:]
        tail_forms = [f for f in forms(tail) if f and indexed(f)]
        if not tail_forms:
            continue
        heads = [head, head[:-1]] if head.endswith("s") else [head]
        for candidate in heads:
            head_forms = [f for f in forms(candidate) if f and indexed(f)]
            if head_forms and len(candidate) >= MIN_PART:
                return tuple(dict.fromkeys(head_forms + tail_forms))
    return ()


def _suggestion(
    parsed: ParsedQuery, corrections: dict[str, tuple[str, ...]]
) -> str | None:
    """Return the query with every unknown word corrected, or None.

    None too when a word is unknown and nothing is near it (``()``): half a
    corrected query is no better a query to click than the one typed.
    """
    if not corrections or not all(corrections.values()):
        return None

    def replace(match: re.Match[str]) -> str:
        fixed = corrections.get(match.group(0).lower())
        return fixed[0] if fixed else match.group(0)

    return _WORD.sub(replace, parsed.text)


def _highlighted(terms: Iterable[QueryTerm]) -> dict[str, set[str]]:
    """Return the index terms to mark in a snippet, by language.

    The text fields' terms, and the codes: a code is also a word of the text.
    """
    wanted: dict[str, set[str]] = {}
    for term in terms:
        lang = term.fieldname.rsplit("_", 1)[1]
        wanted.setdefault(lang, set()).add(term.text)
    return wanted
