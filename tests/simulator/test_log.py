"""The event log keeps the latest events; state never depends on older ones."""

from __future__ import annotations

from simulator import (
    RuleViolation,
    activate_user,
    advance_clock,
    deactivate_user,
    dump_account,
    import_csv,
    load_account,
    log_refusal,
    sign_in,
    update_settings,
)
from simulator.limits import MAX_EVENTS_KEPT, MAX_IMPORT_EXAMPLE_ROWS
from tests.simulator.builders import OWNER, account, user

BOB = "bob@other.example"


def test_the_log_keeps_only_the_latest_events() -> None:
    acc = account()
    for _ in range(MAX_EVENTS_KEPT + 50):
        acc.day += 1
        sign_in(acc, OWNER)
    assert len(acc.events) == MAX_EVENTS_KEPT
    assert acc.events[0].day == 51 and acc.events[-1].day == MAX_EVENTS_KEPT + 50


def test_refusals_are_trimmed_like_any_event() -> None:
    acc = account()
    acc.keep_events = 2
    for target in ("a", "b", "c"):
        log_refusal(acc, OWNER, "delete", target, RuleViolation("owner-protected"))
    assert [e.target for e in acc.events] == ["b", "c"]


def test_a_log_without_a_bound_keeps_everything() -> None:
    acc = account()
    acc.keep_events = None
    for _ in range(MAX_EVENTS_KEPT + 1):
        sign_in(acc, OWNER)
    assert len(acc.events) == MAX_EVENTS_KEPT + 1


def test_a_notice_is_not_sent_again_once_its_event_left_the_log() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=25))
    update_settings(acc, OWNER, 30, True)
    assert acc.events[-1].action == "auto-delete-notice"
    acc.keep_events = 1
    sign_in(acc, OWNER)
    assert [e.action for e in acc.events] == ["sign-in"]
    acc.keep_events = None
    fired = update_settings(acc, OWNER, 30, True)
    assert [e.action for e in fired] == ["update-settings"]


def test_who_was_noticed_survives_a_dump() -> None:
    acc = account(user(BOB, status="deactivated", deactivated_days_ago=25))
    update_settings(acc, OWNER, 30, True)
    data = dump_account(acc, events=False)
    again = load_account(data)
    assert again.find(BOB).notified == [5]
    assert [e.action for e in update_settings(again, OWNER, 30, True)] == [
        "update-settings"
    ]


def test_a_new_deactivation_is_noticed_afresh() -> None:
    acc = account(user(BOB))
    update_settings(acc, OWNER, 10, True)
    deactivate_user(acc, OWNER, BOB)
    notices = [e for e in advance_clock(acc, 5) if e.action == "auto-delete-notice"]
    assert [e.details["delete_day"] for e in notices] == [10]
    assert acc.find(BOB).notified == [10]
    activate_user(acc, OWNER, BOB)
    assert acc.find(BOB).notified == []
    deactivate_user(acc, OWNER, BOB)
    notices = [e for e in advance_clock(acc, 5) if e.action == "auto-delete-notice"]
    assert [e.details["delete_day"] for e in notices] == [15]


def test_an_import_event_keeps_its_counts_and_a_few_failed_rows_first() -> None:
    acc = account(user(BOB), user("cy@other.example"))
    rows = ["bob@other.example", "cy@other.example"]
    rows += [f"ghost{i}@other.example" for i in range(30)]
    data = ("Email\n" + "\n".join(rows) + "\n").encode()
    report = import_csv(acc, OWNER, "deactivate", data)
    details = acc.events[-1].details
    assert (details["applied"], details["failed"], details["rows_total"]) == (
        2,
        30,
        32,
    )
    assert len(report.results) == 32
    kept = details["rows"]
    assert len(kept) == MAX_IMPORT_EXAMPLE_ROWS
    assert all(not r["ok"] for r in kept)
    assert [r["row"] for r in kept] == sorted(r["row"] for r in kept)


def test_the_account_can_be_measured_without_its_log() -> None:
    acc = account()
    sign_in(acc, OWNER)
    assert "events" not in dump_account(acc, events=False)
    assert dump_account(acc)["events"][0]["action"] == "sign-in"
    assert dump_account(acc, events=False) == {
        k: v for k, v in dump_account(acc).items() if k != "events"
    }
