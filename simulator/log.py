"""Record refusals in the event log (successful operations record themselves)."""

from __future__ import annotations

import copy

from simulator.model import EVENT_ACTIONS, Account, Event
from simulator.rules import RuleViolation


def log_refusal(
    account: Account, actor: str, action: str, target: str, violation: RuleViolation
) -> Event:
    """Append an event with ``ok`` false, the rule id and the violation's params.

    :raise ValueError: ``action`` is not one of the event actions.
    """
    if action not in EVENT_ACTIONS:
        raise ValueError(f"unknown event action {action!r}")
    event = Event(
        account.day,
        actor,
        action,
        target,
        ok=False,
        rule=violation.rule_id,
        details=copy.deepcopy(violation.params),
    )
    return account.add_event(event)
