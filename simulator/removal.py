"""Unlink (disassociate) or delete a user, transferring what the rules allow."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.guards import privileged_user
from simulator.lifecycle import check_removable
from simulator.model import Account, Departed, Items, Status, User
from simulator.rules import RuleViolation

RemovalAction = Literal["disassociate", "delete"]


@dataclass(frozen=True)
class TransferOptions:
    """What to hand to another user before a user leaves: the e-mail and the kinds."""

    email: str | None
    meetings: bool = False
    webinars: bool = False
    recordings: bool = False

    @property
    def wanted(self) -> bool:
        """Return whether anything is to be transferred at all."""
        return self.meetings or self.webinars or self.recordings

    def to_params(self) -> dict[str, Any]:
        """Return the flat form used by the API and the diagnosis plan."""
        return {
            "transfer_email": self.email,
            "transfer_meeting": self.meetings,
            "transfer_webinar": self.webinars,
            "transfer_recording": self.recordings,
        }


@dataclass
class RemovalReport:
    """What happened to a removed user's items.

    ``transferred`` went to the transfer target, ``kept`` left with the unlinked
    user, ``deleted`` is gone for good; ``notes`` are rule ids worth telling.
    """

    user: str
    action: RemovalAction
    transferred: Items = field(default_factory=Items)
    kept: Items = field(default_factory=Items)
    deleted: Items = field(default_factory=Items)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the report."""
        return {
            "user": self.user,
            "action": self.action,
            "transferred": self.transferred.to_dict(),
            "kept": self.kept.to_dict(),
            "deleted": self.deleted.to_dict(),
            "notes": list(self.notes),
        }


def transfer_target(
    account: Account,
    user: User,
    transfer: TransferOptions | None,
    leaving: Collection[str] = (),
) -> User | None:
    """Return the user who receives the items, or ``None`` when nothing is moved.

    ``leaving`` holds the (case-folded) e-mails removed in the same batch.
    """
    if transfer is None or not transfer.wanted:
        return None
    if not transfer.email:
        raise RuleViolation("transfer-target", transfer_email=None, reason="missing")
    if not account.has_user(transfer.email):
        raise RuleViolation(
            "transfer-target", transfer_email=transfer.email, reason="unknown"
        )
    target = account.find(transfer.email)
    if target.key == user.key:
        raise RuleViolation(
            "transfer-target", transfer_email=target.email, reason="same-user"
        )
    if target.key in leaving:
        raise RuleViolation(
            "transfer-target", transfer_email=target.email, reason="being-removed"
        )
    if target.status is not Status.ACTIVE:
        raise RuleViolation(
            "transfer-target",
            transfer_email=target.email,
            reason=target.status.value,
        )
    if transfer.recordings and not target.licensed:
        raise RuleViolation(
            "transfer-recordings-licensed",
            transfer_email=target.email,
            license=target.license.value,
        )
    if transfer.webinars and not target.webinar:
        raise RuleViolation("transfer-webinars-licensed", transfer_email=target.email)
    return target


def check_removal(
    account: Account,
    actor: str,
    email: str,
    action: RemovalAction,
    transfer: TransferOptions | None,
    leaving: Collection[str] = (),
) -> tuple[User, User, User | None]:
    """Refuse the removal if a rule forbids it; return actor, user and target."""
    acting = privileged_user(account, actor)
    user = account.find(email)
    check_removable(user, admin_allowed=action == "disassociate")
    if action == "disassociate" and account.is_managed(user.email):
        raise RuleViolation("managed-domain", email=user.email, domain=user.domain)
    return acting, user, transfer_target(account, user, transfer, leaving)


def _move(user: User, target: User | None, transfer: TransferOptions | None) -> Items:
    moved = Items()
    if target is None or transfer is None:
        return moved
    if transfer.meetings:
        movable = [m for m in user.meetings if not m.pmi]
        user.meetings = [m for m in user.meetings if m.pmi]
        target.meetings.extend(movable)
        moved.meetings = [m.id for m in movable]
    if transfer.webinars:
        target.webinars.extend(user.webinars)
        moved.webinars = [w.id for w in user.webinars]
        user.webinars = []
    if transfer.recordings:
        target.recordings.extend(user.recordings)
        moved.recordings = [r.id for r in user.recordings]
        user.recordings = []
    return moved


def remove_user(
    account: Account,
    actor: str,
    email: str,
    action: RemovalAction,
    transfer: TransferOptions | None = None,
    leaving: Collection[str] = (),
) -> RemovalReport:
    """Unlink or delete a user after checking every rule; see ``unlink_user``."""
    acting, user, target = check_removal(
        account, actor, email, action, transfer, leaving
    )
    notes: list[str] = []
    if target is not None and transfer is not None and transfer.meetings:
        if any(m.pmi for m in user.meetings):
            notes.append("pmi-not-transferable")
    transferred = _move(user, target, transfer)
    rest = user.items()
    report = RemovalReport(user.email, action, transferred=transferred)
    if action == "disassociate":
        report.kept = rest
        if rest:
            notes.append("unlink-keeps-data")
        account.departed.append(
            Departed(
                user.email,
                account.day,
                list(user.meetings),
                list(user.webinars),
                list(user.recordings),
            )
        )
        rule = "unlink-keeps-data"
    else:
        report.deleted = rest
        if rest:
            notes.append("delete-permanent")
        rule = "delete-permanent"
    report.notes = notes
    account.users.remove(user)
    account.record(
        acting.email,
        action,
        user.email,
        rule=rule,
        transfer=(transfer or TransferOptions(None)).to_params(),
        transferred=transferred.to_dict(),
        kept=report.kept.to_dict(),
        deleted=report.deleted.to_dict(),
        notes=list(notes),
    )
    return report


def unlink_user(
    account: Account,
    actor: str,
    email: str,
    transfer: TransferOptions | None = None,
) -> RemovalReport:
    """Unlink a user: they leave with their own account and whatever is not moved.

    Their licenses return to the pool; the account remembers what they took
    (``account.departed``). Users on a managed domain cannot be unlinked.
    """
    return remove_user(account, actor, email, "disassociate", transfer)


def delete_user(
    account: Account,
    actor: str,
    email: str,
    transfer: TransferOptions | None = None,
) -> RemovalReport:
    """Delete a user and, permanently, every item not transferred."""
    return remove_user(account, actor, email, "delete", transfer)
