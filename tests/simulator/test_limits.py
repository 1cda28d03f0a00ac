"""Limits are defined once, in simulator.limits, and every check uses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simulator
from simulator import (
    AccountError,
    CsvRejected,
    advance_clock,
    import_csv,
    load_account,
    update_settings,
)
from simulator.limits import (
    MAX_AUTO_DELETE_DAYS,
    MAX_CLOCK_STEP,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    MAX_USERS,
)
from tests.simulator.builders import OWNER, account, account_json, user

PACKAGE = Path(simulator.__file__).parent


def test_no_module_but_limits_defines_a_max_constant() -> None:
    defined = []
    for path in PACKAGE.glob("*.py"):
        if path.name == "limits.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.startswith("MAX_"):
                    defined.append(f"{path.name}:{target.id}")
    assert defined == []


def test_the_clock_moves_at_most_the_max_step() -> None:
    acc = account()
    advance_clock(acc, MAX_CLOCK_STEP)
    assert acc.day == MAX_CLOCK_STEP
    with pytest.raises(ValueError):
        advance_clock(acc, MAX_CLOCK_STEP + 1)


def test_auto_delete_days_stop_at_the_max_in_settings_and_in_json() -> None:
    acc = account()
    update_settings(acc, OWNER, MAX_AUTO_DELETE_DAYS, False)
    with pytest.raises(ValueError):
        update_settings(acc, OWNER, MAX_AUTO_DELETE_DAYS + 1, False)
    data = account_json(settings={"delete_deactivated_after_days": 366})
    with pytest.raises(AccountError) as caught:
        load_account(data)
    assert caught.value.params["max"] == MAX_AUTO_DELETE_DAYS


def test_csv_limits_come_from_the_limits_module() -> None:
    with pytest.raises(CsvRejected) as caught:
        import_csv(account(), OWNER, "deactivate", b"E" * (MAX_CSV_BYTES + 1))
    assert caught.value.params["max_bytes"] == MAX_CSV_BYTES
    rows = b"Email\n" + b"a@b.example\n" * (MAX_CSV_ROWS + 1)
    with pytest.raises(CsvRejected) as caught:
        import_csv(account(), OWNER, "deactivate", rows)
    assert caught.value.params["max_rows"] == MAX_CSV_ROWS


def test_an_account_with_more_than_the_max_users_is_refused() -> None:
    users = [user(f"u{i}") for i in range(MAX_USERS)]
    with pytest.raises(AccountError) as caught:
        load_account(account_json(*users))
    assert (caught.value.field, caught.value.problem) == ("users", "too-many")
