"""Dry-run previews: consequences worked out on a copy, nothing saved (no app)."""

from __future__ import annotations

import pytest

import simulator
from helpdesk.sandbox import preview
from simulator import Account, TransferOptions, dump_account

OWNER = "owner@acme.example"
PIOTR = "piotr@acme.example"


@pytest.fixture
def account() -> Account:
    """The ``error-1009`` practice account."""
    return simulator.load_scenario("error-1009")


def test_previews_leave_the_account_unchanged(account: Account) -> None:
    before = dump_account(account)
    preview.preview_removal(account, PIOTR, "delete", TransferOptions(None), OWNER)
    preview.preview_deactivation(account, PIOTR, OWNER)
    preview.preview_bulk(account, [PIOTR], "delete", None, OWNER)
    preview.preview_room_deletion(account, "room-1", OWNER)
    preview.preview_import(account, "deactivate", b"Email\npiotr@acme.example\n", OWNER)
    assert dump_account(account) == before


def test_deleting_with_a_transfer_lists_the_transferred_items(
    account: Account,
) -> None:
    transfer = TransferOptions(OWNER, meetings=True, webinars=True, recordings=True)
    predicted = preview.preview_removal(account, PIOTR, "delete", transfer, OWNER)
    assert predicted.refusal is None and predicted.transfer_refusal is None
    consequences = predicted.consequences
    assert consequences is not None
    assert consequences.transfer_email == OWNER
    assert [i.kind for i in consequences.transferred or []] == [
        "meeting",
        "webinar",
        "recording",
    ]
    assert consequences.kept is None
    assert consequences.deleted == []
    assert consequences.frees_license and not consequences.frees_webinar_license


def test_a_refused_transfer_still_shows_the_removal_without_it(
    account: Account,
) -> None:
    transfer = TransferOptions("nobody@acme.example", meetings=True)
    predicted = preview.preview_removal(account, PIOTR, "delete", transfer, OWNER)
    assert predicted.transfer_refusal is not None
    assert predicted.transfer_refusal.rule_id == "transfer-target"
    assert predicted.consequences is not None
    assert predicted.consequences.transferred == []
    assert [i.id for i in predicted.consequences.deleted or []] == [
        "m-300",
        "w-300",
        "c-300",
    ]
    assert "delete-permanent" in predicted.consequences.notes


def test_unlinking_a_managed_domain_user_is_predicted_as_refused(
    account: Account,
) -> None:
    predicted = preview.preview_removal(
        account, PIOTR, "disassociate", TransferOptions(None), OWNER
    )
    assert predicted.consequences is None
    assert predicted.refusal is not None
    assert predicted.refusal.rule_id == "managed-domain"


def test_deactivating_an_external_user_returns_the_license_and_privileges(
    account: Account,
) -> None:
    predicted = preview.preview_deactivation(account, "sanne@partner.example", OWNER)
    assert predicted.refusal is None
    assert predicted.returns_license and not predicted.returns_webinar_license
    assert predicted.loses_privileges
    assert predicted.delete_after_days is None


def test_deactivating_a_pending_user_is_predicted_as_refused(
    account: Account,
) -> None:
    predicted = preview.preview_deactivation(account, "eve@acme.example", OWNER)
    assert predicted.refusal is not None
    assert predicted.refusal.rule_id == "pending-user"
    assert not predicted.returns_license and not predicted.loses_privileges


def test_a_bulk_deactivation_counts_the_licenses_freed(account: Account) -> None:
    predicted = preview.preview_bulk(
        account, [PIOTR, "sanne@partner.example"], "deactivate", None, OWNER
    )
    assert predicted.refusal is None and predicted.report is not None
    assert (predicted.licenses_freed, predicted.webinar_licenses_freed) == (2, 0)
    assert predicted.transfer is None


def test_an_import_preview_tells_each_row(account: Account) -> None:
    data = b"Email\npiotr@acme.example\nnobody@acme.example\neve@acme.example\n"
    predicted = preview.preview_import(account, "deactivate", data, OWNER)
    first, unknown, pending = predicted.rows
    assert first.ok and first.event is not None
    assert first.event["action"] == "deactivate"
    assert not unknown.ok and unknown.error == "unknown-user"
    assert pending.violation is not None
    assert pending.violation.rule_id == "pending-user"


def test_a_member_deleting_a_room_is_predicted_as_refused(account: Account) -> None:
    assert preview.preview_room_deletion(account, "room-1", OWNER).refusal is None
    refusal = preview.preview_room_deletion(account, "room-1", PIOTR).refusal
    assert refusal is not None and refusal.rule_id == "actor-privileged"
