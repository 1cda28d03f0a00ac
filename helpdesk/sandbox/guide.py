"""Guided mode: which step kinds a sandbox action ticks, and how far a guide got.

A guide is one procedure section of an article (``slug#section``). Its steps carry
step kinds (docs/content-format.md). Every sandbox page view or operation sends a
*signal*; each signal stands for a set of kinds: what the user just did plus what
they must have done to get there (opening the unlink dialog means the row menu was
opened and the user found). Steps are ticked strictly in order: a signal ticks the
current step if its kind is in the signal's set, then the next, and so on.

Pure functions and data only: the web layer keeps the state in the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
