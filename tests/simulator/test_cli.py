"""The ``python -m simulator`` support tool."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from simulator import dump_account, load_scenario, load_state
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def test_diagnose_lists_blockers_and_plan() -> None:
    status, text = run("--scenario", "error-1009", "diagnose")
    assert status == 0
    assert "user ann@acme.example (admin, active)" in text
    assert "change-role ann@acme.example" in text and "delete-room room-1" in text


def test_apply_plan_ends_with_the_invitation_accepted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--scenario", "error-1009", "apply-plan"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("Invitation accepted.")


def test_accept_on_a_blocked_account_exits_with_one() -> None:
    status, text = run("--scenario", "error-1009", "accept")
    assert status == 1 and "error 1009" in text


def test_a_refusal_names_the_rule() -> None:
    status, text = run("--scenario", "error-1009", "unlink", "piotr@acme.example")
    assert status == 1 and "managed-domain" in text


def test_operations_can_be_saved_and_replayed(tmp_path: Path) -> None:
    saved = tmp_path / "account.json"
    status, text = run(
        "--scenario",
        "error-1009",
        "--save",
        str(saved),
        "delete",
        "piotr@acme.example",
        "--transfer-to",
        "owner@acme.example",
        "--meetings",
        "--recordings",
    )
    assert status == 0 and "transferred: m-300, c-300" in text and "w-300" in text
    account = load_state(json.loads(saved.read_text(encoding="utf-8")))
    assert not account.has_user("piotr@acme.example")
    status, text = run("--account", str(saved), "clock", "3")
    assert status == 0 and "Clock at day 3" in text


def test_import_prints_per_row_results(tmp_path: Path) -> None:
    csv_file = tmp_path / "users.csv"
    csv_file.write_bytes("Email;X\nsanne@partner.example;ż\n".encode("cp1250"))
    status, text = run(
        "--scenario", "error-1009", "import", "deactivate", str(csv_file)
    )
    assert status == 0 and "applied 1, failed 0" in text
    assert "2,sanne@partner.example,ok" in text


def test_sample_and_scenarios_and_rules_print() -> None:
    assert run("sample", "delete")[1].startswith("Email,Transfer Email")
    assert "error-1009: invitation-blocked" in run("scenarios")[1]
    assert "managed-domain: error-1009#unlink-users" in run("rules")[1]


def test_a_bad_account_file_exits_with_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"users": []}), encoding="utf-8")
    assert run("--account", str(bad), "show")[0] == 2


def test_show_prints_the_account_json() -> None:
    status, text = run("--scenario", "clean", "show")
    assert json.loads(text) == dump_account(load_scenario("clean"))
