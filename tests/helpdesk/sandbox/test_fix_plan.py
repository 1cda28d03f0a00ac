"""The fix plan as a guide: steps ticked from the account, blockers left. No Flask."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulator
from helpdesk.errorcodes import questionnaire
from helpdesk.sandbox import guide
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.service import SandboxLimits, SandboxService
from helpdesk.sandbox.store import SandboxStore
from helpdesk.settings import defaults
from simulator import Role, load_scenario
from tests.helpdesk.sandbox.test_store import clock, make_store  # noqa: F401

OWNER = "owner@acme.example"


def states(progress: guide.PlanProgress) -> list[tuple[str, str, str]]:
    return [(step.action, step.target, state) for step, state in progress.steps]


def test_a_fresh_account_has_every_step_to_do_and_every_blocker_left() -> None:
    account = load_scenario("error-1009")
    progress = guide.plan_progress(account, account)
    assert [s for *_, s in states(progress)] == ["todo"] * 6
    assert (len(progress.left), progress.total) == (5, 5)
    assert progress.current == 0
    assert not progress.complete


def test_steps_are_ticked_from_the_account_and_blockers_counted_again() -> None:
    initial = load_scenario("error-1009")
    account = load_scenario("error-1009")
    simulator.change_role(account, OWNER, "ann@acme.example", Role.MEMBER)
    progress = guide.plan_progress(initial, account)
    assert states(progress)[0] == ("change-role", "ann@acme.example", "done")
    # Ann is a member now but still on the account: still five blockers.
    assert (len(progress.left), progress.total) == (5, 5)
    assert progress.current == 1

    simulator.unlink_user(account, OWNER, "bob@other.example", None)
    progress = guide.plan_progress(initial, account)
    # Out of order is fine: the account says what is done, not the clicks.
    assert states(progress)[2] == ("disassociate", "bob@other.example", "done")
    assert states(progress)[1][2] == "todo"
    assert len(progress.left) == 4


def test_the_whole_plan_done_leaves_no_blocker_and_accepting_completes_it() -> None:
    initial = load_scenario("error-1009")
    account = load_scenario("error-1009")
    simulator.apply_plan(account, simulator.diagnose(account))
    progress = guide.plan_progress(initial, account)
    assert [s for *_, s in states(progress)] == ["done"] * 6
    assert progress.left == () and progress.total == 5
    assert progress.current is None and not progress.complete
    simulator.accept_invitation(account, OWNER)
    assert guide.plan_progress(initial, account).complete


def test_the_plan_is_the_personal_one_from_the_questionnaire() -> None:
    answers = questionnaire.Answers(users=3, admins=1, managed=2, rooms=0)
    account = simulator.load_account(questionnaire.build_account(answers))
    progress = guide.plan_progress(account, account)
    assert [a for a, *_ in states(progress)] == [
        "change-role",
        "disassociate",
        "delete",
        "delete",
    ]
    assert progress.total == 3


def unlicensed_owner() -> simulator.Account:
    data = simulator.dump_account(load_scenario("error-1009"))
    data.pop("events")
    for user in data["users"]:
        if user["role"] == "owner":
            user["license"] = "basic"
    return simulator.load_account(data)


def test_the_owner_license_step_is_done_when_held_and_skipped_when_moot() -> None:
    initial = unlicensed_owner()
    account = unlicensed_owner()
    license_step = [a for a, *_ in states(guide.plan_progress(initial, account))]
    assert "assign-license" in license_step
    simulator.assign_license(account, OWNER, OWNER, "licensed")
    progress = guide.plan_progress(initial, account)
    assert ("assign-license", OWNER, "done") in states(progress)

    # Deleted without it: the license would have saved recordings, and now
    # there is nobody left it was for.
    other = unlicensed_owner()
    simulator.change_role(other, OWNER, "ann@acme.example", Role.MEMBER)
    for email in ("ann@acme.example", "piotr@acme.example"):
        simulator.delete_user(other, OWNER, email, None)
    assert ("assign-license", OWNER, "skipped") in states(
        guide.plan_progress(initial, other)
    )


def test_rooms_and_add_ons_are_ticked_when_gone() -> None:
    initial = load_scenario("addons")
    account = load_scenario("addons")
    addon = account.addons[0]
    simulator.remove_addon(account, account.owner.email, addon)
    progress = guide.plan_progress(initial, account)
    assert ("remove-addon", addon, "done") in states(progress)
    assert len(progress.left) == progress.total - 1


def test_an_unknown_code_has_no_plan() -> None:
    account = load_scenario("error-1009")
    with pytest.raises(ValueError):
        guide.plan_progress(account, account, 4711)


@given(st.integers(min_value=0, max_value=10**9))
def test_plan_keys_round_trip(code: int) -> None:
    assert guide.parse_plan(guide.plan_key(code)) == code
    assert guide.parse_guide(guide.plan_key(code)) is None  # never a procedure


@pytest.mark.parametrize(
    "value", [None, "", "plan:", "plan:x", "plan:-1", "plan:١٠٠٩", "error-1009#cause"]
)
def test_malformed_plan_keys_are_rejected(value: str | None) -> None:
    assert guide.parse_plan(value) is None


# --- kept with the sandbox, on every store ------------------------------------------


def test_the_plan_is_kept_with_the_sandbox_on_every_store(
    make_store: Callable[..., SandboxStore],  # noqa: F811
) -> None:
    service = SandboxService(make_store(), SandboxLimits.from_config(defaults()))
    answers = questionnaire.Answers(users=3, admins=1, managed=2, rooms=1)
    created = service.create(None, questionnaire.build_account(answers))
    sandbox_id = created.id
    assert sandbox_id is not None
    before = service.plan_progress(sandbox_id)
    assert before.total == 4 and len(before.left) == 4
    admin = before.steps[0][0].target
    service.change_role(sandbox_id, admin, "member")
    service.remove_user(sandbox_id, before.steps[1][0].target, "disassociate", None)
    after = service.plan_progress(sandbox_id)
    # The plan is still the one diagnosed at the start, ticked on the account now.
    assert [s.target for s, _ in after.steps] == [s.target for s, _ in before.steps]
    assert [state for _, state in after.steps][:2] == ["done", "done"]
    assert (len(after.left), after.total) == (3, 4)
    service.reset(sandbox_id)
    again = service.plan_progress(sandbox_id)
    assert all(state == "todo" for _, state in again.steps)


def test_an_unknown_sandbox_has_no_plan(
    make_store: Callable[..., SandboxStore],  # noqa: F811
) -> None:
    service = SandboxService(make_store(), SandboxLimits.from_config(defaults()))
    with pytest.raises(SandboxError) as raised:
        service.plan_progress("0" * 32)
    assert raised.value.code == "unknown-sandbox"
