"""Search as you type: complete what a reader is typing to a section, article or code.

A :class:`Suggester` holds, per language, one sorted array of *keys* (the folded
words and folded stems of section headings, article titles, section ids, the
portal labels a section names in bold, and error codes), each with its postings:
the entries it leads to and a weight. A prefix is a range of that array, found by
bisection, so answering costs a few bisections and a walk over the postings of the
rarest word typed; the other words are checked against each candidate's own keys.

The words are analysed as search analyses them (:mod:`helpdesk.search.analysis`:
folding, stems, stop words) and error codes are read in the same spellings
(``1,009``, ``1.009``, ``#1009``), unfinished ones too (``1,00``: the digits typed
so far, whatever separates them). The last word typed is a prefix; a word that
matches nothing is retried with one letter changed, but a number never is: ``1008``
is not a typo of ``1009``. Pure: no Flask, no I/O; built from plain
:class:`Source` records.
"""

from __future__ import annotations

import heapq
import html
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import itemgetter

from helpdesk.content.library import ContentLibrary
from helpdesk.search import analysis

#: Suggestions returned when the caller does not say.
DEFAULT_LIMIT = 8
#: Most suggestions returned at once.
MAX_LIMIT = 20
#: Longest text accepted (what is typed into a search box, not a document).
MAX_QUERY_CHARS = 200
#: Most words of a query that are looked at.
MAX_WORDS = 8

#: The kinds of suggestion, in the order they are shown for equal scores.
KINDS = ("error-code", "section", "article")
_KIND_BONUS = {"error-code": 0.03, "section": 0.02, "article": 0.0}

#: Key weights by where the word is: a heading says what a section is about; the
#: article's title and the section's id say it less; a bold portal label ("User
#: Management") is what readers copy from the screen; a code leads to its page.
HEADING = 3.0
TITLE = 3.0
#: Added for the first content word of a heading.
HEADING_LEAD = 0.3
SECTION_ID = 1.2
LABEL = 1.0
ARTICLE_OF_SECTION = 0.6
CODE = 5.0
CODE_OF_SECTION = 1.0
#: A word found only after changing one letter counts for less.
FUZZY = 0.6
#: Bonus divided by the number of a heading's words: of two headings matching
#: alike, the shorter one (closer to what was typed) first.
COVERAGE = 0.5
#: Postings of a prefix above which its best entries are kept ready.
BIG = 200
#: Most entries a multi-word query checks the other words against.
MAX_CANDIDATES = 1000
#: Shortest word retried with one letter changed (shorter ones change meaning).
MIN_FUZZY_CHARS = 4
#: Shortest number completed to an error code ("1" is not yet a code).
MIN_CODE_PREFIX = 2

_NUMBER = re.compile(r"#?\d[\d.,]*")
_STRONG = re.compile(r"<strong>(.*?)</strong>", re.S)
_TAG = re.compile(r"<[^>]+>")
_END = "\U0010ffff"


@dataclass(frozen=True)
class Source:
    """One section as the suggester needs it (plain data, from any corpus)."""

    slug: str
    section: str
    lang: str
    title: str
    heading: str
    labels: tuple[str, ...] = ()
    codes: tuple[int, ...] = ()
    first: bool = False


@dataclass(frozen=True)
class Suggestion:
    """One completion: a section, an article (``section`` None) or an error code."""

    kind: str
    slug: str
    section: str | None
    lang: str
    title: str
    article: str
    code: int | None = None


@dataclass
class _Entry:
    suggestion: Suggestion
    keys: dict[str, float] = field(default_factory=dict)
    heading_size: int = 1
    order: int = 0

    def add(self, key: str, weight: float) -> None:
        if weight > self.keys.get(key, 0.0):
            self.keys[key] = weight


@dataclass(frozen=True)
class _Pattern:
    """A key text to match: a whole key or any key it begins; with a multiplier."""

    text: str
    prefix: bool
    weight: float = 1.0


@dataclass(frozen=True)
class _Word:
    """One word of the query: the patterns any of which it matches.

    Its patterns share one multiplier (typed, or corrected).
    """

    patterns: tuple[_Pattern, ...]
    optional: bool = False

    @property
    def factor(self) -> float:
        """Return the multiplier of the word's patterns."""
        return self.patterns[0].weight if self.patterns else 0.0

    @cached_property
    def needles(self) -> tuple[str, ...]:
        """Return the patterns as substrings of an entry's joined keys."""
        return tuple(
            "\0" + p.text if p.prefix else "\0" + p.text + "\0" for p in self.patterns
        )


def _static(entry: _Entry) -> float:
    """Return what ranks entries that match equally well: a small bonus.

    The shorter heading first (it is closer to what was typed), then a code's
    page, a section, an article; then the corpus order. Far below any weight.
    """
    kind = _KIND_BONUS[entry.suggestion.kind]
    return COVERAGE / max(1, entry.heading_size) + kind - entry.order * 1e-9


class _Language:
    """The keys of one language, sorted, with their postings.

    Each key's postings are sorted best first, and every prefix whose keys have
    more than :data:`BIG` postings keeps its best :data:`MAX_LIMIT` entries: a
    one-word query (most of what is typed) never walks a long range.
    """

    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.static = [_static(e) for e in entries]
        # Each entry's keys by weight, heaviest first, each level one string
        # "\0key\0key\0": matching a word is a few substring tests in C.
        self.entry_keys: list[list[tuple[float, str]]] = []
        postings: dict[str, list[tuple[int, float]]] = {}
        for number, entry in enumerate(entries):
            levels: dict[float, list[str]] = {}
            for key, weight in entry.keys.items():
                levels.setdefault(weight, []).append(key)
            self.entry_keys.append(
                [(w, "\0" + "\0".join(levels[w]) + "\0") for w in sorted(levels)[::-1]]
            )
            for key, weight in entry.keys.items():
                postings.setdefault(key, []).append((number, weight))
        self.keys = sorted(postings)
        static = self.static
        self.postings = [
            tuple(sorted(postings[k], key=lambda p: -(p[1] + static[p[0]])))
            for k in self.keys
        ]
        # Postings before each key: the size of a range in two look-ups.
        self.before = [0]
        for item in self.postings:
            self.before.append(self.before[-1] + len(item))
        self.alphabet = "".join(sorted({c for k in self.keys for c in k}))
        self.tops = self._tops()

    def _tops(self) -> dict[str, tuple[tuple[int, float], ...]]:
        tops = {}
        longest = max((len(k) for k in self.keys), default=0)
        for length in range(1, longest + 1):
            low = 0
            while low < len(self.keys):
                prefix = self.keys[low][:length]
                high = bisect_left(self.keys, prefix + _END, low)
                if self.before[high] - self.before[low] > BIG and len(prefix) == length:
                    best: dict[int, float] = {}
                    for i in range(low, high):
                        for number, weight in self.postings[i][:MAX_LIMIT]:
                            if weight > best.get(number, 0.0):
                                best[number] = weight
                    chosen = heapq.nlargest(
                        MAX_LIMIT, best.items(), key=lambda p: p[1] + self.static[p[0]]
                    )
                    tops[prefix] = tuple(chosen)
                low = high
        return tops

    def span(self, pattern: _Pattern) -> tuple[int, int]:
        """Return the range of keys ``pattern`` matches."""
        low = bisect_left(self.keys, pattern.text)
        if pattern.prefix:
            return low, bisect_left(self.keys, pattern.text + _END, low)
        found = low < len(self.keys) and self.keys[low] == pattern.text
        return low, low + 1 if found else low

    def cost(self, word: _Word) -> int:
        """Return how many postings expanding ``word`` walks."""
        total = 0
        for pattern in word.patterns:
            low, high = self.span(pattern)
            total += self.before[high] - self.before[low]
        return total

    def expand(self, word: _Word, best_only: bool = False) -> dict[int, float]:
        """Return the entries ``word`` matches with their best weights.

        With ``best_only``, only the best :data:`MAX_LIMIT` of each pattern (all
        that a one-word query can show).
        """
        lists: list[tuple[tuple[int, float], ...]] = []
        for pattern in word.patterns:
            low, high = self.span(pattern)
            if best_only and pattern.prefix and pattern.text in self.tops:
                lists.append(self.tops[pattern.text])
            elif best_only:
                lists += (self.postings[i][:MAX_LIMIT] for i in range(low, high))
            else:
                lists += self.postings[low:high]
        if len(lists) == 1:
            found = dict(lists[0])
        else:
            # Lightest first: the heaviest weight of an entry is written last.
            found = dict(sorted(chain.from_iterable(lists), key=itemgetter(1)))
        factor = word.factor
        if factor != 1.0:
            found = {number: weight * factor for number, weight in found.items()}
        return found

    def weigh(self, number: int, word: _Word) -> float:
        """Return the best weight of one entry for ``word`` (0 when it misses)."""
        # All patterns of a word share one multiplier: the first (heaviest) level
        # of the entry's keys that any pattern matches gives the best weight.
        needles = word.needles
        for weight, joined in self.entry_keys[number]:
            for needle in needles:
                if needle in joined:
                    return weight * word.factor
        return 0.0

    def fuzzy(self, text: str) -> tuple[_Pattern, ...]:
        """Return the prefixes one edit away from ``text`` that begin some key.

        An edit can only be where ``text`` stops being the start of a key, or
        before: positions after that are not tried.
        """
        keys = self.keys
        count = len(keys)

        def begins(prefix: str) -> bool:
            i = bisect_left(keys, prefix)
            return i < count and keys[i].startswith(prefix)

        reach = 0
        while reach < len(text) and begins(text[: reach + 1]):
            reach += 1
        variants = set()
        for i in range(min(reach + 1, len(text))):
            head, rest = text[:i], text[i + 1 :]
            variants.add(head + rest)
            if rest:
                variants.add(head + rest[0] + text[i] + rest[1:])
            for c in self.alphabet:
                if begins(head + c):
                    variants.add(head + c + rest)
                    if i:
                        variants.add(head + c + text[i:])
        variants.discard(text)
        return tuple(
            _Pattern(v, True, FUZZY)
            for v in sorted(variants)
            if len(v) >= MIN_FUZZY_CHARS - 1 and begins(v)
        )


# --- building ------------------------------------------------------------------------


def _forms(lang: str, text: str) -> Iterator[tuple[str, int]]:
    """Yield the keys of ``text`` (each word's folded stem and folded form).

    With each, the number of its word among the words that are not stop words.
    """
    stops = analysis.stop_words(lang)
    words = (w for w in analysis.words(text) if w not in stops)
    for position, word in enumerate(words):
        if word.isdigit():
            yield word, position
            continue
        for form in analysis.word_forms(lang, word):
            yield form, position


def _add_text(entry: _Entry, lang: str, text: str, weight: float) -> None:
    for key, _position in _forms(lang, text):
        entry.add(key, weight)


def labels(section_html: str) -> tuple[str, ...]:
    """Return the bold portal labels a section names (``<strong>`` texts)."""
    found = (_TAG.sub("", m.group(1)) for m in _STRONG.finditer(section_html))
    return tuple(dict.fromkeys(html.unescape(t).strip() for t in found if t.strip()))


def library_sources(library: ContentLibrary) -> Iterator[Source]:
    """Yield a :class:`Source` per section of every translation in ``library``."""
    for article in library.all_articles():
        for position, section in enumerate(article.sections):
            yield Source(
                slug=article.slug,
                section=section.id,
                lang=article.lang,
                title=article.title,
                heading=section.title,
                labels=labels(section.html),
                codes=article.error_codes,
                first=position == 0,
            )


def _section_entry(source: Source) -> _Entry:
    suggestion = Suggestion(
        "section",
        source.slug,
        source.section,
        source.lang,
        source.heading,
        source.title,
    )
    entry = _Entry(suggestion)
    lang = source.lang
    _add_text(entry, lang, source.title, ARTICLE_OF_SECTION)
    for label in source.labels:
        _add_text(entry, lang, label, LABEL)
    _add_text(entry, lang, source.section.replace("-", " "), SECTION_ID)
    for code in source.codes:
        entry.add(str(code), CODE_OF_SECTION * (2 if source.first else 1))
    _add_text(entry, lang, source.heading, HEADING)
    # What a heading starts with is what it is about ("Dezaktywacja wielu…").
    for key, position in _forms(lang, source.heading):
        if position == 0:
            entry.add(key, HEADING + HEADING_LEAD)
    entry.heading_size = len(analysis.words(source.heading))
    return entry


def _article_entry(source: Source) -> _Entry:
    suggestion = Suggestion(
        "article", source.slug, None, source.lang, source.title, source.title
    )
    entry = _Entry(suggestion)
    _add_text(entry, source.lang, source.title, TITLE)
    entry.heading_size = len(analysis.words(source.title))
    return entry


def _code_entry(source: Source, code: int) -> _Entry:
    suggestion = Suggestion(
        "error-code", source.slug, None, source.lang, source.title, source.title, code
    )
    entry = _Entry(suggestion)
    # "error 10", "foutcode 100", "kod błędu 10": the title's words lead here too.
    _add_text(entry, source.lang, source.title, TITLE)
    entry.add(str(code), CODE)
    return entry


class Suggester:
    """Completions for every language of a corpus; immutable once built."""

    def __init__(self, languages: dict[str, _Language]):
        self._languages = languages

    @classmethod
    def build(cls, sources: Iterable[Source]) -> Suggester:
        """Build from sections; articles and codes are taken from their sections.

        An error code is offered in one language once, with the first article
        that diagnoses it (``error-<code>`` first, as the error pages choose).
        """
        entries: dict[str, list[_Entry]] = {}
        articles: set[tuple[str, str]] = set()
        codes: dict[tuple[str, int], Source] = {}
        for source in sources:
            found = entries.setdefault(source.lang, [])
            found.append(_section_entry(source))
            if (source.lang, source.slug) not in articles:
                articles.add((source.lang, source.slug))
                found.append(_article_entry(source))
            for code in source.codes:
                known = codes.get((source.lang, code))
                if known is None or (
                    source.slug == f"error-{code}" and known.slug != source.slug
                ):
                    codes[(source.lang, code)] = source
        for (lang, code), source in sorted(codes.items()):
            entries[lang].append(_code_entry(source, code))
        languages = {}
        for lang, found in entries.items():
            for order, entry in enumerate(found):
                entry.order = order
            languages[lang] = _Language(found)
        return cls(languages)

    @classmethod
    def from_library(cls, library: ContentLibrary) -> Suggester:
        """Build from every section of every article in ``library``."""
        return cls.build(library_sources(library))

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages there are suggestions in."""
        return tuple(self._languages)

    def suggest(
        self, text: str, lang: str, limit: int = DEFAULT_LIMIT
    ) -> list[Suggestion]:
        """Return up to ``limit`` completions of ``text`` in ``lang``, best first.

        Every word typed must match (the last one as a prefix); a stop word at the
        end may still be the start of another word, so it is optional. Never
        raises on odd input; an unknown language has no suggestions.
        """
        index = self._languages.get(lang)
        limit = max(1, min(int(limit), MAX_LIMIT))
        if index is None:
            return []
        words = _parse(text, lang, index)
        required = [w for w in words if not w.optional] or words
        if not required:
            return []
        ranked = sorted(required, key=index.cost)
        scores = index.expand(ranked[0], best_only=len(ranked) == 1)
        if len(scores) > MAX_CANDIDATES:
            # Every word is common: keep the entries the rarest fits best.
            ordered = sorted(scores.items(), key=itemgetter(1), reverse=True)
            scores = dict(ordered[:MAX_CANDIDATES])
        for word in ranked[1:]:
            if index.cost(word) <= 4 * len(scores):
                other = index.expand(word)
                scores = {n: s + other[n] for n, s in scores.items() if n in other}
            else:
                weighed = ((n, s, index.weigh(n, word)) for n, s in scores.items())
                scores = {n: s + w for n, s, w in weighed if w}
            if not scores:
                return []
        for word in words:
            if word.optional and word not in required:
                for number in scores:
                    scores[number] += index.weigh(number, word)
        static = index.static
        best = heapq.nlargest(limit, scores, key=lambda n: scores[n] + static[n])
        return [index.entries[n].suggestion for n in best]


def _parse(text: str, lang: str, index: _Language) -> list[_Word]:
    """Split typed text into words to match; the last chunk's words are prefixes."""
    text = text[:MAX_QUERY_CHARS].lower()
    chunks = text.split()
    if not chunks:
        return []
    typing = not text[-1].isspace()
    stops = analysis.stop_words(lang)
    words: list[_Word] = []
    for n, chunk in enumerate(chunks):
        last = typing and n == len(chunks) - 1
        number = _NUMBER.fullmatch(chunk.rstrip("?!:;"))
        if number:
            digits = re.sub(r"\D", "", number.group(0))
            if last and len(digits) < MIN_CODE_PREFIX:
                continue
            # Numbers are completed (the start of a code) but never corrected.
            words.append(_Word((_Pattern(digits, last),)))
            continue
        for word in analysis.words(chunk):
            stop = word in stops
            if stop and not last:
                continue
            words.append(_word(word, lang, index, prefix=last, optional=stop))
    return words[:MAX_WORDS]


def _word(
    word: str, lang: str, index: _Language, prefix: bool, optional: bool
) -> _Word:
    folded = analysis.fold(word)
    exact = tuple(_Pattern(form, False) for form in analysis.query_forms(lang, word))
    patterns = (_Pattern(folded, True), *exact) if prefix else exact
    found = _Word(patterns, optional)
    if index.cost(found) or optional:
        return found
    # Typed as a whole word but matching none: perhaps it is still being typed
    # (``odla``, the start of ``odłączanie``), else perhaps it has a typo.
    found = _Word((_Pattern(folded, True),))
    if index.cost(found) or any(c.isdigit() for c in word):
        return found
    if len(folded) >= MIN_FUZZY_CHARS:
        return _Word(index.fuzzy(folded))
    return found


_built: tuple[ContentLibrary, Suggester] | None = None
_building = threading.Lock()


def for_library(library: ContentLibrary) -> Suggester:
    """Return the suggester of ``library``, built on first use and then kept.

    One per process: a changed content folder is a new library object (see
    :meth:`ContentLibrary.load_cached`), which replaces the kept one.
    """
    global _built
    built = _built
    if built is not None and built[0] is library:
        return built[1]
    with _building:
        if _built is None or _built[0] is not library:
            _built = (library, Suggester.from_library(library))
        return _built[1]


def suggest(
    library: ContentLibrary, text: str, lang: str, limit: int = DEFAULT_LIMIT
) -> list[Suggestion]:
    """Return completions of ``text`` in ``lang`` from ``library``'s articles."""
    return for_library(library).suggest(text, lang, limit)
