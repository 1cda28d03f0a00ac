"""Act on a selection of users at once: all of them, or none."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.guards import bulk_user
from simulator.lifecycle import deactivate_user
from simulator.limits import MAX_BULK_EMAILS
from simulator.model import Account, UnknownUser
from simulator.removal import RemovalReport, TransferOptions, remove_user
from simulator.rules import RuleViolation

BulkAction = Literal["deactivate", "disassociate", "delete"]
BULK_ACTIONS: tuple[str, ...] = ("deactivate", "disassociate", "delete")


@dataclass
class BulkResult:
    """The outcome for one selected user.

    ``report`` is set for a removal that happened; ``violation`` names the rule
    that refused this user; ``error`` is ``"unknown-user"`` for an e-mail that is
    not on the account.
    """

    email: str
    ok: bool
    report: RemovalReport | None = None
    violation: RuleViolation | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the result."""
        return {
            "email": self.email,
            "ok": self.ok,
            "report": None if self.report is None else self.report.to_dict(),
            "rule": None if self.violation is None else self.violation.rule_id,
            "params": {} if self.violation is None else dict(self.violation.params),
            "error": self.error,
        }


@dataclass
class BulkReport:
    """The outcome of a bulk action that went through for every selected user."""

    results: list[BulkResult] = field(default_factory=list)
    action: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the report."""
        return {"action": self.action, "results": [r.to_dict() for r in self.results]}


class BulkRefused(Exception):
    """Refuse the whole selection: at least one user cannot be acted on.

    ``results`` lists every selected user, ok or not; nothing was changed, so ok
    results carry no report.
    """

    def __init__(self, results: list[BulkResult]) -> None:
        super().__init__(results)
        self.results = results

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the per-user results."""
        return {"results": [r.to_dict() for r in self.results]}


class BulkTooLarge(ValueError):
    """Refuse a selection of more than ``max`` e-mails (``count`` were given).

    Raised before anything else is looked at: the actor, the action's users and
    duplicates. Nothing was changed. A ``ValueError``, like an unknown action: the
    request, not the account, is wrong.
    """

    def __init__(self, count: int, max: int = MAX_BULK_EMAILS) -> None:
        super().__init__(f"{count} e-mails selected, at most {max} allowed")
        self.count = count
        self.max = max

    def to_dict(self) -> dict[str, Any]:
        """Return the params for a message: ``{"max": ..., "count": ...}``."""
        return {"max": self.max, "count": self.count}


def bulk_remove(
    account: Account,
    actor: str,
    action: str,
    emails: list[str],
    transfer: TransferOptions | None = None,
) -> BulkReport:
    """Deactivate, unlink or delete every selected user, or nobody.

    The selection is tried in order on a copy of the account; only when every user
    passes is the copy's state kept. ``transfer`` is ignored for ``deactivate``.

    :raise RuleViolation: ``bulk-privilege`` (or ``actor-privileged``) for the actor.
    :raise BulkTooLarge: more than ``MAX_BULK_EMAILS`` e-mails, duplicates counted.
    :raise BulkRefused: some user was refused; the account is unchanged.
    :raise ValueError: unknown action.
    """
    if len(emails) > MAX_BULK_EMAILS:
        raise BulkTooLarge(len(emails))
    if action not in BULK_ACTIONS:
        raise ValueError(f"unknown bulk action {action!r}")
    acting = bulk_user(account, actor)
    selection: list[str] = []
    leaving: set[str] = set()
    for email in emails:
        key = email.casefold()
        if key not in leaving:
            leaving.add(key)
            selection.append(email)
    trial = copy.deepcopy(account)
    results: list[BulkResult] = []
    for email in selection:
        try:
            if action == "deactivate":
                deactivate_user(trial, acting.email, email)
                report = None
            else:
                report = remove_user(
                    trial,
                    acting.email,
                    email,
                    "disassociate" if action == "disassociate" else "delete",
                    transfer,
                    leaving,
                )
            results.append(BulkResult(email, True, report))
        except RuleViolation as violation:
            results.append(BulkResult(email, False, violation=violation))
        except UnknownUser:
            results.append(BulkResult(email, False, error="unknown-user"))
    if not all(r.ok for r in results):
        for result in results:
            result.report = None
        raise BulkRefused(results)
    for f in dataclasses.fields(account):
        setattr(account, f.name, getattr(trial, f.name))
    return BulkReport(results, action)
