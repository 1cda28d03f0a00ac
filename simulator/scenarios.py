"""Named practice accounts, built as account JSON and loaded like any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.loading import load_account
from simulator.model import Account

SCENARIOS: dict[str, str] = {
    "error-1009": "invitation-blocked",
    "clean": "invitation-accepted",
    "bulk": "bulk-csv",
    "auto-delete": "auto-delete",
    "addons": "addon-blocker",
}
"""Scenario name → what it teaches (a key the web layer translates)."""


def _error_1009() -> dict[str, Any]:
    return {
        "managed_domains": ["acme.example"],
        "licenses": {"licensed": 4, "webinar": 1},
        "addons": [],
        "settings": {
            "delete_deactivated_after_days": None,
            "notify_admins_before_delete": False,
        },
        "rooms": [{"id": "room-1", "name": "Boardroom"}],
        "users": [
            {
                "email": "owner@acme.example",
                "role": "owner",
                "license": "licensed",
                "webinar": True,
                "meetings": [{"id": "m-100", "topic": "Weekly sync"}],
            },
            {
                "email": "ann@acme.example",
                "role": "admin",
                "license": "licensed",
                "privileges": ["bulk_remove"],
                "meetings": [
                    {"id": "m-200", "topic": "Ann's room", "pmi": True},
                    {"id": "m-201", "topic": "Budget review"},
                ],
                "recordings": [{"id": "c-200", "topic": "Budget review"}],
            },
            {
                "email": "piotr@acme.example",
                "license": "licensed",
                "meetings": [{"id": "m-300", "topic": "Sprint planning"}],
                "webinars": [{"id": "w-300", "topic": "Product launch"}],
                "recordings": [{"id": "c-300", "topic": "Sprint demo"}],
            },
            {
                "email": "sanne@partner.example",
                "license": "licensed",
                "external": True,
                "meetings": [{"id": "m-400", "topic": "Partner call"}],
                "recordings": [{"id": "c-400", "topic": "Partner call"}],
            },
            {
                "email": "bob@other.example",
                "status": "deactivated",
                "deactivated_days_ago": 12,
                "meetings": [{"id": "m-500", "topic": "Old stand-up"}],
            },
            {"email": "eve@acme.example", "status": "pending"},
        ],
    }


def _clean() -> dict[str, Any]:
    return {
        "managed_domains": ["solo.example"],
        "licenses": {"licensed": 1, "webinar": 0},
        "users": [
            {
                "email": "owner@solo.example",
                "role": "owner",
                "license": "licensed",
                "meetings": [{"id": "m-1", "topic": "Coaching"}],
            }
        ],
    }


_FIRST = (
    "anna bartek celina dawid ewa filip gosia henk ingrid jan kasia lars marta "
    "noor olek pieter quinten roos stefan tomek ula vera wim xawery yara zofia"
).split()


def _bulk() -> dict[str, Any]:
    users: list[dict[str, Any]] = [
        {
            "email": "owner@bulk.example",
            "role": "owner",
            "license": "licensed",
            "webinar": True,
        },
        {
            "email": "admin@bulk.example",
            "role": "admin",
            "privileges": ["bulk_remove"],
        },
        {"email": "helper@bulk.example", "role": "admin"},
    ]
    for i, name in enumerate(_FIRST):
        user: dict[str, Any] = {
            "email": f"{name}@{'bulk.example' if i % 3 else 'freelance.example'}"
        }
        if i % 4 == 0:
            user["license"] = "licensed"
            user["recordings"] = [{"id": f"c-{name}", "topic": f"{name} demo"}]
        if i % 5 == 1:
            user["meetings"] = [
                {"id": f"m-{name}", "topic": f"{name} 1:1"},
                {"id": f"p-{name}", "topic": f"{name} PMI", "pmi": True},
            ]
        if name in ("vera", "wim"):
            user["status"] = "pending"
        if name == "xawery":
            user["status"] = "deactivated"
            user["deactivated_days_ago"] = 40
            user.pop("license", None)
        users.append(user)
    return {
        "managed_domains": ["bulk.example"],
        "licenses": {"licensed": 10, "webinar": 1},
        "users": users,
    }


def _auto_delete() -> dict[str, Any]:
    return {
        "managed_domains": ["clock.example"],
        "licenses": {"licensed": 2, "webinar": 0},
        "users": [
            {"email": "owner@clock.example", "role": "owner", "license": "licensed"},
            {"email": "admin@clock.example", "role": "admin"},
            {
                "email": "old@clock.example",
                "status": "deactivated",
                "deactivated_days_ago": 90,
                "meetings": [{"id": "m-old", "topic": "Archive"}],
            },
            {
                "email": "month@clock.example",
                "status": "deactivated",
                "deactivated_days_ago": 25,
                "recordings": [{"id": "c-month", "topic": "Training"}],
            },
            {
                "email": "week@clock.example",
                "status": "deactivated",
                "deactivated_days_ago": 5,
            },
            {"email": "active@clock.example", "license": "licensed"},
        ],
    }


def _addons() -> dict[str, Any]:
    return {
        "licenses": {"licensed": 1, "webinar": 0},
        "addons": ["large-meetings", "cloud-storage"],
        "users": [
            {"email": "owner@addons.example", "role": "owner", "license": "licensed"},
            {"email": "invited@addons.example", "status": "pending"},
        ],
    }


_BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "error-1009": _error_1009,
    "clean": _clean,
    "bulk": _bulk,
    "auto-delete": _auto_delete,
    "addons": _addons,
}


def scenario_json(name: str) -> dict[str, Any]:
    """Return the account JSON of a scenario; raise ``KeyError`` if unknown."""
    return _BUILDERS[name]()


def load_scenario(name: str) -> Account:
    """Return a fresh account for a named scenario; raise ``KeyError`` if unknown."""
    return load_account(scenario_json(name))
