"""The store contract: every SandboxStore behaves alike (memory, SQLite, Redis).

Each test runs against every implementation in :data:`STORES`; a new store joins
by adding a factory there.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.redis_store import RedisSandboxStore
from helpdesk.sandbox.store import (
    SANDBOX_ID,
    SHARE_TOKEN,
    MemorySandboxStore,
    SandboxStore,
    SQLiteSandboxStore,
    StoreLimits,
    new_id,
    new_share_token,
    valid_id,
)
from helpdesk.sandboxes import store as app_store
from tests.clocks import ManualClock


def limits(**changes: Any) -> StoreLimits:
    values: dict[str, Any] = {
        "ttl_seconds": 3600,
        "max_count": 1000,
        "max_bytes": 10_000_000,
    }
    values.update(changes)
    return StoreLimits(**values)


Factory = Callable[[Path, ManualClock[float], StoreLimits], SandboxStore]


def sqlite_store(
    tmp: Path, clock: ManualClock[float], lim: StoreLimits
) -> SandboxStore:
    return SQLiteSandboxStore(str(tmp / "sandboxes.sqlite3"), lim, clock=clock)


def memory_store(
    tmp: Path, clock: ManualClock[float], lim: StoreLimits
) -> SandboxStore:
    return MemorySandboxStore(lim, clock=clock)


STORES: dict[str, Factory] = {"memory": memory_store, "sqlite": sqlite_store}
#: Stores on a server of their own, made from a fixture (see ``make_store``).
SERVER_STORES = ("redis",)


@pytest.fixture
def clock() -> ManualClock[float]:
    return ManualClock(1_000_000.0)


@pytest.fixture(params=sorted(STORES) + list(SERVER_STORES))
def make_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock[float]
) -> Iterator[Callable[..., SandboxStore]]:
    made: list[SandboxStore] = []
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        prefix = request.getfixturevalue("redis_prefix")

        def factory(
            tmp: Path, clock: ManualClock[float], lim: StoreLimits
        ) -> SandboxStore:
            store = RedisSandboxStore.from_url(url, lim, prefix=prefix)
            store.clock = clock
            return store

    else:
        factory = STORES[request.param]

    def make(**changes: Any) -> SandboxStore:
        store = factory(tmp_path, clock, limits(**changes))
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., SandboxStore]) -> SandboxStore:
    return make_store()


def account(n: int = 0, pad: int = 0) -> dict[str, Any]:
    return {"n": n, "pad": "x" * pad}


def current(store: SandboxStore, sandbox_id: str) -> dict[str, Any]:
    record = store.get(sandbox_id)
    assert record is not None
    return record.account


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
def test_malformed_ids_are_never_found(store: SandboxStore, bad: str) -> None:
    assert not valid_id(bad)
    assert store.get(bad) is None
    assert store.commit(bad, account(), 1) is False


def test_a_created_sandbox_can_be_read_back_at_version_one(
    store: SandboxStore,
) -> None:
    sandbox_id = store.create(account(0), account(1))
    record = store.get(sandbox_id)
    assert record is not None
    assert (record.account, record.initial, record.version) == (
        account(1),
        account(0),
        1,
    )


def test_an_unknown_id_is_not_found(store: SandboxStore) -> None:
    assert store.get(new_id()) is None
    assert store.commit(new_id(), account(), 1) is False


def test_a_commit_at_the_current_version_saves_and_increments_it(
    store: SandboxStore,
) -> None:
    sandbox_id = store.create(account(), account())
    assert store.commit(sandbox_id, account(5), 1) is True
    record = store.get(sandbox_id)
    assert record is not None
    assert (record.account, record.version) == (account(5), 2)
    assert record.initial == account()


def test_a_commit_at_a_stale_version_saves_nothing(store: SandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    assert store.commit(sandbox_id, account(1), 1) is True
    assert store.commit(sandbox_id, account(2), 1) is False
    assert current(store, sandbox_id) == account(1)


def test_what_a_caller_holds_is_not_shared_with_the_store(
    store: SandboxStore,
) -> None:
    data = account(1)
    sandbox_id = store.create(data, data)
    data["n"] = 99
    read = current(store, sandbox_id)
    read["n"] = 42
    assert current(store, sandbox_id) == account(1)


def test_idle_sandboxes_expire_and_are_purged(
    store: SandboxStore, clock: ManualClock[float]
) -> None:
    old = store.create(account(), account())
    clock.now += 1800
    recent = store.create(account(), account())
    clock.now += 1801
    assert store.get(old) is None
    assert store.commit(old, account(1), 1) is False
    assert store.get(recent) is not None
    assert store.purge_expired() == 1
    assert store.count() == 1


def test_each_use_keeps_a_sandbox_alive(
    store: SandboxStore, clock: ManualClock[float]
) -> None:
    sandbox_id = store.create(account(), account())
    for version in range(1, 6):
        clock.now += 3000
        assert store.commit(sandbox_id, account(version), version)
    clock.now += 3000
    assert store.get(sandbox_id) is not None
    clock.now += 3000
    assert store.get(sandbox_id) is not None


def test_creating_purges_expired_sandboxes(
    store: SandboxStore, clock: ManualClock[float]
) -> None:
    for _ in range(3):
        store.create(account(), account())
    clock.now += 7200
    store.create(account(), account())
    assert store.count() == 1


def test_when_full_the_least_recently_used_sandbox_is_evicted(
    make_store: Callable[..., SandboxStore], clock: ManualClock[float]
) -> None:
    store = make_store(max_count=3)
    ids = []
    for n in range(3):
        ids.append(store.create(account(n), account(n)))
        clock.now += 100
    store.commit(ids[0], account(0), 1)  # the oldest is now the newest used
    clock.now += 100
    newest = store.create(account(), account())
    assert store.count() == 3
    assert store.get(ids[1]) is None
    assert store.get(ids[0]) is not None
    assert store.get(newest) is not None


def test_past_the_byte_budget_the_least_recently_used_are_evicted(
    make_store: Callable[..., SandboxStore], clock: ManualClock[float]
) -> None:
    store = make_store(max_bytes=10_000)
    ids = []
    for n in range(4):
        ids.append(store.create(account(n, pad=1000), account(n, pad=1000)))
        clock.now += 100
    assert store.total_bytes() <= 10_000
    assert store.count() == 4
    large = store.create(account(9, pad=2500), account(9, pad=2500))
    assert store.total_bytes() <= 10_000
    assert store.get(large) is not None
    assert store.get(ids[0]) is None  # the oldest made room
    assert store.get(ids[3]) is not None


def test_total_bytes_follow_commits(store: SandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    before = store.total_bytes()
    store.commit(sandbox_id, account(pad=500), 1)
    assert store.total_bytes() == before + 500


def test_concurrent_compare_and_swap_writers_lose_nothing(
    store: SandboxStore,
) -> None:
    sandbox_id = store.create(account(), account())
    failures: list[BaseException] = []

    def work() -> None:
        try:
            done = 0
            while done < 25:
                record = store.get(sandbox_id)
                assert record is not None
                new = {**record.account, "n": record.account["n"] + 1}
                if store.commit(sandbox_id, new, record.version):
                    done += 1
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    record = store.get(sandbox_id)
    assert record is not None
    assert record.account["n"] == 200
    assert record.version == 201


def test_a_claim_holds_other_writers_off_until_it_is_released(
    store: SandboxStore,
) -> None:
    sandbox_id = store.create(account(), account())
    assert store.claim(sandbox_id, "mine", 5) is True
    assert store.commit(sandbox_id, account(1), 1) is False  # nobody else
    assert store.commit(sandbox_id, account(1), 1, "theirs") is False
    assert store.commit(sandbox_id, account(2), 1, "mine") is True
    store.release(sandbox_id, "mine")
    assert store.commit(sandbox_id, account(3), 2) is True
    assert current(store, sandbox_id) == account(3)


def test_a_claim_is_held_by_one_writer_at_a_time(store: SandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    assert store.claim(sandbox_id, "mine", 5) is True
    assert store.claim(sandbox_id, "theirs", 5) is False
    assert store.claim(sandbox_id, "mine", 5) is True  # renewing one's own
    store.release(sandbox_id, "theirs")  # not theirs to give back
    assert store.claim(sandbox_id, "theirs", 5) is False
    store.release(sandbox_id, "mine")
    assert store.claim(sandbox_id, "theirs", 5) is True


def test_a_claim_ends_by_itself(store: SandboxStore, clock: ManualClock[float]) -> None:
    sandbox_id = store.create(account(), account())
    assert store.claim(sandbox_id, "gone", 5) is True
    clock.now += 6  # its writer died without releasing it
    assert store.commit(sandbox_id, account(1), 1) is True
    assert store.claim(sandbox_id, "next", 5) is True
    assert store.commit(sandbox_id, account(2), 2, "gone") is False


# --- SQLite only ---------------------------------------------------------------------


def test_a_locked_sqlite_file_is_a_503_with_retry_after(tmp_path: Path) -> None:
    path = tmp_path / "sandboxes.sqlite3"
    store = SQLiteSandboxStore(str(path), limits(), timeout=0.05)
    sandbox_id = store.create(account(), account())
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SandboxError) as raised:
            store.commit(sandbox_id, account(1), 1)
        assert raised.value.status == 503
        assert raised.value.code == "store-busy"
        assert raised.value.retry_after and raised.value.retry_after > 0
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.commit(sandbox_id, account(1), 1) is True
    store.close()


def test_sqlite_gives_space_back_after_a_purge(
    tmp_path: Path, clock: ManualClock[float]
) -> None:
    path = tmp_path / "sandboxes.sqlite3"
    store = SQLiteSandboxStore(str(path), limits(), clock=clock)
    for n in range(200):
        store.create(account(n, pad=20_000), account(n, pad=20_000))
    full = os.path.getsize(path) + os.path.getsize(f"{path}-wal")
    clock.now += 7200
    assert store.purge_expired() == 200
    store.close()
    # The WAL is folded back into the file when the last connection closes.
    assert os.path.getsize(path) < full / 4


def test_an_older_sqlite_layout_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "sandboxes.sqlite3"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE sandboxes (id TEXT PRIMARY KEY, initial TEXT, account TEXT, "
        "created REAL, last_used REAL)"
    )
    old.commit()
    old.close()
    store = SQLiteSandboxStore(str(path), limits())
    sandbox_id = store.create(account(), account())
    assert store.get(sandbox_id) is not None
    store.close()


def test_the_app_store_lives_in_the_instance_folder(app: Flask) -> None:
    with app.app_context():
        store = app_store()
        assert isinstance(store, SQLiteSandboxStore)
        assert store.path == str(Path(app.instance_path) / "sandboxes.sqlite3")
        assert app_store() is store


def test_the_app_store_uses_the_configured_limits(
    app_config: dict[str, object],
) -> None:
    from helpdesk import create_app

    app_config["SANDBOX_TTL_SECONDS"] = 60
    app_config["SANDBOX_MAX_COUNT"] = 5
    app_config["SANDBOX_STORE_MAX_BYTES"] = 12345
    with create_app(app_config).app_context():
        store = app_store()
        assert isinstance(store, SQLiteSandboxStore)
        assert store.limits == StoreLimits(60, 5, 12345)


# --- share tokens -------------------------------------------------------------------


def test_share_tokens_are_urlsafe_256_bits_and_never_look_like_ids() -> None:
    tokens = {new_share_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in tokens:
        assert SHARE_TOKEN.fullmatch(token)
        assert not valid_id(token)
        assert len(token) * 6 >= 128


def test_a_shared_sandbox_is_found_by_its_token(store: SandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    other = store.create(account(), account())
    token = store.share(sandbox_id)
    assert token is not None and SHARE_TOKEN.fullmatch(token)
    assert token != sandbox_id
    assert store.shared(token) == sandbox_id
    assert store.shared(new_share_token()) is None
    assert store.share(other) != token


def test_sharing_again_returns_the_same_token(store: SandboxStore) -> None:
    sandbox_id = store.create(account(), account())
    token = store.share(sandbox_id)
    assert store.share(sandbox_id) == token
    store.commit(sandbox_id, account(1), 1)
    assert store.share(sandbox_id) == token
    assert store.shared(token) == sandbox_id


def test_a_revoked_token_is_dead_and_a_new_share_makes_another(
    store: SandboxStore,
) -> None:
    sandbox_id = store.create(account(), account())
    token = store.share(sandbox_id)
    assert token is not None
    assert store.revoke_share(sandbox_id) is True
    assert store.shared(token) is None
    assert store.revoke_share(sandbox_id) is False
    again = store.share(sandbox_id)
    assert again is not None and again != token
    assert store.shared(token) is None
    assert store.shared(again) == sandbox_id


def test_an_unknown_or_expired_sandbox_cannot_be_shared(
    store: SandboxStore, clock: ManualClock[float]
) -> None:
    assert store.share(new_id()) is None
    assert store.share("not an id") is None
    assert store.revoke_share("not an id") is False
    sandbox_id = store.create(account(), account())
    clock.now += 7200
    assert store.share(sandbox_id) is None


@pytest.mark.parametrize(
    "bad", ["", "x" * 42, "x" * 44, "a" * 42 + "!", "' OR 1=1 --" + "a" * 32]
)
def test_malformed_tokens_are_never_found(store: SandboxStore, bad: str) -> None:
    store.share(store.create(account(), account()))
    assert store.shared(bad) is None


def test_a_token_dies_when_its_sandbox_expires(
    store: SandboxStore, clock: ManualClock[float]
) -> None:
    sandbox_id = store.create(account(), account())
    token = store.share(sandbox_id)
    assert token is not None
    clock.now += 3000
    assert store.shared(token) == sandbox_id
    clock.now += 3000
    assert store.shared(token) is None
    store.purge_expired()
    assert store.shared(token) is None


def test_a_token_dies_when_its_sandbox_is_evicted(
    make_store: Callable[..., SandboxStore], clock: ManualClock[float]
) -> None:
    store = make_store(max_count=2)
    first = store.create(account(), account())
    token = store.share(first)
    assert token is not None
    clock.now += 10
    store.create(account(), account())
    clock.now += 10
    store.create(account(), account())
    assert store.get(first) is None
    assert store.shared(token) is None


def test_stores_sharing_one_database_resolve_each_others_tokens(
    make_store: Callable[..., SandboxStore],
) -> None:
    one, two = make_store(), make_store()
    sandbox_id = one.create(account(), account())
    token = one.share(sandbox_id)
    assert token is not None
    if isinstance(one, MemorySandboxStore):
        # Each memory store is a database of its own (one process, no sharing):
        # its tokens are known only where they were made.
        assert two.shared(token) is None
        assert one.shared(token) == sandbox_id
        return
    assert two.shared(token) == sandbox_id
    assert two.share(sandbox_id) == token
    assert two.revoke_share(sandbox_id)
    assert one.shared(token) is None
