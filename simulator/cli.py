"""Command line: run the sandbox's operations against a scenario or a JSON file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from simulator.bulk import BULK_ACTIONS, BulkRefused, bulk_remove
from simulator.clock import advance_clock, update_settings
from simulator.csv_files import CsvRejected
from simulator.csv_import import IMPORT_ACTIONS, import_csv, results_csv, sample_csv
from simulator.diagnosis import Diagnosis, apply_plan, diagnose
from simulator.invitation import InvitationBlocked, accept_invitation
from simulator.lifecycle import activate_user, deactivate_user, sign_in
from simulator.loading import AccountError, dump_account, load_state
from simulator.model import Account, Event, Role, UnknownAddon, UnknownRoom, UnknownUser
from simulator.removal import RemovalReport, TransferOptions, delete_user, unlink_user
from simulator.roles import assign_license, change_role
from simulator.rooms import delete_room, remove_addon
from simulator.rules import RULES, RuleViolation
from simulator.scenarios import SCENARIOS, load_scenario

EXIT_REFUSED = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Run Zoom account procedures against a mock account.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--scenario", choices=sorted(SCENARIOS), default="error-1009")
    source.add_argument("--account", type=Path, help="account JSON file")
    parser.add_argument("--actor", help="acting e-mail (default: the owner)")
    parser.add_argument("--save", type=Path, help="write the resulting account JSON")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("show", help="print the account JSON")
    commands.add_parser("scenarios", help="list the scenarios")
    commands.add_parser("rules", help="list the rules and their sources")
    commands.add_parser("diagnose", help="explain error 1009 for this account")
    commands.add_parser("apply-plan", help="run the diagnosis plan, then accept")
    commands.add_parser("accept", help="accept an invitation to join another account")
    commands.add_parser("events", help="print the event log")
    for name in ("deactivate", "activate", "sign-in"):
        commands.add_parser(name).add_argument("email")
    for name in ("unlink", "delete"):
        cmd = commands.add_parser(name)
        cmd.add_argument("email")
        _transfer_arguments(cmd)
    role = commands.add_parser("role", help="change a user's role")
    role.add_argument("email")
    role.add_argument("role", choices=[r.value for r in Role])
    lic = commands.add_parser("license", help="assign licenses")
    lic.add_argument("email")
    lic.add_argument("--type", choices=["licensed", "basic"])
    lic.add_argument("--webinar", action=argparse.BooleanOptionalAction)
    commands.add_parser("delete-room").add_argument("room_id")
    commands.add_parser("remove-addon").add_argument("addon")
    settings = commands.add_parser("settings", help="auto-delete deactivated users")
    settings.add_argument("--days", type=int, help="omit to switch auto-delete off")
    settings.add_argument("--notify", action="store_true")
    commands.add_parser("clock").add_argument("days", type=int)
    bulk = commands.add_parser("bulk", help="act on several users at once")
    bulk.add_argument("action", choices=BULK_ACTIONS)
    bulk.add_argument("emails", nargs="+")
    _transfer_arguments(bulk)
    imp = commands.add_parser("import", help="apply a CSV file")
    imp.add_argument("action", choices=sorted(IMPORT_ACTIONS))
    imp.add_argument("file", type=Path)
    commands.add_parser("sample", help="print a sample CSV").add_argument(
        "action", choices=sorted(IMPORT_ACTIONS)
    )
    return parser


def _transfer_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--transfer-to", metavar="EMAIL")
    cmd.add_argument("--meetings", action="store_true")
    cmd.add_argument("--webinars", action="store_true")
    cmd.add_argument("--recordings", action="store_true")


def _transfer(args: argparse.Namespace) -> TransferOptions | None:
    if not (args.meetings or args.webinars or args.recordings):
        return None
    return TransferOptions(
        args.transfer_to, args.meetings, args.webinars, args.recordings
    )


def _load(args: argparse.Namespace) -> Account:
    if args.account is not None:
        return load_state(json.loads(args.account.read_text(encoding="utf-8")))
    return load_scenario(args.scenario)


def _print_event(event: Event, out: TextIO) -> None:
    mark = "ok" if event.ok else f"refused ({event.rule})"
    details = json.dumps(event.details, ensure_ascii=False) if event.details else ""
    who = f"{event.actor} {event.action} {event.target}"
    print(f"day {event.day}: {who} {mark} {details}".rstrip(), file=out)


def _print_report(report: RemovalReport, out: TextIO) -> None:
    print(f"{report.action} {report.user}", file=out)
    for label in ("transferred", "kept", "deleted"):
        items = getattr(report, label)
        if items:
            print(f"  {label}: {', '.join(items.ids())}", file=out)
    for note in report.notes:
        print(f"  note: {note} ({RULES[note].source})", file=out)


def _print_result(result: Event | RemovalReport, out: TextIO) -> None:
    if isinstance(result, RemovalReport):
        _print_report(result, out)
    else:
        _print_event(result, out)


def _print_diagnosis(diagnosis: Diagnosis, out: TextIO) -> None:
    if not diagnosis.blocked:
        print(f"Error {diagnosis.code}: nothing blocks the invitation.", file=out)
        return
    print(f"Error {diagnosis.code}: the invitation is blocked by", file=out)
    for b in diagnosis.blockers:
        extra = f" ({b.role}, {b.status})" if b.kind == "user" else ""
        print(f"  {b.kind} {b.id}{extra}", file=out)
    print("Plan (run as the owner):", file=out)
    for n, step in enumerate(diagnosis.plan, start=1):
        params = json.dumps(step.params) if step.params else ""
        print(f"  {n}. {step.action} {step.target} {params}  [{step.reason}]", file=out)
        for warning in step.warnings:
            print(
                f"     warning {warning['rule']}: {', '.join(warning['items'])}",
                file=out,
            )


def _accept(account: Account, actor: str, out: TextIO) -> int:
    try:
        _print_event(accept_invitation(account, actor), out)
    except InvitationBlocked as blocked:
        print(f"Invitation refused: error {blocked.code}", file=out)
        for b in blocked.blockers:
            print(f"  {b.kind} {b.id}", file=out)
        return EXIT_REFUSED
    print("Invitation accepted.", file=out)
    return 0


def _run(args: argparse.Namespace, account: Account, actor: str, out: TextIO) -> int:
    command = args.command
    if command == "show":
        print(json.dumps(dump_account(account), indent=2, ensure_ascii=False), file=out)
    elif command == "scenarios":
        for name, teaches in SCENARIOS.items():
            print(f"{name}: {teaches}", file=out)
    elif command == "rules":
        for rule in RULES.values():
            print(f"{rule.id}: {rule.source}", file=out)
    elif command == "events":
        for event in account.events:
            _print_event(event, out)
    elif command == "diagnose":
        _print_diagnosis(diagnose(account), out)
    elif command == "apply-plan":
        diagnosis = diagnose(account)
        _print_diagnosis(diagnosis, out)
        for result in apply_plan(account, diagnosis, actor):
            _print_result(result, out)
        return _accept(account, actor, out)
    elif command == "accept":
        return _accept(account, actor, out)
    elif command == "deactivate":
        _print_event(deactivate_user(account, actor, args.email), out)
    elif command == "activate":
        _print_event(activate_user(account, actor, args.email), out)
    elif command == "sign-in":
        _print_event(sign_in(account, args.email), out)
    elif command == "unlink":
        _print_report(unlink_user(account, actor, args.email, _transfer(args)), out)
    elif command == "delete":
        _print_report(delete_user(account, actor, args.email, _transfer(args)), out)
    elif command == "role":
        _print_event(change_role(account, actor, args.email, Role(args.role)), out)
    elif command == "license":
        _print_event(
            assign_license(account, actor, args.email, args.type, args.webinar), out
        )
    elif command == "delete-room":
        _print_event(delete_room(account, actor, args.room_id), out)
    elif command == "remove-addon":
        _print_event(remove_addon(account, actor, args.addon), out)
    elif command == "settings":
        for event in update_settings(account, actor, args.days, args.notify):
            _print_event(event, out)
    elif command == "clock":
        fired = advance_clock(account, args.days)
        print(f"Clock at day {account.day}; {len(fired)} event(s).", file=out)
        for event in fired:
            _print_event(event, out)
    elif command == "bulk":
        report = bulk_remove(account, actor, args.action, args.emails, _transfer(args))
        for row in report.results:
            print(f"{row.email}: ok", file=out)
    elif command == "import":
        imported = import_csv(account, actor, args.action, args.file.read_bytes())
        print(f"applied {imported.applied}, failed {imported.failed}", file=out)
        print(results_csv(imported), end="", file=out)
    elif command == "sample":
        print(sample_csv(args.action), end="", file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    out = sys.stdout if out is None else out
    args = _parser().parse_args(argv)
    try:
        account = _load(args)
    except (OSError, ValueError) as error:
        print(f"Cannot load the account: {error}", file=sys.stderr)
        return EXIT_USAGE
    actor = args.actor or account.owner.email
    try:
        status = _run(args, account, actor, out)
    except RuleViolation as violation:
        print(f"Refused by rule {violation.rule_id}: {violation.params}", file=out)
        status = EXIT_REFUSED
    except BulkRefused as refused:
        print("Refused; nothing changed:", file=out)
        for r in refused.results:
            why = "ok" if r.ok else (r.violation.rule_id if r.violation else r.error)
            print(f"  {r.email}: {why}", file=out)
        status = EXIT_REFUSED
    except CsvRejected as rejected:
        print(f"File rejected: {rejected.reason} {rejected.params}", file=out)
        status = EXIT_REFUSED
    except (UnknownUser, UnknownRoom, UnknownAddon) as unknown:
        print(f"Not found: {unknown.args[0]}", file=out)
        status = EXIT_REFUSED
    except (AccountError, ValueError) as error:
        print(f"Invalid input: {error}", file=out)
        status = EXIT_USAGE
    if args.save is not None:
        text = json.dumps(dump_account(account), indent=2, ensure_ascii=False)
        args.save.write_text(text + "\n", encoding="utf-8")
    return status
