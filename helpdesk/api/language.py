"""``?lang=`` on every API route: a language the site has, or a localized 400.

Checked once for the whole API (before any route runs, and so before any state
changes), so that every route treats an unknown language alike; the answer is
in the language ``Accept-Language`` asks for, else English.
"""

from __future__ import annotations

from typing import Any

from helpdesk.api.blueprint import bp
from helpdesk.api.query_args import unknown_language


@bp.before_request
def refuse_unknown_language() -> Any | None:
    """Answer an unknown ``?lang=`` with the localized 400 ``invalid-lang``."""
    return unknown_language()
