"""Per-language text analysis: tokenize, lowercase, stop words, stem, fold accents.

Whoosh pickles analyzers into the index schema *by reference*: the filter classes
below are looked up by their import path when an index is opened, so they must stay
in this module under these names. Stemmers come from ``snowballstemmer`` (Whoosh has
no Polish one); the version used is recorded with every index build, because stems
change between releases.

A word with diacritics is indexed twice at the same position: its stem with
accents folded (``użytkowników`` → ``uzytkownik``) and the word itself with
accents folded (``uzytkownikow``). A user who types without diacritics gets no
useful stem from the Polish stemmer, but still matches the folded form.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from importlib.resources import files

import snowballstemmer
from whoosh.analysis import Analyzer, Filter, RegexTokenizer, StandardAnalyzer, Token
from whoosh.lang.stopwords import stoplists

from helpdesk.search import lemmas

#: Bump when the analysis changes in a way that changes the indexed terms.
ANALYZER_VERSION = 5
#: The snowballstemmer release the stems come from; an index records it.
SNOWBALL_VERSION: str = metadata.version("snowballstemmer")

#: Query words (and queries' word tuples) whose analysis is kept: the functions
#: of a query word below are pure, and readers' words recur.
QUERY_CACHE = 65_536

#: The snowballstemmer algorithm for each site language.
STEMMER_NAMES = {"en": "english", "nl": "dutch", "pl": "polish"}

#: Words: letters and digits, with inner apostrophes or hyphens kept together.
WORD_PATTERN = r"\w+(?:['’]\w+)*"
_WORD = re.compile(WORD_PATTERN)

# Letters that Unicode decomposition does not split into base + accent.
_FOLD_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "æ": "ae"}
)

_local = threading.local()


def fold(text: str) -> str:
    """Return ``text`` without diacritics (``odłączyć`` → ``odlaczyc``)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stemmer(lang: str) -> snowballstemmer.stemmer:
    # A snowballstemmer object keeps state while stemming: one per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(lang)
    if stemmer is None:
        stemmer = stemmers[lang] = snowballstemmer.stemmer(STEMMER_NAMES[lang])
    return stemmer


@lru_cache(maxsize=200_000)
def stem(lang: str, word: str) -> str:
    """Return the stem of a lowercase ``word`` in ``lang`` (cached)."""
    return str(_stemmer(lang).stemWord(word))


@lru_cache(maxsize=200_000)
def word_forms(lang: str, word: str) -> tuple[str, ...]:
    """Return the indexed forms of a lowercase word: folded stem, folded word, lemma.

    The folded word itself is kept besides the stem: it matches Polish typed
    without diacritics (which the stemmer leaves unstemmed), and it favours the
    exact word where a stemmer conflates two (Dutch ``beheerde``/``beheerder``).
    The folded lemma (:mod:`helpdesk.search.lemmas`) comes last, when it differs
    from both: it joins the inflections a stemmer leaves apart.
    """
    forms = _stem_forms(lang, word)
    lemma = lemma_form(lang, word)
    return forms if lemma is None or lemma in forms else (*forms, lemma)


def _stem_forms(lang: str, word: str) -> tuple[str, ...]:
    """Return a word's folded stem, then its folded self when that differs."""
    stemmed = fold(stem(lang, word))
    folded = fold(word)
    return (stemmed,) if stemmed == folded else (stemmed, folded)


@lru_cache(maxsize=200_000)
def lemma_form(lang: str, word: str) -> str | None:
    """Return the folded lemma of a lowercase ``word``, or None when it has none.

    Tried as typed, then without diacritics where the table knows that spelling.
    """
    found = lemmas.lemma(lang, word)
    return fold(found) if found is not None else None


#: Words of questions and contractions that Whoosh's lists lack: a reader asks
#: "waarom ..." or "why can't I ..." around the words that say what the page is
#: about. (Polish question words are in ``stopwords_pl.txt``.)
EXTRA_STOP_WORDS = {
    "en": (
        "can't cannot couldn't don't doesn't didn't won't isn't aren't wasn't "
        "i'm i've it's what's"
    ),
    "nl": "welk welke waarom waar wanneer hebt",
}


@lru_cache(maxsize=8)
def stop_words(lang: str) -> frozenset[str]:
    """Return the stop words of ``lang`` (Whoosh's for en/nl, ours for pl).

    Each also without diacritics (``się`` typed as ``sie``), and with a typewriter
    apostrophe for a typographic one, as readers type them.
    """
    if lang == "pl":
        text = files("helpdesk.search").joinpath("stopwords_pl.txt").read_text("utf-8")
        lines = (line.strip() for line in text.splitlines())
        listed = {w for w in lines if w and not w.startswith("#")}
    else:
        listed = set(stoplists[lang]) | set(EXTRA_STOP_WORDS.get(lang, "").split())
    variants = {fold(w) for w in listed} | {w.replace("'", "’") for w in listed}
    return frozenset(listed | variants)


class LanguageFilter(Filter):
    """Lowercase, drop stop words, then emit each word's forms at one position.

    One filter instead of a chain of four (lowercase, stop, stem, fold): indexing
    spends most of its time in the analyzer, and each stage of a chain is another
    generator per token. Positions are renumbered over removed stop words.
    """

    def __init__(self, lang: str):
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageFilter) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.lang))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        lang = self.lang
        stops = stop_words(lang)
        removed = 0
        for t in tokens:
            text = t.text.lower()
            if text in stops:
                if t.removestops:
                    removed += 1
                    continue
                t.text, t.stopped = text, True
                yield t
                continue
            t.stopped = False
            if removed and t.positions:
                t.pos -= removed
            for form in word_forms(lang, text):
                # Same position and characters: phrase queries and pinpoint
                # highlighting treat all forms as the one word they are.
                t.text = form
                yield t


class LanguageAnalyzer(Analyzer):
    """Tokenize and filter in one pass: :class:`LanguageFilter` over the words.

    The same tokens as ``RegexTokenizer(WORD_PATTERN) | LanguageFilter(lang)``,
    without a generator and a token hand-over per stage: indexing spends most of
    its time in analysis. Unusual calls (``tokenize=False``) go through the chain.
    """

    def __init__(self, lang: str):
        self.lang = lang

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.lang!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.lang))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield the tokens of ``value`` (one token object, updated in place)."""
        if not tokenize:
            chain = RegexTokenizer(WORD_PATTERN) | LanguageFilter(self.lang)
            yield from chain(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=False,
                mode=mode,
                **kwargs,
            )
            return
        lang = self.lang
        stops = stop_words(lang)
        forms_of = word_forms
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        pos = start_pos
        for match in _WORD.finditer(value):
            word = match.group(0)
            text = word.lower()
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if positions:
                t.pos = pos
            if text in stops:
                if removestops:
                    continue
                pos += 1
                t.text, t.stopped = text, True
                yield t
                continue
            pos += 1
            t.stopped = False
            for form in forms_of(lang, text):
                # Same position and characters: phrase queries and pinpoint
                # highlighting treat all forms as the one word they are.
                t.text = form
                yield t

    def word_positions(self, value: str) -> dict[str, list[tuple[int, int, int]]]:
        """Return each term of ``value`` with its (position, start, end) places.

        What the index formats gather from ``self(value, positions=True,
        chars=True)``, in the same order, built in one loop without tokens: the
        indexing fast path (see :mod:`helpdesk.search.index`).
        """
        lang = self.lang
        stops = stop_words(lang)
        forms_of = word_forms
        found: dict[str, list[tuple[int, int, int]]] = {}
        pos = 0
        for match in _WORD.finditer(value):
            text = match.group(0).lower()
            if text in stops:
                continue
            place = (pos, match.start(), match.end())
            pos += 1
            for form in forms_of(lang, text):
                places = found.get(form)
                if places is None:
                    found[form] = [place]
                else:
                    places.append(place)
        return found


#: Words of a question that say how it is asked, not what it is about: "what
#: happens", "do I need", "wat gebeurt er", "co się dzieje", "czy trzeba". Unlike
#: stop words they are indexed (a section may be about what is "needed"), but a
#: query leaves them out when it has other words, so they do not outweigh the
#: words that name the topic. Negations are not here: "cannot be unlinked" asks
#: for the section about what cannot be done.
QUESTION_WORDS = {
    "en": (
        "happen happens happened still someone somebody anyone "
        "anybody possible way ways now anymore any able get gets got want wants "
        "keep help please also yet again something thing things go going make "
        "tell know"
    ),
    "nl": (
        "gebeurt gebeuren gebeurd mogelijk iemand iets nog steeds wel toch "
        "graag even krijg krijgen manier lukt gaat gaan doen weten zien wil wilt "
        "willen meer"
    ),
    "pl": (
        "dzieje dzieją stanie można "
        "ktoś coś da się sposób jakoś wciąż nadal jeszcze już chcę chce zrobić "
        "mogę może mogą muszę musi"
    ),
}


@lru_cache(maxsize=8)
def question_words(lang: str) -> frozenset[str]:
    """Return the words that only say how a question is asked in ``lang``."""
    listed = set(QUESTION_WORDS.get(lang, "").split())
    return frozenset(listed | {fold(w) for w in listed})


#: Words readers use for what the articles say otherwise, one set a line, by
#: language: the glossary's terms and the articles' own wording beside the words
#: people type ("permission" for the articles' "privilege", "inloggen" for
#: "aanmelden", "przywileje" for "uprawnienia"). Single words only: a query word
#: in a set also searches the others (see :func:`synonyms`). ``a => b``: a reader's
#: ``a`` also searches ``b``, not the other way (the articles use both words, but
#: ``b`` for what ``a`` asks: "remove users" are deleted, "remove rooms" are not
#: what a reader deleting users wants).
SYNONYMS = {
    "en": (
        "permission permissions privilege privileges rights",
        "remove removing removed => delete",
        "login logon log sign signin",
        "admin administrator",
        "several multiple many",
        "need needed needs require required requires requirement requirements "
        "prerequisite prerequisites",
        "disable disabled deactivate",
        "permanent permanently irreversible undone undo",
        "reactivate reenable restore",
    ),
    "nl": (
        "rechten recht bevoegdheden bevoegdheid machtigingen machtiging "
        "privileges toestemming",
        "inloggen aanmelden login inlog",
        "beheerder admin administrator",
        "nodig vereist vereiste vereisten",
        "deactiveren uitschakelen blokkeren",
        "definitief permanent onomkeerbaar",
        "heractiveren reactiveren",
        "weghalen wissen => verwijderen",
        "terughalen herstellen terugzetten => heractiveren definitief",
    ),
    "pl": (
        "uprawnienia uprawnienie uprawnień przywileje przywilej przywilejów "
        "prawa uprawnieniach",
        "zalogować zalogowanie logować logowanie zalogowania zaloguj login",
        "administrator administratora admin admina",
        "potrzebne potrzebny potrzeba trzeba wymagane wymagany wymaga wymagania "
        "wymagań",
        "kilku kilka wielu wiele",
        "dezaktywować wyłączyć zablokować",
        "trwałe trwale nieodwracalne nieodwracalnie ostateczne",
        "skasować wykasować => usunąć",
        "przywrócić odzyskać => aktywować trwałe",
    ),
}


#: Negations, by language: with the words below they name one thing.
NEGATIONS = {
    "en": "not never no hasn't haven't didn't don't doesn't isn't wasn't weren't",
    "nl": "niet nooit geen",
    "pl": "nie nigdy",
}
#: What a negated word names, as the glossary says: a pending user "has not
#: activated their account" ("heeft het account nog niet geactiveerd", "nie
#: aktywował konta"). ``word => name``: a query with a negation and any form of
#: ``word`` also searches ``name``.
NEGATED = {
    "en": ("activate => pending",),
    "nl": ("activeren => behandeling",),
    "pl": ("aktywować => oczekujący",),
}


@lru_cache(maxsize=QUERY_CACHE)
def negated_names(lang: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """Return the words that a negation among ``words`` names (:data:`NEGATED`).

    ``words`` are all the query's words, stop words included (negations are
    stop words in English and Dutch).
    """
    negations = set(NEGATIONS.get(lang, "").split())
    if not negations & set(words):
        return ()
    asked = {form for word in words for form in word_forms(lang, word)}
    found: list[str] = []
    for rule in NEGATED.get(lang, ()):
        word, _, names = rule.partition("=>")
        if asked & set(word_forms(lang, word.strip())):
            found += names.split()
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=8)
def _synonym_sets(lang: str) -> dict[str, tuple[str, ...]]:
    """Return each synonym's indexed forms mapped to the words of its set."""
    found: dict[str, list[str]] = {}
    for line in SYNONYMS.get(lang, ()):
        asked, _, meant = line.partition("=>")
        members = tuple(asked.split())
        for member in members:
            for form in word_forms(lang, member):
                found.setdefault(form, []).extend((*members, *meant.split()))
    return {form: tuple(dict.fromkeys(words)) for form, words in found.items()}


@lru_cache(maxsize=QUERY_CACHE)
def synonyms(lang: str, word: str) -> tuple[str, ...]:
    """Return the words that mean what a lowercase query ``word`` means in ``lang``.

    Matched on the word's forms, so any inflection of a listed word has the same
    synonyms (``permissions`` and ``permission``); the word itself is left out.
    """
    sets = _synonym_sets(lang)
    found: list[str] = []
    for form in word_forms(lang, word):
        found += sets.get(form, ())
    own = set(word_forms(lang, word))
    return tuple(
        w
        for w in dict.fromkeys(found)
        if w != word and not own & set(word_forms(lang, w))
    )


def analyzer(lang: str) -> Analyzer:
    """Return the index analyzer for one site language."""
    return LanguageAnalyzer(lang)


def baseline_analyzer() -> Analyzer:
    """Return Whoosh's StandardAnalyzer (the benchmark baseline)."""
    return StandardAnalyzer()


def words(text: str) -> list[str]:
    """Split ``text`` into lowercase words as the analyzer's tokenizer does."""
    return [m.group(0).lower() for m in _WORD.finditer(text)]


@lru_cache(maxsize=QUERY_CACHE)
def query_forms(lang: str, word: str) -> tuple[str, ...]:
    """Return the index terms a lowercase query word may match in ``lang``.

    Besides the indexed forms, the stem of the folded word is tried: a Polish
    word typed without diacritics sometimes still stems like the real word. The
    lemma is left out: the query searches it at its own weight (see
    :func:`lemma_form` and :data:`helpdesk.search.query.LEMMA_BOOST`).
    """
    forms = list(_stem_forms(lang, word))
    extra = fold(stem(lang, fold(word)))
    if extra not in forms:
        forms.append(extra)
    return tuple(forms)
