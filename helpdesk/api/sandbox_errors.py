"""The API's one error handler: every :class:`SandboxError` as the JSON error.

The body is DESIGN.md's ``{"error": {"code", "rule", "message", ...}}`` with the
refusal's extra fields (``field``, ``reason``, ...); a refused invitation also has
``blockers`` at the top level, a refused bulk action per-user ``results``, and a
busy store or a rate limit a ``Retry-After`` header. This module adds no routes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from helpdesk.errors import api_error
from helpdesk.sandbox import messages
from helpdesk.sandbox.errors import BulkRefusal, SandboxError
from simulator import BulkResult


def _result_error(result: BulkResult) -> str | None:
    if result.violation is not None:
        return messages.rule_message(result.violation)
    if result.error is not None:
        return messages.row_error_message(result.error, result.email)
    return None


def bulk_result(result: BulkResult) -> dict[str, Any]:
    """Return one user's result of a bulk action, with its message (or ``None``)."""
    data = result.to_dict()
    data.pop("params", None)
    data["error"] = _result_error(result)
    return data


def error_response(error: SandboxError) -> Response:
    """Return the JSON error response for a refusal."""
    text = messages.message(error)
    extra = dict(error.extra)
    if isinstance(error, BulkRefusal):
        first = next(r for r in error.results if not r.ok)
        text = f"{text} {_result_error(first)}"
        extra["results"] = [bulk_result(r) for r in error.results]
    body, status = api_error(
        error.status, text, code=error.code, rule=error.rule, **extra
    )
    if "blockers" in extra:
        body["blockers"] = extra["blockers"]
    response = jsonify(body)
    response.status_code = status
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def init_blueprint(bp: Blueprint) -> None:
    """Answer every refusal raised by a view of ``bp`` as the JSON error."""
    bp.register_error_handler(SandboxError, error_response)
