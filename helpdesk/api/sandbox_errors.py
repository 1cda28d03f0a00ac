"""Sandbox API errors: map request problems and domain errors to status and body.

The statuses and bodies are documented with the routes, in the docstring of
:mod:`helpdesk.api.sandboxes`. :func:`sandbox_endpoint` wraps every sandbox view:
it runs the view in the API language and answers a mapped error as JSON; anything
else is a 500. This module adds no routes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask_babel import ngettext

from helpdesk.api.requests import ACTOR_HEADER, RequestProblem
from helpdesk.errors import api_error
from helpdesk.sandbox import messages, service
from simulator import (
    AccountError,
    BulkRefused,
    BulkResult,
    CsvRejected,
    InvitationBlocked,
    RuleViolation,
    UnknownAddon,
    UnknownRoom,
    UnknownUser,
)

#: Rules about who acts: refused with 403.
FORBIDDEN_RULES = frozenset(
    {
        "actor-privileged",
        "owner-changes-role",
        "bulk-privilege",
        "external-deactivated",
        "signin-disabled",
    }
)
#: Rules about the transfer target: refused with 422. Every other rule is a 409.
UNPROCESSABLE_RULES = frozenset(
    {
        "transfer-target",
        "transfer-recordings-licensed",
        "transfer-webinars-licensed",
        "pmi-not-transferable",
    }
)


def rule_status(rule_id: str) -> int:
    """Return the HTTP status of a refusal under ``rule_id`` (403, 409 or 422)."""
    if rule_id in FORBIDDEN_RULES:
        return 403
    if rule_id in UNPROCESSABLE_RULES:
        return 422
    return 409


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


def _bulk_refused(error: BulkRefused) -> tuple[dict[str, Any], int]:
    refused = [r for r in error.results if not r.ok]
    first = refused[0]
    if first.violation is not None:
        status, rule = rule_status(first.violation.rule_id), first.violation.rule_id
    else:
        status, rule = 404, None
    message = ngettext(
        "Nothing was changed: %(num)d selected user cannot be processed.",
        "Nothing was changed: %(num)d selected users cannot be processed.",
        len(refused),
    )
    return api_error(
        status,
        f"{message} {_result_error(first)}",
        code="bulk-refused",
        rule=rule,
        results=[bulk_result(r) for r in error.results],
    )


def error_response(error: Exception) -> tuple[dict[str, Any], int]:
    """Map a service error to the API's error body and status."""
    message = messages.error_message(error)
    if isinstance(error, RequestProblem):
        return api_error(error.status, error.message, code=error.code, **error.extra)
    if isinstance(error, InvitationBlocked):
        body, status = api_error(
            409,
            message,
            code=error.code,
            rule=error.rule_id,
            blockers=[b.to_dict() for b in error.blockers],
        )
        body["blockers"] = [b.to_dict() for b in error.blockers]
        return body, status
    if isinstance(error, RuleViolation):
        return api_error(
            rule_status(error.rule_id), message, code=error.rule_id, rule=error.rule_id
        )
    if isinstance(error, BulkRefused):
        return _bulk_refused(error)
    if isinstance(error, service.SandboxNotFound):
        return api_error(404, message, code="unknown-sandbox")
    if isinstance(error, UnknownUser):
        return api_error(404, message, code="unknown-user")
    if isinstance(error, UnknownRoom):
        return api_error(404, message, code="unknown-room")
    if isinstance(error, UnknownAddon):
        return api_error(404, message, code="unknown-addon")
    if isinstance(error, service.UnknownActor):
        return api_error(400, message, code="unknown-actor", field=ACTOR_HEADER)
    if isinstance(error, service.UnknownScenario):
        return api_error(400, message, code="unknown-scenario", field="scenario")
    if isinstance(error, AccountError):
        return api_error(
            400,
            messages.account_error_message(error),
            code="invalid-account",
            field=f"account.{error.field}",
        )
    if isinstance(error, CsvRejected):
        status = 413 if error.reason == "too-large" else 400
        return api_error(status, message, code="invalid-csv", reason=error.reason)
    if isinstance(error, service.InvalidInput):
        if error.problem == "unknown-code":
            return api_error(404, message, code="unknown-code", field=error.field)
        return api_error(400, message, code="invalid-input", field=error.field)
    if isinstance(error, service.SandboxTooLarge):
        return api_error(409, message, code="sandbox-too-large")
    raise error


#: Everything :func:`error_response` maps; anything else is a 500.
HANDLED = (
    RequestProblem,
    RuleViolation,
    BulkRefused,
    LookupError,
    AccountError,
    CsvRejected,
    service.InvalidInput,
    service.SandboxTooLarge,
)


def sandbox_endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the service errors a view lets through into JSON errors."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except HANDLED as error:
            return error_response(error)

    return wrapper
