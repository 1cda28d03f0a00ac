"""Bulk deactivate, unlink or delete users from an uploaded CSV file."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from simulator.csv_files import (
    CsvRejected,
    decode_csv,
    read_rows,
    write_csv,
)
from simulator.emails import is_email, visible
from simulator.guards import bulk_user
from simulator.lifecycle import deactivate_user
from simulator.limits import MAX_CSV_ROWS, MAX_EMAIL, MAX_IMPORT_EXAMPLE_ROWS
from simulator.model import Account, UnknownUser
from simulator.removal import RemovalAction, TransferOptions, remove_user
from simulator.rules import RuleViolation

IMPORT_ACTIONS = {
    "deactivate": "deactivate",
    "disassociate": "disassociate",
    "unlink": "disassociate",
    "delete": "delete",
}

_EMAIL_HEADERS = frozenset(
    {"email", "e-mail", "emailaddress", "e-mailaddress", "adrese-mail", "e-mailadres"}
)
_TRANSFER_HEADERS = {
    "transferemail": "email",
    "transfere-mail": "email",
    "transfermeeting": "meetings",
    "transfermeetings": "meetings",
    "transferwebinar": "webinars",
    "transferwebinars": "webinars",
    "transferrecording": "recordings",
    "transferrecordings": "recordings",
    "transfercloudrecording": "recordings",
    "transfercloudrecordings": "recordings",
}
_YES = frozenset({"yes", "true", "1", "y", "tak", "ja", "t", "j"})
_NO = frozenset({"no", "false", "0", "n", "nie", "nee", ""})

SAMPLE_HEADER = ["Email"]
SAMPLE_TRANSFER_HEADER = [
    "Email",
    "Transfer Email",
    "Transfer Meeting",
    "Transfer Webinar",
    "Transfer Recording",
]


@dataclass
class RowResult:
    """The outcome of one CSV row, numbered as in a spreadsheet (header = row 1).

    ``violation`` is the rule that refused the row; ``error`` a code for a row the
    simulator could not read: ``missing-email``, ``invalid-email`` (syntax, or an
    invisible character, which ``email`` then shows as U+FFFD),
    ``invalid-transfer-email``, ``invalid-flag``, ``duplicate-row``,
    ``unknown-user``.
    """

    row: int
    email: str
    ok: bool
    violation: RuleViolation | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``error`` is the rule id or the error code)."""
        return {
            "row": self.row,
            "email": self.email,
            "ok": self.ok,
            "error": self.code,
            "rule": None if self.violation is None else self.violation.rule_id,
            "params": {} if self.violation is None else dict(self.violation.params),
        }

    def compact(self) -> list[Any]:
        """Return ``[row, email, ok, code, params]``: the row in an import event."""
        params = {} if self.violation is None else dict(self.violation.params)
        return [self.row, self.email, self.ok, self.code, params]

    @property
    def code(self) -> str | None:
        """Return the rule id or error code of a failed row, ``None`` if it went."""
        if self.violation is not None:
            return self.violation.rule_id
        return self.error


@dataclass
class ImportReport:
    """The outcome of an import: rows applied, rows failed, and how it was read."""

    applied: int = 0
    failed: int = 0
    results: list[RowResult] = field(default_factory=list)
    action: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the report."""
        return {
            "action": self.action,
            "applied": self.applied,
            "failed": self.failed,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "results": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True)
class _Columns:
    email: int
    transfer: dict[str, int]


def _normalize(header: str) -> str:
    return "".join(header.casefold().split()).replace("_", "")


def _columns(header: list[str], action: str) -> _Columns:
    names = [_normalize(h) for h in header]
    email = next((i for i, n in enumerate(names) if n in _EMAIL_HEADERS), None)
    if email is None:
        raise CsvRejected("no-email-column", columns=[h.strip() for h in header])
    transfer: dict[str, int] = {}
    if action != "deactivate":
        for i, name in enumerate(names):
            kind = _TRANSFER_HEADERS.get(name)
            if kind is not None and kind not in transfer:
                transfer[kind] = i
    return _Columns(email, transfer)


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _flag(text: str) -> bool | None:
    value = text.casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def _transfer(row: list[str], columns: _Columns) -> TransferOptions | str | None:
    """Return the row's transfer options, ``None``, or an error code."""
    if not columns.transfer:
        return None
    flags: dict[str, bool] = {}
    for kind in ("meetings", "webinars", "recordings"):
        flag = _flag(_cell(row, columns.transfer.get(kind)))
        if flag is None:
            return "invalid-flag"
        flags[kind] = flag
    email = _cell(row, columns.transfer.get("email")) or None
    if email is not None and not is_email(email):
        return "invalid-transfer-email"
    return TransferOptions(email, **flags)


def import_csv(account: Account, actor: str, action: str, data: bytes) -> ImportReport:
    """Apply a CSV file row by row; a refused row changes nothing, the others go.

    :raise CsvRejected: the file or the action cannot be used; nothing changed.
    :raise RuleViolation: the actor may not act in bulk (``bulk-privilege``).
    """
    if action not in IMPORT_ACTIONS:
        raise CsvRejected("bad-action", action=action, allowed=sorted(IMPORT_ACTIONS))
    action = IMPORT_ACTIONS[action]
    acting = bulk_user(account, actor)
    csv_text = decode_csv(data)
    records = read_rows(csv_text)
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        # Only delimiters, quotes and blanks: nothing to read, not even a header.
        raise CsvRejected("empty")
    rows = [
        (n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)
    ]
    if len(rows) > MAX_CSV_ROWS:
        raise CsvRejected("too-many-rows", max_rows=MAX_CSV_ROWS, rows=len(rows))
    columns = _columns(records[0], action)
    report = ImportReport(
        action=action, encoding=csv_text.encoding, delimiter=csv_text.delimiter
    )
    seen: set[str] = set()
    for number, row in rows:
        report.results.append(
            _apply_row(account, acting.email, action, number, row, columns, seen)
        )
    report.applied = sum(1 for r in report.results if r.ok)
    report.failed = len(report.results) - report.applied
    account.record(
        acting.email,
        "import",
        action,
        rule="bulk-privilege",
        applied=report.applied,
        failed=report.failed,
        rows_total=len(report.results),
        # A refused row keeps the rule's params: its message names the user and
        # (for managed-domain) the domain, as the preview did.
        rows=[
            {
                "row": r.row,
                "email": r.email,
                "ok": r.ok,
                "error": r.code,
                "params": {} if r.violation is None else dict(r.violation.params),
            }
            for r in example_rows(report.results)
        ],
        # Every row, compactly, for the results download: [row, email, ok,
        # code, params]. Stores keep this list on the latest import event only.
        results=[r.compact() for r in report.results],
    )
    return report


def example_rows(results: list[RowResult]) -> list[RowResult]:
    """Return the rows an ``import`` event keeps: failures first, in file order.

    At most ``MAX_IMPORT_EXAMPLE_ROWS``; failed rows are the ones a reader must
    act on, so they come before applied ones. Returned in row order.
    """
    failed = [r for r in results if not r.ok]
    applied = [r for r in results if r.ok]
    kept = (failed + applied)[:MAX_IMPORT_EXAMPLE_ROWS]
    return sorted(kept, key=lambda r: r.row)


def _apply_row(
    account: Account,
    actor: str,
    action: str,
    number: int,
    row: list[str],
    columns: _Columns,
    seen: set[str],
) -> RowResult:
    email = _cell(row, columns.email)
    if not email:
        return RowResult(number, email, False, error="missing-email")
    if not is_email(email):
        # Echo at most an e-mail's length back (the cell may be huge), and no
        # invisible character (a right-to-left override would reorder the page).
        return RowResult(
            number, visible(email[:MAX_EMAIL]), False, error="invalid-email"
        )
    if email.casefold() in seen:
        return RowResult(number, email, False, error="duplicate-row")
    seen.add(email.casefold())
    transfer = _transfer(row, columns)
    if isinstance(transfer, str):
        return RowResult(number, email, False, error=transfer)
    if not account.has_user(email):
        return RowResult(number, email, False, error="unknown-user")
    try:
        if action == "deactivate":
            deactivate_user(account, actor, email)
        else:
            remove_user(
                account,
                actor,
                email,
                "disassociate" if action == "disassociate" else "delete",
                transfer,
            )
    except RuleViolation as violation:
        return RowResult(number, email, False, violation=violation)
    except UnknownUser:
        return RowResult(number, email, False, error="unknown-user")
    return RowResult(number, email, True)


#: Rows a sample file built from an account holds: enough to show the format.
SAMPLE_ROWS = 2


def sample_csv(action: str, account: Account | None = None) -> str:
    """Return the sample file for an action, as "Download Sample CSV" gives it.

    With an ``account``, the rows name its own users that the action would
    apply to (tried on a copy, as the account owner), so that the sample imports
    cleanly unchanged; the second row of an unlink or delete sample transfers
    what the owner can receive. Without one, or when no user qualifies, the rows
    are placeholders (``user1@example.com``).

    :raise CsvRejected: ``bad-action``.
    """
    if action not in IMPORT_ACTIONS:
        raise CsvRejected("bad-action", action=action, allowed=sorted(IMPORT_ACTIONS))
    canonical = IMPORT_ACTIONS[action]
    rows = _account_rows(account, canonical) if account is not None else []
    if canonical == "deactivate":
        emails = [row[0] for row in rows] or ["user1@example.com", "user2@example.com"]
        return write_csv([SAMPLE_HEADER, *([e] for e in emails)])
    if not rows:
        rows = [
            ["user1@example.com", "", "no", "no", "no"],
            ["user2@example.com", "owner@example.com", "yes", "yes", "yes"],
        ]
    return write_csv([SAMPLE_TRANSFER_HEADER, *rows])


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _account_rows(account: Account, action: str) -> list[list[str]]:
    """Return up to :data:`SAMPLE_ROWS` rows of the account's users that would go."""
    trial = copy.deepcopy(account)
    trial.keep_events = 0
    owner = trial.owner
    rows: list[list[str]] = []
    for user in list(trial.users):
        if len(rows) == SAMPLE_ROWS:
            break
        if user.key == owner.key:
            continue
        transfer: TransferOptions | None = None
        if action != "deactivate" and rows:
            transfer = TransferOptions(
                owner.email,
                meetings=True,
                webinars=bool(owner.webinar),
                recordings=owner.licensed,
            )
        try:
            if action == "deactivate":
                deactivate_user(trial, owner.email, user.email)
            else:
                removal: RemovalAction = (
                    "disassociate" if action == "disassociate" else "delete"
                )
                remove_user(trial, owner.email, user.email, removal, transfer)
        except (RuleViolation, UnknownUser):
            continue
        if action == "deactivate":
            rows.append([user.email])
        elif transfer is None:
            rows.append([user.email, "", "no", "no", "no"])
        else:
            rows.append(
                [
                    user.email,
                    owner.email,
                    _yes_no(transfer.meetings),
                    _yes_no(transfer.webinars),
                    _yes_no(transfer.recordings),
                ]
            )
    return rows


def results_csv(report: ImportReport) -> str:
    """Return the per-row results as CSV, every cell escaped against formulas."""
    rows: list[list[object]] = [["Row", "Email", "Result", "Rule", "Error"]]
    for result in report.results:
        rows.append(
            [
                result.row,
                result.email,
                "ok" if result.ok else "failed",
                None if result.violation is None else result.violation.rule_id,
                result.error,
            ]
        )
    return write_csv(rows)
