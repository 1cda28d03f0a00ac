"""Turn the answers of the diagnosis questionnaire into an account to diagnose.

The questionnaire asks about the reader's own, original account (the one they are
leaving): how many other users it has, how many of them are admins, are on a managed
domain or are deactivated, how many Zoom Rooms it has and whether it has add-ons.
:func:`build_account` returns account JSON (DESIGN.md) that the simulator loads, so
the diagnosis and the sandbox both work on exactly that account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The number fields, in the order they are asked, with their upper bounds.
LIMITS: dict[str, int] = {
    "users": 200,
    "admins": 200,
    "managed": 200,
    "deactivated": 200,
    "rooms": 50,
}
#: Fields whose value cannot exceed the number of other users.
PART_OF_USERS = ("admins", "managed", "deactivated")
#: The query parameter that marks a submitted questionnaire (all fields may be empty).
SUBMITTED = "diagnose"

OWNER_EMAIL = "you@your-company.example"
MANAGED_DOMAIN = "your-company.example"
OTHER_DOMAIN = "elsewhere.example"
ADDON = "add-on"
_NAMES = (
    "anna bram celina daan ewa finn gosia henk iga jan kasia lotte marek "
    "noor olek pieter roos szymon tess ula vince wiktor yara zofia"
).split()


@dataclass(frozen=True)
class FieldError:
    """A problem with one answer: ``number``, ``range``, ``users`` or ``admins``.

    ``number``: not a whole number; ``range``: outside ``0..limit``; ``users``: more
    than the other users (``limit``); ``admins``: deactivated users and admins
    together outnumber the other users (``limit`` users can be deactivated).
    """

    field: str
    problem: str
    limit: int


@dataclass(frozen=True)
class Answers:
    """The questionnaire's answers; every count is about the reader's own account."""

    users: int = 0
    admins: int = 0
    managed: int = 0
    deactivated: int = 0
    rooms: int = 0
    addons: bool = False

    def to_params(self) -> dict[str, str]:
        """Return the answers as form fields (to link or re-post them)."""
        params = {name: str(getattr(self, name)) for name in LIMITS}
        if self.addons:
            params["addons"] = "yes"
        params[SUBMITTED] = "1"
        return params


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading a questionnaire: answers, or errors to show."""

    submitted: bool
    answers: Answers = field(default_factory=Answers)
    errors: tuple[FieldError, ...] = ()

    @property
    def valid(self) -> bool:
        """Return whether answers were given and all of them are usable."""
        return self.submitted and not self.errors


def parse_answers(values: Mapping[str, str]) -> Parsed:
    """Read the answers from query or form fields; empty fields count as 0.

    Admins cannot be deactivated (they are converted to members first), so admins
    and deactivated users together cannot outnumber the other users.
    """
    if SUBMITTED not in values and not any(name in values for name in LIMITS):
        return Parsed(submitted=False)
    counts: dict[str, int] = {}
    errors: list[FieldError] = []
    for name, limit in LIMITS.items():
        raw = values.get(name, "").strip()[:12] or "0"
        try:
            value = int(raw)
        except ValueError:
            errors.append(FieldError(name, "number", limit))
            continue
        if not 0 <= value <= limit:
            errors.append(FieldError(name, "range", limit))
            continue
        counts[name] = value
    users = counts.get("users")
    if users is not None:
        for name in PART_OF_USERS:
            if counts.get(name, 0) > users:
                errors.append(FieldError(name, "users", users))
        admins, deactivated = counts.get("admins", 0), counts.get("deactivated", 0)
        if max(admins, deactivated) <= users < admins + deactivated:
            errors.append(FieldError("deactivated", "admins", users - admins))
    if errors:
        return Parsed(submitted=True, errors=tuple(errors))
    addons = values.get("addons", "").strip().lower() in ("yes", "on", "1", "true")
    return Parsed(submitted=True, answers=Answers(**counts, addons=addons))


def build_account(answers: Answers) -> dict[str, Any]:
    """Return account JSON with exactly the users, Zoom Rooms and add-ons answered.

    The owner is the reader. The first users are the admins; users on the managed
    domain are counted from the first too, so an admin is on the managed domain when
    the answers allow it (the plan then shows converting before deleting, the case
    that needs most care); deactivated users are the last ones, never admins.
    """
    users: list[dict[str, Any]] = [
        {"email": OWNER_EMAIL, "role": "owner", "license": "licensed"}
    ]
    first_deactivated = answers.users - answers.deactivated
    for index in range(answers.users):
        domain = MANAGED_DOMAIN if index < answers.managed else OTHER_DOMAIN
        user: dict[str, Any] = {"email": f"{_name(index)}@{domain}"}
        if index < answers.admins:
            user["role"] = "admin"
        if index >= first_deactivated:
            user["status"] = "deactivated"
        users.append(user)
    return {
        "managed_domains": [MANAGED_DOMAIN] if answers.managed else [],
        "licenses": {"licensed": 1, "webinar": 0},
        "addons": [ADDON] if answers.addons else [],
        "rooms": [
            {"id": f"room-{n}", "name": f"Zoom Room {n}"}
            for n in range(1, answers.rooms + 1)
        ],
        "users": users,
    }


def _name(index: int) -> str:
    if index < len(_NAMES):
        return _NAMES[index]
    return f"user{index + 1:03d}"
