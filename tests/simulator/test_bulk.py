"""Selecting several users: everybody goes, or nobody does."""

from __future__ import annotations

import time

import pytest

from simulator import (
    BulkRefused,
    BulkTooLarge,
    Status,
    TransferOptions,
    bulk_remove,
    load_scenario,
)
from simulator.limits import MAX_BULK_EMAILS
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


def test_a_selection_over_the_cap_is_refused_before_any_work() -> None:
    acc = load_scenario("bulk")
    before = snapshot(acc)
    emails = [f"u{i}@x.example" for i in range(45_000)]
    started = time.perf_counter()
    with pytest.raises(BulkTooLarge) as caught:
        bulk_remove(acc, OWNER, "delete", emails)
    assert time.perf_counter() - started < 0.5
    assert caught.value.to_dict() == {"max": MAX_BULK_EMAILS, "count": 45_000}
    assert snapshot(acc) == before


def test_the_cap_is_checked_before_the_actor() -> None:
    with pytest.raises(BulkTooLarge):
        bulk_remove(account(), "ghost@x.example", "delete", ["a@x.example"] * 1001)


def test_a_selection_of_exactly_the_cap_is_accepted() -> None:
    others = [user(f"u{i}@x.example") for i in range(MAX_BULK_EMAILS - 1)]
    acc = account(*others)
    emails = [u["email"] for u in others] + ["U0@x.example"]
    started = time.perf_counter()
    report = bulk_remove(acc, OWNER, "deactivate", emails)
    assert time.perf_counter() - started < 10
    assert len(report.results) == MAX_BULK_EMAILS - 1
    assert all(u.status is Status.DEACTIVATED for u in acc.users[1:])


def test_duplicates_in_the_selection_are_acted_on_once_in_first_order() -> None:
    acc = account(user("a@x.example"), user("b@x.example"))
    emails = ["b@x.example", "A@x.example", "B@X.example", "a@x.example"]
    report = bulk_remove(acc, OWNER, "deactivate", emails)
    assert [r.email for r in report.results] == ["b@x.example", "A@x.example"]
