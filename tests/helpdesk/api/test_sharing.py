"""Sharing a sandbox read-only, copying it, export and undoing a reset (JSON API).

Runs on every store (see conftest.EVERY_STORE): SQLite and a real Redis.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.sandbox.store import SHARE_TOKEN, new_share_token
from tests.helpdesk.sandbox.helpers import API, XHR, create, events, snapshot

UNKNOWN_SHARE = {
    "en": "This share link does not exist, has been revoked or its sandbox has "
    "expired. Ask for a new link.",
    "nl": "Deze deellink bestaat niet, is ingetrokken of de oefenomgeving ervan is "
    "verlopen. Vraag om een nieuwe link.",
    "pl": "Ten link do udostępnienia nie istnieje, został unieważniony albo jego "
    "piaskownica wygasła. Poproś o nowy link.",
}


def share(client: FlaskClient, sandbox_id: str, lang: str = "en") -> dict[str, str]:
    response = client.post(f"{API}/{sandbox_id}/share?lang={lang}", json={})
    assert response.status_code == 201, response.json
    return dict(response.json)


def test_sharing_answers_a_token_that_is_not_the_id_and_a_page_url(
    client: FlaskClient,
) -> None:
    sandbox_id = create(client)
    body = share(client, sandbox_id)
    assert set(body) == {"token", "url"}
    assert SHARE_TOKEN.fullmatch(body["token"])
    assert body["token"] != sandbox_id
    assert len(body["token"]) * 6 >= 128
    assert body["url"] == f"http://localhost/en/sandbox/shared/{body['token']}"
    assert share(client, sandbox_id, "pl")["url"].startswith("http://localhost/pl/")


def test_sharing_again_gives_the_same_token(client: FlaskClient) -> None:
    sandbox_id = create(client)
    assert share(client, sandbox_id)["token"] == share(client, sandbox_id)["token"]


def test_the_shared_snapshot_is_read_only_and_never_names_the_sandbox(
    client: FlaskClient,
) -> None:
    sandbox_id = create(client)
    client.delete(f"{API}/{sandbox_id}/rooms/room-1", headers=XHR)
    token = share(client, sandbox_id)["token"]
    response = client.get(f"/api/v1/shared/{token}")
    assert response.status_code == 200
    body = response.json
    assert body["account"] == snapshot(client, sandbox_id)
    assert body["events"] == events(client, sandbox_id) != []
    assert body["diagnosis"]["code"] == 1009
    assert body["diagnosis"]["blocked"] is True
    assert {"kind": "user"}.items() <= body["diagnosis"]["blockers"][0].items()
    assert "plan" not in body["diagnosis"]
    assert sandbox_id not in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_an_unknown_or_revoked_token_is_a_localized_404(
    client: FlaskClient, lang: str
) -> None:
    sandbox_id = create(client)
    token = share(client, sandbox_id)["token"]
    revoked = client.delete(f"{API}/{sandbox_id}/share", headers=XHR)
    assert revoked.status_code == 204
    for bad in (token, new_share_token(), "short", sandbox_id):
        response = client.get(f"/api/v1/shared/{bad}?lang={lang}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "unknown-share"
        assert response.json["error"]["message"] == UNKNOWN_SHARE[lang]
    copy = client.post(f"{API}?lang={lang}", json={"copy_of": token})
    assert copy.status_code == 404
    assert copy.json["error"]["message"] == UNKNOWN_SHARE[lang]


def test_a_revoked_sandbox_can_be_shared_again_under_a_new_token(
    client: FlaskClient,
) -> None:
    sandbox_id = create(client)
    first = share(client, sandbox_id)["token"]
    assert client.delete(f"{API}/{sandbox_id}/share", json={}).status_code == 204
    assert client.delete(f"{API}/{sandbox_id}/share", json={}).status_code == 204
    second = share(client, sandbox_id)["token"]
    assert second != first
    assert client.get(f"/api/v1/shared/{second}").status_code == 200


def test_sharing_an_unknown_sandbox_is_a_404(client: FlaskClient) -> None:
    response = client.post(f"{API}/{'x' * 32}/share", json={})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown-sandbox"
    gone = client.delete(f"{API}/{'x' * 32}/share", json={})
    assert gone.status_code == 404


def test_a_copy_is_a_new_sandbox_with_the_same_account_and_log(
    client: FlaskClient,
) -> None:
    sandbox_id = create(client)
    client.delete(f"{API}/{sandbox_id}/rooms/room-1", headers=XHR)
    token = share(client, sandbox_id)["token"]
    response = client.post(API, json={"copy_of": token})
    assert response.status_code == 201
    copy_id = response.json["id"]
    assert copy_id != sandbox_id
    assert response.json["account"] == snapshot(client, sandbox_id)
    assert events(client, copy_id) == events(client, sandbox_id)
    # The copy is the visitor's own: changing it leaves the shared one alone,
    # and its reset goes back to the account as it was copied.
    client.post(f"{API}/{copy_id}/clock", json={"days": 3})
    assert snapshot(client, sandbox_id)["day"] == 0
    client.post(f"{API}/{copy_id}/reset", json={})
    assert snapshot(client, copy_id) == snapshot(client, sandbox_id)


def test_copy_of_goes_alone(client: FlaskClient) -> None:
    token = share(client, create(client))["token"]
    response = client.post(API, json={"copy_of": token, "scenario": "clean"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "unknown-field"
    wrong = client.post(API, json={"copy_of": 5})
    assert wrong.status_code == 400
    assert wrong.json["error"]["field"] == "copy_of"


def test_share_and_revoke_from_another_site_are_refused(client: FlaskClient) -> None:
    sandbox_id = create(client)
    foreign = {"Origin": "https://evil.example"}
    assert (
        client.post(f"{API}/{sandbox_id}/share", json={}, headers=foreign).status_code
        == 403
    )
    token = share(client, sandbox_id)["token"]
    refused = client.delete(f"{API}/{sandbox_id}/share", headers=foreign)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "foreign-origin"
    bare = client.delete(f"{API}/{sandbox_id}/share")
    assert bare.json["error"]["code"] == "cross-site-request"
    copy = client.post(API, json={"copy_of": token}, headers=foreign)
    assert copy.status_code == 403
    assert client.get(f"/api/v1/shared/{token}").status_code == 200


def test_copies_count_against_the_creation_limit(
    app_config: dict[str, object],
) -> None:
    app_config["SANDBOX_CREATE_LIMIT"] = "2/minute"
    client = create_app(app_config).test_client()
    token = share(client, create(client))["token"]
    assert client.post(API, json={"copy_of": token}).status_code == 201
    refused = client.post(API, json={"copy_of": token})
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too-many-sandboxes"
    assert int(refused.headers["Retry-After"]) > 0


def test_a_share_works_on_every_app_server_sharing_the_store(
    app: Flask, client: FlaskClient, app_config: dict[str, object]
) -> None:
    other = create_app(app_config).test_client()
    sandbox_id = create(client)
    token = share(client, sandbox_id)["token"]
    assert other.get(f"/api/v1/shared/{token}").status_code == 200
    copied = other.post(API, json={"copy_of": token})
    assert copied.status_code == 201
    assert client.get(f"{API}/{copied.json['id']}").status_code == 200
    assert other.delete(f"{API}/{sandbox_id}/share", json={}).status_code == 204
    assert client.get(f"/api/v1/shared/{token}").status_code == 404


def test_an_export_round_trips_through_creating_a_sandbox(client: FlaskClient) -> None:
    sandbox_id = create(client)
    client.delete(f"{API}/{sandbox_id}/rooms/room-1", headers=XHR)
    client.post(f"{API}/{sandbox_id}/clock", json={"days": 4})
    exported = snapshot(client, sandbox_id)
    response = client.post(API, json={"account": exported})
    assert response.status_code == 201, response.json
    assert response.json["account"] == exported


def test_a_reset_can_be_undone_until_the_next_change(client: FlaskClient) -> None:
    sandbox_id = create(client)
    client.delete(f"{API}/{sandbox_id}/rooms/room-1", headers=XHR)
    before = snapshot(client, sandbox_id)
    assert before["rooms"] == []
    logged = events(client, sandbox_id)
    client.post(f"{API}/{sandbox_id}/reset", json={})
    assert snapshot(client, sandbox_id) != before
    undone = client.post(f"{API}/{sandbox_id}/reset/undo", json={})
    assert undone.status_code == 200
    assert undone.json["account"] == before
    assert events(client, sandbox_id) == logged
    again = client.post(f"{API}/{sandbox_id}/reset/undo?lang=nl", json={})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "nothing-to-undo"
    client.post(f"{API}/{sandbox_id}/reset", json={})
    client.post(f"{API}/{sandbox_id}/clock", json={"days": 1})
    late = client.post(f"{API}/{sandbox_id}/reset/undo", json={})
    assert late.status_code == 409
