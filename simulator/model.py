"""The mock Zoom account: users, their items, rooms, add-ons, settings, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from simulator.limits import MAX_EVENTS_KEPT


class Role(StrEnum):
    """A user's role on the account."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class Status(StrEnum):
    """A user's status: pending users have not activated their account yet."""

    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    PENDING = "pending"


class License(StrEnum):
    """A user's license type."""

    LICENSED = "licensed"
    BASIC = "basic"


SYSTEM_ACTOR = "system"
"""The actor recorded for what the account does by itself (auto-delete, notices)."""


class UnknownUser(LookupError):
    """Signal that no user of the account has this e-mail."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class UnknownRoom(LookupError):
    """Signal that the account has no Zoom Room with this id."""

    def __init__(self, room_id: str) -> None:
        super().__init__(room_id)
        self.room_id = room_id


class UnknownAddon(LookupError):
    """Signal that the account has no add-on with this name."""

    def __init__(self, addon: str) -> None:
        super().__init__(addon)
        self.addon = addon


@dataclass
class Meeting:
    """A scheduled meeting; ``pmi`` meetings use the Personal Meeting ID."""

    id: str
    topic: str = ""
    pmi: bool = False


@dataclass
class Webinar:
    """A scheduled webinar."""

    id: str
    topic: str = ""


@dataclass
class Recording:
    """A cloud recording."""

    id: str
    topic: str = ""


@dataclass
class Items:
    """Ids of meetings, webinars and cloud recordings, as reported to callers."""

    meetings: list[str] = field(default_factory=list)
    webinars: list[str] = field(default_factory=list)
    recordings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.meetings or self.webinars or self.recordings)

    def ids(self) -> list[str]:
        """Return every id, meetings first."""
        return [*self.meetings, *self.webinars, *self.recordings]

    def to_dict(self) -> dict[str, list[str]]:
        """Return the JSON form ``{"meetings": [...], "webinars": [...], ...}``."""
        return {
            "meetings": list(self.meetings),
            "webinars": list(self.webinars),
            "recordings": list(self.recordings),
        }


@dataclass
class User:
    """A user of the account and everything they own."""

    email: str
    role: Role = Role.MEMBER
    status: Status = Status.ACTIVE
    license: License = License.BASIC
    webinar: bool = False
    privileges: list[str] = field(default_factory=list)
    external: bool = False
    meetings: list[Meeting] = field(default_factory=list)
    webinars: list[Webinar] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    deactivated_day: int | None = None
    notified: list[int] = field(default_factory=list)
    """Deletion days the auto-delete notice already went out for, since the user's
    latest deactivation: state, so that a trimmed event log resends nothing."""

    @property
    def key(self) -> str:
        """Return the e-mail as compared: case-insensitively."""
        return self.email.casefold()

    @property
    def domain(self) -> str:
        """Return the e-mail's domain, lower-cased."""
        return self.email.rpartition("@")[2].casefold()

    @property
    def licensed(self) -> bool:
        """Return whether the user holds a (paid) license."""
        return self.license is License.LICENSED

    def items(self) -> Items:
        """Return the ids of everything the user owns."""
        return Items(
            [m.id for m in self.meetings],
            [w.id for w in self.webinars],
            [r.id for r in self.recordings],
        )


@dataclass
class Room:
    """A Zoom Room."""

    id: str
    name: str = ""


@dataclass
class Settings:
    """The Advanced tab: auto-delete deactivated users and the notice before it."""

    delete_deactivated_after_days: int | None = None
    notify_admins_before_delete: bool = False


@dataclass
class LicensePool:
    """How many licenses the account has bought."""

    licensed: int = 0
    webinar: int = 0


@dataclass
class Departed:
    """A user unlinked from the account and the items they took with them."""

    email: str
    day: int
    meetings: list[Meeting] = field(default_factory=list)
    webinars: list[Webinar] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)


@dataclass
class Event:
    """One line of the account's event log.

    ``action`` is one of the DESIGN.md actions; ``rule`` names the rule that refused
    (``ok`` false) or that the event applies; ``details`` holds plain JSON values.
    """

    day: int
    actor: str
    action: str
    target: str
    ok: bool = True
    rule: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the event."""
        return {
            "day": self.day,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "ok": self.ok,
            "rule": self.rule,
            "details": self.details,
        }


EVENT_ACTIONS = frozenset(
    {
        "change-role",
        "assign-license",
        "deactivate",
        "activate",
        "disassociate",
        "delete",
        "delete-room",
        "remove-addon",
        "update-settings",
        "auto-delete-notice",
        "auto-delete",
        "sign-in",
        "accept-invitation",
        "import",
    }
)


@dataclass
class Account:
    """A Zoom account as the sandbox sees it.

    ``events`` keeps the latest ``keep_events`` events (older ones are dropped as
    new ones are recorded; ``None`` keeps every one, for dry runs and tests that
    need the whole history). ``keep_events`` is not part of the account's JSON
    nor of its equality.
    """

    users: list[User] = field(default_factory=list)
    managed_domains: list[str] = field(default_factory=list)
    licenses: LicensePool = field(default_factory=LicensePool)
    addons: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    rooms: list[Room] = field(default_factory=list)
    day: int = 0
    invitation_accepted: bool = False
    departed: list[Departed] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    keep_events: int | None = field(default=MAX_EVENTS_KEPT, compare=False, repr=False)

    @property
    def owner(self) -> User:
        """Return the account owner."""
        return next(u for u in self.users if u.role is Role.OWNER)

    def find(self, email: str) -> User:
        """Return the user with this e-mail (any case); raise ``UnknownUser``."""
        key = email.casefold()
        for user in self.users:
            if user.key == key:
                return user
        raise UnknownUser(email)

    def has_user(self, email: str) -> bool:
        """Return whether a user with this e-mail belongs to the account."""
        key = email.casefold()
        return any(u.key == key for u in self.users)

    def room(self, room_id: str) -> Room:
        """Return the Zoom Room with this id; raise ``UnknownRoom``."""
        for room in self.rooms:
            if room.id == room_id:
                return room
        raise UnknownRoom(room_id)

    def is_managed(self, email: str) -> bool:
        """Return whether the e-mail is on a managed domain or a subdomain of one."""
        domain = email.rpartition("@")[2].casefold()
        return any(
            domain == d.casefold() or domain.endswith("." + d.casefold())
            for d in self.managed_domains
        )

    def assigned(self) -> LicensePool:
        """Return how many licenses and webinar licenses users hold."""
        return LicensePool(
            licensed=sum(1 for u in self.users if u.licensed),
            webinar=sum(1 for u in self.users if u.webinar),
        )

    def record(
        self,
        actor: str,
        action: str,
        target: str,
        *,
        ok: bool = True,
        rule: str | None = None,
        **details: Any,
    ) -> Event:
        """Append an event for today (see ``add_event``) and return it."""
        return self.add_event(Event(self.day, actor, action, target, ok, rule, details))

    def add_event(self, event: Event) -> Event:
        """Append ``event`` to the log, drop what exceeds ``keep_events``; return it.

        Every event goes through here: nothing appends to ``events`` directly.
        """
        self.events.append(event)
        if self.keep_events is not None and len(self.events) > self.keep_events:
            del self.events[: len(self.events) - self.keep_events]
        return event
