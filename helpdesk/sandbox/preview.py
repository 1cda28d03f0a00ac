"""Dry runs: what a destructive sandbox action would do, before it is done.

Each preview runs the very simulator operation on a deep copy of the account and
returns plain dataclasses: what would be transferred, kept or deleted for good,
which licenses go back to the pool, or the refusal the simulator predicts. Nothing
is ever saved; confirmation pages word the result
(:mod:`helpdesk.sandbox.consequences`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import simulator
from simulator import (
    Account,
    BulkRefused,
    BulkReport,
    BulkResult,
    ImportReport,
    RemovalReport,
    RuleViolation,
    TransferOptions,
)

T = TypeVar("T")

#: A refusal the simulator predicts: one rule, or a bulk selection refused.
Refusal = RuleViolation | BulkRefused


@dataclass(frozen=True)
class DryRun(Generic[T]):
    """The outcome of an operation tried on a copy: its result or its refusal.

    ``events`` are the JSON forms of the events the operation logged.
    """

    result: T | None
    refusal: Refusal | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


def dry_run(account: Account, operation: Callable[[Account], T]) -> DryRun[T]:
    """Run a simulator operation on a deep copy of ``account``; save nothing."""
    trial = copy.deepcopy(account)
    # Keep every event the operation logs: a bounded log would drop the oldest
    # (an import logs one event per applied row) and shift the slice below.
    trial.keep_events = None
    before = len(trial.events)
    try:
        result = operation(trial)
    except (RuleViolation, BulkRefused) as refusal:
        return DryRun(None, refusal)
    return DryRun(result, None, [e.to_dict() for e in trial.events[before:]])


# --- unlink and delete --------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A meeting, webinar or cloud recording a removal moves, leaves or deletes."""

    kind: str  # "meeting", "webinar" or "recording"
    id: str
    topic: str
    pmi: bool = False


@dataclass(frozen=True)
class Consequences:
    """What unlinking or deleting one user does to their items and licenses.

    A list is ``None`` when it does not apply: ``transferred`` without a transfer
    target, ``kept`` for a delete, ``deleted`` for an unlink. ``notes`` are rule
    ids worth telling (such as ``pmi-not-transferable``).
    """

    action: str
    transfer_email: str | None
    transferred: list[Item] | None
    kept: list[Item] | None
    deleted: list[Item] | None
    frees_license: bool
    frees_webinar_license: bool
    notes: list[str]


@dataclass(frozen=True)
class RemovalPreview:
    """A predicted unlink or delete of one user.

    ``refusal`` refuses the removal itself; ``transfer_refusal`` only the chosen
    transfer, in which case ``consequences`` describe the removal without it.
    """

    consequences: Consequences | None
    refusal: Refusal | None
    transfer_refusal: Refusal | None


def user_items(user: simulator.User, ids: list[str]) -> list[Item]:
    """Return the user's items with these ids: meetings, webinars, then recordings."""
    items = [
        Item("meeting", m.id, m.topic, m.pmi) for m in user.meetings if m.id in ids
    ]
    items += [Item("webinar", w.id, w.topic) for w in user.webinars if w.id in ids]
    items += [Item("recording", r.id, r.topic) for r in user.recordings if r.id in ids]
    return items


def consequences_of(
    user: simulator.User, report: RemovalReport, transfer_email: str | None
) -> Consequences:
    """Return what ``report`` (a removal of ``user``) does, item by item."""
    return Consequences(
        action=report.action,
        transfer_email=transfer_email,
        transferred=(
            user_items(user, report.transferred.ids()) if transfer_email else None
        ),
        kept=(
            user_items(user, report.kept.ids())
            if report.action == "disassociate"
            else None
        ),
        deleted=(
            user_items(user, report.deleted.ids())
            if report.action == "delete"
            else None
        ),
        frees_license=user.licensed,
        frees_webinar_license=bool(user.webinar),
        notes=list(report.notes),
    )


def preview_removal(
    account: Account, email: str, action: str, transfer: TransferOptions, actor: str
) -> RemovalPreview:
    """Predict unlinking (``disassociate``) or deleting a user, with ``transfer``.

    The removal is tried without a transfer first, so that a refused transfer
    still shows what the removal itself would do.

    :raise simulator.UnknownUser: no user has this e-mail.
    """
    user = account.find(email)
    operation = (
        simulator.unlink_user if action == "disassociate" else simulator.delete_user
    )
    plain = dry_run(account, lambda a: operation(a, actor, user.email, None))
    report, transfer_refusal = plain.result, None
    if plain.refusal is None and transfer.wanted:
        moved = dry_run(account, lambda a: operation(a, actor, user.email, transfer))
        transfer_refusal = moved.refusal
        if moved.result is not None:
            report = moved.result
    target = (transfer.email or "") if transfer.wanted else None
    return RemovalPreview(
        consequences=(
            consequences_of(user, report, target) if report is not None else None
        ),
        refusal=plain.refusal,
        transfer_refusal=transfer_refusal,
    )


# --- bulk actions -------------------------------------------------------------------


@dataclass(frozen=True)
class BulkPreview:
    """A predicted bulk deactivate, unlink or delete of the selected users.

    ``transfer`` is the transfer the report was worked out with (``None``: none);
    the license counts are what goes back to the pool. When the selection is
    refused, ``refused`` lists the users refused and why, and ``without``
    predicts the action on the others ("continue without them"; ``None`` when
    nobody is left).
    """

    report: BulkReport | None
    refusal: Refusal | None
    transfer_refusal: Refusal | None
    transfer: TransferOptions | None
    licenses_freed: int
    webinar_licenses_freed: int
    refused: list[BulkResult] = field(default_factory=list)
    without: BulkPreview | None = None

    @property
    def remaining(self) -> list[str]:
        """Return the selected users the action could go on with."""
        return [] if self.without is None else self.without.emails

    @property
    def emails(self) -> list[str]:
        """Return the selected users this preview is about, in order."""
        if self.report is not None:
            return [r.email for r in self.report.results]
        if isinstance(self.refusal, BulkRefused):
            return [r.email for r in self.refusal.results]
        return []

    def managed(self) -> list[str]:
        """Return the refused users on a managed domain (delete them instead)."""
        return [
            r.email
            for r in self.refused
            if r.violation is not None and r.violation.rule_id == "managed-domain"
        ]


def preview_bulk(
    account: Account,
    emails: list[str],
    action: str,
    transfer: TransferOptions | None,
    actor: str,
) -> BulkPreview:
    """Predict a bulk action on the selected users (``transfer``: None for none).

    :raise simulator.UnknownUser: a selected e-mail is not on the account.
    """
    selected = [account.find(email) for email in emails]
    plain = dry_run(
        account, lambda a: simulator.bulk_remove(a, actor, action, emails, None)
    )
    report, transfer_refusal = plain.result, None
    wanted = transfer if transfer is not None and transfer.wanted else None
    if plain.refusal is None and wanted is not None:
        moved = dry_run(
            account, lambda a: simulator.bulk_remove(a, actor, action, emails, wanted)
        )
        transfer_refusal = moved.refusal
        if moved.result is not None:
            report = moved.result
    refused: list[BulkResult] = []
    without = None
    if isinstance(plain.refusal, BulkRefused):
        refused = [r for r in plain.refusal.results if not r.ok]
        remaining = [r.email for r in plain.refusal.results if r.ok]
        if remaining:
            # Each user was tried as if the whole selection went, so the others
            # pass on their own too; their own preview words what would happen.
            without = preview_bulk(account, remaining, action, transfer, actor)
    return BulkPreview(
        report=report,
        refusal=plain.refusal,
        transfer_refusal=transfer_refusal,
        transfer=wanted,
        licenses_freed=sum(1 for u in selected if u.licensed),
        webinar_licenses_freed=sum(1 for u in selected if u.webinar),
        refused=refused,
        without=without,
    )


# --- deactivation -------------------------------------------------------------------


@dataclass(frozen=True)
class DeactivationPreview:
    """A predicted deactivation of one user.

    ``delete_after_days`` is the auto-delete setting that will apply to them
    (``None``: off).
    """

    refusal: Refusal | None
    returns_license: bool
    returns_webinar_license: bool
    loses_privileges: bool
    delete_after_days: int | None


def preview_deactivation(
    account: Account, email: str, actor: str
) -> DeactivationPreview:
    """Predict deactivating a user.

    :raise simulator.UnknownUser: no user has this e-mail.
    """
    user = account.find(email)
    trial = dry_run(account, lambda a: simulator.deactivate_user(a, actor, user.email))
    returned: dict[str, Any] = {}
    loses_privileges = False
    for event in trial.events:
        returned = event["details"].get("returned", {})
        loses_privileges = bool(event["details"].get("privileges_removed"))
        loses_privileges = loses_privileges or user.external
    return DeactivationPreview(
        refusal=trial.refusal,
        returns_license=returned.get("license") == "licensed",
        returns_webinar_license=bool(returned.get("webinar")),
        loses_privileges=loses_privileges,
        delete_after_days=account.settings.delete_deactivated_after_days,
    )


# --- CSV import ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRowPreview:
    """What importing one row would do.

    ``event`` (JSON form) is what an applied row would log; a refused row names
    the rule (``violation``) or an error code (``error``).
    """

    row: int
    email: str
    ok: bool
    event: dict[str, Any] | None
    violation: RuleViolation | None
    error: str | None


@dataclass(frozen=True)
class ImportPreview:
    """A predicted CSV import: the whole file refused, or row by row."""

    report: ImportReport | None
    refusal: Refusal | None
    rows: list[ImportRowPreview]


def preview_import(
    account: Account, action: str, data: bytes, actor: str
) -> ImportPreview:
    """Predict importing the CSV file ``data`` with ``action``.

    :raise simulator.CsvRejected: the file cannot be read as an import file.
    """
    trial = dry_run(account, lambda a: simulator.import_csv(a, actor, action, data))
    rows = []
    if trial.result is not None:
        applied = [e for e in trial.events if e["action"] != "import"]
        by_target = {e["target"].casefold(): e for e in applied}
        for result in trial.result.results:
            rows.append(
                ImportRowPreview(
                    row=result.row,
                    email=result.email,
                    ok=result.ok,
                    event=by_target.get(result.email.casefold()) if result.ok else None,
                    violation=result.violation,
                    error=result.error,
                )
            )
    return ImportPreview(trial.result, trial.refusal, rows)


# --- Zoom Rooms ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoomDeletionPreview:
    """A predicted deletion of a Zoom Room: only whether it would be refused."""

    refusal: Refusal | None


def preview_room_deletion(
    account: Account, room_id: str, actor: str
) -> RoomDeletionPreview:
    """Predict deleting a Zoom Room.

    :raise simulator.UnknownRoom: no room has this id.
    """
    room = account.room(room_id)
    trial = dry_run(account, lambda a: simulator.delete_room(a, actor, room.id))
    return RoomDeletionPreview(trial.refusal)
