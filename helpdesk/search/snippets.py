"""Cut a highlighted snippet from a section's stored text.

Only the shown hits get a snippet, so their text is analysed again here (a few
hundred words) instead of storing every word's place in the index. The window
with the most different matched words wins (the first on ties); it starts at a
sentence when one starts shortly before the first match, else at a word, and
ends at a sentence or a word: never inside a word. An ellipsis marks each end
where text was left out. Stop words are never marked: they are not what a
reader looked for, even when they are indexed.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from markupsafe import escape

from helpdesk.search import analysis

#: Length of a snippet (characters of text around the matches), at most.
SNIPPET_CHARS = 240
#: Characters of context kept before the first match.
SNIPPET_SURROUND = 90
#: A sentence end this close to the window's end is where the snippet ends.
SENTENCE_SLACK = 80
ELLIPSIS = "…"
#: Section texts whose words' forms are kept (:func:`_word_index`).
TEXT_CACHE = 512

_WORD = re.compile(analysis.WORD_PATTERN)
_FINDALL = _WORD.findall
#: Where a sentence starts: after an end mark and a space, or a new line.
_SENTENCE_START = re.compile(r"(?:(?<=[.!?…:;])\s+|\n\s*)(?=\S)")

Forms = Callable[[str, str], tuple[str, ...]]

#: Words searched, since they change what is asked ("nie można usunąć"), but
#: never marked: like the stop words, they are not what a reader looked for.
UNMARKED = {
    "en": frozenset("no not can cannot may might must should".split()),
    "nl": frozenset("niet geen kan kunt kunnen mag mogen moet moeten".split()),
    "pl": frozenset("nie można mozna może moze mogę moge trzeba należy nalezy".split()),
}


def never_marked(lang: str, stops: frozenset[str]) -> frozenset[str]:
    """Return the words of ``lang`` never marked: its stop words and ``UNMARKED``."""
    return stops | UNMARKED.get(lang, frozenset())


def matches(
    text: str,
    lang: str,
    wanted: Collection[str],
    stops: Collection[str],
    forms: Forms = analysis.word_forms,
) -> list[tuple[int, int, str]]:
    """Return (start, end, word) of each word of ``text`` whose form is wanted.

    Each distinct word is analysed once, and only when it could match: a
    word's forms begin with its own first letter (Dutch ``ge-`` aside, which the
    stemmer takes off), so a word whose first letter no wanted term has is
    passed over without stemming it. With the index's own forms, a text seen
    before has its words analysed once for every query (:func:`_word_index`),
    and only those with a wanted form are looked at. Then only the marked
    words' places are looked up.
    """
    firsts = {term[:1] for term in wanted}
    fold = analysis.fold
    marked = set()
    index = _word_index(text, lang) if forms is analysis.word_forms else None
    if index is not None:
        # Only the words having a wanted form can be marked: looked up by form.
        candidates = {word for term in wanted for word in index.by_form.get(term, ())}
    else:
        candidates = set(map(str.lower, _FINDALL(text)))
    for word in candidates:
        if word in stops:
            continue
        first = word[:1]
        if (
            first not in firsts
            and (first.isascii() or fold(first) not in firsts)
            and not (word.startswith("ge") and fold(word[2:3]) in firsts)
        ):
            continue
        for form in forms(lang, word):
            if form in wanted:
                marked.add(word)
                break
    if not marked:
        return []
    if index is not None:
        return sorted(
            (start, end, word) for word in marked for start, end in index.places[word]
        )
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter that lowercases to two: word by word
        found = []
        for match in _WORD.finditer(text):
            word = match.group(0).lower()
            if word in marked:
                found.append((match.start(), match.end(), word))
        return found
    # The marked words' places, found with str.find, not word by word.
    places = [(at, at + len(w), w) for w in marked for at in _places(lowered, w)]
    places.sort()
    return places


@dataclass(frozen=True)
class _TextWords:
    """A text's words: by indexed form, and where each stands (its matches)."""

    #: Each indexed form of the text's words: the lowercase words with it.
    by_form: dict[str, tuple[str, ...]]
    #: Each lowercase word: (start, end) of its every match of ``WORD_PATTERN``.
    places: dict[str, tuple[tuple[int, int], ...]]


def _word_index(text: str, lang: str) -> _TextWords | None:
    """Return the words of ``text`` by indexed form and their places in it.

    Only for a text seen before, among the last :data:`TEXT_CACHE` texts (None
    the first time: then reading its words once, with the first-letter test,
    costs less than analysing all of them). The sections shown for one query
    are mostly those shown for the queries before it; in a large index a text
    cut once is not kept.
    """
    key = (lang, text)
    with _TEXTS_LOCK:
        found = _TEXTS.get(key, _UNSEEN)
        if found is not _UNSEEN:
            _TEXTS.move_to_end(key)
    if isinstance(found, _TextWords):
        return found
    index: _TextWords | None = None
    if found is _SEEN:
        places: dict[str, list[tuple[int, int]]] = {}
        for match in _WORD.finditer(text):
            places.setdefault(match.group(0).lower(), []).append(match.span())
        by_form: dict[str, list[str]] = {}
        for word in places:
            for form in analysis.word_forms(lang, word):
                by_form.setdefault(form, []).append(word)
        index = _TextWords(
            {form: tuple(words) for form, words in by_form.items()},
            {word: tuple(spans) for word, spans in places.items()},
        )
    with _TEXTS_LOCK:
        _TEXTS[key] = _SEEN if index is None else index
        while len(_TEXTS) > TEXT_CACHE:
            _TEXTS.popitem(last=False)
    return index


_UNSEEN, _SEEN = object(), object()
#: (lang, text) → its words by form, or _SEEN for a text seen once.
_TEXTS: OrderedDict[tuple[str, str], object] = OrderedDict()
_TEXTS_LOCK = threading.Lock()


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _places(text: str, word: str) -> Iterator[int]:
    """Yield where ``word`` stands in ``text`` as a whole word of ``WORD_PATTERN``."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before, after = text[at - 1 : at], text[end : end + 1]
        if not (
            (before and _word_char(before))
            or (before and before in "'’" and at >= 2 and _word_char(text[at - 2]))
            or (after and _word_char(after))
            or (after and after in "'’" and _word_char(text[end + 1 : end + 2] or " "))
        ):
            yield at
        at = text.find(word, at + 1)


def _window(found: list[tuple[int, int, str]]) -> int:
    """Return the index of the match that starts the best window.

    A window starting at a match holds the matches after it that end within
    its length; the one with the most different words wins, the first on ties.
    Matches never overlap, so their ends rise with their starts and the
    window's last match only moves forward: one pass, counting words in.
    """
    best, best_score = 0, -1
    inside: dict[str, int] = {}  # the window's words: found[i:after]
    after = 0
    for i, (start, _, _) in enumerate(found):
        after = max(after, i)  # (an empty window before: nothing inside)
        limit = start - SNIPPET_SURROUND + SNIPPET_CHARS
        while after < len(found) and found[after][1] <= limit:
            word = found[after][2]
            inside[word] = inside.get(word, 0) + 1
            after += 1
        if len(inside) > best_score:
            best, best_score = i, len(inside)
        if after > i:  # the match at i leaves as the window moves on
            word = found[i][2]
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
    return best


def _start(text: str, first: int) -> int:
    """Return where a snippet showing the match at ``first`` starts."""
    earliest = first - SNIPPET_SURROUND
    if earliest <= 0:
        return 0
    sentence = _SENTENCE_START.search(text, earliest, first + 1)
    if sentence is not None:
        return sentence.end()
    # Not inside a word: from the first word beginning at or after ``earliest``.
    at = earliest
    if _WORD.fullmatch(text, at - 1, at + 1):
        partial = _WORD.match(text, at)
        at = partial.end() if partial is not None else at
    word = _WORD.search(text, at, first + 1)
    return word.start() if word is not None else first


def _end(text: str, start: int, last: int) -> int:
    """Return where a snippet from ``start`` ends (after the match ending ``last``)."""
    latest = start + SNIPPET_CHARS
    if latest >= len(text):
        return len(text)
    latest = max(latest, last)
    window = text[start:latest]
    ends = [m.end() for m in re.finditer(r"[.!?…](?=\s|$)", window)]
    if ends and ends[-1] + start >= max(latest - SENTENCE_SLACK, last):
        return start + ends[-1]
    space = max(window.rfind(" "), window.rfind("\n"))
    if space > last - start:
        return start + space
    return latest


def snippet(
    text: str,
    lang: str,
    wanted: Collection[str],
    stops: Collection[str],
    forms: Forms = analysis.word_forms,
) -> str:
    """Return safe HTML: the best part of ``text`` with its matches in ``<mark>``.

    An empty string when no word of ``text`` is wanted.
    """
    found = matches(text, lang, wanted, stops, forms)
    if not found:
        return ""
    first = found[_window(found)]
    start = _start(text, first[0])
    end = _end(text, start, first[1])
    shown = [m for m in found if m[0] >= start and m[1] <= end]
    parts: list[str] = [f"{ELLIPSIS} "] if start > 0 else []
    at = start
    for s, e, _ in shown:
        parts.append(str(escape(text[at:s])))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        at = e
    parts.append(str(escape(text[at:end].rstrip())))
    if end < len(text):
        parts.append(f" {ELLIPSIS}")
    return "".join(parts).strip()


def plain(text: str) -> str:
    """Return the start of ``text`` as an escaped snippet (no match to show)."""
    if len(text) <= SNIPPET_CHARS:
        return str(escape(text))
    end = _end(text, 0, 0)
    return f"{escape(text[:end].rstrip())} {ELLIPSIS}"
