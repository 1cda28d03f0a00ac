"""Diagnosis of error 1009: blockers, and a plan that clears them."""

from __future__ import annotations

import pytest

from simulator import (
    SCENARIOS,
    InvitationBlocked,
    accept_invitation,
    apply_plan,
    diagnose,
    load_scenario,
)
from tests.simulator.builders import OWNER, account, items, meetings, user


def _steps(diagnosis):  # type: ignore[no-untyped-def]
    return [(s.action, s.target) for s in diagnosis.plan]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_running_the_plan_of_each_scenario_lets_the_invitation_through(
    name: str,
) -> None:
    acc = load_scenario(name)
    diagnosis = diagnose(acc)
    assert diagnosis.blocked == (name != "clean")
    apply_plan(acc, diagnosis)
    assert accept_invitation(acc, acc.owner.email).ok
    assert not diagnose(acc).blocked


def test_the_error_1009_scenario_is_blocked_by_every_kind_of_user_and_a_room() -> None:
    acc = load_scenario("error-1009")
    with pytest.raises(InvitationBlocked) as caught:
        accept_invitation(acc, acc.owner.email)
    kinds = {(b.kind, b.status) for b in caught.value.blockers}
    assert kinds == {("user", "active"), ("user", "deactivated"), ("room", None)}
    assert "eve@acme.example" not in [b.id for b in caught.value.blockers]


def test_the_error_1009_plan_converts_unlinks_deletes_and_removes_the_room() -> None:
    diagnosis = diagnose(load_scenario("error-1009"))
    assert _steps(diagnosis) == [
        ("change-role", "ann@acme.example"),
        ("disassociate", "sanne@partner.example"),
        ("disassociate", "bob@other.example"),
        ("delete", "ann@acme.example"),
        ("delete", "piotr@acme.example"),
        ("delete-room", "room-1"),
    ]
    ann = diagnosis.plan[3]
    assert ann.reason == "managed-domain"
    assert ann.params == {
        "transfer_email": "owner@acme.example",
        "transfer_meeting": True,
        "transfer_webinar": False,
        "transfer_recording": True,
    }
    assert ann.warnings == [
        {"rule": "pmi-not-transferable", "items": ["m-200"]},
        {"rule": "delete-permanent", "items": ["m-200"]},
    ]
    assert diagnosis.plan[1].params["transfer_email"] is None


def test_the_owner_gets_a_free_license_first_to_save_recordings() -> None:
    acc = account(
        user("ann", license="licensed", recordings=items("c1")),
        owner=user("owner", role="owner"),
        licensed=2,
    )
    diagnosis = diagnose(acc)
    assert _steps(diagnosis) == [
        ("assign-license", OWNER),
        ("delete", "ann@acme.example"),
    ]
    assert diagnosis.plan[0].params == {"license": "licensed"}
    assert diagnosis.plan[1].params["transfer_recording"] is True
    apply_plan(acc, diagnosis)
    assert [r.id for r in acc.owner.recordings] == ["c1"]


def test_without_a_free_license_the_plan_warns_what_will_be_lost() -> None:
    acc = account(
        user("ann", license="licensed", recordings=items("c1"), webinars=items("w1")),
        user("bo", meetings=meetings("p1", pmi=("p1",))),
        owner=user("owner", role="owner"),
        licensed=1,
        webinar=0,
    )
    diagnosis = diagnose(acc)
    ann = diagnosis.plan[0]
    assert ann.params["transfer_email"] is None
    assert ann.warnings == [
        {"rule": "transfer-recordings-licensed", "items": ["c1"]},
        {"rule": "transfer-webinars-licensed", "items": ["w1"]},
        {"rule": "delete-permanent", "items": ["w1", "c1"]},
    ]
    assert diagnosis.plan[1].warnings[0] == {
        "rule": "pmi-not-transferable",
        "items": ["p1"],
    }


def test_a_clean_account_needs_no_plan() -> None:
    diagnosis = diagnose(load_scenario("clean"))
    assert (diagnosis.blocked, diagnosis.blockers, diagnosis.plan) == (False, [], [])
    assert diagnosis.to_dict() == {
        "code": 1009,
        "blocked": False,
        "blockers": [],
        "plan": [],
    }


def test_an_addon_only_account_is_fixed_by_removing_the_addons() -> None:
    diagnosis = diagnose(load_scenario("addons"))
    assert [s.action for s in diagnosis.plan] == ["remove-addon", "remove-addon"]


def test_an_unknown_code_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        diagnose(load_scenario("clean"), code=1010)
