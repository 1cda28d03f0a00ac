"""Read and write the account JSON of DESIGN.md, validating every field."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from simulator.emails import email_problem, first_invisible, is_email, skeleton
from simulator.limits import (
    MAX_ADDONS,
    MAX_AUTO_DELETE_DAYS,
    MAX_DAY,
    MAX_DEPARTED,
    MAX_DETAIL_DEPTH,
    MAX_DETAIL_KEYS,
    MAX_DETAIL_LIST,
    MAX_DETAIL_NUMBER,
    MAX_DETAIL_STRING,
    MAX_EMAIL,
    MAX_EVENTS,
    MAX_EVENTS_KEPT,
    MAX_ITEMS_PER_USER,
    MAX_LICENSES,
    MAX_MANAGED_DOMAINS,
    MAX_PRIVILEGES,
    MAX_ROOMS,
    MAX_STRING,
    MAX_USERS,
)
from simulator.model import (
    EVENT_ACTIONS,
    Account,
    Departed,
    Event,
    License,
    LicensePool,
    Meeting,
    Recording,
    Role,
    Room,
    Settings,
    Status,
    User,
    Webinar,
)
from simulator.rules import RULES

T = TypeVar("T")

_TOP_KEYS = frozenset(
    {
        "managed_domains",
        "licenses",
        "addons",
        "settings",
        "rooms",
        "users",
        "day",
        "invitation_accepted",
        "departed",
        "events",
    }
)
_USER_KEYS = frozenset(
    {
        "email",
        "role",
        "status",
        "license",
        "webinar",
        "privileges",
        "external",
        "meetings",
        "webinars",
        "recordings",
        "deactivated_days_ago",
        "notified",
    }
)


class AccountError(ValueError):
    """Reject account JSON: ``field`` is the path (``users[3].email``).

    ``problem`` is a short code (see docs/simulator.md) and ``params`` plain JSON
    values for the message.
    """

    def __init__(self, field: str, problem: str, **params: Any) -> None:
        super().__init__(field, problem, params)
        self.field = field
        self.problem = problem
        self.params: dict[str, Any] = params

    def __str__(self) -> str:
        return f"{self.field}: {self.problem} {self.params}"


# --- primitive readers -------------------------------------------------------------


def _mapping(value: Any, path: str, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AccountError(path or "account", "type", expected="object")
    for key in value:
        if key not in keys:
            where = f"{path}.{key}" if path else str(key)
            raise AccountError(where, "unknown-key", key=str(key))
    return value


def _list(value: Any, path: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise AccountError(path, "type", expected="array")
    if len(value) > limit:
        raise AccountError(path, "too-many", max=limit, count=len(value))
    return value


def _string(value: Any, path: str, limit: int = MAX_STRING) -> str:
    if not isinstance(value, str):
        raise AccountError(path, "type", expected="string")
    if len(value) > limit:
        raise AccountError(path, "too-long", max=limit)
    return value


def _identifier(value: Any, path: str) -> str:
    text = _string(value, path)
    if not text.strip():
        raise AccountError(path, "empty")
    return text


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise AccountError(path, "type", expected="boolean")
    return value


def _int(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AccountError(path, "type", expected="integer")
    if not low <= value <= high:
        raise AccountError(path, "out-of-range", min=low, max=high)
    return value


def _enum(kind: Callable[[str], T], values: list[str], value: Any, path: str) -> T:
    if not isinstance(value, str) or value not in values:
        raise AccountError(path, "invalid-value", allowed=values)
    return kind(value)


def _email(value: Any, path: str) -> str:
    text = _string(value, path, MAX_EMAIL)
    problem = email_problem(text)
    if problem == "invisible-character":
        raise AccountError(path, problem, character=first_invisible(text))
    if problem is not None:
        raise AccountError(path, "invalid-email")
    return text


# --- parts of the account ----------------------------------------------------------


def _meeting(value: Any, path: str) -> Meeting:
    data = _mapping(value, path, frozenset({"id", "topic", "pmi"}))
    if "id" not in data:
        raise AccountError(f"{path}.id", "missing")
    return Meeting(
        _identifier(data["id"], f"{path}.id"),
        _string(data.get("topic", ""), f"{path}.topic"),
        _bool(data.get("pmi", False), f"{path}.pmi"),
    )


_TopicItem = TypeVar("_TopicItem", Webinar, Recording)


def _topic_item(value: Any, path: str, kind: type[_TopicItem]) -> _TopicItem:
    """Read a webinar or a cloud recording: an id and an optional topic."""
    data = _mapping(value, path, frozenset({"id", "topic"}))
    if "id" not in data:
        raise AccountError(f"{path}.id", "missing")
    return kind(
        _identifier(data["id"], f"{path}.id"),
        _string(data.get("topic", ""), f"{path}.topic"),
    )


def _items(
    data: dict[str, Any], path: str
) -> tuple[list[Meeting], list[Webinar], list[Recording]]:
    lists = [
        _list(data.get(name, []), f"{path}.{name}", MAX_ITEMS_PER_USER)
        for name in ("meetings", "webinars", "recordings")
    ]
    total = sum(len(items) for items in lists)
    if total > MAX_ITEMS_PER_USER:
        raise AccountError(path, "too-many-items", max=MAX_ITEMS_PER_USER, count=total)
    return (
        [_meeting(v, f"{path}.meetings[{i}]") for i, v in enumerate(lists[0])],
        [
            _topic_item(v, f"{path}.webinars[{i}]", Webinar)
            for i, v in enumerate(lists[1])
        ],
        [
            _topic_item(v, f"{path}.recordings[{i}]", Recording)
            for i, v in enumerate(lists[2])
        ],
    )


def _user(value: Any, path: str, day: int) -> User:
    data = _mapping(value, path, _USER_KEYS)
    if "email" not in data:
        raise AccountError(f"{path}.email", "missing")
    role = _enum(
        Role, [r.value for r in Role], data.get("role", "member"), f"{path}.role"
    )
    status = _enum(
        Status,
        [s.value for s in Status],
        data.get("status", "active"),
        f"{path}.status",
    )
    license = _enum(
        License,
        [x.value for x in License],
        data.get("license", "basic"),
        f"{path}.license",
    )
    webinar = _bool(data.get("webinar", False), f"{path}.webinar")
    privileges = [
        _identifier(p, f"{path}.privileges[{i}]")
        for i, p in enumerate(
            _list(data.get("privileges", []), f"{path}.privileges", MAX_PRIVILEGES)
        )
    ]
    deactivated_day = None
    notified: list[int] = []
    if status is Status.DEACTIVATED:
        # One deletion day per auto-delete setting (1..365) at most.
        notified = [
            # A deletion day: the deactivation day (which may lie before day 0)
            # plus the setting's days.
            _int(d, f"{path}.notified[{i}]", -MAX_DAY, MAX_DAY + MAX_AUTO_DELETE_DAYS)
            for i, d in enumerate(
                _list(
                    data.get("notified", []), f"{path}.notified", MAX_AUTO_DELETE_DAYS
                )
            )
        ]
        ago = _int(
            data.get("deactivated_days_ago", 0),
            f"{path}.deactivated_days_ago",
            0,
            MAX_DAY,
        )
        deactivated_day = day - ago
        if license is License.LICENSED or webinar:
            raise AccountError(f"{path}.license", "deactivated-licensed")
    elif "deactivated_days_ago" in data:
        raise AccountError(f"{path}.deactivated_days_ago", "not-deactivated")
    elif "notified" in data:
        raise AccountError(f"{path}.notified", "not-deactivated")
    if role is Role.OWNER and status is not Status.ACTIVE:
        raise AccountError(f"{path}.status", "owner-not-active")
    meetings, webinars, recordings = _items(data, path)
    return User(
        email=_email(data["email"], f"{path}.email"),
        role=role,
        status=status,
        license=license,
        webinar=webinar,
        privileges=privileges,
        external=_bool(data.get("external", False), f"{path}.external"),
        meetings=meetings,
        webinars=webinars,
        recordings=recordings,
        deactivated_day=deactivated_day,
        notified=notified,
    )


def _departed(value: Any, path: str) -> Departed:
    keys = frozenset({"email", "day", "meetings", "webinars", "recordings"})
    data = _mapping(value, path, keys)
    for key in ("email", "day"):
        if key not in data:
            raise AccountError(f"{path}.{key}", "missing")
    meetings, webinars, recordings = _items(data, path)
    return Departed(
        _email(data["email"], f"{path}.email"),
        _int(data["day"], f"{path}.day", 0, MAX_DAY),
        meetings,
        webinars,
        recordings,
    )


def _json_value(value: Any, path: str, depth: int = 0) -> Any:
    if depth > MAX_DETAIL_DEPTH:
        raise AccountError(path, "too-deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _int(value, path, -MAX_DETAIL_NUMBER, MAX_DETAIL_NUMBER)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AccountError(path, "type", expected="json")
        return value
    if isinstance(value, str):
        return _string(value, path, MAX_DETAIL_STRING)
    if isinstance(value, list):
        items = _list(value, path, MAX_DETAIL_LIST)
        return [_json_value(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(items)]
    if isinstance(value, dict):
        if len(value) > MAX_DETAIL_KEYS:
            raise AccountError(path, "too-many", max=MAX_DETAIL_KEYS, count=len(value))
        return {
            _string(k, f"{path}.{str(k)[:MAX_STRING]}"): _json_value(
                v, f"{path}.{k}", depth + 1
            )
            for k, v in value.items()
        }
    raise AccountError(path, "type", expected="json")


def _event(value: Any, path: str) -> Event:
    keys = frozenset({"day", "actor", "action", "target", "ok", "rule", "details"})
    data = _mapping(value, path, keys)
    for key in ("day", "actor", "action", "target"):
        if key not in data:
            raise AccountError(f"{path}.{key}", "missing")
    rule = data.get("rule")
    if rule is not None:
        rule = _enum(str, sorted(RULES), rule, f"{path}.rule")
    details = _json_value(data.get("details", {}), f"{path}.details")
    if not isinstance(details, dict):
        raise AccountError(f"{path}.details", "type", expected="object")
    return Event(
        day=_int(data["day"], f"{path}.day", 0, MAX_DAY),
        actor=_string(data["actor"], f"{path}.actor", MAX_EMAIL),
        action=_enum(str, sorted(EVENT_ACTIONS), data["action"], f"{path}.action"),
        target=_string(data["target"], f"{path}.target", MAX_EMAIL),
        ok=_bool(data.get("ok", True), f"{path}.ok"),
        rule=rule,
        details=details,
    )


def _settings(value: Any) -> Settings:
    keys = frozenset({"delete_deactivated_after_days", "notify_admins_before_delete"})
    data = _mapping(value, "settings", keys)
    days = data.get("delete_deactivated_after_days")
    return Settings(
        None
        if days is None
        else _int(
            days,
            "settings.delete_deactivated_after_days",
            1,
            MAX_AUTO_DELETE_DAYS,
        ),
        _bool(
            data.get("notify_admins_before_delete", False),
            "settings.notify_admins_before_delete",
        ),
    )


def _licenses(value: Any) -> LicensePool:
    data = _mapping(value, "licenses", frozenset({"licensed", "webinar"}))
    return LicensePool(
        _int(data.get("licensed", 0), "licenses.licensed", 0, MAX_LICENSES),
        _int(data.get("webinar", 0), "licenses.webinar", 0, MAX_LICENSES),
    )


def _room(value: Any, path: str) -> Room:
    data = _mapping(value, path, frozenset({"id", "name"}))
    if "id" not in data:
        raise AccountError(f"{path}.id", "missing")
    return Room(
        _identifier(data["id"], f"{path}.id"),
        _string(data.get("name", ""), f"{path}.name"),
    )


def _unique(values: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        key = value
        if key in seen:
            raise AccountError(f"{path}[{i}]", "duplicate", value=value)
        seen.add(key)


def _distinct(values: list[tuple[str, str]]) -> None:
    """Refuse two values equal but for case (``duplicate``) or look-alike ones.

    ``values`` are ``(path, value)`` pairs; ``confusable`` names the later value's
    path and, in ``other``, the earlier value it passes for.
    """
    folded: dict[str, str] = {}
    shapes: dict[str, str] = {}
    for path, value in values:
        key = value.casefold()
        if key in folded:
            raise AccountError(path, "duplicate", value=value)
        shape = skeleton(value)
        if shape in shapes:
            raise AccountError(path, "confusable", value=value, other=shapes[shape])
        folded[key] = value
        shapes[shape] = value


def _check_account(account: Account) -> None:
    owners = [i for i, u in enumerate(account.users) if u.role is Role.OWNER]
    if len(owners) != 1:
        raise AccountError("users", "owner-count", count=len(owners))
    _distinct(
        [(f"managed_domains[{i}]", d) for i, d in enumerate(account.managed_domains)]
    )
    _unique(account.addons, "addons")
    _unique([r.id for r in account.rooms], "rooms")
    seen: dict[str, str] = {}
    holders: list[tuple[str, Any]] = [
        (f"users[{i}]", u) for i, u in enumerate(account.users)
    ] + [(f"departed[{i}]", d) for i, d in enumerate(account.departed)]
    for path, holder in holders:
        for kind in ("meetings", "webinars", "recordings"):
            for j, item in enumerate(getattr(holder, kind)):
                where = f"{path}.{kind}[{j}].id"
                if item.id in seen:
                    raise AccountError(where, "duplicate", value=item.id)
                seen[item.id] = where
    assigned = account.assigned()
    pool = account.licenses
    if assigned.licensed > pool.licensed:
        raise AccountError(
            "licenses.licensed",
            "license-pool",
            pool=pool.licensed,
            assigned=assigned.licensed,
        )
    if assigned.webinar > pool.webinar:
        raise AccountError(
            "licenses.webinar",
            "license-pool",
            pool=pool.webinar,
            assigned=assigned.webinar,
        )


def load_account(data: Any) -> Account:
    """Build an account from the JSON a client sends; raise ``AccountError``.

    The event log is history the simulator writes, never input: an ``events`` key
    is refused (``unknown-key``, field ``events``). Stored state, log included,
    is read by ``load_state``.
    """
    if isinstance(data, dict) and "events" in data:
        raise AccountError("events", "unknown-key", key="events")
    return _load(data, stored=False)


def load_state(data: Any, *, events: bool = True) -> Account:
    """Build an account from what ``dump_account`` wrote (a store), log included.

    With ``events`` false the log is not read (the account starts with an empty
    one): for callers that only act on the account and keep the stored log as it
    was, adding what the operation records.

    Every event is validated on the way in, so whatever renders the log gets
    only what the simulator could have written: ``day`` an int, ``actor`` and
    ``target`` strings of at most 254 characters, ``action`` one of
    ``EVENT_ACTIONS``, ``ok`` a boolean, ``rule`` ``None`` or a known rule id,
    ``details`` a JSON object of bounded depth and size holding plain values.
    Only the latest ``MAX_EVENTS_KEPT`` events are read and kept.

    :raise AccountError: as ``load_account``, plus ``events[i]...`` fields.
    """
    account = _load(data, stored=True, events=events)
    if events:
        _notified_from_log(account)
    return account


def _notified_from_log(account: Account) -> None:
    """Fill ``User.notified`` from notice events, for states saved before it."""
    for user in account.users:
        if user.deactivated_day is None or user.notified:
            continue
        for event in account.events:
            if event.action != "auto-delete-notice" or not event.ok:
                continue
            day = event.details.get("delete_day")
            users = event.details.get("users", [])
            if (
                isinstance(day, int)
                and event.day >= user.deactivated_day
                and day not in user.notified
                and isinstance(users, list)
                and any(isinstance(e, str) and e.casefold() == user.key for e in users)
            ):
                user.notified.append(day)


def _load(data: Any, *, stored: bool, events: bool = True) -> Account:
    top = _mapping(data, "", _TOP_KEYS)
    day = _int(top.get("day", 0), "day", 0, MAX_DAY)
    if "users" not in top:
        raise AccountError("users", "missing")
    users = _list(top["users"], "users", MAX_USERS)
    # Name a duplicate or look-alike e-mail field itself, before anything else is
    # checked (an over-long e-mail is refused as such by the user's own check).
    _distinct(
        [
            (f"users[{i}].email", user["email"])
            for i, user in enumerate(users)
            if isinstance(user, dict)
            and isinstance(user.get("email"), str)
            and len(user["email"]) <= MAX_EMAIL
        ]
    )
    domains = _list(
        top.get("managed_domains", []), "managed_domains", MAX_MANAGED_DOMAINS
    )
    addons = _list(top.get("addons", []), "addons", MAX_ADDONS)
    rooms = _list(top.get("rooms", []), "rooms", MAX_ROOMS)
    departed = _list(top.get("departed", []), "departed", MAX_DEPARTED)
    logged = _list(top.get("events", []), "events", MAX_EVENTS) if stored else []
    if not events:
        logged = []
    # Older stores kept longer logs: read only what the simulator keeps now.
    first = max(0, len(logged) - MAX_EVENTS_KEPT)
    account = Account(
        users=[_user(u, f"users[{i}]", day) for i, u in enumerate(users)],
        managed_domains=[
            _domain(d, f"managed_domains[{i}]") for i, d in enumerate(domains)
        ],
        licenses=_licenses(top.get("licenses", {})),
        addons=[_identifier(a, f"addons[{i}]") for i, a in enumerate(addons)],
        settings=_settings(top.get("settings", {})),
        rooms=[_room(r, f"rooms[{i}]") for i, r in enumerate(rooms)],
        day=day,
        invitation_accepted=_bool(
            top.get("invitation_accepted", False), "invitation_accepted"
        ),
        departed=[_departed(d, f"departed[{i}]") for i, d in enumerate(departed)],
        events=[_event(logged[i], f"events[{i}]") for i in range(first, len(logged))],
    )
    _check_account(account)
    return account


def _domain(value: Any, path: str) -> str:
    text = _identifier(value, path)
    if not is_email("x@" + text):
        raise AccountError(path, "invalid-domain")
    return text


# --- dumping -----------------------------------------------------------------------


def _dump_items(holder: User | Departed) -> dict[str, Any]:
    return {
        "meetings": [
            {"id": m.id, "topic": m.topic, "pmi": m.pmi} for m in holder.meetings
        ],
        "webinars": [{"id": w.id, "topic": w.topic} for w in holder.webinars],
        "recordings": [{"id": r.id, "topic": r.topic} for r in holder.recordings],
    }


def _dump_user(user: User, day: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": user.email,
        "role": user.role.value,
        "status": user.status.value,
        "license": user.license.value,
        "webinar": user.webinar,
        "privileges": list(user.privileges),
        "external": user.external,
        **_dump_items(user),
    }
    if user.status is Status.DEACTIVATED and user.deactivated_day is not None:
        data["deactivated_days_ago"] = day - user.deactivated_day
    if user.status is Status.DEACTIVATED and user.notified:
        data["notified"] = list(user.notified)
    return data


def dump_account(account: Account, *, events: bool = True) -> dict[str, Any]:
    """Return the account's JSON form; ``load_state`` reads it back unchanged.

    ``events=False`` leaves the event log out (no ``events`` key): the account's
    own size, which the web layer limits; the log is bounded by the simulator.
    """
    data = {
        "managed_domains": list(account.managed_domains),
        "licenses": {
            "licensed": account.licenses.licensed,
            "webinar": account.licenses.webinar,
        },
        "addons": list(account.addons),
        "settings": {
            "delete_deactivated_after_days": (
                account.settings.delete_deactivated_after_days
            ),
            "notify_admins_before_delete": account.settings.notify_admins_before_delete,
        },
        "rooms": [{"id": r.id, "name": r.name} for r in account.rooms],
        "users": [_dump_user(u, account.day) for u in account.users],
        "day": account.day,
        "invitation_accepted": account.invitation_accepted,
        "departed": [
            {"email": d.email, "day": d.day, **_dump_items(d)} for d in account.departed
        ],
    }
    if events:
        data["events"] = [_copy_json(e.to_dict()) for e in account.events]
    return data


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy_json(v) for v in value]
    return value
