"""Cross-site requests to the JSON API: every shape a browser sends unasked is a 403."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from helpdesk.api.origin import MESSAGES
from tests.helpdesk.sandbox.helpers import API, XHR, create, events, snapshot

CSV = b"Email\nbartek@bulk.example\n"
FOREIGN_ORIGINS = (
    "https://evil.example",
    "http://localhost.evil.example",
    "http://evil.example:80",
    "http://user@localhost",
    "http://localhost/path",
    "null",
    "localhost",
    "",
)
TEXTS = {
    "foreign-origin": {
        "en": "This request comes from another website and was refused.",
        "nl": "Dit verzoek komt van een andere website en is geweigerd.",
        "pl": "To żądanie pochodzi z innej witryny i zostało odrzucone.",
    },
    "cross-site-request": {
        "en": "Send the body as JSON (Content-Type: application/json), or add the "
        "header X-Requested-With to the request.",
        "nl": "Verstuur de body als JSON (Content-Type: application/json) of voeg de "
        "header X-Requested-With toe aan het verzoek.",
        "pl": "Wyślij treść jako JSON (Content-Type: application/json) albo dodaj do "
        "żądania nagłówek X-Requested-With.",
    },
}


@pytest.fixture
def sid(client: FlaskClient) -> str:
    """A sandbox of the bulk scenario (imports, sign-in, reset all apply)."""
    return create(client, "bulk")


def assert_refused(response: Any, code: str, lang: str = "en") -> None:
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.json == {
        "error": {"code": code, "rule": None, "message": TEXTS[code][lang]}
    }


def test_every_refusal_has_a_message_in_the_table() -> None:
    assert set(MESSAGES) == set(TEXTS)


# --- refused: what a page on another site can make a browser send ------------------

#: (method, path under the sandbox, request keyword arguments), none with the header.
SIMPLE_REQUESTS = [
    ("POST", "reset", {}),
    ("POST", "users/bartek@bulk.example/sign-in", {}),
    ("POST", "invitation/accept", {}),
    ("POST", "reset", {"data": {"a": "b"}}),  # an HTML form
    ("POST", "reset", {"data": "{}", "content_type": "text/plain"}),
    ("POST", "imports?action=deactivate", {"data": CSV}),  # no Content-Type
    ("POST", "imports?action=deactivate", {"data": CSV, "content_type": "text/csv"}),
    (
        "POST",
        "imports?action=deactivate",
        {"data": {"file": (io.BytesIO(CSV), "users.csv")}},  # multipart
    ),
    (
        "POST",
        "imports?action=deactivate",
        {"data": "Email=bartek@bulk.example", "content_type": "text/plain"},
    ),
    ("DELETE", "rooms/room-1", {}),
    ("PATCH", "settings", {"data": "x", "content_type": "application/x-json"}),
    ("PUT", "users/bartek@bulk.example/status", {"data": {"action": "deactivate"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), SIMPLE_REQUESTS)
def test_a_request_without_json_or_the_header_is_refused_and_changes_nothing(
    client: FlaskClient, sid: str, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    client.post(f"{API}/{sid}/clock", json={"days": 1})  # so that reset would show
    before = snapshot(client, sid)
    logged = events(client, sid)
    response = client.open(f"{API}/{sid}/{path}", method=method, **kwargs)
    assert_refused(response, "cross-site-request")
    assert snapshot(client, sid) == before
    assert events(client, sid) == logged


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_refusals_are_in_the_request_language(
    client: FlaskClient, sid: str, lang: str
) -> None:
    headers = {"Accept-Language": lang}
    assert_refused(
        client.post(f"{API}/{sid}/reset", headers=headers), "cross-site-request", lang
    )
    assert_refused(
        client.post(f"{API}/{sid}/reset?lang={lang}"), "cross-site-request", lang
    )
    response = client.post(
        f"{API}/{sid}/reset",
        json={},
        headers={**headers, "Origin": "https://evil.example"},
    )
    assert_refused(response, "foreign-origin", lang)


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_a_foreign_origin_is_refused_whatever_the_request_carries(
    client: FlaskClient, sid: str, origin: str
) -> None:
    before = snapshot(client, sid)
    shapes: list[dict[str, Any]] = [
        {"json": {"days": 1}},
        {"json": {"days": 1}, "headers": XHR},
        {"data": "days=1", "content_type": "application/x-www-form-urlencoded"},
    ]
    for shape in shapes:
        headers = {**shape.pop("headers", {}), "Origin": origin}
        response = client.post(f"{API}/{sid}/clock", headers=headers, **shape)
        assert_refused(response, "foreign-origin")
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=CSV,
        content_type="text/csv",
        headers={**XHR, "Origin": origin},
    )
    assert_refused(response, "foreign-origin")
    assert snapshot(client, sid) == before


def test_creating_a_sandbox_is_checked_too(client: FlaskClient) -> None:
    response = client.post(API, data="scenario=clean")
    assert_refused(response, "cross-site-request")
    response = client.post(
        API, json={"scenario": "clean"}, headers={"Origin": "https://evil.example"}
    )
    assert_refused(response, "foreign-origin")


def test_reading_is_never_refused(client: FlaskClient, sid: str) -> None:
    headers = {"Origin": "https://evil.example"}
    assert client.get(f"{API}/{sid}", headers=headers).status_code == 200
    assert client.get("/api/v1/errors/1009", headers=headers).status_code == 200


# --- accepted: what no browser sends cross-site without a preflight ----------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON"],
)
def test_json_needs_nothing_else(
    client: FlaskClient, sid: str, content_type: str
) -> None:
    response = client.post(
        f"{API}/{sid}/clock", data='{"days": 2}', content_type=content_type
    )
    assert response.status_code == 200, response.json
    assert snapshot(client, sid)["day"] == 2


@pytest.mark.parametrize("path", ["reset", "invitation/accept"])
def test_a_body_less_call_with_the_header_passes(
    client: FlaskClient, path: str
) -> None:
    sid = create(client, "clean")
    response = client.post(f"{API}/{sid}/{path}", headers=XHR)
    assert response.status_code == 200, response.json
    response = client.post(
        f"{API}/{sid}/reset", headers={"X-Requested-With": ""}
    )  # any value, even none
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    "headers",
    [
        XHR,
        {"Origin": "http://localhost"},
        # The configured trusted hosts are the site's own, on any port or scheme
        # (behind a proxy that terminates HTTPS the app sees http).
        {"Origin": "https://localhost"},
        {"Origin": "http://127.0.0.1:8000"},
    ],
)
def test_uploads_and_body_less_calls_pass_with_the_header_or_the_own_origin(
    client: FlaskClient, sid: str, headers: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=CSV,
        content_type="text/csv",
        headers=headers,
    )
    assert response.status_code == 200, response.json
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data={"file": (io.BytesIO(b"Email\ncelina@bulk.example\n"), "users.csv")},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    response = client.post(
        f"{API}/{sid}/users/bartek@bulk.example/sign-in", headers=headers
    )
    assert response.status_code == 403  # bartek was deactivated by the import
    assert response.json["error"]["rule"] == "signin-disabled"
    # The view ran: the bulk scenario has no Zoom Room.
    response = client.delete(f"{API}/{sid}/rooms/room-1", headers=headers)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown-room"
    statuses = {u["email"]: u["status"] for u in snapshot(client, sid)["users"]}
    assert statuses["bartek@bulk.example"] == "deactivated"
    assert statuses["celina@bulk.example"] == "deactivated"


def test_the_request_own_host_is_its_origin_on_any_trusted_host(
    app_config: dict[str, object],
) -> None:
    from helpdesk import create_app

    app = create_app({**app_config, "TRUSTED_HOSTS": ["help.example"]})
    client = app.test_client()
    base = "https://help.example:8443"
    sid = create_on(client, base)
    response = client.post(
        f"{API}/{sid}/reset", base_url=base, headers={"Origin": base}
    )
    assert response.status_code == 200, response.json
    response = client.post(
        f"{API}/{sid}/reset",
        base_url=base,
        headers={"Origin": "https://localhost:8443"},  # not trusted by this app
    )
    assert_refused(response, "foreign-origin")


def create_on(client: FlaskClient, base_url: str) -> str:
    response = client.post(API, json={"scenario": "clean"}, base_url=base_url)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def test_a_non_json_body_with_the_header_reaches_the_view(
    client: FlaskClient, sid: str
) -> None:
    # The header lifts only the cross-site check: the view still wants JSON.
    response = client.post(
        f"{API}/{sid}/clock", data="days=1", content_type="text/plain", headers=XHR
    )
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported-media-type"
