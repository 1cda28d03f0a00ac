"""Auto-delete deactivated users after N days, and the notice 7 days before."""

from __future__ import annotations

import pytest

from simulator import (
    RuleViolation,
    activate_user,
    advance_clock,
    deactivate_user,
    load_scenario,
    update_settings,
)
from tests.simulator.builders import OWNER, account, items, meetings, user

BOB = "bob@other.example"
ANN = "ann@acme.example"


def _actions(events):  # type: ignore[no-untyped-def]
    return [(e.day, e.action, e.target) for e in events]


def test_switching_auto_delete_on_deletes_nobody_at_once() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=100))
    events = update_settings(acc, OWNER, 30, False)
    assert _actions(events) == [(0, "update-settings", "settings")]
    assert acc.has_user(BOB)


def test_users_deactivated_before_the_setting_are_deleted_by_the_daily_job() -> None:
    acc = account(
        user(
            BOB, status="deactivated", deactivated_days_ago=100, meetings=meetings("m1")
        ),
        user(
            "cy", status="deactivated", deactivated_days_ago=5, recordings=items("c1")
        ),
    )
    update_settings(acc, OWNER, 30, False)
    fired = advance_clock(acc, 1)
    assert _actions(fired) == [(1, "auto-delete", BOB)]
    assert fired[0].details["deleted"]["meetings"] == ["m1"]
    fired = advance_clock(acc, 30)
    assert _actions(fired) == [(25, "auto-delete", "cy@acme.example")]
    assert fired[0].details["deleted"]["recordings"] == ["c1"]


def test_a_user_deactivated_on_day_d_is_deleted_on_day_d_plus_n() -> None:
    acc = account(user(BOB))
    update_settings(acc, OWNER, 10, False)
    advance_clock(acc, 3)
    deactivate_user(acc, OWNER, BOB)
    assert advance_clock(acc, 9) == []
    assert _actions(advance_clock(acc, 1)) == [(13, "auto-delete", BOB)]


def test_without_the_setting_nobody_is_auto_deleted() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=400))
    assert advance_clock(acc, 3650) == []
    assert acc.has_user(BOB) and acc.day == 3650


def test_a_reactivated_user_is_not_deleted() -> None:
    acc = account(user(BOB))
    update_settings(acc, OWNER, 10, False)
    deactivate_user(acc, OWNER, BOB)
    advance_clock(acc, 5)
    activate_user(acc, OWNER, BOB)
    assert advance_clock(acc, 20) == []


def test_the_notice_goes_to_the_owner_and_every_active_admin_seven_days_before() -> (
    None
):
    acc = account(
        user("ann", role="admin"),
        user("dee", role="admin", status="pending"),
        user(BOB),
    )
    update_settings(acc, OWNER, 10, True)
    deactivate_user(acc, OWNER, BOB)
    assert advance_clock(acc, 2) == []
    fired = advance_clock(acc, 1)
    assert _actions(fired) == [
        (3, "auto-delete-notice", OWNER),
        (3, "auto-delete-notice", ANN),
    ]
    assert fired[0].details == {"users": [BOB], "delete_day": 10}
    assert _actions(advance_clock(acc, 7)) == [(10, "auto-delete", BOB)]


def test_a_late_notice_goes_out_when_the_setting_is_saved_and_never_twice() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=25))
    events = update_settings(acc, OWNER, 30, True)
    assert _actions(events) == [
        (0, "update-settings", "settings"),
        (0, "auto-delete-notice", OWNER),
    ]
    assert events[1].details == {"users": [BOB], "delete_day": 5}
    assert update_settings(acc, OWNER, 30, True)[1:] == []
    assert _actions(advance_clock(acc, 5)) == [(5, "auto-delete", BOB)]


def test_without_notices_no_notice_is_sent() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=25))
    assert len(update_settings(acc, OWNER, 30, False)) == 1
    assert [e.action for e in advance_clock(acc, 10)] == ["auto-delete"]


def test_a_short_period_still_notices_before_deleting() -> None:
    acc = account(user(BOB))
    update_settings(acc, OWNER, 2, True)
    deactivate_user(acc, OWNER, BOB)
    fired = advance_clock(acc, 2)
    assert [e.action for e in fired] == ["auto-delete-notice", "auto-delete"]


@pytest.mark.parametrize("days", [0, 366, -1])
def test_the_setting_accepts_one_to_365_days(days: int) -> None:
    with pytest.raises(ValueError):
        update_settings(account(), OWNER, days, False)


@pytest.mark.parametrize("days", [0, 3651])
def test_the_clock_moves_one_to_3650_days(days: int) -> None:
    with pytest.raises(ValueError):
        advance_clock(account(), days)


def test_a_member_cannot_change_the_setting() -> None:
    acc = account(user("ann"))
    with pytest.raises(RuleViolation):
        update_settings(acc, ANN, 30, True)


def test_the_auto_delete_scenario_empties_in_order() -> None:
    acc = load_scenario("auto-delete")
    events = update_settings(acc, OWNER.replace("acme", "clock"), 30, True)
    notices = [(e.target, e.details["delete_day"]) for e in events[1:]]
    # old@ was due 60 days ago: the notice names day 1, when the job deletes them.
    assert notices == [
        ("owner@clock.example", 1),
        ("admin@clock.example", 1),
        ("owner@clock.example", 5),
        ("admin@clock.example", 5),
    ]
    fired = advance_clock(acc, 30)
    deleted = [(e.day, e.target) for e in fired if e.action == "auto-delete"]
    assert deleted[0] == (1, "old@clock.example")
    assert [target for _, target in deleted] == [
        "old@clock.example",
        "month@clock.example",
        "week@clock.example",
    ]


def test_every_notice_names_the_day_its_users_are_deleted() -> None:
    # Overdue when the setting is saved, due within the week, due later: each
    # notice's day is the day of the auto-delete event that follows it.
    acc = account(
        user(BOB, status="deactivated", deactivated_days_ago=90),
        user("cy@acme.example", status="deactivated", deactivated_days_ago=30),
        user("di@acme.example", status="deactivated", deactivated_days_ago=26),
        user("ed@acme.example", status="deactivated", deactivated_days_ago=10),
    )
    events = update_settings(acc, OWNER, 30, True) + advance_clock(acc, 30)
    noticed = {
        email: e.details["delete_day"]
        for e in events
        if e.action == "auto-delete-notice"
        for email in e.details["users"]
    }
    deleted = {e.target: e.day for e in events if e.action == "auto-delete"}
    assert noticed == deleted
    assert deleted == {
        BOB: 1,
        "cy@acme.example": 1,
        "di@acme.example": 4,
        "ed@acme.example": 20,
    }
