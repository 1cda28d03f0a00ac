"""Fold a search query into the form it is counted under."""

from __future__ import annotations

import unicodedata

#: The longest normalized query kept, in characters.
MAX_QUERY_LENGTH = 100
#: Letters that carry their mark inside the letter, so NFKD cannot take it off.
_LETTERS = str.maketrans(
    {"ł": "l", "đ": "d", "ð": "d", "ø": "o", "ħ": "h", "ı": "i", "ŧ": "t", "ŀ": "l"}
)
#: Character categories read as a space: separators (Z*) and "other" (C*): controls,
#: format characters, surrogates, private use and unassigned code points.
_SPACE_CATEGORIES = ("Z", "C")


def normalize_query(query: str) -> str:
    """Return ``query`` casefolded, accents folded, whitespace collapsed, truncated.

    ``"  Użytkownik  USUNĄĆ "`` and ``"uzytkownik usunac"`` are counted as one
    query. Casefolding includes lowercasing (and ``ß`` → ``ss``); Polish ``ł`` and
    a few other letters with a built-in mark are mapped by hand. The result is at
    most :data:`MAX_QUERY_LENGTH` characters, never starts or ends with a space,
    and normalizing it again changes nothing.
    """
    text = unicodedata.normalize("NFKD", query.casefold())
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category.startswith(_SPACE_CATEGORIES):
            kept.append(" ")
        elif not category.startswith("M"):
            kept.append(char)
    collapsed = " ".join("".join(kept).split())
    return collapsed[:MAX_QUERY_LENGTH].rstrip()
