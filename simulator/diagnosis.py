"""Explain an error code for this account and plan the least destructive fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.invitation import Blocker, blockers
from simulator.model import Account, Event, Role, User
from simulator.removal import RemovalReport, TransferOptions, delete_user, unlink_user
from simulator.roles import assign_license, change_role
from simulator.rooms import delete_room, remove_addon

KNOWN_CODES = (1009,)
PLAN_ACTIONS = (
    "change-role",
    "assign-license",
    "disassociate",
    "delete",
    "delete-room",
    "remove-addon",
)


@dataclass
class PlanStep:
    """One operation of a fix, to be run by the owner.

    ``params``: ``{"role": ...}`` for change-role; ``{"license": ..., "webinar":
    ...}`` (either) for assign-license; the transfer options (``transfer_email``,
    ``transfer_meeting``, ``transfer_webinar``, ``transfer_recording``) for
    disassociate and delete. ``reason`` is a rule id; ``warnings`` are
    ``{"rule": id, "items": [ids]}`` for what the step will lose or leave behind.
    """

    action: str
    target: str
    params: dict[str, Any] = field(default_factory=dict)
    reason: str = "invitation-blocked"
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the step."""
        return {
            "action": self.action,
            "target": self.target,
            "params": dict(self.params),
            "reason": self.reason,
            "warnings": [dict(w) for w in self.warnings],
        }


@dataclass
class Diagnosis:
    """Why ``code`` happens on this account and the steps that clear it."""

    code: int
    blocked: bool
    blockers: list[Blocker] = field(default_factory=list)
    plan: list[PlanStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the diagnosis."""
        return {
            "code": self.code,
            "blocked": self.blocked,
            "blockers": [b.to_dict() for b in self.blockers],
            "plan": [s.to_dict() for s in self.plan],
        }


def diagnose(account: Account, code: int = 1009) -> Diagnosis:
    """Return the blockers of ``code`` and a plan that, run by the owner, clears it.

    Users off the managed domains are unlinked without transfer (they keep
    everything); users on them must be deleted (admins converted first), with
    whatever the owner may receive transferred to the owner, who first gets a free
    license from the pool when that saves recordings or webinars.

    :raise ValueError: a code the simulator does not know.
    """
    if code not in KNOWN_CODES:
        raise ValueError(f"unknown error code {code!r}")
    found = blockers(account)
    users = [account.find(b.id) for b in found if b.kind == "user"]
    to_unlink = [u for u in users if not account.is_managed(u.email)]
    to_delete = [u for u in users if account.is_managed(u.email)]
    plan = [
        PlanStep(
            "change-role", u.email, {"role": Role.MEMBER.value}, "admin-convert-first"
        )
        for u in to_delete
        if u.role is Role.ADMIN
    ]
    plan += [
        PlanStep(
            "disassociate",
            u.email,
            TransferOptions(None).to_params(),
            "unlink-keeps-data",
        )
        for u in to_unlink
    ]
    owner = account.owner
    licensed, webinar, step = _owner_licenses(account, owner, to_unlink, to_delete)
    if step is not None:
        plan.append(step)
    plan += [_delete_step(u, owner, licensed, webinar) for u in to_delete]
    plan += [PlanStep("delete-room", b.id) for b in found if b.kind == "room"]
    plan += [PlanStep("remove-addon", b.id) for b in found if b.kind == "addon"]
    return Diagnosis(code, bool(found), found, plan)


def _owner_licenses(
    account: Account, owner: User, to_unlink: list[User], to_delete: list[User]
) -> tuple[bool, bool, PlanStep | None]:
    """Return whether the owner will hold each license, and the step that gives it."""
    assigned = account.assigned()
    free_licensed = (
        account.licenses.licensed
        - assigned.licensed
        + sum(u.licensed for u in to_unlink)
    )
    free_webinar = (
        account.licenses.webinar - assigned.webinar + sum(u.webinar for u in to_unlink)
    )
    params: dict[str, Any] = {}
    reasons = []
    if (
        not owner.licensed
        and free_licensed > 0
        and any(u.recordings for u in to_delete)
    ):
        params["license"] = "licensed"
        reasons.append("transfer-recordings-licensed")
    if not owner.webinar and free_webinar > 0 and any(u.webinars for u in to_delete):
        params["webinar"] = True
        reasons.append("transfer-webinars-licensed")
    licensed = owner.licensed or "license" in params
    webinar = owner.webinar or "webinar" in params
    if not params:
        return licensed, webinar, None
    return (
        licensed,
        webinar,
        PlanStep("assign-license", owner.email, params, reasons[0]),
    )


def _delete_step(user: User, owner: User, licensed: bool, webinar: bool) -> PlanStep:
    movable = [m.id for m in user.meetings if not m.pmi]
    pmi = [m.id for m in user.meetings if m.pmi]
    transfer = TransferOptions(
        owner.email,
        meetings=bool(movable),
        webinars=bool(user.webinars) and webinar,
        recordings=bool(user.recordings) and licensed,
    )
    if not transfer.wanted:
        transfer = TransferOptions(None)
    lost_webinars = [] if transfer.webinars else [w.id for w in user.webinars]
    lost_recordings = [] if transfer.recordings else [r.id for r in user.recordings]
    warnings: list[dict[str, Any]] = []
    if pmi:
        warnings.append({"rule": "pmi-not-transferable", "items": pmi})
    if lost_recordings:
        warnings.append(
            {"rule": "transfer-recordings-licensed", "items": lost_recordings}
        )
    if lost_webinars:
        warnings.append({"rule": "transfer-webinars-licensed", "items": lost_webinars})
    lost = pmi + lost_webinars + lost_recordings
    if lost:
        warnings.append({"rule": "delete-permanent", "items": lost})
    return PlanStep(
        "delete", user.email, transfer.to_params(), "managed-domain", warnings
    )


def apply_plan(
    account: Account, diagnosis: Diagnosis, actor: str | None = None
) -> list[Event | RemovalReport]:
    """Run every step of the plan in order (as the owner unless ``actor`` is given).

    Stops at the first refusal, which propagates (earlier steps stay done).
    """
    actor = account.owner.email if actor is None else actor
    done: list[Event | RemovalReport] = []
    for step in diagnosis.plan:
        done.append(run_step(account, actor, step))
    return done


def run_step(account: Account, actor: str, step: PlanStep) -> Event | RemovalReport:
    """Run one plan step."""
    p = step.params
    if step.action == "change-role":
        return change_role(account, actor, step.target, Role(p["role"]))
    if step.action == "assign-license":
        return assign_license(
            account, actor, step.target, p.get("license"), p.get("webinar")
        )
    if step.action in ("disassociate", "delete"):
        transfer = TransferOptions(
            p.get("transfer_email"),
            bool(p.get("transfer_meeting")),
            bool(p.get("transfer_webinar")),
            bool(p.get("transfer_recording")),
        )
        remove = unlink_user if step.action == "disassociate" else delete_user
        return remove(account, actor, step.target, transfer)
    if step.action == "delete-room":
        return delete_room(account, actor, step.target)
    if step.action == "remove-addon":
        return remove_addon(account, actor, step.target)
    raise ValueError(f"unknown plan action {step.action!r}")
