"""Run searches against the current index build; return plain dataclasses.

An :class:`SearchEngine` follows an index root's ``current`` link. Each thread keeps
its own Whoosh searcher (searchers are not shared between threads) and reuses it
until the link points at another build. Queries are scored from per-build arrays
of term scores (:mod:`helpdesk.search.ranking`), shared by the threads and dropped
with the build; Whoosh reads the index, stored fields and snippet positions.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import escape
from whoosh import highlight, scoring
from whoosh import index as whoosh_index
from whoosh.analysis import Token
from whoosh.searching import Searcher

from helpdesk.search import analysis
from helpdesk.search.index import VOCABULARY, current_build
from helpdesk.search.query import (
    BM25_B,
    BM25_K1,
    COORDINATION,
    Forms,
    ParsedQuery,
    TermUnion,
    build_multilingual_query,
    build_query,
    content_words,
    parse_query,
)
from helpdesk.search.ranking import QueryTerm, TermScores, top
from helpdesk.search.speller import Speller

#: Length of a snippet (characters of text around the matches).
SNIPPET_CHARS = 240
#: Characters of context kept on each side of a match.
SNIPPET_SURROUND = 90
#: Snippet fragments joined for one hit (one: two often overlap in short sections).
SNIPPET_FRAGMENTS = 1
_WORD = re.compile(analysis.WORD_PATTERN)

#: Most results asked for at once.
MAX_LIMIT = 50


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


class MarkFormatter(highlight.Formatter):
    """Wrap matches in ``<mark>``; escape everything, matches included."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        """Return one match, escaped and marked."""
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


def default_url(lang: str, slug: str, section: str) -> str:
    """Return the deep link to a section (used outside a Flask request)."""
    return f"/{lang}/articles/{slug}#{section}"


@dataclass
class _Opened:
    build: Path
    searcher: Searcher
    spellers: dict[str, Speller]
    scores: TermScores


@dataclass(frozen=True)
class _Found:
    """A ranked document: its number, score and stored fields."""

    docnum: int
    score: float
    stored: dict[str, Any]


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
        self._shared: dict[Path, tuple[dict[str, Speller], TermScores]] = {}
        self._lock = threading.Lock()
        self._fragmenter = highlight.PinpointFragmenter(
            maxchars=SNIPPET_CHARS, surround=SNIPPET_SURROUND, autotrim=True
        )
        self._scorer = highlight.BasicFragmentScorer()
        self._formatter = MarkFormatter()

    # -- index access ---------------------------------------------------------

    def refresh(self) -> None:
        """Follow ``current`` now: reopen this thread's searcher if it moved."""
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
            searcher = whoosh_index.open_dir(str(build)).searcher(
                weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1)
            )
        except (OSError, whoosh_index.EmptyIndexError):
            return opened
        if opened is not None:
            opened.searcher.close()
        spellers, scores = self._per_build(build)
        self._local.opened = _Opened(build, searcher, spellers, scores)
        return self._local.opened

    def _per_build(self, build: Path) -> tuple[dict[str, Speller], TermScores]:
        """Return the spellers and term scores of a build, shared by threads.

        Only the newest build's are kept here; a thread still on an older build
        keeps its own reference until it moves on.
        """
        with self._lock:
            shared = self._shared.get(build)
            if shared is None:
                try:
                    words = json.loads((build / VOCABULARY).read_text("utf-8"))
                except (OSError, ValueError):
                    words = {}
                spellers = {lang: Speller(words.get(lang, {})) for lang in words}
                shared = (spellers, TermScores(b=BM25_B, k1=BM25_K1))
                self._shared = {build: shared}
            return shared

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
    ) -> SearchResult:
        """Search sections in ``lang``; other languages only when none match.

        ``check`` follows the ``current`` link first (a cheap ``readlink``);
        callers serving requests pass False after the first search of a request.
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
        corrections, related, variants, parts = self._corrections(opened, parsed, lang)
        suggestion = _suggestion(parsed, corrections)
        q = build_query(
            parsed, lang, self.forms, self.stops, corrections, related, variants, parts
        )
        result = self._run(opened, q, parsed, lang, limit, page, suggestion, url_for)
        if result.total == 0 and page == 1:
            others = [other for other in self.languages if other != lang]
            q = build_multilingual_query(parsed, others, self.forms, self.stops)
            fallback = self._run(
                opened, q, parsed, lang, limit, page, suggestion, url_for
            )
            if fallback.total:
                return fallback
        return result

    def _run(
        self,
        opened: _Opened,
        q: TermUnion | None,
        parsed: ParsedQuery,
        lang: str,
        limit: int,
        page: int,
        suggestion: str | None,
        url_for: Callable[[str, str, str], str],
    ) -> SearchResult:
        if q is None:
            return SearchResult(parsed.text, lang, 0, suggestion, [], page, 0)
        searcher = opened.searcher
        terms = [
            QueryTerm(t.fieldname, t.text, t.boost, getattr(t, "word", -1))
            for t in q.subqueries
        ]
        scores = opened.scores.scores(searcher, terms, self.coordination)
        total = len(scores)
        pages = math.ceil(total / limit)
        start = (page - 1) * limit
        page_hits = [
            _Found(docnum, score, searcher.stored_fields(docnum))
            for docnum, score in top(scores, page * limit)[start:]
        ]
        snippets = self._snippets(searcher, q, page_hits)
        hits = [
            self._hit(hit, snippet, url_for)
            for hit, snippet in zip(page_hits, snippets, strict=True)
        ]
        return SearchResult(parsed.text, lang, total, suggestion, hits, page, pages)

    def _snippets(
        self, searcher: Searcher, q: TermUnion, hits: list[_Found]
    ) -> list[str]:
        """Return a highlighted snippet per hit, from characters stored at index time.

        Whoosh's pinpoint highlighting needs the matched terms of every result
        (``terms=True``), which costs more than the search itself; here only the
        shown hits are looked up, in the postings of the query's own terms. The
        fragments are then cut, ranked and formatted by Whoosh's highlighter parts.
        """
        wanted: dict[str, set[str]] = {}
        for fieldname, text in q.iter_all_terms():
            if fieldname.startswith(("codes_", "lead_codes_")):
                # A code is also a word of the text: highlight it there.
                lang = fieldname.rsplit("_", 1)[1]
                wanted.setdefault(f"body_{lang}", set()).add(text)
                wanted.setdefault(f"lead_{lang}", set()).add(text)
            else:
                wanted.setdefault(fieldname, set()).add(text)
        tokens: dict[tuple[str, int], list[Token]] = {}
        for hit in hits:
            lang = hit.stored["lang"]
            for prefix in ("body", "lead"):
                tokens[(f"{prefix}_{lang}", hit.docnum)] = []
        docnums = sorted({hit.docnum for hit in hits})
        for fieldname, texts in wanted.items():
            if not fieldname.startswith(("body_", "lead_")):
                continue
            for text in texts:
                _collect_chars(searcher, fieldname, text, docnums, tokens)
        snippets = []
        for hit in hits:
            stored = hit.stored
            lang, snippet = stored["lang"], ""
            for prefix in ("body", "lead"):
                fieldname = f"{prefix}_{lang}"
                found = tokens.get((fieldname, hit.docnum))
                if found:
                    snippet = self._format(stored.get(fieldname, ""), found)
                    break
            snippets.append(snippet or _plain_snippet(stored.get(f"body_{lang}", "")))
        return snippets

    def _format(self, text: str, found: list[Token]) -> str:
        found.sort(key=lambda t: (t.startchar, -t.endchar))
        tokens: list[Token] = []
        for token in found:  # one token per place (a stem and its folded form)
            if not tokens or token.startchar >= tokens[-1].endchar:
                tokens.append(token)
        fragments = self._fragmenter.fragment_matches(text, tokens)
        best = highlight.top_fragments(
            fragments, SNIPPET_FRAGMENTS, self._scorer, highlight.FIRST
        )
        return str(self._formatter.format(best))

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
        self, opened: _Opened, parsed: ParsedQuery, lang: str
    ) -> tuple[Rewrites, Rewrites, Rewrites, Rewrites]:
        """Return what to search besides (or instead of) each word of the query.

        First: spelling corrections, shown as "did you mean". Second, searched
        silently since the reader's word was not wrong: the known word inside a
        derived one (``heractiveren`` → ``activeren``), known words of the same
        family (``wyłączyć`` → ``wyłączone``), the parts of a compound
        (``gebruikersaccount`` → ``gebruikers account``, returned fourth: the two
        parts share the weight of one word). Third, searched as the word itself:
        the forms of a known word's usual spelling, for a word typed without its
        diacritics (``uzytkownikow`` stems as ``użytkowników``).
        """
        if not self.spelling:
            return {}, {}, {}, {}
        speller = opened.spellers.get(lang)
        if speller is None:
            return {}, {}, {}, {}
        reader = opened.searcher.reader()
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
            fixed = speller.correct(folded)
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
            if fixed is not None:
                corrections[word] = (fixed,)
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
    """Return the query with corrected words, or None when nothing was corrected."""
    if not corrections:
        return None

    def replace(match: re.Match[str]) -> str:
        fixed = corrections.get(match.group(0).lower())
        return fixed[0] if fixed else match.group(0)

    return _WORD.sub(replace, parsed.text)


def _collect_chars(
    searcher: Searcher,
    fieldname: str,
    text: str,
    docnums: list[int],
    tokens: dict[tuple[str, int], list[Token]],
) -> None:
    """Add the places where ``text`` occurs in each of ``docnums`` to ``tokens``."""
    if (fieldname, text) not in searcher.reader():
        return
    postings = searcher.postings(fieldname, text)
    for docnum in docnums:
        if not postings.is_active():
            return
        if postings.id() < docnum:
            postings.skip_to(docnum)
            if not postings.is_active():
                return
        if postings.id() != docnum or (fieldname, docnum) not in tokens:
            continue
        for pos, startchar, endchar in postings.value_as("characters"):
            tokens[(fieldname, docnum)].append(
                Token(
                    text=text,
                    pos=pos,
                    startchar=startchar,
                    endchar=endchar,
                    matched=True,
                )
            )


def _plain_snippet(text: str) -> str:
    """Return the start of ``text`` as an escaped snippet (no match to show)."""
    if len(text) <= SNIPPET_CHARS:
        return str(escape(text))
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return f"{escape(cut)} …"
