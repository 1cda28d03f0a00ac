"""Decide whether a form's ``next`` may be followed: only back to a sandbox page.

A browser reading ``Location`` is lenient: it drops tabs and newlines
(``/%09/evil.example`` → ``//evil.example``, another site), reads a backslash as a
slash, resolves ``..`` and ``%2e%2e`` segments, and a CR or LF in a header is a
server error. So rather than refusing what is known to be bad, :func:`safe_next`
accepts only what is plainly a path of our own. This module imports no Flask.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

#: Longer ``next`` values are refused outright; our own pages' paths are far shorter.
MAX_LENGTH = 2048
#: Percent-decoding rounds before a value that still decodes is given up on.
MAX_DECODING_ROUNDS = 4


def safe_next(value: str, languages: Iterable[str]) -> str | None:
    """Return ``value`` if it is a local path under ``/<lang>/sandbox/``, else None.

    ``value`` must start with ``/<lang>/sandbox/`` for one of ``languages`` and,
    both as sent and after percent-decoding (repeatedly, as a chain of redirects
    would), have no scheme, no host, no backslash, no ``//``, no ``.`` or ``..``
    segment, and no control, format or whitespace character. The query string is
    held to the same rules.
    """
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return None
    if not any(value.startswith(f"/{lang}/sandbox/") for lang in languages):
        return None
    decoded = value
    for _round in range(MAX_DECODING_ROUNDS + 1):
        if not _plain_local_path(decoded):
            return None
        previous, decoded = decoded, unquote(decoded, errors="replace")
        if decoded == previous:
            return value
    return None  # still decoding: no page of ours is encoded that many times


def _plain_local_path(value: str) -> bool:
    if "\\" in value or "//" in value:
        return False
    if any(_invisible(char) for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    return not any(segment in {".", ".."} for segment in parts.path.split("/"))


def _invisible(char: str) -> bool:
    """Return whether ``char`` is a control, format, separator or unassigned one."""
    return char.isspace() or unicodedata.category(char)[0] in {"C", "Z"}
