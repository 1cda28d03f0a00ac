"""One fix table: every plan action has its sections."""

from __future__ import annotations

from simulator import FIXES, diagnose, load_scenario
from simulator.diagnosis import PLAN_ACTIONS


def test_every_plan_action_has_exactly_one_fix() -> None:
    assert sorted(FIXES) == sorted(PLAN_ACTIONS)
    assert all(action == fix.action for action, fix in FIXES.items())


def test_the_typical_1009_plan_only_uses_actions_of_the_table() -> None:
    plan = diagnose(load_scenario("error-1009")).plan
    assert {step.action for step in plan} <= set(FIXES)


def test_an_action_without_steps_links_its_explanation() -> None:
    addon = FIXES["remove-addon"]
    assert addon.procedure(1) is None and addon.procedure(3) is None
    assert str(addon.section()) == "error-1009#cause"
    assert str(FIXES["disassociate"].section(2)) == "error-1009#unlink-multiple"
