"""Read account JSON that a person pasted or uploaded (the "new sandbox" page).

The API gets its account inside a JSON body that Flask already parsed; a page
gets text or a file: this module turns it into the JSON object, or refuses it
with a :class:`~helpdesk.sandbox.errors.SandboxError` whose message says what to
fix (too large, not UTF-8, not JSON and where, not an object). Whether the
object is a valid account is the simulator's to say, with the same field-naming
errors as the API (:meth:`helpdesk.sandbox.service.SandboxService.create`).
"""

from __future__ import annotations

import json
from typing import Any

from helpdesk import strict_json
from helpdesk.sandbox.errors import SandboxError


def parse_account_text(data: bytes | str, max_bytes: int) -> dict[str, Any]:
    """Return the JSON object in ``data`` (UTF-8 bytes, a BOM allowed, or text).

    :raise SandboxError: ``account-file-empty`` (400), ``account-file-too-large``
        (413), ``account-file-encoding``, ``account-file-surrogate``,
        ``account-file-syntax`` (with ``line`` and ``column``) or
        ``account-file-not-object`` (400).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise SandboxError(
            "account-file-too-large", 413, params={"max_bytes": max_bytes}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SandboxError("account-file-encoding", 400) from error
    if not text.strip():
        raise SandboxError("account-file-empty", 400)
    try:
        value = strict_json.loads(text)
    except strict_json.NotUnicode as error:
        raise SandboxError("account-file-surrogate", 400) from error
    except json.JSONDecodeError as error:
        raise SandboxError(
            "account-file-syntax",
            400,
            params={"line": error.lineno, "column": error.colno},
        ) from error
    except (ValueError, RecursionError) as error:
        raise SandboxError(
            "account-file-syntax", 400, params={"line": "?", "column": "?"}
        ) from error
    if not isinstance(value, dict):
        raise SandboxError("account-file-not-object", 400)
    return value
