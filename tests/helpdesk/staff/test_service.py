"""Staff accounts: hashed passwords, refusals, authentication."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpdesk.database import SQLiteDatabase
from helpdesk.staff import service
from helpdesk.staff.store import MemoryStaffStore, SQLiteStaffStore

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"


def test_the_password_is_stored_hashed_never_in_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "loop.sqlite3"
    store = SQLiteStaffStore(SQLiteDatabase(str(path)))
    account = service.create_account(store, " Ann@Example.org ", PASSWORD, NOW)
    store.close()
    assert account.email == "ann@example.org"
    assert account.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert PASSWORD not in account.password_hash
    assert PASSWORD.encode() not in path.read_bytes()


def test_authenticate_checks_address_and_password() -> None:
    store = MemoryStaffStore()
    account = service.create_account(store, "ann@example.org", PASSWORD, NOW)
    assert service.authenticate(store, "ANN@example.org ", PASSWORD) == account
    assert service.authenticate(store, "ann@example.org", PASSWORD + "x") is None
    assert service.authenticate(store, "bob@example.org", PASSWORD) is None
    assert service.authenticate(store, "ann@example.org", "x" * 5000) is None


@pytest.mark.parametrize(
    "email,password",
    [
        ("not-an-address", PASSWORD),
        ("ann@example", PASSWORD),
        ("a" * 250 + "@example.org", PASSWORD),
        ("ann@example.org", "short"),
        ("ann@example.org", "x" * 2000),
    ],
)
def test_bad_addresses_and_passwords_are_refused(email: str, password: str) -> None:
    store = MemoryStaffStore()
    with pytest.raises(service.StaffRefused):
        service.create_account(store, email, password, NOW)
    assert store.find(service.normalize_email(email)) is None


def test_an_address_gets_one_account() -> None:
    store = MemoryStaffStore()
    service.create_account(store, "ann@example.org", PASSWORD, NOW)
    with pytest.raises(service.AccountExists):
        service.create_account(store, "ANN@example.org", PASSWORD, NOW)
