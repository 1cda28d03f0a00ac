"""Properties over random valid accounts and random sequences of operations."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import (
    Account,
    BulkRefused,
    CsvRejected,
    Role,
    RuleViolation,
    TransferOptions,
    accept_invitation,
    activate_user,
    advance_clock,
    apply_plan,
    assign_license,
    bulk_remove,
    change_role,
    deactivate_user,
    delete_room,
    delete_user,
    diagnose,
    dump_account,
    import_csv,
    load_account,
    load_state,
    remove_addon,
    sign_in,
    unlink_user,
    update_settings,
)

OWNER = "owner@acme.example"
DOMAINS = ("acme.example", "eu.acme.example", "other.example")
STRANGER = "stranger@nowhere.example"
FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, Any]:
    """Draw the JSON of a valid account: an owner and up to eight other users."""
    counter = iter(range(10_000))

    def things(kind: str, pmi: bool = False) -> list[dict[str, Any]]:
        n = draw(st.integers(0, 2))
        made = []
        for _ in range(n):
            thing: dict[str, Any] = {"id": f"{kind}{next(counter)}", "topic": kind}
            if pmi:
                thing["pmi"] = draw(st.booleans())
            made.append(thing)
        return made

    users: list[dict[str, Any]] = [
        {
            "email": OWNER,
            "role": "owner",
            "license": draw(st.sampled_from(["licensed", "basic"])),
            "webinar": draw(st.booleans()),
            "meetings": things("m", pmi=True),
            "webinars": things("w"),
            "recordings": things("c"),
        }
    ]
    for i in range(draw(st.integers(0, 8))):
        status = draw(st.sampled_from(["active", "deactivated", "pending"]))
        user: dict[str, Any] = {
            "email": f"u{i}@{draw(st.sampled_from(DOMAINS))}",
            "role": draw(st.sampled_from(["admin", "member", "member"])),
            "status": status,
            "external": draw(st.booleans()),
            "privileges": draw(st.sampled_from([[], ["bulk_remove"]])),
            "meetings": things("m", pmi=True),
            "webinars": things("w"),
            "recordings": things("c"),
        }
        if status == "deactivated":
            user["deactivated_days_ago"] = draw(st.integers(0, 60))
        else:
            user["license"] = draw(st.sampled_from(["licensed", "basic"]))
            user["webinar"] = draw(st.booleans())
        users.append(user)
    licensed = sum(u.get("license") == "licensed" for u in users)
    webinar = sum(bool(u.get("webinar")) for u in users)
    days = draw(st.sampled_from([None, 1, 7, 30]))
    return {
        "managed_domains": draw(st.sampled_from([[], ["acme.example"]])),
        "licenses": {
            "licensed": licensed + draw(st.integers(0, 2)),
            "webinar": webinar + draw(st.integers(0, 1)),
        },
        "addons": draw(st.sampled_from([[], ["large-meetings"], ["a", "b"]])),
        "settings": {
            "delete_deactivated_after_days": days,
            "notify_admins_before_delete": draw(st.booleans()),
        },
        "rooms": [
            {"id": f"r{i}", "name": "Room"} for i in range(draw(st.integers(0, 2)))
        ],
        "users": users,
        "day": draw(st.integers(0, 5)),
    }


def _emails(account: Account) -> list[str]:
    return [u.email for u in account.users] + [STRANGER]


def _transfer(data: st.DataObject, account: Account) -> TransferOptions | None:
    if not data.draw(st.booleans()):
        return None
    return TransferOptions(
        data.draw(st.sampled_from([*_emails(account), None])),
        data.draw(st.booleans()),
        data.draw(st.booleans()),
        data.draw(st.booleans()),
    )


def _csv(data: st.DataObject, account: Account) -> bytes:
    picked = data.draw(st.lists(st.sampled_from(_emails(account)), max_size=4))
    target = data.draw(st.sampled_from([OWNER, "", *_emails(account)]))
    flags = data.draw(
        st.sampled_from(["yes;no;no", "no;no;yes", "tak;ja;nie", "x;y;z"])
    )
    lines = [
        "Email;Transfer Email;Transfer Meeting;Transfer Webinar;Transfer Recording"
    ]
    lines += [f"{e};{target};{flags}" for e in picked]
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1250"]))
    return "\n".join(lines).encode(encoding)


def _operation(data: st.DataObject, account: Account) -> Callable[[], object]:
    """Draw one operation, by a random actor, on a random target."""
    operation = _operation_on(data, account)
    return lambda: operation(account)


def _operation_on(data: st.DataObject, account: Account) -> Callable[[Account], object]:
    """Draw one operation (chosen from ``account``) to run on any copy of it."""
    # Mostly the owner acts on someone else, so that operations often go through.
    actor = data.draw(
        st.one_of(st.just(OWNER), st.sampled_from(_emails(account))), label="actor"
    )
    others = [e for e in _emails(account) if e != OWNER]
    target = data.draw(
        st.one_of(st.sampled_from(others), st.sampled_from(_emails(account))),
        label="target",
    )
    kind = data.draw(
        st.sampled_from(
            [
                "role",
                "license",
                "deactivate",
                "activate",
                "unlink",
                "delete",
                "room",
                "addon",
                "settings",
                "clock",
                "sign-in",
                "accept",
                "bulk",
                "import",
            ]
        ),
        label="operation",
    )
    if kind == "role":
        role = data.draw(st.sampled_from(list(Role)))
        return lambda acc: change_role(acc, actor, target, role)
    if kind == "license":
        lic = data.draw(st.sampled_from([None, "licensed", "basic"]))
        web = data.draw(st.sampled_from([None, True, False]))
        return lambda acc: assign_license(acc, actor, target, lic, web)
    if kind == "deactivate":
        return lambda acc: deactivate_user(acc, actor, target)
    if kind == "activate":
        return lambda acc: activate_user(acc, actor, target)
    if kind in ("unlink", "delete"):
        transfer = _transfer(data, account)
        remove = unlink_user if kind == "unlink" else delete_user
        return lambda acc: remove(acc, actor, target, transfer)
    if kind == "room":
        room = data.draw(st.sampled_from(["r0", "r1", "r9"]))
        return lambda acc: delete_room(acc, actor, room)
    if kind == "addon":
        addon = data.draw(st.sampled_from(["a", "b", "large-meetings"]))
        return lambda acc: remove_addon(acc, actor, addon)
    if kind == "settings":
        days = data.draw(st.sampled_from([None, 0, 1, 5, 30, 400]))
        notify = data.draw(st.booleans())
        return lambda acc: update_settings(acc, actor, days, notify)
    if kind == "clock":
        days = data.draw(st.integers(0, 40))
        return lambda acc: advance_clock(acc, days)
    if kind == "sign-in":
        return lambda acc: sign_in(acc, target)
    if kind == "accept":
        return lambda acc: accept_invitation(acc, actor)
    if kind == "bulk":
        action = data.draw(st.sampled_from(["deactivate", "disassociate", "delete"]))
        emails = data.draw(st.lists(st.sampled_from(_emails(account)), max_size=4))
        transfer = _transfer(data, account)
        return lambda acc: bulk_remove(acc, actor, action, emails, transfer)
    action = data.draw(st.sampled_from(["deactivate", "disassociate", "delete", "x"]))
    body = _csv(data, account)
    return lambda acc: import_csv(acc, actor, action, body)


REFUSALS = (RuleViolation, LookupError, BulkRefused, CsvRejected, ValueError)


def _item_ids(account: Account) -> tuple[list[str], list[str], set[str]]:
    owned = [i for u in account.users for i in u.items().ids()]
    departed = [
        x.id
        for d in account.departed
        for x in (*d.meetings, *d.webinars, *d.recordings)
    ]
    deleted: set[str] = set()
    for event in account.events:
        if event.ok and event.action in ("delete", "auto-delete"):
            for ids in event.details["deleted"].values():
                deleted.update(ids)
    return owned, departed, deleted


def _check_invariants(account: Account, ever: set[str]) -> None:
    owners = [u for u in account.users if u.role is Role.OWNER]
    assert [u.email for u in owners] == [OWNER]
    assigned = account.assigned()
    assert assigned.licensed <= account.licenses.licensed
    assert assigned.webinar <= account.licenses.webinar
    owned, departed, deleted = _item_ids(account)
    held = owned + departed
    assert len(held) == len(set(held)), "an item is in two places"
    assert not set(held) & deleted, "a deleted item is still held"
    assert ever <= set(held) | deleted, "an item was lost silently"


@FAST
@given(accounts())
def test_a_random_valid_account_round_trips(data: dict[str, Any]) -> None:
    account = load_account(data)
    assert load_state(json.loads(json.dumps(dump_account(account)))) == account


@FAST
@given(accounts(), st.data())
def test_random_operations_keep_every_invariant(
    data_json: dict[str, Any], data: st.DataObject
) -> None:
    account = load_account(data_json)
    # "Nothing is lost silently" reads deletions back from the event log, so this
    # test keeps the whole log; that the bounded log is its tail is tested below.
    account.keep_events = None
    ever = {i for u in account.users for i in u.items().ids()}
    for _ in range(data.draw(st.integers(1, 8), label="steps")):
        operation = _operation(data, account)
        before = dump_account(account)
        try:
            operation()
        except REFUSALS:
            assert dump_account(account) == before, "a refusal changed the account"
        _check_invariants(account, ever)
    assert load_state(json.loads(json.dumps(dump_account(account)))) == account


@FAST
@given(accounts(), st.data())
def test_the_diagnosis_plan_always_clears_error_1009(
    data_json: dict[str, Any], data: st.DataObject
) -> None:
    account = load_account(data_json)
    account.keep_events = None  # the invariants read deletions from the whole log
    for _ in range(data.draw(st.integers(0, 4), label="steps")):
        try:
            _operation(data, account)()
        except REFUSALS:
            pass
    ever = {i for u in account.users for i in u.items().ids()}
    apply_plan(account, diagnose(account))
    assert accept_invitation(account, OWNER).ok
    assert account.invitation_accepted
    _check_invariants(account, ever)


@FAST
@given(accounts(), st.data(), st.integers(0, 4))
def test_a_bounded_event_log_is_the_tail_of_the_whole_log(
    data_json: dict[str, Any], data: st.DataObject, keep: int
) -> None:
    whole = load_account(data_json)
    whole.keep_events = None
    bounded = copy.deepcopy(whole)
    bounded.keep_events = keep
    for _ in range(data.draw(st.integers(1, 8), label="steps")):
        operation = _operation_on(data, whole)
        outcomes = []
        for acc in (whole, bounded):
            try:
                operation(acc)
                outcomes.append("done")
            except REFUSALS as refusal:
                outcomes.append(type(refusal).__name__)
        assert outcomes[0] == outcomes[1], "trimming the log changed an outcome"
        assert len(bounded.events) <= keep
        assert bounded.events == whole.events[max(0, len(whole.events) - keep) :]
        assert dump_account(bounded, events=False) == dump_account(whole, events=False)
