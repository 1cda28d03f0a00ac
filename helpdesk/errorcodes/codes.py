"""Read an error code out of whatever a user pastes, and the table of known codes.

:func:`normalize` is pure: it takes text (``1009``, ``(1,009)``, ``kod błędu 1 009``,
or a whole error message) and returns the code it most likely names, or ``None``.
The known codes come from the articles' ``error_codes`` front matter, so adding an
article with a new code makes that code known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from helpdesk.content import ContentLibrary, Translation

#: Longer input is cut here before it is read: nobody pastes more to name a code.
MAX_INPUT = 500
#: Error codes have at most this many digits; longer numbers are ids or phone numbers.
MAX_DIGITS = 9

# A number, possibly grouped in thousands with ",", ".", an apostrophe or a (narrow,
# no-break) space: "1,009", "1.009", "1 009", "12'345". A group that is followed by
# more digits ("1,0091") is not a thousands group; the alternation then reads "1".
_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}([,.' ])\d{3}(?:\1\d{3})*+(?!\w)|\d++(?!\w))",
)
# Words that introduce a code, in the site's three languages, just before the number.
_KEYWORD_BEFORE = re.compile(
    r"(?:\b(?:error|code|fout|foutcode|kod|b[łl][ąa]d|b[łl][ęe]du|nr|no)\b"
    r"\s*(?:code\s*)?[:#.\-]?\s*|#\s*)$",
)
# Words right after a number that mark it as an error code ("1009 error").
_KEYWORD_AFTER = re.compile(r"^\s*(?:error|fout|foutcode|b[łl][ąa]d)\b")
# Characters around a number that make it part of a date, a time or a version.
_DATE_NEIGHBOURS = frozenset("-/:")

_PARENTHESISED = 3
_KEYWORD = 3
_KEYWORD_FOLLOWS = 1
_KNOWN = 2
_GROUPED = 1
_YEAR_LIKE = -2
_DATE_PART = -3


@dataclass(frozen=True)
class _Candidate:
    """A number found in the text, with the evidence that it is the error code."""

    value: int
    score: int
    position: int


def clean(text: str) -> str:
    """Return ``text`` capped at :data:`MAX_INPUT` characters, with unified spaces.

    Unicode compatibility folding turns no-break and narrow spaces (used to group
    thousands in Polish) and full-width digits into their plain forms.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT])
    return "".join(" " if ch.isspace() else ch for ch in text)


def normalize(text: str, known: Collection[int] = ()) -> int | None:
    """Return the error code that ``text`` names, or ``None`` if it names none.

    Every number in the text is a candidate; evidence raises its score: being in
    parentheses, following a word such as "error", "foutcode" or "kod błędu", being
    a ``known`` code, being grouped in thousands as Zoom prints codes. Year-like
    numbers and parts of dates or times count against. A candidate without evidence
    is only taken when it is the whole input, or the one number of three or more
    digits in it. Never raises.
    """
    text = clean(text)
    candidates = [_score(match, text, known) for match in _NUMBER.finditer(text)]
    candidates = [c for c in candidates if c is not None]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.score, -c.position))
    if best.score > 0:
        return best.value
    if _is_only_a_number(text):
        return best.value
    plain = [c for c in candidates if c.score == 0 and c.value >= 100]
    if len(plain) == 1 and len([c for c in candidates if c.value >= 100]) == 1:
        return plain[0].value
    return None


def named_code(text: str) -> int | None:
    """Return the code ``text`` says is an error code, or ``None``.

    Stricter than :func:`normalize` without known codes: the number must have
    evidence of its own (parentheses, a word such as "error" or "kod błędu",
    thousands grouping as Zoom prints codes), or be the whole input. "Remove 200
    users" names no code; "error 4711" and "(4,711)" do.
    """
    text = clean(text)
    candidates = [_score(match, text, ()) for match in _NUMBER.finditer(text)]
    candidates = [c for c in candidates if c is not None]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.score, -c.position))
    if best.score > 0 or _is_only_a_number(text):
        return best.value
    return None


def parse_code(value: str) -> int | None:
    """Return the code in a URL segment such as ``1009``, ``1,009`` or ``1.009``.

    Stricter than :func:`normalize`: the segment must be one number and nothing else.
    """
    value = clean(value).strip()
    match = _NUMBER.fullmatch(value)
    if match is None:
        return None
    return _to_int(match.group(0))


def _score(
    match: re.Match[str], text: str, known: Collection[int]
) -> _Candidate | None:
    value = _to_int(match.group(0))
    if value is None:
        return None
    start, end = match.span()
    before, after = text[:start], text[end:]
    score = 0
    if before.rstrip().endswith(("(", "[")) and after.lstrip().startswith((")", "]")):
        score += _PARENTHESISED
    if _KEYWORD_BEFORE.search(before[-30:].lower()):
        score += _KEYWORD
    if _KEYWORD_AFTER.match(after[:20].lower()):
        score += _KEYWORD_FOLLOWS
    if value in known:
        score += _KNOWN
    if match.group(1):
        score += _GROUPED
    elif 1900 <= value <= 2100 and len(match.group(0)) == 4:
        score += _YEAR_LIKE
    if before[-1:] in _DATE_NEIGHBOURS or after[:1] in _DATE_NEIGHBOURS:
        score += _DATE_PART
    return _Candidate(value, score, start)


def _to_int(number: str) -> int | None:
    digits = "".join(ch for ch in number if ch.isdigit())
    if not digits or len(digits.lstrip("0")) > MAX_DIGITS:
        return None
    value = int(digits)
    return value if value > 0 else None


def _is_only_a_number(text: str) -> bool:
    """Return whether ``text`` is one number with nothing but punctuation around."""
    rest = _NUMBER.sub("", text, count=1)
    return not any(ch.isalnum() for ch in rest)


# --- the table of known codes --------------------------------------------------------


@dataclass(frozen=True)
class KnownCode:
    """A code some article diagnoses, as a reader of one language sees it."""

    code: int
    translation: Translation

    @property
    def slug(self) -> str:
        """Return the slug of the diagnosing article."""
        return self.translation.article.slug

    @property
    def title(self) -> str:
        """Return the diagnosing article's title."""
        return self.translation.article.title

    @property
    def summary(self) -> str:
        """Return the diagnosing article's summary."""
        return self.translation.article.summary


def known_codes(library: ContentLibrary) -> tuple[int, ...]:
    """Return every code named in some article's ``error_codes``, sorted."""
    return tuple(sorted({c for a in library.all_articles() for c in a.error_codes}))


def diagnosing_article(
    library: ContentLibrary, code: int, lang: str
) -> Translation | None:
    """Return the article that explains ``code`` for a reader of ``lang``.

    Where several articles name the code, ``error-<code>`` is preferred, then the
    first by slug.
    """
    found = library.for_error_code(code, lang)
    preferred = [t for t in found if t.article.slug == f"error-{code}"]
    return next(iter(preferred + found), None)


def code_table(library: ContentLibrary, lang: str) -> list[KnownCode]:
    """Return every known code with its diagnosing article, in code order."""
    table = []
    for code in known_codes(library):
        translation = diagnosing_article(library, code, lang)
        if translation is not None:
            table.append(KnownCode(code, translation))
    return table


def describe(codes: Iterable[int]) -> str:
    """Return the codes as a comma-separated list, for messages and suggestions."""
    return ", ".join(str(c) for c in codes)
