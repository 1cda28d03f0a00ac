"""One test per rule: a case the rule allows and a case it refuses."""

from __future__ import annotations

import pytest

from simulator import (
    RULES,
    Role,
    RuleViolation,
    Status,
    TransferOptions,
    UnknownRoom,
    UnknownUser,
    accept_invitation,
    activate_user,
    assign_license,
    bulk_remove,
    change_role,
    deactivate_user,
    delete_room,
    delete_user,
    import_csv,
    log_refusal,
    remove_addon,
    sign_in,
    unlink_user,
    update_settings,
)
from tests.simulator.builders import OWNER, account, items, meetings, snapshot, user

ANN = "ann@acme.example"
BOB = "bob@other.example"


def refused(rule_id: str, call, acc):  # type: ignore[no-untyped-def]
    """Assert that ``call()`` raises ``rule_id`` and leaves ``acc`` identical."""
    before = snapshot(acc)
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.rule_id == rule_id
    assert snapshot(acc) == before
    return caught.value


def test_every_rule_points_at_an_article_section() -> None:
    assert set(RULES) >= {
        "actor-privileged",
        "owner-protected",
        "pending-user",
        "admin-convert-first",
        "owner-changes-role",
        "bulk-privilege",
        "deactivate-licenses",
        "external-deactivated",
        "signin-disabled",
        "reactivate-relicense",
        "unlink-keeps-data",
        "managed-domain",
        "delete-permanent",
        "pmi-not-transferable",
        "transfer-target",
        "transfer-recordings-licensed",
        "transfer-webinars-licensed",
        "auto-delete",
        "auto-delete-notice",
        "invitation-blocked",
        "license-pool",
    }
    for rule in RULES.values():
        assert rule.article in {"error-1009", "remove-users", "remove-rooms"}
        assert rule.section


def test_an_unknown_rule_id_cannot_be_raised() -> None:
    with pytest.raises(ValueError):
        RuleViolation("no-such-rule")


# actor-privileged


def test_an_admin_may_deactivate_a_member() -> None:
    acc = account(user("ann", role="admin"), user(BOB))
    event = deactivate_user(acc, ANN, BOB)
    assert event.actor == ANN and acc.find(BOB).status is Status.DEACTIVATED


def test_a_member_may_not_deactivate_anyone() -> None:
    acc = account(user("ann"), user(BOB))
    error = refused("actor-privileged", lambda: deactivate_user(acc, ANN, BOB), acc)
    assert error.params == {"actor": ANN, "role": "member", "status": "active"}


def test_a_deactivated_admin_may_not_act() -> None:
    acc = account(user("ann", role="admin", status="deactivated"), user(BOB))
    refused("actor-privileged", lambda: unlink_user(acc, ANN, BOB), acc)


def test_a_member_may_not_delete_rooms_or_change_settings() -> None:
    acc = account(user("ann"), rooms=[{"id": "r1", "name": "Boardroom"}])
    refused("actor-privileged", lambda: delete_room(acc, ANN, "r1"), acc)
    refused("actor-privileged", lambda: update_settings(acc, ANN, 30, True), acc)
    refused("actor-privileged", lambda: assign_license(acc, ANN, ANN, "licensed"), acc)


def test_an_unknown_actor_or_target_is_a_lookup_error() -> None:
    acc = account(user("ann"))
    with pytest.raises(UnknownUser):
        deactivate_user(acc, "nobody@acme.example", ANN)
    with pytest.raises(UnknownUser) as caught:
        deactivate_user(acc, OWNER, "nobody@acme.example")
    assert caught.value.email == "nobody@acme.example"
    with pytest.raises(UnknownRoom):
        delete_room(acc, OWNER, "r9")


def test_e_mails_are_matched_case_insensitively() -> None:
    acc = account(user(BOB))
    deactivate_user(acc, OWNER.upper(), "Bob@Other.Example")
    assert acc.find(BOB).status is Status.DEACTIVATED


# owner-protected


def test_the_owner_cannot_be_deactivated_unlinked_deleted_or_demoted() -> None:
    acc = account(user("ann", role="admin"))
    refused("owner-protected", lambda: deactivate_user(acc, ANN, OWNER), acc)
    refused("owner-protected", lambda: unlink_user(acc, ANN, OWNER), acc)
    refused("owner-protected", lambda: delete_user(acc, ANN, OWNER), acc)
    refused("owner-protected", lambda: change_role(acc, OWNER, OWNER, Role.MEMBER), acc)


def test_nobody_else_can_be_made_owner() -> None:
    acc = account(user("ann", role="admin"))
    error = refused(
        "owner-protected", lambda: change_role(acc, OWNER, ANN, "owner"), acc
    )
    assert error.params == {"email": ANN, "role": "owner"}


# pending-user


def test_deactivating_a_pending_user_is_refused() -> None:
    acc = account(user("eve", status="pending"))
    eve = "eve@acme.example"
    error = refused("pending-user", lambda: deactivate_user(acc, OWNER, eve), acc)
    assert error.params == {"email": eve}
    refused("pending-user", lambda: delete_user(acc, OWNER, eve), acc)


def test_unlinking_a_pending_user_is_refused_but_an_active_one_goes() -> None:
    acc = account(user("eve@x.example", status="pending"), user(BOB))
    refused("pending-user", lambda: unlink_user(acc, OWNER, "eve@x.example"), acc)
    assert unlink_user(acc, OWNER, BOB).action == "disassociate"


# admin-convert-first


def test_deleting_or_deactivating_an_admin_is_refused_until_converted() -> None:
    acc = account(user("ann", role="admin"))
    error = refused("admin-convert-first", lambda: delete_user(acc, OWNER, ANN), acc)
    assert error.params == {"email": ANN, "role": "admin"}
    refused("admin-convert-first", lambda: deactivate_user(acc, OWNER, ANN), acc)
    change_role(acc, OWNER, ANN, Role.MEMBER)
    assert delete_user(acc, OWNER, ANN).action == "delete"


def test_an_admin_off_the_managed_domain_may_be_unlinked_as_is() -> None:
    acc = account(user("ann@other.example", role="admin"))
    assert unlink_user(acc, OWNER, "ann@other.example").user == "ann@other.example"


# owner-changes-role


def test_only_the_owner_converts_an_admin_to_a_member() -> None:
    acc = account(user("ann", role="admin"), user("cy", role="admin"))
    error = refused(
        "owner-changes-role",
        lambda: change_role(acc, ANN, "cy@acme.example", "member"),
        acc,
    )
    assert error.params == {"actor": ANN, "role": "admin"}
    event = change_role(acc, OWNER, "cy@acme.example", Role.MEMBER)
    assert event.details == {"before": "admin", "after": "member"}


# bulk-privilege


def test_bulk_actions_need_the_bulk_privilege() -> None:
    acc = account(user("ann", role="admin"), user(BOB))
    error = refused(
        "bulk-privilege", lambda: bulk_remove(acc, ANN, "delete", [BOB]), acc
    )
    assert error.params["privilege"] == "bulk_remove"
    csv = b"Email\nbob@other.example\n"
    refused("bulk-privilege", lambda: import_csv(acc, ANN, "deactivate", csv), acc)


def test_an_admin_with_the_bulk_privilege_may_act_in_bulk() -> None:
    acc = account(user("ann", role="admin", privileges=["bulk_remove"]), user(BOB))
    report = bulk_remove(acc, ANN, "deactivate", [BOB])
    assert [r.ok for r in report.results] == [True]


def test_a_member_holding_the_privilege_still_cannot_act_in_bulk() -> None:
    acc = account(user("ann", privileges=["bulk_remove"]), user(BOB))
    refused("bulk-privilege", lambda: bulk_remove(acc, ANN, "deactivate", [BOB]), acc)


# deactivate-licenses, signin-disabled, reactivate-relicense


def test_deactivating_returns_licenses_and_keeps_items() -> None:
    acc = account(
        user(BOB, license="licensed", webinar=True, meetings=meetings("m1")),
        licensed=2,
        webinar=2,
    )
    event = deactivate_user(acc, OWNER, BOB)
    bob = acc.find(BOB)
    assert (bob.license.value, bob.webinar, bob.deactivated_day) == ("basic", False, 0)
    assert bob.items().meetings == ["m1"]
    assert event.details["returned"] == {"license": "licensed", "webinar": True}
    assert acc.assigned().licensed == 1


def test_deactivating_a_deactivated_user_is_refused() -> None:
    acc = account(user(BOB, status="deactivated"))
    error = refused("user-status", lambda: deactivate_user(acc, OWNER, BOB), acc)
    assert error.params == {"email": BOB, "status": "deactivated", "needs": "active"}


def test_a_deactivated_user_cannot_sign_in() -> None:
    acc = account(user(BOB))
    assert sign_in(acc, BOB).action == "sign-in"
    deactivate_user(acc, OWNER, BOB)
    error = refused("signin-disabled", lambda: sign_in(acc, BOB), acc)
    assert error.params == {"email": BOB}


def test_a_pending_user_cannot_sign_in() -> None:
    acc = account(user("eve", status="pending"))
    refused("pending-user", lambda: sign_in(acc, "eve@acme.example"), acc)


def test_a_reactivated_user_comes_back_without_licenses() -> None:
    acc = account(user(BOB, license="licensed", webinar=True))
    deactivate_user(acc, OWNER, BOB)
    event = activate_user(acc, OWNER, BOB)
    bob = acc.find(BOB)
    assert (bob.status, bob.license.value, bob.webinar) == (
        Status.ACTIVE,
        "basic",
        False,
    )
    assert event.rule == "reactivate-relicense"
    assert sign_in(acc, BOB).ok


def test_activating_an_active_user_is_refused() -> None:
    acc = account(user(BOB))
    refused("user-status", lambda: activate_user(acc, OWNER, BOB), acc)


# external-deactivated


def test_a_deactivated_external_user_loses_every_privilege() -> None:
    acc = account(user(BOB, external=True, privileges=["bulk_remove"]))
    event = deactivate_user(acc, OWNER, BOB)
    assert acc.find(BOB).privileges == []
    assert event.details["privileges_removed"] == ["bulk_remove"]


def test_a_deactivated_internal_user_keeps_their_privileges() -> None:
    acc = account(user(BOB, privileges=["reports"]))
    deactivate_user(acc, OWNER, BOB)
    assert acc.find(BOB).privileges == ["reports"]


# license-pool


def test_assigning_a_license_within_the_pool_is_allowed() -> None:
    acc = account(user(BOB), licensed=2, webinar=2)
    event = assign_license(acc, OWNER, BOB, "licensed", webinar=True)
    assert event.details["after"] == {"license": "licensed", "webinar": True}


def test_assigning_beyond_the_pool_is_refused() -> None:
    acc = account(user(BOB), licensed=1, webinar=1)
    error = refused(
        "license-pool", lambda: assign_license(acc, OWNER, BOB, "licensed"), acc
    )
    assert error.params == {
        "email": BOB,
        "license": "licensed",
        "pool": 1,
        "assigned": 1,
    }
    error = refused(
        "license-pool", lambda: assign_license(acc, OWNER, BOB, webinar=True), acc
    )
    assert error.params["license"] == "webinar"


def test_a_deactivated_user_gets_no_license() -> None:
    acc = account(user(BOB, status="deactivated"))
    refused("user-status", lambda: assign_license(acc, OWNER, BOB, "licensed"), acc)


# unlink-keeps-data, managed-domain


def test_an_unlinked_user_leaves_with_everything_not_transferred() -> None:
    acc = account(
        user(BOB, license="licensed", meetings=meetings("m1"), recordings=items("c1")),
        licensed=2,
    )
    report = unlink_user(acc, OWNER, BOB)
    assert report.kept.to_dict() == {
        "meetings": ["m1"],
        "webinars": [],
        "recordings": ["c1"],
    }
    assert report.notes == ["unlink-keeps-data"]
    assert not acc.has_user(BOB) and acc.assigned().licensed == 1
    assert [d.email for d in acc.departed] == [BOB]
    assert [m.id for m in acc.departed[0].meetings] == ["m1"]


def test_a_user_on_a_managed_domain_cannot_be_unlinked() -> None:
    acc = account(user("ann"), user("sub@eu.acme.example"))
    error = refused("managed-domain", lambda: unlink_user(acc, OWNER, ANN), acc)
    assert error.params == {"email": ANN, "domain": "acme.example"}
    refused(
        "managed-domain", lambda: unlink_user(acc, OWNER, "sub@eu.acme.example"), acc
    )


def test_a_look_alike_domain_is_not_managed() -> None:
    acc = account(user("x@notacme.example"))
    assert unlink_user(acc, OWNER, "x@notacme.example").action == "disassociate"


# delete-permanent, pmi-not-transferable


def test_deleting_removes_every_item_not_transferred() -> None:
    acc = account(
        user(BOB, meetings=meetings("m1", "m2", pmi=("m2",)), webinars=items("w1"))
    )
    report = delete_user(acc, OWNER, BOB, TransferOptions(OWNER, meetings=True))
    assert report.transferred.meetings == ["m1"]
    assert report.deleted.to_dict() == {
        "meetings": ["m2"],
        "webinars": ["w1"],
        "recordings": [],
    }
    assert report.notes == ["pmi-not-transferable", "delete-permanent"]
    assert acc.events[-1].details["deleted"]["webinars"] == ["w1"]
    assert [m.id for m in acc.owner.meetings] == ["m1"]


def test_pmi_meetings_stay_with_an_unlinked_user() -> None:
    acc = account(user(BOB, meetings=meetings("m1", "p1", pmi=("p1",))))
    report = unlink_user(acc, OWNER, BOB, TransferOptions(OWNER, meetings=True))
    assert (report.transferred.meetings, report.kept.meetings) == (["m1"], ["p1"])
    assert "pmi-not-transferable" in report.notes


# transfer-target, transfer-recordings-licensed, transfer-webinars-licensed


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (None, "missing"),
        ("ghost@acme.example", "unknown"),
        (BOB, "same-user"),
        ("eve@acme.example", "pending"),
        ("dee@acme.example", "deactivated"),
    ],
)
def test_the_transfer_target_must_be_another_active_user(target, reason) -> None:  # type: ignore[no-untyped-def]
    acc = account(
        user(BOB, meetings=meetings("m1")),
        user("eve", status="pending"),
        user("dee", status="deactivated"),
    )
    transfer = TransferOptions(target, meetings=True)
    error = refused(
        "transfer-target", lambda: unlink_user(acc, OWNER, BOB, transfer), acc
    )
    assert error.params["reason"] == reason


def test_a_user_in_the_same_selection_cannot_receive_items() -> None:
    acc = account(user(BOB), user("cy@other.example"))
    transfer = TransferOptions("cy@other.example", meetings=True)
    with pytest.raises(Exception) as caught:
        bulk_remove(acc, OWNER, "disassociate", [BOB, "cy@other.example"], transfer)
    result = caught.value.results[0]  # type: ignore[attr-defined]
    assert result.violation.params["reason"] == "being-removed"


def test_recordings_go_only_to_a_licensed_user() -> None:
    acc = account(user(BOB, recordings=items("c1")), user("cy", license="basic"))
    cy = "cy@acme.example"
    transfer = TransferOptions(cy, recordings=True)
    error = refused(
        "transfer-recordings-licensed",
        lambda: delete_user(acc, OWNER, BOB, transfer),
        acc,
    )
    assert error.params == {"transfer_email": cy, "license": "basic"}
    report = delete_user(acc, OWNER, BOB, TransferOptions(OWNER, recordings=True))
    assert report.transferred.recordings == ["c1"]


def test_webinars_go_only_to_a_user_with_a_webinar_license() -> None:
    acc = account(user(BOB, webinars=items("w1")), user("cy", license="licensed"))
    transfer = TransferOptions("cy@acme.example", webinars=True)
    refused(
        "transfer-webinars-licensed",
        lambda: unlink_user(acc, OWNER, BOB, transfer),
        acc,
    )
    report = unlink_user(acc, OWNER, BOB, TransferOptions(OWNER, webinars=True))
    assert report.transferred.webinars == ["w1"]


# invitation-blocked


def test_the_invitation_is_accepted_when_the_owner_is_alone() -> None:
    acc = account(user("eve", status="pending"))
    assert accept_invitation(acc, OWNER).action == "accept-invitation"
    assert acc.invitation_accepted


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ({"users": [user(BOB, status="deactivated")]}, "user"),
        ({"rooms": [{"id": "r1", "name": "Boardroom"}]}, "room"),
        ({"addons": ["large-meetings"]}, "addon"),
    ],
)
def test_the_invitation_is_blocked_by_users_rooms_or_addons(extra, kind) -> None:  # type: ignore[no-untyped-def]
    users = extra.pop("users", [])
    acc = account(*users, **extra)
    error = refused("invitation-blocked", lambda: accept_invitation(acc, OWNER), acc)
    assert error.code == 1009  # type: ignore[attr-defined]
    assert [b.kind for b in error.blockers] == [kind]  # type: ignore[attr-defined]
    assert error.params["blockers"][0]["kind"] == kind


def test_rooms_and_addons_can_be_removed() -> None:
    acc = account(user("ann", role="admin"), rooms=[{"id": "r1"}], addons=["a1"])
    assert delete_room(acc, ANN, "r1").target == "r1"
    refused("actor-privileged", lambda: remove_addon(acc, ANN, "a1"), acc)
    assert remove_addon(acc, OWNER, "a1").action == "remove-addon"
    assert acc.rooms == [] and acc.addons == []


def test_a_refusal_is_logged_only_when_asked() -> None:
    acc = account(user("ann"), user(BOB))
    try:
        deactivate_user(acc, ANN, BOB)
    except RuleViolation as violation:
        event = log_refusal(acc, ANN, "deactivate", BOB, violation)
    assert (event.ok, event.rule, event.details["actor"]) == (
        False,
        "actor-privileged",
        ANN,
    )
    assert acc.events == [event]
