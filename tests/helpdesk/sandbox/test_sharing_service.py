"""Sharing, copying, exporting and undoing a reset in the service (memory store).

Also the reading of pasted or uploaded account JSON (``account_text``).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.sandbox.account_text import parse_account_text
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.service import UNDO_KEY, SandboxLimits, SandboxService
from helpdesk.sandbox.store import MemorySandboxStore, StoreLimits
from helpdesk.settings import defaults
from tests.clocks import ManualClock


@pytest.fixture
def clock() -> ManualClock[float]:
    return ManualClock(1_000_000.0)


@pytest.fixture
def sandboxes(clock: ManualClock[float]) -> SandboxService:
    store = MemorySandboxStore(StoreLimits(3600, 100, 10_000_000), clock=clock)
    return SandboxService(store, SandboxLimits.from_config(defaults()))


def worked_on(sandboxes: SandboxService) -> str:
    sandbox_id = sandboxes.create("error-1009").id
    assert sandbox_id is not None
    sandboxes.delete_room(sandbox_id, "room-1")
    sandboxes.advance_clock(sandbox_id, 3)
    return sandbox_id


def test_a_shared_sandbox_is_shown_without_its_id(sandboxes: SandboxService) -> None:
    sandbox_id = worked_on(sandboxes)
    found = sandboxes.shared(sandboxes.share(sandbox_id))
    assert found.sandbox.id is None
    assert found.sandbox.account == sandboxes.get(sandbox_id).account
    assert found.diagnosis.blocked
    assert found.diagnosis.blockers


def test_changes_count_the_events_in_the_log(sandboxes: SandboxService) -> None:
    sandbox_id = sandboxes.create("error-1009").id
    assert sandbox_id is not None
    assert sandboxes.get(sandbox_id).changes == 0
    sandboxes.delete_room(sandbox_id, "room-1")
    with pytest.raises(SandboxError):
        sandboxes.set_status(sandbox_id, "owner@acme.example", "deactivate")
    assert sandboxes.get(sandbox_id).changes == 2  # a refusal is work too


def test_an_unknown_revoked_or_expired_share_is_unknown_share(
    sandboxes: SandboxService, clock: ManualClock[float]
) -> None:
    sandbox_id = worked_on(sandboxes)
    token = sandboxes.share(sandbox_id)
    assert sandboxes.revoke_share(sandbox_id) is True
    assert sandboxes.revoke_share(sandbox_id) is False
    for call in (sandboxes.shared, sandboxes.copy_shared):
        with pytest.raises(SandboxError) as caught:
            call(token)
        assert (caught.value.code, caught.value.status) == ("unknown-share", 404)
    live = sandboxes.share(sandbox_id)
    clock.now += 7200
    with pytest.raises(SandboxError, match="unknown-share"):
        sandboxes.shared(live)
    with pytest.raises(SandboxError, match="unknown-sandbox"):
        sandboxes.share(sandbox_id)


def test_a_copy_starts_from_the_shared_state_and_resets_to_it(
    sandboxes: SandboxService,
) -> None:
    sandbox_id = worked_on(sandboxes)
    copy = sandboxes.copy_shared(sandboxes.share(sandbox_id))
    assert copy.id is not None and copy.id != sandbox_id
    original = sandboxes.get(sandbox_id).account
    assert copy.account == original
    sandboxes.advance_clock(copy.id, 1)
    assert sandboxes.reset(copy.id).account.day == original.day
    assert sandboxes.reset(copy.id).account.events == []


def test_an_export_is_account_json_that_creates_the_same_account(
    sandboxes: SandboxService,
) -> None:
    sandbox_id = worked_on(sandboxes)
    exported = sandboxes.export(sandbox_id)
    assert "events" not in exported
    again = sandboxes.create(account=json.loads(json.dumps(exported)))
    assert sandboxes.export(str(again.id)) == exported


def test_undo_brings_back_the_state_and_log_once(sandboxes: SandboxService) -> None:
    sandbox_id = worked_on(sandboxes)
    before = sandboxes.get(sandbox_id)
    reset = sandboxes.reset(sandbox_id)
    assert reset.can_undo and reset.account.events == []
    undone = sandboxes.undo_reset(sandbox_id)
    assert undone.account == before.account
    assert not undone.can_undo
    with pytest.raises(SandboxError, match="nothing-to-undo"):
        sandboxes.undo_reset(sandbox_id)


def test_the_next_change_drops_the_undo(sandboxes: SandboxService) -> None:
    sandbox_id = worked_on(sandboxes)
    sandboxes.reset(sandbox_id)
    sandboxes.advance_clock(sandbox_id, 1)
    record = sandboxes.store.get(sandbox_id)
    assert record is not None and UNDO_KEY not in record.account
    with pytest.raises(SandboxError) as caught:
        sandboxes.undo_reset(sandbox_id)
    assert caught.value.status == 409


def test_a_refusal_after_a_reset_also_ends_the_undo(sandboxes: SandboxService) -> None:
    sandbox_id = worked_on(sandboxes)
    sandboxes.reset(sandbox_id)
    with pytest.raises(SandboxError):
        sandboxes.set_status(sandbox_id, "owner@acme.example", "deactivate")
    assert not sandboxes.get(sandbox_id).can_undo


# --- pasted and uploaded account JSON ---------------------------------------------


def reason(data: bytes | str, limit: int = 1000) -> str:
    with pytest.raises(SandboxError) as caught:
        parse_account_text(data, limit)
    return str(caught.value.code)


def test_account_text_accepts_an_object_with_or_without_a_bom() -> None:
    assert parse_account_text(b'\xef\xbb\xbf{"users": []}', 100) == {"users": []}
    assert parse_account_text('{"users": []}', 100) == {"users": []}


def test_account_text_refuses_what_is_not_one_json_object() -> None:
    assert reason(b"") == reason("  \n") == "account-file-empty"
    assert reason(b"x" * 1001) == "account-file-too-large"
    assert reason(b'{"a": "\xe9"}') == "account-file-encoding"
    assert reason("[]") == reason("3") == "account-file-not-object"
    assert reason('{"a": Infinity}') == "account-file-syntax"
    with pytest.raises(SandboxError) as caught:
        parse_account_text('{\n  "users": [,]\n}', 100)
    assert caught.value.params == {"line": 2, "column": 13}


def test_deeply_nested_json_is_a_syntax_error_not_a_crash() -> None:
    assert reason("[" * 100_000, 1_000_000) == "account-file-syntax"


@given(st.binary(max_size=300))
def test_any_bytes_are_an_object_or_a_sandbox_error(data: bytes) -> None:
    try:
        value = parse_account_text(data, 200)
    except SandboxError as error:
        assert error.status in (400, 413)
    else:
        assert isinstance(value, dict)
