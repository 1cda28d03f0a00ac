"""The staff store contract: every StaffStore behaves alike (memory, SQLite)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpdesk.database import SQLiteDatabase
from helpdesk.staff.store import (
    AccountExists,
    MemoryStaffStore,
    SQLiteStaffStore,
    StaffStore,
)

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def sqlite_store(tmp: Path) -> StaffStore:
    return SQLiteStaffStore(SQLiteDatabase(str(tmp / "loop.sqlite3")))


def memory_store(tmp: Path) -> StaffStore:
    return MemoryStaffStore()


STORES: dict[str, Callable[[Path], StaffStore]] = {
    "memory": memory_store,
    "sqlite": sqlite_store,
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StaffStore]:
    made = STORES[request.param](tmp_path)
    yield made
    made.close()


def test_an_added_account_is_found_by_id_and_by_email(store: StaffStore) -> None:
    account = store.add("ann@example.org", "hash", NOW)
    assert account.email == "ann@example.org"
    assert store.get(account.id) == account
    assert store.find("ann@example.org") == account
    assert account.created == NOW


def test_unknown_accounts_are_none(store: StaffStore) -> None:
    assert store.get(1) is None
    assert store.find("nobody@example.org") is None


def test_an_email_address_is_taken_once(store: StaffStore) -> None:
    store.add("ann@example.org", "hash", NOW)
    with pytest.raises(AccountExists):
        store.add("ann@example.org", "other", NOW)
    second = store.add("bob@example.org", "hash", NOW)
    assert store.get(second.id) == second
    assert store.find("ann@example.org").password_hash == "hash"  # type: ignore[union-attr]
