"""Query-string checks shared by the read-only API routes (search, suggest)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from helpdesk.errors import api_error
from helpdesk.settings import LANGUAGES


def bounded_int(name: str, default: int, highest: int) -> int | None:
    """Return ``?name=`` as an int in 1..highest, ``default`` if absent, else None."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if 1 <= value <= highest else None


def invalid_limit(highest: int) -> Any:
    """Return the localized 400 for a ``?limit=`` that :func:`bounded_int` refused."""
    return api_error(
        400,
        _("The limit must be a whole number from 1 to %(max)s.", max=highest),
        code="invalid-limit",
    )


def query_too_long(query: str, longest: int) -> Any | None:
    """Return the localized 400 for a query over ``longest`` characters, else None."""
    if len(query) <= longest:
        return None
    return api_error(
        400,
        _("The search text is too long: at most %(max)s characters.", max=longest),
        code="query-too-long",
    )


def unknown_language() -> Any | None:
    """Return the localized 400 for a ``?lang=`` the site lacks, else None."""
    requested = request.args.get("lang")
    if requested is None or requested in LANGUAGES:
        return None
    return api_error(
        400,
        _(
            "Unknown language. Use one of: %(languages)s.",
            languages=", ".join(LANGUAGES),
        ),
        code="invalid-lang",
    )
