"""Where staff accounts live: one small protocol, a SQLite store, an in-memory one.

An account is an e-mail address (kept lowercased, unique) and a password hash;
the password itself is never stored. :class:`MemoryStaffStore` is the fake, held
to the same contract tests as :class:`SQLiteStaffStore`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from typing import Protocol

from helpdesk.database import SQLiteDatabase, StoreUnavailable


@dataclass(frozen=True)
class StaffAccount:
    """A person who may sign in to the staff area."""

    id: int
    email: str
    password_hash: str
    created: dt.datetime


class AccountExists(Exception):
    """An account with this e-mail address already exists."""


class StaffStore(Protocol):
    """What the staff service needs from a store."""

    def add(self, email: str, password_hash: str, created: dt.datetime) -> StaffAccount:
        """Store a new account.

        :raise AccountExists: the e-mail address is taken.
        """
        ...

    def get(self, account_id: int) -> StaffAccount | None:
        """Return the account with this id, or ``None``."""
        ...

    def find(self, email: str) -> StaffAccount | None:
        """Return the account with this (lowercased) e-mail address, or ``None``."""
        ...

    def close(self) -> None:
        """Release what the current thread holds."""
        ...


class MemoryStaffStore:
    """Staff accounts in a dict (tests, and a store that needs no file)."""

    def __init__(self) -> None:
        self._accounts: dict[int, StaffAccount] = {}
        self._lock = threading.Lock()

    def add(self, email: str, password_hash: str, created: dt.datetime) -> StaffAccount:
        with self._lock:
            if any(a.email == email for a in self._accounts.values()):
                raise AccountExists(email)
            account = StaffAccount(
                len(self._accounts) + 1, email, password_hash, created
            )
            self._accounts[account.id] = account
        return account

    def get(self, account_id: int) -> StaffAccount | None:
        with self._lock:
            return self._accounts.get(account_id)

    def find(self, email: str) -> StaffAccount | None:
        with self._lock:
            return next((a for a in self._accounts.values() if a.email == email), None)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
"""


def _account(row: tuple[int, str, str, str] | None) -> StaffAccount | None:
    if row is None:
        return None
    account_id, email, password_hash, created = row
    return StaffAccount(
        account_id, email, password_hash, dt.datetime.fromisoformat(created)
    )


class SQLiteStaffStore:
    """Staff accounts in a table of the content-loop database."""

    def __init__(self, database: SQLiteDatabase) -> None:
        self.database = database
        database.add_schema(_SCHEMA)

    def add(self, email: str, password_hash: str, created: dt.datetime) -> StaffAccount:
        try:
            with self.database.write() as conn:
                cursor = conn.execute(
                    "INSERT INTO staff_accounts (email, password_hash, created)"
                    " VALUES (?, ?, ?)",
                    (email, password_hash, created.isoformat()),
                )
        except StoreUnavailable as error:
            if isinstance(error.__cause__, sqlite3.IntegrityError):
                raise AccountExists(email) from None
            raise
        assert cursor.lastrowid is not None
        return StaffAccount(cursor.lastrowid, email, password_hash, created)

    def _one(self, where: str, value: object) -> StaffAccount | None:
        with self.database.read() as conn:
            row = conn.execute(
                "SELECT id, email, password_hash, created FROM staff_accounts"
                f" WHERE {where} = ?",
                (value,),
            ).fetchone()
        return _account(row)

    def get(self, account_id: int) -> StaffAccount | None:
        return self._one("id", account_id)

    def find(self, email: str) -> StaffAccount | None:
        return self._one("email", email)

    def close(self) -> None:
        self.database.close()
