"""Small builders for test accounts: ``account(user("ann", role="admin"))``."""

from __future__ import annotations

from typing import Any

from simulator import Account, dump_account, load_account

DOMAIN = "acme.example"
OWNER = f"owner@{DOMAIN}"


def email(name: str) -> str:
    """Return the e-mail for a short name (names with an ``@`` are kept)."""
    return name if "@" in name else f"{name}@{DOMAIN}"


def user(name: str, **fields: Any) -> dict[str, Any]:
    """Return the JSON of a user; ``name`` is the local part on acme.example."""
    return {"email": email(name), **fields}


def meetings(*ids: str, pmi: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Return meeting JSON for the ids; ids in ``pmi`` use the Personal Meeting ID."""
    return [{"id": i, "topic": f"topic {i}", "pmi": i in pmi} for i in ids]


def items(*ids: str) -> list[dict[str, Any]]:
    """Return webinar or recording JSON for the ids."""
    return [{"id": i, "topic": f"topic {i}"} for i in ids]


def account_json(
    *users: dict[str, Any],
    owner: dict[str, Any] | None = None,
    licensed: int = 10,
    webinar: int = 2,
    **top: Any,
) -> dict[str, Any]:
    """Return account JSON with an owner (licensed, webinar) and these users."""
    first = owner or user("owner", role="owner", license="licensed", webinar=True)
    return {
        "managed_domains": [DOMAIN],
        "licenses": {"licensed": licensed, "webinar": webinar},
        "users": [first, *users],
        **top,
    }


def account(*users: dict[str, Any], **kwargs: Any) -> Account:
    """Return a loaded account built like ``account_json``."""
    return load_account(account_json(*users, **kwargs))


def snapshot(acc: Account) -> dict[str, Any]:
    """Return the account's dump, to compare before and after a refusal."""
    return dump_account(acc)
