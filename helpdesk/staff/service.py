"""Create staff accounts and check their passwords (no Flask).

Passwords are hashed with Werkzeug's :func:`generate_password_hash` (scrypt);
only the hash is stored. A sign-in with an unknown address still checks a hash,
so the answer takes as long whether or not the address exists.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from helpdesk.staff.store import AccountExists, StaffAccount, StaffStore

__all__ = ["AccountExists", "StaffRefused", "authenticate", "create_account"]

#: The shortest password accepted.
MIN_PASSWORD_LENGTH = 12
#: The longest e-mail address accepted (RFC 5321's path limit).
MAX_EMAIL_LENGTH = 254
#: The longest password checked (a bound on the work one sign-in can ask for).
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@cache
def _dummy_hash() -> str:
    """Return a hash to check when the address is unknown, to take the same time."""
    return generate_password_hash("not a password of anyone's")


class StaffRefused(Exception):
    """An account that cannot be created; ``reason`` says why (for the CLI)."""


def normalize_email(email: str) -> str:
    """Return the form an address is stored and looked up in (trimmed, lowercased)."""
    return email.strip().lower()


def create_account(
    store: StaffStore, email: str, password: str, now: dt.datetime
) -> StaffAccount:
    """Create an account with a hashed password.

    :raise StaffRefused: the address is not one, or the password is too short.
    :raise AccountExists: an account with this address exists.
    """
    address = normalize_email(email)
    if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise StaffRefused(f"not an e-mail address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffRefused(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffRefused(
            f"the password must have at most {MAX_PASSWORD_LENGTH} characters"
        )
    return store.add(address, generate_password_hash(password), now)


def authenticate(store: StaffStore, email: str, password: str) -> StaffAccount | None:
    """Return the account when the address and password match, else ``None``."""
    address = normalize_email(email)
    account = store.find(address) if len(address) <= MAX_EMAIL_LENGTH else None
    if len(password) > MAX_PASSWORD_LENGTH:
        password = ""
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(account.password_hash, password):
        return None
    return account
