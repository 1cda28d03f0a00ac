"""Account JSON: defaults, validation errors naming the field, lossless round-trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from simulator import (
    SCENARIOS,
    AccountError,
    Role,
    Status,
    advance_clock,
    dump_account,
    load_account,
    load_scenario,
    load_state,
    unlink_user,
)
from simulator.limits import MAX_EVENTS_KEPT
from tests.simulator.builders import OWNER, account, account_json, items, meetings, user


def test_omitted_user_fields_take_the_documented_defaults() -> None:
    acc = account(user("ann"))
    ann = acc.find("ann@acme.example")
    assert (ann.role, ann.status, ann.license.value, ann.webinar) == (
        Role.MEMBER,
        Status.ACTIVE,
        "basic",
        False,
    )
    assert (ann.privileges, ann.external, ann.items().ids()) == ([], False, [])
    assert acc.day == 0 and acc.settings.delete_deactivated_after_days is None


def test_the_design_example_loads() -> None:
    data = {
        "managed_domains": ["acme.example"],
        "licenses": {"licensed": 10, "webinar": 2},
        "addons": [],
        "settings": {
            "delete_deactivated_after_days": None,
            "notify_admins_before_delete": False,
        },
        "rooms": [{"id": "r1", "name": "Boardroom"}],
        "users": [
            {
                "email": "owner@acme.example",
                "role": "owner",
                "status": "active",
                "license": "licensed",
                "webinar": True,
                "meetings": [{"id": "m1", "topic": "Weekly sync", "pmi": False}],
                "webinars": [{"id": "w1", "topic": "Launch"}],
                "recordings": [{"id": "c1", "topic": "All hands"}],
            },
            {
                "email": "ann@acme.example",
                "role": "admin",
                "status": "active",
                "license": "basic",
                "privileges": ["bulk_remove"],
                "external": False,
            },
            {
                "email": "bob@other.example",
                "role": "member",
                "status": "deactivated",
                "deactivated_days_ago": 12,
            },
            {"email": "eve@acme.example", "role": "member", "status": "pending"},
        ],
    }
    acc = load_account(data)
    assert acc.find("bob@other.example").deactivated_day == -12
    assert load_state(dump_account(acc)) == acc


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_round_trips_through_json(name: str) -> None:
    acc = load_scenario(name)
    text = json.dumps(dump_account(acc))
    assert load_state(json.loads(text)) == acc


def test_an_unknown_scenario_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_scenario("nope")


def test_history_round_trips_too() -> None:
    acc = account(
        user("bob@other.example", meetings=meetings("m1")),
        user("cy", status="deactivated", recordings=items("c1")),
        settings={
            "delete_deactivated_after_days": 3,
            "notify_admins_before_delete": True,
        },
    )
    unlink_user(acc, OWNER, "bob@other.example")
    advance_clock(acc, 5)
    dumped = json.loads(json.dumps(dump_account(acc)))
    assert dumped["day"] == 5 and dumped["departed"][0]["email"] == "bob@other.example"
    assert load_state(dumped) == acc


def _broken(change: Any) -> dict[str, Any]:
    data = account_json(
        user("ann", role="admin"),
        user("bob", meetings=meetings("m1")),
        rooms=[{"id": "r1"}],
    )
    data = copy.deepcopy(data)
    change(data)
    return data


CASES = [
    (lambda d: d.update(extra=1), "extra", "unknown-key"),
    (lambda d: d["users"][1].update(nickname="x"), "users[1].nickname", "unknown-key"),
    (
        lambda d: d["users"][1].update(email="not-an-email"),
        "users[1].email",
        "invalid-email",
    ),
    (
        lambda d: d["users"][2].update(email="ANN@acme.example"),
        "users[2].email",
        "duplicate",
    ),
    (lambda d: d["users"][1].update(role="owner"), "users", "owner-count"),
    (lambda d: d["users"][0].update(role="admin"), "users", "owner-count"),
    (lambda d: d["users"][1].update(role="boss"), "users[1].role", "invalid-value"),
    (lambda d: d["users"][1].update(status="gone"), "users[1].status", "invalid-value"),
    (
        lambda d: d["users"][1].update(license="gold"),
        "users[1].license",
        "invalid-value",
    ),
    (lambda d: d["users"][1].update(webinar="yes"), "users[1].webinar", "type"),
    (lambda d: d["licenses"].update(licensed=0), "licenses.licensed", "license-pool"),
    (lambda d: d["licenses"].update(webinar=0), "licenses.webinar", "license-pool"),
    (lambda d: d["licenses"].update(licensed=-1), "licenses.licensed", "out-of-range"),
    (lambda d: d.update(users=[]), "users", "owner-count"),
    (lambda d: d.pop("users"), "users", "missing"),
    (
        lambda d: d["users"].extend([user(f"u{i}") for i in range(1000)]),
        "users",
        "too-many",
    ),
    (
        lambda d: d.update(rooms=[{"id": f"r{i}"} for i in range(201)]),
        "rooms",
        "too-many",
    ),
    (lambda d: d.update(addons=[f"a{i}" for i in range(51)]), "addons", "too-many"),
    (lambda d: d.update(addons=["a", "a"]), "addons[1]", "duplicate"),
    (lambda d: d.update(rooms=[{"id": "r"}, {"id": "r"}]), "rooms[1]", "duplicate"),
    (
        lambda d: d["users"][1].update(
            meetings=meetings(*[f"x{i}" for i in range(501)])
        ),
        "users[1].meetings",
        "too-many",
    ),
    (
        lambda d: d["users"][1].update(
            meetings=meetings(*[f"x{i}" for i in range(300)]),
            recordings=items(*[f"y{i}" for i in range(201)]),
        ),
        "users[1]",
        "too-many-items",
    ),
    (
        lambda d: d["users"][1].update(recordings=items("m1")),
        "users[2].meetings[0].id",
        "duplicate",
    ),
    (lambda d: d["rooms"][0].update(name="x" * 201), "rooms[0].name", "too-long"),
    (
        lambda d: d["users"][1].update(email="a" * 250 + "@x.example"),
        "users[1].email",
        "too-long",
    ),
    (
        lambda d: d["users"][2].update(status="deactivated", license="licensed"),
        "users[2].license",
        "deactivated-licensed",
    ),
    (
        lambda d: d["users"][2].update(deactivated_days_ago=3),
        "users[2].deactivated_days_ago",
        "not-deactivated",
    ),
    (
        lambda d: d["users"][0].update(status="pending"),
        "users[0].status",
        "owner-not-active",
    ),
    (
        lambda d: d.update(settings={"delete_deactivated_after_days": 0}),
        "settings.delete_deactivated_after_days",
        "out-of-range",
    ),
    (lambda d: d.update(day=True), "day", "type"),
    (
        lambda d: d.update(managed_domains=["not a domain"]),
        "managed_domains[0]",
        "invalid-domain",
    ),
    (lambda d: d.update(events=[]), "events", "unknown-key"),
]


@pytest.mark.parametrize(("change", "field", "problem"), CASES)
def test_an_invalid_account_is_rejected_naming_the_field(
    change, field, problem
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccountError) as caught:
        load_account(_broken(change))
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_the_account_must_be_an_object() -> None:
    with pytest.raises(AccountError) as caught:
        load_account([])
    assert caught.value.field == "account"


def test_pool_errors_carry_the_numbers() -> None:
    with pytest.raises(AccountError) as caught:
        load_account(account_json(user("ann", license="licensed"), licensed=1))
    assert caught.value.params == {"pool": 1, "assigned": 2}


def test_an_account_from_a_client_cannot_bring_an_event_log() -> None:
    event = {"day": 0, "actor": OWNER, "action": "sign-in", "target": OWNER}
    with pytest.raises(AccountError) as caught:
        load_account(account_json(events=[event]))
    assert (caught.value.field, caught.value.problem) == ("events", "unknown-key")
    assert caught.value.params == {"key": "events"}
    assert load_state(account_json(events=[event])).events[0].action == "sign-in"


def _event(**fields: Any) -> dict[str, Any]:
    return {"day": 0, "actor": OWNER, "action": "sign-in", "target": OWNER, **fields}


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"x": value}
    return value


STATE_CASES = [
    ({"day": 0}, "events[0].actor", "missing"),
    (_event(action="fly"), "events[0].action", "invalid-value"),
    (_event(day="1"), "events[0].day", "type"),
    (_event(actor="a" * 255), "events[0].actor", "too-long"),
    (_event(target=7), "events[0].target", "type"),
    (_event(ok="yes"), "events[0].ok", "type"),
    (_event(rule="made-up"), "events[0].rule", "invalid-value"),
    (_event(details=[]), "events[0].details", "type"),
    (_event(details={"a": float("nan")}), "events[0].details.a", "type"),
    (_event(details={"a": 10**100}), "events[0].details.a", "out-of-range"),
    (_event(details={"a": {1, 2}}), "events[0].details.a", "type"),
    (_event(details=_nested(8)), "events[0].details.x.x.x.x.x.x", "too-deep"),
    (_event(details={str(i): i for i in range(51)}), "events[0].details", "too-many"),
    (_event(details={"s": "x" * 10_001}), "events[0].details.s", "too-long"),
    (_event(extra=1), "events[0].extra", "unknown-key"),
]


@pytest.mark.parametrize(("event", "field", "problem"), STATE_CASES)
def test_a_stored_event_is_validated_on_the_way_in(
    event: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(AccountError) as caught:
        load_state(account_json(events=[event]))
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_a_long_stored_log_loads_its_latest_events_only() -> None:
    events = [_event(day=i) for i in range(MAX_EVENTS_KEPT + 100)]
    acc = load_state(account_json(events=events, day=MAX_EVENTS_KEPT + 100))
    assert len(acc.events) == MAX_EVENTS_KEPT
    assert acc.events[0].day == 100


def test_who_was_noticed_is_recovered_from_an_older_state_s_log() -> None:
    bob = "bob@other.example"
    notice = _event(
        day=3,
        actor="system",
        action="auto-delete-notice",
        rule="auto-delete-notice",
        details={"users": [bob.upper()], "delete_day": 8},
    )
    data = account_json(
        user(bob, status="deactivated", deactivated_days_ago=25),
        day=3,
        events=[notice],
    )
    assert load_state(data).find(bob).notified == [8]
