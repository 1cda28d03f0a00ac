"""One exception family for everything a sandbox user can be refused.

Every refusal is a :class:`SandboxError`: an error id (``code``, the API's
``error.code``), an HTTP status, the rule it enforces (if any), the parameters its
message needs, and extra JSON for the API body. The message itself is looked up by
``message_id`` in the tables of :mod:`helpdesk.sandbox.messages` when the error is
shown, so it appears in the reader's language.

The simulator raises its own exceptions (it knows nothing of HTTP); the service
adapts them with :func:`from_simulator` at the one place it calls the simulator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simulator

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


class SandboxError(Exception):
    """Refuse what a user asked for: an error id, a status and plain parameters.

    ``message_id`` keys the message table (default: ``code``); ``params`` are
    the values the message interpolates; ``extra`` is added to the API's error
    body (``field``, ``reason``, ``blockers``, ...). Nothing was changed, except
    that a rule refusal was recorded in the event log.
    """

    def __init__(
        self,
        code: str | int,
        status: int,
        *,
        message_id: str | None = None,
        rule: str | None = None,
        params: dict[str, Any] | None = None,
        retry_after: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(code, status, params)
        self.code = code
        self.status = status
        self.message_id = message_id or str(code)
        self.rule = rule
        self.params: dict[str, Any] = dict(params or {})
        self.retry_after = retry_after
        self.extra: dict[str, Any] = extra

    def __repr__(self) -> str:
        return f"SandboxError({self.code!r}, {self.status}, {self.params!r})"


class RuleRefusal(SandboxError):
    """A simulator rule refused the operation (``violation`` keeps the details)."""

    def __init__(self, violation: simulator.RuleViolation) -> None:
        rule = violation.rule_id
        extra: dict[str, Any] = {}
        code: str | int = rule
        if isinstance(violation, simulator.InvitationBlocked):
            code = violation.code
            extra["blockers"] = [b.to_dict() for b in violation.blockers]
        super().__init__(
            code,
            rule_status(rule),
            message_id=f"rule:{rule}",
            rule=rule,
            params=violation.params,
            **extra,
        )
        self.violation = violation


class BulkRefusal(SandboxError):
    """Some selected users were refused, so nobody was acted on."""

    def __init__(self, refused: simulator.BulkRefused) -> None:
        failed = [r for r in refused.results if not r.ok]
        first = failed[0]
        if first.violation is not None:
            status, rule = rule_status(first.violation.rule_id), first.violation.rule_id
        else:
            status, rule = 404, None
        super().__init__(
            "bulk-refused",
            status,
            rule=rule,
            params={"count": len(failed)},
        )
        self.results = refused.results


def not_found(kind: str, **params: Any) -> SandboxError:
    """Return the 404 for an unknown sandbox, user, Zoom Room or add-on."""
    return SandboxError(f"unknown-{kind}", 404, params=params)


def invalid_input(field: str, problem: str, **params: Any) -> SandboxError:
    """Return the 400 for a value the caller sent: ``field`` names it.

    Problems: ``invalid-value`` (``allowed``), ``out-of-range`` (``min``,
    ``max``), ``missing``, ``too-many`` (``max``, ``count``), ``invalid-email``
    (``reason``: a problem of :func:`simulator.email_problem`).
    """
    return SandboxError(
        "invalid-input",
        400,
        message_id=f"input:{problem}",
        params={"field": field, **params},
        field=field,
    )


def too_large(size: int, limit: int) -> SandboxError:
    """Return the 409 for a sandbox that would grow past its size limit."""
    return SandboxError("sandbox-too-large", 409, params={"size": size, "limit": limit})


def store_busy(retry_after: int) -> SandboxError:
    """Return the 503 for a store that is busy or unreachable: try again later."""
    return SandboxError("store-busy", 503, retry_after=retry_after)


def too_many_sandboxes(retry_after: int) -> SandboxError:
    """Return the 429 for a client creating sandboxes faster than allowed."""
    return SandboxError("too-many-sandboxes", 429, retry_after=retry_after)


def _account_error(error: simulator.AccountError) -> SandboxError:
    return SandboxError(
        "invalid-account",
        400,
        message_id=f"account:{error.problem}",
        params={**error.params, "field": error.field},
        field=f"account.{error.field}",
    )


def _csv_rejected(error: simulator.CsvRejected) -> SandboxError:
    return SandboxError(
        "invalid-csv",
        413 if error.reason == "too-large" else 400,
        message_id=f"csv:{error.reason}",
        params=error.params,
        reason=error.reason,
    )


def _bulk_too_large(error: simulator.BulkTooLarge) -> SandboxError:
    return invalid_input("emails", "too-many", max=error.max, count=error.count)


#: Each simulator exception and the refusal it stands for (most specific first).
ADAPTERS: dict[type[Exception], Callable[[Any], SandboxError]] = {
    simulator.RuleViolation: RuleRefusal,
    simulator.BulkRefused: BulkRefusal,
    simulator.BulkTooLarge: _bulk_too_large,
    simulator.UnknownUser: lambda e: not_found("user", email=e.email),
    simulator.UnknownRoom: lambda e: not_found("room", room=e.room_id),
    simulator.UnknownAddon: lambda e: not_found("addon", addon=e.addon),
    simulator.AccountError: _account_error,
    simulator.CsvRejected: _csv_rejected,
}


def from_simulator(error: Exception) -> SandboxError | None:
    """Return the refusal a simulator exception stands for, or ``None``."""
    for kind in type(error).__mro__:
        adapt = ADAPTERS.get(kind)
        if adapt is not None:
            return adapt(error)
    return None
