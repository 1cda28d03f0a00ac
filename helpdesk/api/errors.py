"""JSON API for error codes: ``GET /api/v1/errors/<code>``.

``<code>`` may be written ``1009``, ``1,009`` or ``1.009``. The answer names the
article sections that fix the code, in the order to follow them; an unknown code is
a 404 error with ``suggestions`` (the known codes).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from helpdesk.api.blueprint import bp
from helpdesk.errorcodes import service
from helpdesk.errors import api_error
from helpdesk.i18n import negotiate_api_language


@bp.get("/errors/<code>")
def error_code(code: str) -> Any:
    """Describe an error code: title, summary and the sections that fix it.

    :raise 404: no article explains this code (``error.code`` ``unknown-error-code``,
        with ``suggestions`` and the ``lookup`` page for the reader).
    """
    lang = negotiate_api_language()
    try:
        return service.api_error_code(code, lang)
    except service.UnknownCode as exc:
        parsed = exc.args[0] if exc.args else None
        if parsed is not None:
            message = _(
                "We have no article about error code %(code)s yet.", code=parsed
            )
        else:
            message = _("“%(text)s” is not an error code we know.", text=code[:80])
        return api_error(
            404,
            message,
            code="unknown-error-code",
            suggestions=service.suggestions(lang),
            lookup=url_for("errorcodes.lookup", lang_code=lang, code=code[:500]),
        )
