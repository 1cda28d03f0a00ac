"""Bounds on everything a client can send a sandbox, and what a refusal looks like.

Every refusal here is a clean 4xx (or 503) in the request's language that
changes nothing; never a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.sandbox.store import dumps
from simulator import dump_account, load_scenario
from tests.helpdesk.sandbox.helpers import API, XHR, create, events, snapshot

LANGS = ("en", "nl", "pl")


def error_of(response: Any, status: int, code: object) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == code
    assert error["message"]
    return dict(error)


def messages_in_every_language(send: Any, status: int, code: object) -> None:
    texts = {lang: error_of(send(lang), status, code)["message"] for lang in LANGS}
    assert len(set(texts.values())) == 3, texts
    assert all("%(" not in text for text in texts.values())


@pytest.fixture
def sid(client: FlaskClient) -> str:
    return create(client, "bulk")


# --- bulk selections ---------------------------------------------------------------


def test_a_bulk_selection_over_the_cap_is_a_400_that_changes_nothing(
    client: FlaskClient, sid: str
) -> None:
    before = snapshot(client, sid), events(client, sid)
    emails = [f"user{i}@bulk.example" for i in range(1001)]

    def send(lang: str) -> Any:
        return client.post(
            f"{API}/{sid}/users/bulk?lang={lang}",
            json={"action": "deactivate", "emails": emails},
        )

    messages_in_every_language(send, 400, "invalid-input")
    assert send("en").json["error"]["field"] == "emails"
    assert "1000" in send("en").json["error"]["message"]
    assert (snapshot(client, sid), events(client, sid)) == before


def test_a_bulk_selection_at_the_cap_is_worked_through(
    client: FlaskClient, sid: str
) -> None:
    emails = ["bartek@bulk.example"] + [f"n{i}@nowhere.example" for i in range(999)]
    response = client.post(
        f"{API}/{sid}/users/bulk", json={"action": "deactivate", "emails": emails}
    )
    error = error_of(response, 404, "bulk-refused")
    assert len(error["results"]) == 1000


# --- CSV files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"Email\n" + b'"' + b"a" * (200 * 1024) + b'"\n',  # over csv's cell limit
        b'Email\n"unclosed,quote\n',
    ],
    ids=["huge-cell", "bad-quoting"],
)
def test_a_csv_file_the_csv_module_refuses_is_a_400_that_changes_nothing(
    client: FlaskClient, sid: str, data: bytes
) -> None:
    before = snapshot(client, sid), events(client, sid)

    def send(lang: str) -> Any:
        return client.post(
            f"{API}/{sid}/imports?action=deactivate&lang={lang}",
            data=data,
            content_type="text/csv",
            headers=XHR,
        )

    if data.count(b'"') % 2:
        response = send("en")
        assert response.status_code in (200, 400)  # csv reads to the end
        if response.status_code == 200:
            return
    messages_in_every_language(send, 400, "invalid-csv")
    assert send("en").json["error"]["reason"] == "malformed"
    assert (snapshot(client, sid), events(client, sid)) == before


# --- the event log -----------------------------------------------------------------


def test_the_event_log_keeps_the_latest_events_and_never_blocks_the_sandbox(
    client: FlaskClient, sid: str
) -> None:
    for _ in range(230):
        response = client.post(
            f"{API}/{sid}/users/owner@bulk.example/sign-in", headers=XHR
        )
        assert response.status_code == 200
    logged = events(client, sid)
    assert len(logged) == 200
    assert all(e["action"] == "sign-in" for e in logged)
    ok = client.put(
        f"{API}/{sid}/users/bartek@bulk.example/status", json={"action": "deactivate"}
    )
    assert ok.status_code == 200
    assert events(client, sid)[-1]["action"] == "deactivate"


def test_an_import_event_keeps_counts_and_a_few_example_rows(
    client: FlaskClient, sid: str
) -> None:
    rows = "\n".join(f"ghost{i}@bulk.example" for i in range(300))
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=f"Email\n{rows}\n".encode(),
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 200
    assert len(response.json["results"]) == 300  # the answer has every row
    [logged] = [e for e in events(client, sid) if e["action"] == "import"]
    details = logged["details"]
    assert (details["applied"], details["failed"]) == (0, 300)
    assert details["rows_total"] == 300
    assert len(details["rows"]) == 10


# --- account JSON ------------------------------------------------------------------


def test_client_supplied_events_are_refused_naming_the_field(
    client: FlaskClient,
) -> None:
    account = snapshot(client, create(client, "clean"))
    account["events"] = [
        {"day": 0, "actor": "x", "action": "import", "target": "x", "ok": True,
         "rule": None, "details": {"rows": "not a list"}}
    ]  # fmt: skip

    def send(lang: str) -> Any:
        return client.post(f"{API}?lang={lang}", json={"account": account})

    messages_in_every_language(send, 400, "invalid-account")
    assert send("en").json["error"]["field"] == "account.events"


INVISIBLE = [
    "a\u0000b@acme.example",
    "an\u200bn@acme.example",
    "\u202eann@acme.example",
]


@pytest.mark.parametrize("email", INVISIBLE)
def test_an_account_with_an_invisible_character_in_an_email_is_refused(
    client: FlaskClient, email: str
) -> None:
    account = snapshot(client, create(client, "clean"))
    account["users"].append({"email": email, "role": "member"})

    def send(lang: str) -> Any:
        return client.post(f"{API}?lang={lang}", json={"account": account})

    messages_in_every_language(send, 400, "invalid-account")
    assert send("en").json["error"]["field"].startswith("account.users[1].email")


def test_an_account_with_confusable_emails_is_refused(client: FlaskClient) -> None:
    account = snapshot(client, create(client, "clean"))
    account["users"] += [
        {"email": "anna@solo.example", "role": "member"},
        {"email": "\u0430nna@solo.example", "role": "member"},  # Cyrillic a
    ]

    def send(lang: str) -> Any:
        return client.post(f"{API}?lang={lang}", json={"account": account})

    messages_in_every_language(send, 400, "invalid-account")
    assert "anna@solo.example" in send("en").json["error"]["message"]


#: Where a request names an e-mail; an HTTP header cannot carry a NUL at all.
PLACES = [
    (email, where)
    for email in INVISIBLE
    for where in ("path", "bulk", "transfer", "actor")
    if not (where == "actor" and "\u0000" in email)
]


@pytest.mark.parametrize(("email", "where"), PLACES)
def test_an_invisible_character_in_a_request_email_is_a_400(
    client: FlaskClient, sid: str, email: str, where: str
) -> None:
    before = snapshot(client, sid), events(client, sid)

    def send(lang: str) -> Any:
        if where == "path":
            path = email.replace("\u0000", "%00")
            return client.put(
                f"{API}/{sid}/users/{path}/status?lang={lang}",
                json={"action": "deactivate"},
            )
        if where == "actor":
            return client.put(
                f"{API}/{sid}/users/bartek@bulk.example/status?lang={lang}",
                json={"action": "deactivate"},
                headers={"X-Sandbox-Actor": email},
            )
        body: dict[str, Any] = {"action": "delete", "emails": ["bartek@bulk.example"]}
        if where == "bulk":
            body["emails"].append(email)
        else:
            body["transfer_email"] = email
        return client.post(f"{API}/{sid}/users/bulk?lang={lang}", json=body)

    messages_in_every_language(send, 400, "invalid-input")
    assert (snapshot(client, sid), events(client, sid)) == before


# --- growing past the limit ---------------------------------------------------------


def test_a_sandbox_that_would_grow_past_its_limit_is_a_409_that_changes_nothing(
    app_config: dict[str, object],
) -> None:
    size = len(dumps(dump_account(load_scenario("bulk"), events=False)).encode())
    app_config["SANDBOX_MAX_ACCOUNT_BYTES"] = size  # the scenario fits, exactly
    client = create_app(app_config).test_client()
    sid = create(client, "bulk")
    before = snapshot(client, sid), events(client, sid)

    def send(lang: str) -> Any:
        # "deactivated" is longer than "active": the account grows.
        return client.put(
            f"{API}/{sid}/users/bartek@bulk.example/status?lang={lang}",
            json={"action": "deactivate"},
        )

    messages_in_every_language(send, 409, "sandbox-too-large")
    assert (snapshot(client, sid), events(client, sid)) == before
    reset = client.post(f"{API}/{sid}/reset", headers=XHR)
    assert reset.status_code == 200
