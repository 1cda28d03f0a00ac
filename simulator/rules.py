"""The rules the simulator enforces, as data, and the refusal they raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """A rule the simulator enforces and the article section that states it.

    ``also`` lists further ``article#section`` sources; ``implied`` marks a rule no
    article states in so many words (both texts take it for granted).
    """

    id: str
    article: str
    section: str
    also: tuple[str, ...] = ()
    implied: bool = False

    @property
    def source(self) -> str:
        """Return the primary source as ``article#section``."""
        return f"{self.article}#{self.section}"


_RULES = (
    Rule("actor-privileged", "remove-users", "prerequisites"),
    Rule("owner-protected", "remove-users", "prerequisites", implied=True),
    Rule("pending-user", "remove-users", "pending-users"),
    Rule("admin-convert-first", "remove-users", "convert-admin"),
    Rule("owner-changes-role", "remove-users", "convert-admin"),
    Rule(
        "bulk-privilege",
        "remove-users",
        "prerequisites",
        also=("remove-users#bulk-csv",),
    ),
    Rule("deactivate-licenses", "remove-users", "deactivate"),
    Rule("external-deactivated", "remove-users", "deactivate"),
    Rule("signin-disabled", "remove-users", "deactivate"),
    Rule("reactivate-relicense", "remove-users", "reactivate"),
    Rule("license-pool", "remove-users", "reactivate"),
    Rule("user-status", "remove-users", "reactivate", implied=True),
    Rule(
        "unlink-keeps-data",
        "remove-users",
        "unlink",
        also=("error-1009#unlink-users",),
    ),
    Rule("managed-domain", "error-1009", "unlink-users"),
    Rule("delete-permanent", "remove-users", "delete"),
    Rule("pmi-not-transferable", "remove-users", "delete"),
    Rule("transfer-target", "remove-users", "unlink-single"),
    Rule("transfer-recordings-licensed", "remove-users", "unlink-single"),
    Rule("transfer-webinars-licensed", "remove-users", "unlink-single"),
    Rule(
        "auto-delete", "remove-users", "auto-delete", also=("error-1009#delete-users",)
    ),
    Rule("auto-delete-notice", "remove-users", "auto-delete"),
    Rule("invitation-blocked", "error-1009", "cause", also=("error-1009#solution",)),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


class RuleViolation(Exception):
    """Refuse an operation because it would break the rule ``rule_id``.

    ``params`` are plain JSON values (documented per rule in docs/simulator.md) that
    the web layer interpolates into a localized message. The account is unchanged.
    """

    def __init__(self, rule_id: str, **params: Any) -> None:
        if rule_id not in RULES:
            raise ValueError(f"unknown rule id {rule_id!r}")
        super().__init__(rule_id, params)
        self.rule_id = rule_id
        self.params: dict[str, Any] = params

    @property
    def rule(self) -> Rule:
        """Return the rule that was broken."""
        return RULES[self.rule_id]

    def __repr__(self) -> str:
        return f"RuleViolation({self.rule_id!r}, **{self.params!r})"

    def __str__(self) -> str:
        return f"{self.rule_id} {self.params}"
