"""Guided mode: one guide panel, two sources of steps.

A guide follows either one procedure section of an article (``slug#section``) or
the personal fix plan of an error code (``plan:<code>``, see
:func:`plan_progress`). A procedure's steps carry
step kinds (docs/content-format.md). Every sandbox page view or operation sends a
*signal*; each signal stands for a set of kinds: what the user just did plus what
they must have done to get there (opening the unlink dialog means the row menu was
opened and the user found). Steps are ticked strictly in order: a signal ticks the
current step if its kind is in the signal's set, then the next, and so on.

A fix plan's steps are ticked from the account itself, never from clicks: the
plan is diagnosed on the account the sandbox was created with (the visitor's
questionnaire answers, kept in the sandbox record) and each step is done once
the current account shows it done; the blockers left are the simulator's.

Pure functions and data only: the web layer keeps the state in the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from simulator import Account, Blocker, PlanStep, Role, blockers, diagnose

#: Signal name → the step kinds it stands for, in procedure order.
SIGNALS: dict[str, tuple[str, ...]] = {
    # Pages shown.
    "portal": (),
    "users-page": ("open-users",),
    "pending-tab": ("open-users",),
    "advanced-tab": ("open-users", "open-advanced"),
    "search": ("open-users", "find-user"),
    "row-menu": ("open-users", "find-user", "open-more"),
    "edit-form": ("open-users", "find-user", "edit-user"),
    "deactivate-dialog": ("open-users", "find-user", "open-more"),
    "unlink-dialog": ("open-users", "find-user", "open-more", "unlink"),
    "delete-dialog": ("open-users", "find-user", "open-more", "delete"),
    "selection": ("open-users", "select-users"),
    "bulk-deactivate-dialog": ("open-users", "select-users"),
    "bulk-unlink-dialog": ("open-users", "select-users", "bulk-unlink"),
    "bulk-delete-dialog": ("open-users", "select-users", "bulk-delete"),
    "transfer-options": ("choose-transfer",),
    "import-page": ("open-users", "open-import"),
    "update-tab": ("open-users", "open-import", "open-update-tab"),
    "csv-action": ("open-import", "open-update-tab", "choose-csv-action"),
    "sample": ("choose-csv-action", "download-sample"),
    # Editing and saving the file happen outside the portal: ticked with the upload.
    "upload-form": ("download-sample", "edit-csv", "fill-csv", "upload-csv"),
    "rooms-page": ("open-rooms", "find-room"),
    "auto-delete-toggle": ("enable-auto-delete",),
    "auto-delete-days": ("choose-days",),
    "auto-delete-notice": ("notify-admins",),
    # Operations done.
    "role-saved": ("change-role", "save"),
    "deactivated": ("open-users", "find-user", "open-more", "deactivate"),
    "activated": ("open-users", "find-user", "activate"),
    "unlinked": ("choose-transfer", "confirm-unlink"),
    "deleted": ("choose-transfer", "confirm-delete"),
    "bulk-deactivated": ("open-users", "select-users", "bulk-deactivate"),
    "bulk-unlinked": ("choose-transfer", "confirm-unlink"),
    "bulk-deleted": ("choose-transfer", "confirm-delete"),
    "imported": ("edit-csv", "fill-csv", "upload-csv", "choose-file"),
    "room-deleted": ("open-rooms", "find-room", "delete-room"),
}

#: Signals a page's script may send (small interactions that make no request).
CLIENT_SIGNALS = frozenset(
    {
        "row-menu",
        "selection",
        "transfer-options",
        "auto-delete-toggle",
        "auto-delete-days",
        "auto-delete-notice",
    }
)

#: The kind ticked by acting as the owner or an admin (the first step, "sign in").
SIGN_IN = "sign-in"

#: Which scenario suits a guide: ``slug#section`` → scenario name.
GUIDE_SCENARIOS: dict[str, str] = {
    "error-1009#delete-users": "auto-delete",
    "remove-users#auto-delete": "auto-delete",
    "remove-users#deactivate-multiple": "bulk",
    "remove-users#unlink-multiple": "bulk",
    "remove-users#delete-multiple": "bulk",
    "remove-users#bulk-csv": "bulk",
}
DEFAULT_SCENARIO = "error-1009"


@dataclass(frozen=True)
class GuideRef:
    """Which procedure a guide follows: an article slug and a section id."""

    slug: str
    section: str

    @property
    def key(self) -> str:
        """Return ``slug#section``, the form used in URLs and the session."""
        return f"{self.slug}#{self.section}"


def parse_guide(value: str | None) -> GuideRef | None:
    """Return the guide named by ``slug#section``, or ``None`` if malformed."""
    if not value or value.count("#") != 1:
        return None
    slug, section = value.split("#")
    if not slug or not section:
        return None
    return GuideRef(slug, section)


def scenario_for(guide: GuideRef) -> str:
    """Return the scenario a fresh sandbox for this guide starts from."""
    return GUIDE_SCENARIOS.get(guide.key, DEFAULT_SCENARIO)


def signal_kinds(signal: str, *, privileged: bool) -> frozenset[str]:
    """Return the kinds a signal ticks; acting as owner or admin adds ``sign-in``.

    :raise KeyError: an unknown signal.
    """
    kinds = set(SIGNALS[signal])
    if privileged:
        kinds.add(SIGN_IN)
    return frozenset(kinds)


def settings_signal(*, enabled: bool, days: int | None, notify: bool) -> set[str]:
    """Return the kinds ticked by saving the Advanced tab with these values.

    The notice box is optional: saving with it either way counts as choosing.
    """
    kinds = {"open-users", "open-advanced", "notify-admins", "save-settings"}
    if enabled:
        kinds.add("enable-auto-delete")
        if days is not None:
            kinds.add("choose-days")
    return kinds


def advance(steps: Sequence[str], ticked: int, kinds: Iterable[str]) -> int:
    """Return how many steps are ticked after a signal standing for ``kinds``.

    Steps are ticked in order from ``ticked`` on while their kind is in ``kinds``;
    the first step not covered stops the walk.
    """
    covered = set(kinds)
    position = max(0, min(ticked, len(steps)))
    while position < len(steps) and steps[position] in covered:
        position += 1
    return position


def is_complete(steps: Sequence[str], ticked: int) -> bool:
    """Return whether every step of the procedure is ticked."""
    return ticked >= len(steps)


# --- the fix plan of an error code ------------------------------------------------

#: A guide key naming a fix plan: ``plan:1009``.
PLAN_PREFIX = "plan:"

StepState = Literal["done", "todo", "skipped"]


def plan_key(code: int) -> str:
    """Return the guide key of the fix plan for ``code``."""
    return f"{PLAN_PREFIX}{code}"


def parse_plan(value: str | None) -> int | None:
    """Return the code of a ``plan:<code>`` guide key, or ``None``."""
    if not value or not value.startswith(PLAN_PREFIX):
        return None
    digits = value[len(PLAN_PREFIX) :]
    return int(digits) if digits.isascii() and digits.isdigit() else None


@dataclass(frozen=True)
class PlanProgress:
    """How far the account is along its fix plan.

    ``steps`` pairs every step of the plan diagnosed at the start with its state;
    ``total`` is how many blockers there were then, ``left`` the ones there are now.
    """

    code: int
    steps: tuple[tuple[PlanStep, StepState], ...]
    total: int
    left: tuple[Blocker, ...]
    accepted: bool

    @property
    def complete(self) -> bool:
        """Return whether the invitation went through."""
        return self.accepted

    @property
    def current(self) -> int | None:
        """Return the index of the first step still to do, or ``None``."""
        for index, (_, state) in enumerate(self.steps):
            if state == "todo":
                return index
        return None


def step_done(
    step: PlanStep, account: Account, present: frozenset[str] | None = None
) -> bool:
    """Return whether ``account`` shows the plan step done.

    A user who is gone has had every step about them done (unlinked or deleted,
    either way they no longer block); a role step is done once they are a Member.
    ``present``: the account's users' e-mails, case-folded (when checking many
    steps, so that each is not a search of the whole account).
    """
    if present is None:
        present = frozenset(u.key for u in account.users)
    target = step.target
    if step.action in ("disassociate", "delete"):
        return target.casefold() not in present
    if step.action == "change-role":
        if target.casefold() not in present:
            return True
        return account.find(target).role is Role(step.params.get("role", "member"))
    if step.action == "delete-room":
        return all(room.id != target for room in account.rooms)
    if step.action == "remove-addon":
        return target not in account.addons
    if step.action == "assign-license":
        owner = account.owner
        wanted_license = "license" not in step.params or owner.licensed
        wanted_webinar = not step.params.get("webinar") or owner.webinar
        return wanted_license and wanted_webinar
    return False


def plan_progress(initial: Account, current: Account, code: int = 1009) -> PlanProgress:
    """Return the fix plan of ``code`` diagnosed on ``initial``, ticked on ``current``.

    :raise ValueError: a code the simulator does not know.
    """
    plan, total = initial_plan(initial, code)
    return track(plan, total, current, code)


def initial_plan(
    initial: Account, code: int = 1009
) -> tuple[tuple[PlanStep, ...], int]:
    """Return the plan diagnosed on a sandbox's first account, and its blockers.

    :raise ValueError: a code the simulator does not know.
    """
    diagnosis = diagnose(initial, code)
    return tuple(diagnosis.plan), len(diagnosis.blockers)


def track(
    plan: Sequence[PlanStep], total: int, current: Account, code: int = 1009
) -> PlanProgress:
    """Return how far ``current`` is along ``plan`` (``total`` blockers at the start).

    A step not done whose purpose is gone is ``skipped``: the owner's license
    serves the deletions after it, so once every user it was for has left it is
    no longer needed.
    """
    present = frozenset(u.key for u in current.users)
    deleting = [s.target.casefold() for s in plan if s.action == "delete"]
    steps: list[tuple[PlanStep, StepState]] = []
    for step in plan:
        done = step_done(step, current, present)
        state: StepState = "done" if done else "todo"
        if (
            state == "todo"
            and step.action == "assign-license"
            and not any(email in present for email in deleting)
        ):
            state = "skipped"
        steps.append((step, state))
    return PlanProgress(
        code=code,
        steps=tuple(steps),
        total=total,
        left=tuple(blockers(current)),
        accepted=current.invitation_accepted,
    )
