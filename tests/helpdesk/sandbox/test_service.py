"""The sandbox service on the in-memory fake store: no app, no Flask."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from helpdesk.sandbox import service
from helpdesk.sandbox.errors import BulkRefusal, RuleRefusal, SandboxError
from helpdesk.sandbox.service import SandboxLimits, SandboxService
from helpdesk.sandbox.store import MemorySandboxStore, StoreLimits
from helpdesk.settings import defaults
from simulator import load_scenario
from tests.clocks import ManualClock


@pytest.fixture
def clock() -> ManualClock[float]:
    return ManualClock(1_000_000.0)


@pytest.fixture
def store(clock: ManualClock[float]) -> MemorySandboxStore:
    return MemorySandboxStore(StoreLimits(3600, 100, 10_000_000), clock=clock)


@pytest.fixture
def sandboxes(store: MemorySandboxStore) -> SandboxService:
    return SandboxService(store, SandboxLimits.from_config(defaults()))


def test_users_tabs_split_pending_users_and_search_by_part_of_the_email() -> None:
    account = load_scenario("error-1009")
    listed = service.users_on_tab(account, "users")
    pending = service.users_on_tab(account, "pending")
    assert {u.email for u in listed} | {u.email for u in pending} == {
        u.email for u in account.users
    }
    assert all(u.status.value == "pending" for u in pending)
    assert all(u.status.value != "pending" for u in listed)
    assert [u.email for u in service.users_on_tab(account, "users", "ANN@")] == [
        "ann@acme.example"
    ]


def test_a_change_is_committed_and_bumps_the_version(
    sandboxes: SandboxService, store: MemorySandboxStore
) -> None:
    sid = sandboxes.create("error-1009").id
    assert sid is not None
    sandboxes.set_status(sid, "piotr@acme.example", "deactivate")
    record = store.get(sid)
    assert record is not None and record.version == 2
    user = sandboxes.get(sid).account.find("piotr@acme.example")
    assert user.status.value == "deactivated"


def test_a_refusal_records_only_itself_and_is_raised_with_its_status(
    sandboxes: SandboxService,
) -> None:
    sid = sandboxes.create("error-1009").id
    assert sid is not None
    before = sandboxes.get(sid).account
    with pytest.raises(RuleRefusal) as raised:
        sandboxes.set_status(sid, "owner@acme.example", "deactivate")
    assert (raised.value.code, raised.value.status) == ("owner-protected", 409)
    after = sandboxes.get(sid).account
    assert after.users == before.users
    assert [e.rule for e in after.events] == ["owner-protected"]


def test_a_refused_bulk_action_changes_nobody(sandboxes: SandboxService) -> None:
    sid = sandboxes.create("error-1009").id
    assert sid is not None
    with pytest.raises(BulkRefusal) as raised:
        sandboxes.bulk_action(
            sid, "deactivate", ["piotr@acme.example", "owner@acme.example"]
        )
    assert raised.value.params == {"count": 1}
    assert sandboxes.get(sid).account.find("piotr@acme.example").status.value == (
        "active"
    )


@pytest.mark.parametrize(
    ("call", "code", "status"),
    [
        (lambda s, sid: s.get("x" * 32), "unknown-sandbox", 404),
        (
            lambda s, sid: s.set_status(sid, "no@x.example", "deactivate"),
            "unknown-user",
            404,
        ),
        (lambda s, sid: s.delete_room(sid, "nope"), "unknown-room", 404),
        (
            lambda s, sid: s.set_status(sid, "a@b.example", "explode"),
            "invalid-input",
            400,
        ),
        (lambda s, sid: s.advance_clock(sid, 0), "invalid-input", 400),
        (
            lambda s, sid: s.change_role(
                sid, "ann@acme.example", "member", actor="x@y.example"
            ),
            "unknown-actor",
            400,
        ),
        (lambda s, sid: s.create("nope"), "unknown-scenario", 400),
        (lambda s, sid: s.create(account={"users": "x"}), "invalid-account", 400),
        (lambda s, sid: s.import_csv(sid, "deactivate", b""), "invalid-csv", 400),
        (lambda s, sid: s.diagnose(sid, 42), "unknown-code", 404),
    ],
)
def test_every_refusal_is_a_sandbox_error_that_changes_nothing(
    sandboxes: SandboxService,
    store: MemorySandboxStore,
    call: Any,
    code: str,
    status: int,
) -> None:
    sid = sandboxes.create("error-1009").id
    before = store.get(sid)
    with pytest.raises(SandboxError) as raised:
        call(sandboxes, sid)
    assert (raised.value.code, raised.value.status) == (code, status)
    after = store.get(sid)
    assert before is not None and after is not None
    assert (after.account, after.version) == (before.account, before.version)


def test_an_account_over_the_size_limit_is_refused(store: MemorySandboxStore) -> None:
    small = SandboxService(
        store,
        SandboxLimits(max_account_bytes=500, max_clock_days=10, max_auto_delete_days=5),
    )
    with pytest.raises(SandboxError) as raised:
        small.create("error-1009")
    assert (raised.value.code, raised.value.status) == ("sandbox-too-large", 409)
    assert store.count() == 0


def test_the_event_log_does_not_count_against_the_size_limit(
    store: MemorySandboxStore,
) -> None:
    roomy = SandboxService(store, SandboxLimits.from_config(defaults()))
    sid = roomy.create("clean").id
    assert sid is not None
    size = len(str(store.get(sid).account))  # type: ignore[union-attr]
    tight = SandboxService(
        store,
        SandboxLimits(
            max_account_bytes=size, max_clock_days=3650, max_auto_delete_days=365
        ),
    )
    owner = tight.get(sid).account.owner.email
    for _ in range(30):
        tight.sign_in(sid, owner)  # each records an event, none grows the account
    assert len(tight.events(sid)) == 30


def test_reset_goes_back_to_the_initial_account(sandboxes: SandboxService) -> None:
    sid = sandboxes.create("error-1009").id
    assert sid is not None
    sandboxes.delete_room(sid, "room-1")
    assert sandboxes.reset(sid).account.rooms != []
    assert sandboxes.events(sid) == []


def test_a_lost_race_is_computed_again_on_the_fresh_state(
    sandboxes: SandboxService, store: MemorySandboxStore
) -> None:
    sid = sandboxes.create("bulk").id
    assert sid is not None
    real_commit = store.commit
    raced = []

    def commit_after_a_rival(
        sandbox_id: str, account: Any, version: int, claim: str | None = None
    ) -> bool:
        if not raced:
            raced.append(True)
            rival = store.get(sandbox_id)
            assert rival is not None
            moved = {**rival.account, "day": rival.account.get("day", 0) + 5}
            assert real_commit(sandbox_id, moved, rival.version)
        return real_commit(sandbox_id, account, version, claim)

    store.commit = commit_after_a_rival  # type: ignore[method-assign]
    sandboxes.advance_clock(sid, 1)
    assert sandboxes.get(sid).account.day == 6  # the rival's 5 days and ours


def test_a_race_lost_every_time_is_a_503(
    sandboxes: SandboxService, store: MemorySandboxStore, monkeypatch: Any
) -> None:
    sid = sandboxes.create("clean").id
    monkeypatch.setattr(service, "RETRY_BACKOFF_SECONDS", 0.0)
    store.commit = lambda *args: False  # type: ignore[method-assign]
    with pytest.raises(SandboxError) as raised:
        sandboxes.advance_clock(sid, 1)  # type: ignore[arg-type]
    assert (raised.value.code, raised.value.status) == ("store-busy", 503)
    assert raised.value.retry_after


def test_a_writer_that_keeps_losing_claims_the_sandbox_and_wins(
    sandboxes: SandboxService, store: MemorySandboxStore, monkeypatch: Any
) -> None:
    sid = sandboxes.create("clean").id
    assert sid is not None
    monkeypatch.setattr(service, "RETRY_BACKOFF_SECONDS", 0.0)
    real_commit = store.commit
    claims: list[str | None] = []

    def a_rival_commits_first_unless_claimed(
        sandbox_id: str, account: Any, version: int, claim: str | None = None
    ) -> bool:
        claims.append(claim)
        rival = store.get(sandbox_id)
        assert rival is not None
        # A rival without the claim commits first every time it is allowed to.
        real_commit(sandbox_id, {**rival.account}, rival.version)
        return real_commit(sandbox_id, account, version, claim)

    store.commit = a_rival_commits_first_unless_claimed  # type: ignore[method-assign]
    sandboxes.advance_clock(sid, 1)
    assert claims[: service.CLAIM_AFTER] == [None] * service.CLAIM_AFTER
    assert claims[service.CLAIM_AFTER] is not None  # it claimed, then won
    assert len(claims) == service.CLAIM_AFTER + 1
    store.commit = real_commit  # type: ignore[method-assign]
    assert sandboxes.get(sid).account.day == 1
    # The claim was given back: others commit again.
    assert store.claim(sid, "someone-else", 5)


def test_waiting_for_another_writer_s_claim_too_long_is_a_503(
    sandboxes: SandboxService, store: MemorySandboxStore, monkeypatch: Any
) -> None:
    sid = sandboxes.create("clean").id
    assert sid is not None
    monkeypatch.setattr(service, "RETRY_BACKOFF_SECONDS", 0.0)
    monkeypatch.setattr(service, "CLAIM_WAIT_SECONDS", 0.05)
    assert store.claim(sid, "stuck", 60)
    with pytest.raises(SandboxError) as raised:
        sandboxes.advance_clock(sid, 1)
    assert (raised.value.code, raised.value.status) == ("store-busy", 503)
    store.release(sid, "stuck")
    assert sandboxes.get(sid).account.day == 0


def test_concurrent_writers_lose_no_update(sandboxes: SandboxService) -> None:
    sid = sandboxes.create("bulk").id
    assert sid is not None
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                sandboxes.advance_clock(sid, 1)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sandboxes.get(sid).account.day == 60


def test_an_expired_sandbox_is_refused_and_nothing_is_made_in_its_place(
    sandboxes: SandboxService, store: MemorySandboxStore, clock: ManualClock[float]
) -> None:
    sid = sandboxes.create("clean").id
    assert sid is not None
    clock.now += 3601
    with pytest.raises(SandboxError) as raised:
        sandboxes.advance_clock(sid, 1)
    assert raised.value.code == "unknown-sandbox"
    assert store.purge_expired() == 1
    assert store.count() == 0


def test_purge_command_removes_only_expired_sandboxes(app: Any, runner: Any) -> None:
    from helpdesk.sandboxes import sandboxes as app_sandboxes
    from helpdesk.sandboxes import store as app_store

    with app.app_context():
        store = app_store()
        kept = app_sandboxes().create("clean").id
        # Creating a sandbox purges too, so the idle one is made last.
        idle_since = time.time() - app.config["SANDBOX_TTL_SECONDS"] - 60
        store.clock = lambda: idle_since  # created, and last used, a day ago
        expired = app_sandboxes().create("clean").id
        store.clock = time.time
    result = runner.invoke(args=["sandbox", "purge"])
    assert result.exit_code == 0
    assert "1 expired sandbox(es) removed" in result.output
    with app.app_context():
        assert app_sandboxes().get(kept).id == kept
        assert store.get(expired) is None
        assert store.count() == 1
