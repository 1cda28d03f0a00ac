"""JSON as people and programs send it, read strictly: only what JSON allows.

Python's ``json`` module accepts ``NaN`` and ``Infinity``, and a lone surrogate
escape (``"\\ud800"``) as a string that no UTF-8 text can hold: stored or sent
back, it fails. Both are refused here, so every reader of request JSON (the API's
bodies, an account pasted or uploaded on a page) answers them with its 400.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A ``\\u`` escape of a surrogate in the JSON text: only then is a string walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotUnicode(ValueError):
    """A string of the JSON holds a lone surrogate: not Unicode text."""


def loads(text: str) -> Any:
    """Return the JSON value of ``text``.

    :raise json.JSONDecodeError: not JSON (with its line and column).
    :raise ValueError: ``NaN`` or ``Infinity``.
    :raise NotUnicode: a string (or key) holding a lone surrogate.
    :raise RecursionError: nested too deep to read.
    """
    value = json.loads(text, parse_constant=_reject_constant)
    if _SURROGATE_ESCAPE.search(text) and _holds_surrogate(value):
        raise NotUnicode("a string holds a lone surrogate")
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _holds_surrogate(value: Any) -> bool:
    # A loop, not recursion: the value may be nested as deep as json allowed.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
