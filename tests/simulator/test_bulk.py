"""Selecting several users: everybody goes, or nobody does."""

from __future__ import annotations

import pytest

from simulator import (
    BulkRefused,
    Status,
    TransferOptions,
    bulk_remove,
    load_scenario,
)
from tests.simulator.builders import OWNER, account, items, meetings, snapshot, user


def test_a_selection_is_deactivated_together() -> None:
    acc = account(user("a@x.example"), user("b@x.example"))
    report = bulk_remove(acc, OWNER, "deactivate", ["a@x.example", "B@x.example"])
    assert [r.ok for r in report.results] == [True, True]
    assert all(u.status is Status.DEACTIVATED for u in acc.users[1:])


def test_one_refused_user_stops_the_whole_selection() -> None:
    acc = account(
        user("a@x.example"), user("ann", role="admin"), user("eve", status="pending")
    )
    before = snapshot(acc)
    emails = ["a@x.example", "ann@acme.example", "eve@acme.example", "ghost@x.example"]
    with pytest.raises(BulkRefused) as caught:
        bulk_remove(acc, OWNER, "delete", emails)
    results = caught.value.results
    assert [(r.email, r.ok) for r in results] == [
        ("a@x.example", True),
        ("ann@acme.example", False),
        ("eve@acme.example", False),
        ("ghost@x.example", False),
    ]
    assert results[1].violation.rule_id == "admin-convert-first"  # type: ignore[union-attr]
    assert results[2].violation.rule_id == "pending-user"  # type: ignore[union-attr]
    assert results[3].error == "unknown-user"
    assert all(r.report is None for r in results)
    assert snapshot(acc) == before


def test_a_selection_is_unlinked_with_a_shared_transfer() -> None:
    acc = account(
        user("a@x.example", meetings=meetings("m1")),
        user("b@x.example", recordings=items("c1")),
    )
    transfer = TransferOptions(OWNER, meetings=True, recordings=True)
    report = bulk_remove(
        acc, OWNER, "disassociate", ["a@x.example", "b@x.example"], transfer
    )
    moved = [r.report.transferred.ids() for r in report.results]  # type: ignore[union-attr]
    assert moved == [["m1"], ["c1"]]
    assert len(acc.users) == 1 and acc.departed[0].email == "a@x.example"


def test_an_unknown_bulk_action_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        bulk_remove(account(), OWNER, "explode", [])


def test_the_bulk_scenario_has_enough_users_to_practise() -> None:
    acc = load_scenario("bulk")
    assert len(acc.users) >= 25
    statuses = {u.status for u in acc.users}
    assert statuses == {Status.ACTIVE, Status.DEACTIVATED, Status.PENDING}
