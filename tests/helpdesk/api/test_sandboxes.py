"""The sandbox JSON API: every endpoint, its happy path and its error paths."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpdesk.sandbox.helpers import (
    API,
    XHR,
    create,
    events,
    snapshot,
    user,
)

OWNER = "owner@acme.example"


@pytest.fixture
def sid(client: FlaskClient) -> str:
    """A sandbox of the error-1009 scenario."""
    return create(client)


def assert_error(response: Any, status: int, code: object) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == code
    assert set(error) >= {"code", "rule", "message"}
    assert error["message"]
    return dict(error)


# --- create, read, reset -----------------------------------------------------------


def test_create_from_a_scenario(client: FlaskClient) -> None:
    response = client.post(API, json={"scenario": "clean"})
    assert response.status_code == 201
    assert set(response.json) == {"id", "account"}
    account = response.json["account"]
    assert [u["email"] for u in account["users"]] == ["owner@solo.example"]
    assert {"users", "rooms", "addons", "settings", "licenses", "day"} <= set(account)


def test_create_from_account_json(client: FlaskClient) -> None:
    account = {
        "managed_domains": ["acme.example"],
        "licenses": {"licensed": 1, "webinar": 0},
        "rooms": [{"id": "r1", "name": "Boardroom"}],
        "users": [
            {"email": OWNER, "role": "owner", "license": "licensed"},
            {"email": "eve@acme.example", "status": "pending"},
        ],
    }
    response = client.post(API, json={"account": account})
    assert response.status_code == 201
    created = response.json["account"]
    assert user(created, "eve@acme.example")["status"] == "pending"
    assert created["rooms"] == [{"id": "r1", "name": "Boardroom"}]


def test_create_without_a_body_field_uses_the_1009_scenario(
    client: FlaskClient,
) -> None:
    response = client.post(API, json={})
    assert response.status_code == 201
    assert user(response.json["account"], OWNER)["role"] == "owner"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"account": {"users": []}}, "account.users"),
        (
            {"account": {"users": [{"email": "not-an-email", "role": "owner"}]}},
            "account.users[0].email",
        ),
        (
            {
                "account": {
                    "users": [{"email": OWNER, "role": "owner", "license": "licensed"}]
                }
            },
            "account.licenses.licensed",
        ),
        ({"account": {"users": [], "colour": "red"}}, "account.colour"),
    ],
)
def test_an_invalid_account_is_a_400_naming_the_field(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    error = assert_error(client.post(API, json=body), 400, "invalid-account")
    assert error["field"] == field
    assert field.removeprefix("account.") in error["message"]


def test_an_unknown_scenario_is_a_400(client: FlaskClient) -> None:
    error = assert_error(
        client.post(API, json={"scenario": "nope"}), 400, "unknown-scenario"
    )
    assert error["field"] == "scenario"


def test_get_snapshot_and_unknown_sandbox(client: FlaskClient, sid: str) -> None:
    account = snapshot(client, sid)
    assert "events" not in account
    assert user(account, "bob@other.example")["status"] == "deactivated"
    assert_error(client.get(f"{API}/{'A' * 32}"), 404, "unknown-sandbox")
    assert_error(client.get(f"{API}/short"), 404, "unknown-sandbox")


@pytest.mark.parametrize(
    ("status", "emails"),
    [
        (
            "active",
            {OWNER, "ann@acme.example", "piotr@acme.example", "sanne@partner.example"},
        ),
        ("deactivated", {"bob@other.example"}),
        ("pending", {"eve@acme.example"}),
    ],
)
def test_list_users_by_status(
    client: FlaskClient, sid: str, status: str, emails: set[str]
) -> None:
    response = client.get(f"{API}/{sid}/users?status={status}")
    assert response.status_code == 200
    assert {u["email"] for u in response.json["users"]} == emails


def test_list_users_without_and_with_a_bad_status(
    client: FlaskClient, sid: str
) -> None:
    response = client.get(f"{API}/{sid}/users")
    assert len(response.json["users"]) == 6
    error = assert_error(
        client.get(f"{API}/{sid}/users?status=gone"), 400, "invalid-input"
    )
    assert error["field"] == "status"
    assert_error(client.get(f"{API}/{sid}/users?colour=x"), 400, "unknown-field")


def test_reset_restores_the_created_state(client: FlaskClient, sid: str) -> None:
    before = snapshot(client, sid)
    client.delete(f"{API}/{sid}/rooms/room-1", headers=XHR)
    assert snapshot(client, sid) != before
    response = client.post(f"{API}/{sid}/reset", headers=XHR)
    assert response.status_code == 200
    assert response.json["account"] == before
    assert snapshot(client, sid) == before
    assert events(client, sid) == []


# --- users -------------------------------------------------------------------------


def test_change_role(client: FlaskClient, sid: str) -> None:
    response = client.patch(
        f"{API}/{sid}/users/ann@acme.example", json={"role": "member"}
    )
    assert response.status_code == 200
    assert response.json["event"]["action"] == "change-role"
    assert user(snapshot(client, sid), "ann@acme.example")["role"] == "member"


def test_update_license_and_webinar(client: FlaskClient, sid: str) -> None:
    client.patch(f"{API}/{sid}/users/piotr@acme.example", json={"license": "basic"})
    response = client.patch(
        f"{API}/{sid}/users/ann%40acme.example",
        json={"license": "basic", "webinar": False},
    )
    assert response.status_code == 200
    assert user(snapshot(client, sid), "ann@acme.example")["license"] == "basic"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"role": "owner"}, "invalid-input", "role"),
        ({"role": 3}, "invalid-input", "role"),
        ({"license": "gold"}, "invalid-input", "license"),
        ({"webinar": "yes"}, "invalid-input", "webinar"),
        ({"role": "member", "license": "basic"}, "invalid-input", "license"),
        ({"colour": "red"}, "unknown-field", "colour"),
        ({}, "invalid-input", "role"),
    ],
)
def test_patch_user_bad_input(
    client: FlaskClient, sid: str, body: dict[str, Any], code: str, field: str
) -> None:
    before = snapshot(client, sid)
    error = assert_error(
        client.patch(f"{API}/{sid}/users/ann@acme.example", json=body), 400, code
    )
    assert error["field"] == field
    assert snapshot(client, sid) == before
    assert events(client, sid) == []


def test_unknown_user_is_a_404_and_changes_nothing(
    client: FlaskClient, sid: str
) -> None:
    before = snapshot(client, sid)
    url = f"{API}/{sid}/users/nobody@acme.example"
    assert_error(client.patch(url, json={"role": "member"}), 404, "unknown-user")
    assert_error(
        client.put(f"{url}/status", json={"action": "deactivate"}), 404, "unknown-user"
    )
    assert_error(
        client.delete(f"{url}?action=delete", headers=XHR), 404, "unknown-user"
    )
    assert_error(client.post(f"{url}/sign-in", headers=XHR), 404, "unknown-user")
    assert snapshot(client, sid) == before
    assert events(client, sid) == []


def test_deactivate_and_activate(client: FlaskClient, sid: str) -> None:
    url = f"{API}/{sid}/users/piotr@acme.example/status"
    response = client.put(url, json={"action": "deactivate"})
    assert response.status_code == 200
    piotr = user(snapshot(client, sid), "piotr@acme.example")
    assert (piotr["status"], piotr["license"]) == ("deactivated", "basic")
    assert client.put(url, json={"action": "activate"}).status_code == 200
    assert user(snapshot(client, sid), "piotr@acme.example")["status"] == "active"
    error = assert_error(
        client.put(url, json={"action": "pause"}), 400, "invalid-input"
    )
    assert error["field"] == "action"
    assert_error(client.put(url, json={}), 400, "invalid-input")


def test_delete_user_with_transfer_reports_every_item(
    client: FlaskClient, sid: str
) -> None:
    response = client.delete(
        f"{API}/{sid}/users/piotr%40acme.example?action=delete"
        f"&transfer_email={OWNER}&transfer_meeting=true&transfer_webinar=true"
        "&transfer_recording=true",
        headers=XHR,
    )
    assert response.status_code == 200
    report = response.json
    assert report["user"] == "piotr@acme.example"
    assert report["action"] == "delete"
    empty = {"meetings": [], "webinars": [], "recordings": []}
    assert report["transferred"] == {
        "meetings": ["m-300"],
        "webinars": ["w-300"],
        "recordings": ["c-300"],
    }
    assert report["kept"] == empty
    assert report["deleted"] == empty
    owner = user(snapshot(client, sid), OWNER)
    assert "w-300" in [w["id"] for w in owner["webinars"]]


def test_unlink_user_keeps_their_data(client: FlaskClient, sid: str) -> None:
    response = client.delete(
        f"{API}/{sid}/users/sanne@partner.example?action=disassociate", headers=XHR
    )
    assert response.status_code == 200
    assert response.json["kept"] == {
        "meetings": ["m-400"],
        "webinars": [],
        "recordings": ["c-400"],
    }
    emails = [u["email"] for u in snapshot(client, sid)["users"]]
    assert "sanne@partner.example" not in emails


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("", "invalid-input", "action"),
        ("?action=vanish", "invalid-input", "action"),
        ("?action=delete&transfer_meeting=maybe", "invalid-input", "transfer_meeting"),
        ("?action=delete&colour=red", "unknown-field", "colour"),
    ],
)
def test_delete_user_bad_query(
    client: FlaskClient, sid: str, query: str, code: str, field: str
) -> None:
    before = snapshot(client, sid)
    error = assert_error(
        client.delete(f"{API}/{sid}/users/piotr@acme.example{query}", headers=XHR),
        400,
        code,
    )
    assert error["field"] == field
    assert snapshot(client, sid) == before


def test_bulk_action(client: FlaskClient) -> None:
    sid = create(client, "bulk")
    response = client.post(
        f"{API}/{sid}/users/bulk",
        json={
            "action": "deactivate",
            "emails": ["anna@freelance.example", "bartek@bulk.example"],
        },
    )
    assert response.status_code == 200
    assert [r["ok"] for r in response.json["results"]] == [True, True]
    users = client.get(f"{API}/{sid}/users?status=deactivated").json["users"]
    assert {"anna@freelance.example", "bartek@bulk.example"} <= {
        u["email"] for u in users
    }


def test_bulk_action_refused_for_one_user_changes_nobody(client: FlaskClient) -> None:
    sid = create(client, "bulk")
    before = snapshot(client, sid)
    response = client.post(
        f"{API}/{sid}/users/bulk",
        json={
            "action": "deactivate",
            "emails": ["bartek@bulk.example", "vera@freelance.example"],
        },
        headers={"Accept-Language": "nl"},
    )
    error = assert_error(response, 409, "bulk-refused")
    assert error["rule"] == "pending-user"
    assert "vera@freelance.example" in error["message"]
    results = {r["email"]: r for r in error["results"]}
    assert results["bartek@bulk.example"]["ok"] is True
    assert results["vera@freelance.example"]["rule"] == "pending-user"
    assert snapshot(client, sid) == before
    logged = events(client, sid)
    assert [(e["target"], e["ok"]) for e in logged] == [
        ("vera@freelance.example", False)
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"action": "deactivate"}, "invalid-input"),
        ({"action": "deactivate", "emails": "a@b.example"}, "invalid-input"),
        ({"action": "deactivate", "emails": []}, "invalid-input"),
        ({"action": "explode", "emails": ["a@bulk.example"]}, "invalid-input"),
        ({"action": "deactivate", "emails": [], "x": 1}, "unknown-field"),
    ],
)
def test_bulk_bad_input(
    client: FlaskClient, sid: str, body: dict[str, Any], code: str
) -> None:
    before = snapshot(client, sid)
    assert_error(client.post(f"{API}/{sid}/users/bulk", json=body), 400, code)
    assert snapshot(client, sid) == before


# --- rooms, add-ons, settings, clock -----------------------------------------------


def test_delete_room_and_unknown_room(client: FlaskClient, sid: str) -> None:
    response = client.delete(f"{API}/{sid}/rooms/room-1", headers=XHR)
    assert response.status_code == 200
    assert snapshot(client, sid)["rooms"] == []
    assert_error(
        client.delete(f"{API}/{sid}/rooms/room-1", headers=XHR), 404, "unknown-room"
    )


def test_remove_addon_and_unknown_addon(client: FlaskClient) -> None:
    sid = create(client, "addons")
    response = client.delete(f"{API}/{sid}/addons/large-meetings", headers=XHR)
    assert response.status_code == 200
    assert snapshot(client, sid)["addons"] == ["cloud-storage"]
    assert_error(
        client.delete(f"{API}/{sid}/addons/nope", headers=XHR), 404, "unknown-addon"
    )


def test_settings_and_clock_fire_notices_and_auto_deletion(
    client: FlaskClient,
) -> None:
    sid = create(client, "auto-delete")
    response = client.patch(
        f"{API}/{sid}/settings",
        json={"delete_deactivated_after_days": 30, "notify_admins_before_delete": True},
    )
    assert response.status_code == 200
    fired = response.json["events"]
    assert fired[0]["action"] == "update-settings"
    assert {e["action"] for e in fired[1:]} == {"auto-delete-notice"}
    settings = snapshot(client, sid)["settings"]
    assert settings == {
        "delete_deactivated_after_days": 30,
        "notify_admins_before_delete": True,
    }
    # A partial update keeps the other setting.
    client.patch(f"{API}/{sid}/settings", json={"notify_admins_before_delete": False})
    assert snapshot(client, sid)["settings"]["delete_deactivated_after_days"] == 30
    response = client.post(f"{API}/{sid}/clock", json={"days": 1})
    assert response.status_code == 200
    deleted = {
        e["target"] for e in response.json["events"] if e["action"] == "auto-delete"
    }
    assert deleted == {"old@clock.example"}
    assert snapshot(client, sid)["day"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"delete_deactivated_after_days": 0},
        {"delete_deactivated_after_days": "30"},
        {"notify_admins_before_delete": "yes"},
        {},
        {"auto": True},
    ],
)
def test_settings_bad_input(
    client: FlaskClient, sid: str, body: dict[str, Any]
) -> None:
    before = snapshot(client, sid)
    response = client.patch(f"{API}/{sid}/settings", json=body)
    assert response.status_code == 400
    assert snapshot(client, sid) == before


@pytest.mark.parametrize("body", [{"days": 0}, {"days": 4000}, {"days": 1.5}, {}])
def test_clock_bad_input(client: FlaskClient, sid: str, body: dict[str, Any]) -> None:
    before = snapshot(client, sid)
    assert client.post(f"{API}/{sid}/clock", json=body).status_code == 400
    assert snapshot(client, sid) == before


# --- sign-in, invitation, diagnosis, events ----------------------------------------


def test_sign_in(client: FlaskClient, sid: str) -> None:
    response = client.post(f"{API}/{sid}/users/piotr@acme.example/sign-in", headers=XHR)
    assert response.status_code == 200
    assert response.json["signed_in"] is True
    error = assert_error(
        client.post(f"{API}/{sid}/users/bob@other.example/sign-in", headers=XHR),
        403,
        "signin-disabled",
    )
    assert error["rule"] == "signin-disabled"


def test_invitation_blocked_then_accepted(client: FlaskClient) -> None:
    sid = create(client)
    response = client.post(f"{API}/{sid}/invitation/accept", headers=XHR)
    error = assert_error(response, 409, 1009)
    assert error["rule"] == "invitation-blocked"
    kinds = {(b["kind"], b["id"]) for b in response.json["blockers"]}
    assert ("room", "room-1") in kinds
    assert ("user", "eve@acme.example") not in kinds  # pending users do not block
    clean = create(client, "clean")
    response = client.post(f"{API}/{clean}/invitation/accept", headers=XHR)
    assert response.status_code == 200
    assert response.json["accepted"] is True


def test_diagnosis_shape_and_codes(client: FlaskClient, sid: str) -> None:
    for code in ("1009", "1,009", "1.009"):
        response = client.get(f"{API}/{sid}/diagnosis?code={code}")
        assert response.status_code == 200
        assert set(response.json) == {"code", "blocked", "blockers", "plan"}
        assert response.json["code"] == 1009
    for call in response.json["plan"]:
        assert set(call) == {"method", "path", "body", "explain"}
        assert call["path"].startswith(f"{API}/{sid}/")
        assert "@" not in call["path"]
    assert_error(client.get(f"{API}/{sid}/diagnosis?code=2000"), 404, "unknown-code")
    assert_error(client.get(f"{API}/{sid}/diagnosis?code=abc"), 400, "invalid-input")


def test_diagnosis_explains_in_the_request_language(
    client: FlaskClient, sid: str
) -> None:
    texts = {
        lang: client.get(f"{API}/{sid}/diagnosis?lang={lang}").json["plan"][0][
            "explain"
        ]
        for lang in ("en", "nl", "pl")
    }
    assert len(set(texts.values())) == 3
    assert all("ann@acme.example" in t for t in texts.values())


def test_events_record_operations_and_refusals(client: FlaskClient, sid: str) -> None:
    client.delete(f"{API}/{sid}/rooms/room-1", headers=XHR)
    client.put(
        f"{API}/{sid}/users/ann@acme.example/status", json={"action": "deactivate"}
    )
    logged = events(client, sid)
    assert [(e["action"], e["ok"], e["rule"]) for e in logged] == [
        ("delete-room", True, "invitation-blocked"),
        ("deactivate", False, "admin-convert-first"),
    ]
    assert set(logged[0]) == {
        "day",
        "actor",
        "action",
        "target",
        "ok",
        "rule",
        "details",
    }


# --- acting user -------------------------------------------------------------------


def test_the_actor_header_chooses_who_acts(client: FlaskClient, sid: str) -> None:
    response = client.delete(
        f"{API}/{sid}/rooms/room-1",
        headers={**XHR, "X-Sandbox-Actor": "ann@acme.example"},
    )
    assert response.status_code == 200
    assert response.json["event"]["actor"] == "ann@acme.example"


def test_an_unknown_actor_is_a_400(client: FlaskClient, sid: str) -> None:
    before = snapshot(client, sid)
    error = assert_error(
        client.delete(
            f"{API}/{sid}/rooms/room-1",
            headers={**XHR, "X-Sandbox-Actor": "x@evil.example"},
        ),
        400,
        "unknown-actor",
    )
    assert "x@evil.example" in error["message"]
    assert snapshot(client, sid) == before
    assert events(client, sid) == []


# --- malformed requests ------------------------------------------------------------


def test_invalid_json_is_a_400_and_changes_nothing(
    client: FlaskClient, sid: str
) -> None:
    before = snapshot(client, sid)
    for data in ("{", "[1, 2]", '"text"', "NaN", '{"role": NaN}'):
        response = client.patch(
            f"{API}/{sid}/users/ann@acme.example",
            data=data,
            content_type="application/json",
        )
        assert response.status_code == 400, data
        assert response.json["error"]["code"] == "invalid-json"
    assert snapshot(client, sid) == before


def test_a_lone_surrogate_in_a_json_body_is_invalid_json(
    client: FlaskClient, sid: str
) -> None:
    # Valid JSON syntax, but no Unicode text: it could not be stored or sent back.
    before = snapshot(client, sid)
    account = (
        '{"account": {"users": [{"email": "o@acme.example", "role": "owner"}],'
        ' "rooms": [{"id": "r1", "name": "\\ud800"}]}}'
    )
    response = client.post(API, data=account, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid-json"
    # In a key, where the plain reader would have said "unknown field" instead.
    response = client.post(API, data='{"\\udfff": 1}', content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid-json"
    assert snapshot(client, sid) == before


def test_a_non_json_body_is_a_415(client: FlaskClient, sid: str) -> None:
    response = client.patch(
        f"{API}/{sid}/users/ann@acme.example", data="role=member", headers=XHR
    )
    assert_error(response, 415, "unsupported-media-type")
    assert_error(
        client.post(API, data="x", content_type="text/plain", headers=XHR),
        415,
        "unsupported-media-type",
    )


def test_an_oversized_json_body_is_a_413_and_changes_nothing(
    client: FlaskClient, sid: str
) -> None:
    before = snapshot(client, sid)
    big = json.dumps({"role": "member", "pad": "x" * (1024 * 1024)})
    response = client.patch(
        f"{API}/{sid}/users/ann@acme.example",
        data=big,
        content_type="application/json",
    )
    assert_error(response, 413, "too-large")
    assert snapshot(client, sid) == before


def test_the_json_limit_is_configurable(app_config: dict[str, object]) -> None:
    from helpdesk import create_app

    app_config["SANDBOX_MAX_JSON_BYTES"] = 50
    client = create_app(app_config).test_client()
    response = client.post(API, json={"scenario": "clean", "account": {"x": "y" * 60}})
    assert_error(response, 413, "too-large")


def test_errors_are_localized(client: FlaskClient, sid: str) -> None:
    url = f"{API}/{'A' * 32}"
    messages = {
        lang: client.get(url, headers={"Accept-Language": lang}).json["error"][
            "message"
        ]
        for lang in ("en", "nl", "pl")
    }
    assert len(set(messages.values())) == 3
    assert client.get(f"{url}?lang=pl").json["error"]["message"] == messages["pl"]


# --- concurrency and expiry --------------------------------------------------------


def test_concurrent_requests_on_one_sandbox_lose_no_update(app: Flask) -> None:
    client = app.test_client()
    sid = create(client, "bulk")
    emails = [
        u["email"] for u in client.get(f"{API}/{sid}/users?status=active").json["users"]
    ]
    members = [e for e in emails if not e.startswith(("owner@", "admin@", "helper@"))]
    statuses: list[int] = []

    def work(email: str) -> None:
        own = app.test_client()
        response = own.put(
            f"{API}/{sid}/users/{email}/status", json={"action": "deactivate"}
        )
        statuses.append(response.status_code)
        statuses.append(own.post(f"{API}/{sid}/clock", json={"days": 1}).status_code)

    threads = [threading.Thread(target=work, args=(e,)) for e in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) == {200}
    account = snapshot(client, sid)
    assert account["day"] == len(members)
    deactivated = {u["email"] for u in account["users"] if u["status"] == "deactivated"}
    assert set(members) <= deactivated
    assert sum(1 for e in events(client, sid) if e["action"] == "deactivate") == len(
        members
    )


def test_an_expired_sandbox_is_gone(app_config: dict[str, object]) -> None:
    from helpdesk import create_app
    from helpdesk.sandboxes import store as app_store

    app = create_app(app_config)
    client = app.test_client()
    sid = create(client)
    with app.app_context():
        store = app_store()
        real = store.clock  # type: ignore[attr-defined]
        store.clock = lambda: real() + 24 * 3600 + 1  # type: ignore[attr-defined]
    assert_error(client.get(f"{API}/{sid}"), 404, "unknown-sandbox")
    assert_error(client.post(f"{API}/{sid}/reset", headers=XHR), 404, "unknown-sandbox")
