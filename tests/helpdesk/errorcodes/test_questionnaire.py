"""Questionnaire answers → an account the simulator diagnoses."""

from __future__ import annotations

import pytest

from helpdesk.errorcodes.questionnaire import (
    Answers,
    FieldError,
    build_account,
    parse_answers,
)
from simulator import diagnose, load_account


def plan_of(**answers: object) -> list[tuple[str, str]]:
    """Return (action, target) of the fix plan for these answers."""
    account = load_account(build_account(Answers(**answers)))  # type: ignore[arg-type]
    return [(step.action, step.target) for step in diagnose(account).plan]


def test_no_answers_is_not_a_submitted_questionnaire() -> None:
    parsed = parse_answers({})
    assert not parsed.submitted
    assert not parsed.valid


def test_empty_fields_count_as_zero() -> None:
    parsed = parse_answers({"diagnose": "1", "users": "", "rooms": " "})
    assert parsed.valid
    assert parsed.answers == Answers()


def test_answers_are_read() -> None:
    parsed = parse_answers(
        {
            "users": "4",
            "admins": "1",
            "managed": "2",
            "deactivated": "1",
            "rooms": "3",
            "addons": "yes",
        }
    )
    assert parsed.answers == Answers(4, 1, 2, 1, 3, True)
    assert parse_answers(parsed.answers.to_params()).answers == parsed.answers


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"users": "many"}, FieldError("users", "number", 200)),
        ({"users": "-1"}, FieldError("users", "range", 200)),
        ({"rooms": "51"}, FieldError("rooms", "range", 50)),
        ({"users": "1", "admins": "2"}, FieldError("admins", "users", 1)),
        ({"users": "1", "managed": "3"}, FieldError("managed", "users", 1)),
        (
            {"users": "2", "admins": "2", "deactivated": "1"},
            FieldError("deactivated", "admins", 0),
        ),
    ],
)
def test_impossible_answers_are_refused(
    values: dict[str, str], error: FieldError
) -> None:
    parsed = parse_answers(values)
    assert parsed.submitted and not parsed.valid
    assert error in parsed.errors


def test_the_account_has_exactly_what_was_answered() -> None:
    data = build_account(Answers(5, 2, 3, 2, 2, True))
    account = load_account(data)
    others = [u for u in account.users if u.role.value != "owner"]
    assert len(others) == 5
    assert sum(u.role.value == "admin" for u in others) == 2
    assert sum(account.is_managed(u.email) for u in others) == 3
    assert sum(u.status.value == "deactivated" for u in others) == 2
    assert not any(
        u.role.value == "admin" and u.status.value == "deactivated" for u in others
    )
    assert len(account.rooms) == 2
    assert len(account.addons) == 1


def test_nothing_answered_is_not_blocked() -> None:
    account = load_account(build_account(Answers()))
    diagnosis = diagnose(account)
    assert not diagnosis.blocked
    assert diagnosis.plan == []


def test_only_a_zoom_room_gives_one_step() -> None:
    assert plan_of(rooms=1) == [("delete-room", "room-1")]


def test_an_admin_on_a_managed_domain_is_converted_then_deleted() -> None:
    steps = plan_of(users=1, admins=1, managed=1)
    assert [action for action, _ in steps] == ["change-role", "delete"]
    assert steps[0][1] == steps[1][1]


def test_users_off_the_managed_domains_are_unlinked() -> None:
    steps = plan_of(users=3, deactivated=1)
    assert [action for action, _ in steps] == ["disassociate"] * 3


def test_the_largest_answers_still_make_a_valid_account() -> None:
    answers = Answers(200, 100, 200, 100, 50, True)
    account = load_account(build_account(answers))
    assert len(diagnose(account).plan) == 100 + 200 + 50 + 1
