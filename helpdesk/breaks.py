"""Line-break opportunities in long e-mail addresses and domains.

A phone is 390 px wide; ``someone.with.a.long.name@partner-company.example`` in a
heading is wider. Browsers only break such a word anywhere (``overflow-wrap``),
so :func:`breakable` offers the natural places: after ``@`` and before ``.``.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Break after "@" and "/" and before ".": where a reader expects an address to wrap.
_BREAK = re.compile(r"(?<=[@/])|(?=\.)")


def breakable(value: object) -> Markup:
    """Return ``value`` escaped, with ``<wbr>`` where an address may wrap."""
    text = str(escape(value))
    # escape() never produces "@", "/" or "." inside an entity, so the
    # positions found in the escaped text are positions in the original.
    return Markup("<wbr>").join(Markup(part) for part in _BREAK.split(text))
