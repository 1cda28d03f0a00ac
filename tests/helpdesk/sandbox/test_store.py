"""The SQLite sandbox store: ids, expiry, limits, atomic updates."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from helpdesk.sandbox.store import (
    SANDBOX_ID,
    SandboxNotFound,
    SandboxTooLarge,
    SQLiteSandboxStore,
    get_store,
    new_id,
    valid_id,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> SQLiteSandboxStore:
    return SQLiteSandboxStore(
        str(tmp_path / "sandboxes.sqlite3"), ttl_seconds=3600, clock=clock
    )


def account(n: int = 0) -> dict[str, Any]:
    return {"n": n}


def test_ids_are_urlsafe_and_carry_at_least_128_bits() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    for sandbox_id in ids:
        assert SANDBOX_ID.fullmatch(sandbox_id)
        # 32 base64 characters of 6 bits each: 192 bits.
        assert len(sandbox_id) * 6 >= 128


@pytest.mark.parametrize(
    "bad",
    ["", "short", "x" * 31, "x" * 33, "a" * 31 + "!", "' OR 1=1 --" + "a" * 21],
)
def test_malformed_ids_are_never_found(store: SQLiteSandboxStore, bad: str) -> None:
    assert not valid_id(bad)
    assert store.get(bad) is None
    with pytest.raises(SandboxNotFound):
        store.update(bad, lambda a: (a, None))
    with pytest.raises(SandboxNotFound):
        store.reset(bad)


def test_a_created_sandbox_can_be_read_back(store: SQLiteSandboxStore) -> None:
    sandbox_id = store.create(account(0), account(1))
    record = store.get(sandbox_id)
    assert record is not None
    assert record.account == account(1)
    assert record.initial == account(0)


def test_an_unknown_id_is_not_found(store: SQLiteSandboxStore) -> None:
    assert store.get(new_id()) is None
    with pytest.raises(SandboxNotFound):
        store.update(new_id(), lambda a: (a, None))


def test_update_saves_what_the_function_returns(store: SQLiteSandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    result = store.update(sandbox_id, lambda a: ({"n": a["n"] + 5}, "done"))
    assert result == "done"
    record = store.get(sandbox_id)
    assert record is not None and record.account == {"n": 5}


def test_a_failing_update_saves_nothing(store: SQLiteSandboxStore) -> None:
    sandbox_id = store.create(account(), account(3))

    def fail(a: dict[str, Any]) -> tuple[dict[str, Any], None]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update(sandbox_id, fail)
    record = store.get(sandbox_id)
    assert record is not None and record.account == {"n": 3}


def test_reset_returns_to_the_initial_account(store: SQLiteSandboxStore) -> None:
    sandbox_id = store.create(account(0), account(0))
    store.update(sandbox_id, lambda a: ({"n": 9}, None))
    record = store.reset(sandbox_id)
    assert record.account == account(0)
    again = store.get(sandbox_id)
    assert again is not None and again.account == account(0)


def test_idle_sandboxes_expire_and_are_purged(
    store: SQLiteSandboxStore, clock: Clock
) -> None:
    old = store.create(account(), account())
    clock.now += 1800
    recent = store.create(account(), account())
    clock.now += 1801
    assert store.get(old) is None
    with pytest.raises(SandboxNotFound):
        store.update(old, lambda a: (a, None))
    assert store.get(recent) is not None
    assert store.purge_expired() == 1
    assert store.count() == 1


def test_each_use_keeps_a_sandbox_alive(
    store: SQLiteSandboxStore, clock: Clock
) -> None:
    sandbox_id = store.create(account(), account())
    for _ in range(5):
        clock.now += 3000
        store.update(sandbox_id, lambda a: (a, None))
    clock.now += 3000
    assert store.get(sandbox_id) is not None
    clock.now += 3000
    assert store.get(sandbox_id) is not None


def test_creating_purges_expired_sandboxes(
    store: SQLiteSandboxStore, clock: Clock
) -> None:
    for _ in range(3):
        store.create(account(), account())
    clock.now += 7200
    store.create(account(), account())
    assert store.count() == 1


def test_an_account_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    store = SQLiteSandboxStore(str(tmp_path / "s.db"), max_account_bytes=100)
    with pytest.raises(SandboxTooLarge):
        store.create({"x": "y" * 200}, {"x": "y" * 200})
    sandbox_id = store.create(account(), account())
    with pytest.raises(SandboxTooLarge):
        store.update(sandbox_id, lambda a: ({"x": "y" * 200}, None))
    record = store.get(sandbox_id)
    assert record is not None and record.account == account()


def test_when_full_the_least_recently_used_sandbox_is_evicted(
    tmp_path: Path, clock: Clock
) -> None:
    store = SQLiteSandboxStore(str(tmp_path / "s.db"), max_count=3, clock=clock)
    ids = []
    for n in range(3):
        ids.append(store.create(account(n), account(n)))
        clock.now += 10
    store.update(ids[0], lambda a: (a, None))  # the oldest is now the newest used
    clock.now += 10
    newest = store.create(account(), account())
    assert store.count() == 3
    assert store.get(ids[1]) is None
    assert store.get(ids[0]) is not None
    assert store.get(newest) is not None


def test_concurrent_updates_on_one_sandbox_lose_nothing(
    store: SQLiteSandboxStore,
) -> None:
    sandbox_id = store.create(account(), account())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                store.update(sandbox_id, lambda a: ({"n": a["n"] + 1}, None))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    record = store.get(sandbox_id)
    assert record is not None and record.account == {"n": 200}


def test_the_app_store_lives_in_the_instance_folder(app: Flask) -> None:
    with app.app_context():
        store = get_store()
        assert isinstance(store, SQLiteSandboxStore)
        assert store.path == str(Path(app.instance_path) / "sandboxes.sqlite3")
        assert get_store() is store


def test_the_app_store_uses_the_configured_ttl(
    app_config: dict[str, object],
) -> None:
    from helpdesk import create_app

    app_config["SANDBOX_TTL_SECONDS"] = 60
    app_config["SANDBOX_MAX_COUNT"] = 5
    with create_app(app_config).app_context():
        store = get_store()
        assert isinstance(store, SQLiteSandboxStore)
        assert store.ttl_seconds == 60
        assert store.max_count == 5
