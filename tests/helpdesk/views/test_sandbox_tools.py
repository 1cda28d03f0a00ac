"""Support staff tools in the sandbox UI, in every language.

The new-sandbox page (scenario, pasted or uploaded account JSON), export, the
share link and its read-only page with "copy into my own sandbox", asking
before a sandbox with changes is replaced, and confirming and undoing a reset.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.sandbox.store import SHARE_TOKEN, new_share_token
from helpdesk.sandboxes import sandboxes

from .sandbox_helpers import sandbox_account, start, text

LANGS = ("en", "nl", "pl")
ACCOUNT = {
    "managed_domains": ["acme.example"],
    "licenses": {"licensed": 3, "webinar": 1},
    "rooms": [{"id": "r9", "name": "Lab"}],
    "users": [
        {"email": "owner@acme.example", "role": "owner", "license": "licensed"},
        {"email": "kim@acme.example", "role": "admin"},
        {"email": "lou@else.example", "status": "deactivated"},
    ],
}
TITLES = {
    "new": {
        "en": "New sandbox",
        "nl": "Nieuwe oefenomgeving",
        "pl": "Nowa piaskownica",
    },
    "share": {
        "en": "Share and export",
        "nl": "Delen en exporteren",
        "pl": "Udostępnianie i eksport",
    },
    "shared": {
        "en": "Shared sandbox (read-only)",
        "nl": "Gedeelde oefenomgeving (alleen-lezen)",
        "pl": "Udostępniona piaskownica (tylko do odczytu)",
    },
    "replace": {
        "en": "This replaces your sandbox with 2 changes.",
        "nl": "Dit vervangt uw oefenomgeving, waarin 2 wijzigingen zijn gedaan.",
        "pl": "To zastąpi Twoją piaskownicę, w której są 2 zmiany.",
    },
    "reset": {
        "en": "Reset the sandbox?",
        "nl": "Oefenomgeving terugzetten?",
        "pl": "Zresetować piaskownicę?",
    },
}
UNKNOWN_SHARE = {
    "en": "This share link does not exist",
    "nl": "Deze deellink bestaat niet",
    "pl": "Ten link do udostępnienia nie istnieje",
}


def session_id(client: FlaskClient) -> str:
    with client.session_transaction() as sess:
        return str(sess["sandbox_id"])


def paste(client: FlaskClient, lang: str, data: Any, **extra: Any) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(
        f"/{lang}/sandbox/new/account", data={"account_json": body, **extra}
    )


def make_changes(client: FlaskClient, lang: str = "en") -> None:
    """Two events in the log (a room deleted, a user deactivated), on day 2."""
    start(client, lang)
    client.post(f"/{lang}/sandbox/rooms/room-1/delete")
    client.post(f"/{lang}/sandbox/users/piotr@acme.example/deactivate")
    client.post(f"/{lang}/sandbox/clock", data={"days": "2"})


def shared_link(client: FlaskClient, lang: str = "en") -> str:
    response = client.post(f"/{lang}/sandbox/share", follow_redirects=True)
    assert response.status_code == 200
    found = re.search(
        r'value="(http://localhost/\w\w/sandbox/shared/[^"]+)"',
        response.get_data(as_text=True),
    )
    assert found is not None
    return found.group(1).removeprefix("http://localhost")


# --- the new-sandbox page -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_new_sandbox_page_offers_scenarios_paste_and_upload(
    client: FlaskClient, lang: str
) -> None:
    response = client.get(f"/{lang}/sandbox/new")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert TITLES["new"][lang] in body
    assert 'name="scenario"' in body
    assert 'name="account_json"' in body
    assert 'type="file"' in body and 'name="account_file"' in body
    assert 'enctype="multipart/form-data"' in body


@pytest.mark.parametrize("lang", LANGS)
def test_pasted_account_json_opens_a_new_sandbox(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    response = paste(client, lang, ACCOUNT)
    assert response.status_code == 302
    account = sandbox_account(app, client)
    assert [u.email for u in account.users][1] == "kim@acme.example"
    assert account.rooms[0].id == "r9"


def test_an_uploaded_json_file_opens_a_new_sandbox(
    app: Flask, client: FlaskClient
) -> None:
    data = "\ufeff" + json.dumps(ACCOUNT)  # a BOM, as Windows editors write it
    response = client.post(
        "/en/sandbox/new/account",
        data={"account_file": (io.BytesIO(data.encode("utf-8")), "customer.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert sandbox_account(app, client).licenses.licensed == 3


INVALID = {
    "en": "users[1].role must be one of",
    "nl": "users[1].role",
    "pl": "users[1].role",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_invalid_account_names_the_field_like_the_api(
    client: FlaskClient, lang: str
) -> None:
    bad = json.loads(json.dumps(ACCOUNT))
    bad["users"][1]["role"] = "boss"
    api = client.post(f"/api/v1/sandboxes?lang={lang}", json={"account": bad})
    response = paste(client, lang, bad)
    assert response.status_code == 400
    page = text(response)
    assert api.json["error"]["message"] in page
    assert "account.users[1].role" in page
    assert "boss" in page  # the pasted text is kept to be fixed
    with client.session_transaction() as sess:
        assert "sandbox_id" not in sess


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", "Paste account JSON or choose a .json file."),
        ('{"users": [', "This is not valid JSON: the mistake is at line 1, column"),
        ("[1, 2]", "The account JSON must be one object"),
        ('{"users": NaN}', "This is not valid JSON"),
    ],
)
def test_text_that_is_not_an_account_object_is_explained(
    client: FlaskClient, data: str, expected: str
) -> None:
    response = paste(client, "en", data)
    assert response.status_code == 400
    assert expected in text(response)


def test_a_file_that_is_not_utf8_is_refused_clearly(client: FlaskClient) -> None:
    data = json.dumps({"users": [{"email": "zoë@acme.example"}]}).encode("cp1252")
    response = client.post(
        "/nl/sandbox/new/account",
        data={
            "account_file": (io.BytesIO(data.replace(b"\\u00eb", b"\xeb")), "a.json")
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Het bestand is geen UTF-8-tekst." in text(response)


def test_an_oversized_paste_is_413_and_creates_nothing(
    app_config: dict[str, object],
) -> None:
    app_config["SANDBOX_MAX_JSON_BYTES"] = 2048
    client = create_app(app_config).test_client()
    big = {**ACCOUNT, "addons": ["a" * 40] * 60}
    response = paste(client, "pl", big)
    assert response.status_code == 413
    assert "JSON konta jest za duży: najwyżej 2 KiB." in text(response)
    with client.session_transaction() as sess:
        assert "sandbox_id" not in sess


# --- export ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_export_round_trips_through_the_new_sandbox_page(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    make_changes(client, lang)
    exported = client.get(f"/{lang}/sandbox/export.json")
    assert exported.status_code == 200
    assert exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    before = sandbox_account(app, client)
    response = client.post(
        f"/{lang}/sandbox/new/account",
        data={"account_file": (io.BytesIO(exported.data), "sandbox-account.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    after = sandbox_account(app, client)
    assert after.rooms == before.rooms == []
    assert after.day == before.day == 2
    assert after.users == before.users


# --- sharing ---------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_share_page_makes_a_selectable_link_and_revokes_it(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    page = client.get(f"/{lang}/sandbox/share")
    assert page.status_code == 200
    assert TITLES["share"][lang] in page.get_data(as_text=True)
    assert "readonly" not in page.get_data(as_text=True)
    link = shared_link(client, lang)
    token = link.rsplit("/", 1)[1]
    assert SHARE_TOKEN.fullmatch(token)
    assert token != session_id(client)
    again = client.get(f"/{lang}/sandbox/share").get_data(as_text=True)
    assert f'readonly value="http://localhost{link}"' in again  # works without JS
    assert "data-copy-button" in again
    assert client.get(link).status_code == 200
    client.post(f"/{lang}/sandbox/share/revoke")
    assert client.get(link).status_code == 404
    assert link not in client.get(f"/{lang}/sandbox/share").get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_the_shared_page_is_read_only_and_never_names_the_sandbox(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    make_changes(client, lang)
    link = shared_link(client, lang)
    own_id = session_id(client)
    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert TITLES["shared"][lang] in body
    assert "piotr@acme.example" in body  # users
    assert own_id not in body
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in body
    # The only form copies; nothing posts to the shared sandbox.
    actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', body)
    assert actions == [f"{link}/copy"]
    with visitor.session_transaction() as sess:
        assert "sandbox_id" not in sess


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_or_revoked_link_is_a_localized_404(
    client: FlaskClient, lang: str
) -> None:
    for token in (new_share_token(), "nope"):
        response = client.get(f"/{lang}/sandbox/shared/{token}")
        assert response.status_code == 404
        assert UNKNOWN_SHARE[lang] in text(response)
        copy = client.post(f"/{lang}/sandbox/shared/{token}/copy")
        assert copy.status_code == 404


def test_copying_makes_the_visitor_a_sandbox_of_their_own(
    app: Flask, client: FlaskClient
) -> None:
    make_changes(client)
    link = shared_link(client)
    visitor = app.test_client()
    response = visitor.post(f"{link}/copy")
    assert response.status_code == 302
    copy_id, own_id = session_id(visitor), session_id(client)
    assert copy_id != own_id
    copied = sandbox_account(app, visitor)
    assert copied.rooms == [] and copied.day == 2
    assert len(copied.events) == 2
    visitor.post("/en/sandbox/clock", data={"days": "5"})
    assert sandbox_account(app, client).day == 2  # the shared one is untouched


def test_a_share_opens_on_another_app_server_sharing_the_store(
    client: FlaskClient, app_config: dict[str, object]
) -> None:
    start(client)
    link = shared_link(client)
    other = create_app(app_config).test_client()
    assert other.get(link).status_code == 200
    assert other.post(f"{link}/copy").status_code == 302


def test_copies_count_against_the_creation_limit(
    app_config: dict[str, object],
) -> None:
    app_config["SANDBOX_CREATE_LIMIT"] = "2/minute"
    app = create_app(app_config)
    owner = app.test_client()
    start(owner)
    link = shared_link(owner)
    visitor = app.test_client()
    assert visitor.post(f"{link}/copy").status_code == 302
    refused = app.test_client().post(f"{link}/copy")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


# --- never lose a user's work ----------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_scenario_over_a_sandbox_with_changes_asks_first(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    make_changes(client, lang)
    own = session_id(client)
    asked = client.post(f"/{lang}/sandbox/new", data={"scenario": "clean"})
    assert asked.status_code == 302
    page = client.get(asked.headers["Location"])
    assert TITLES["replace"][lang] in text(page)
    assert session_id(client) == own
    assert 'name="scenario" value="clean"' in page.get_data(as_text=True)
    client.post(f"/{lang}/sandbox/new", data={"scenario": "clean", "replace": "yes"})
    assert session_id(client) != own
    assert len(sandbox_account(app, client).users) == 1


def test_a_sandbox_without_changes_is_replaced_without_asking(
    client: FlaskClient,
) -> None:
    start(client)
    own = session_id(client)
    client.post("/en/sandbox/new", data={"scenario": "clean"})
    assert session_id(client) != own


def test_a_guide_over_a_sandbox_with_changes_can_run_on_the_current_account(
    app: Flask, client: FlaskClient
) -> None:
    make_changes(client)
    own = session_id(client)
    guide = {"guide": "remove-users#deactivate-single"}
    asked = client.post("/en/sandbox/guide/start", data=guide)
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Run the guide on my current account instead" in page
    assert 'name="guide" value="remove-users#deactivate-single"' in page
    assert session_id(client) == own
    client.post("/en/sandbox/guide/start", data={**guide, "keep": "yes"})
    assert session_id(client) == own
    assert sandbox_account(app, client).rooms == []
    assert "sb-guide" in client.get("/en/sandbox/").get_data(as_text=True)
    client.post("/en/sandbox/guide/start", data={**guide, "replace": "yes"})
    assert session_id(client) != own


def test_reproducing_an_error_over_a_sandbox_with_changes_asks_first(
    client: FlaskClient,
) -> None:
    make_changes(client)
    own = session_id(client)
    answers = {"diagnose": "1", "users": "2", "admins": "1", "rooms": "1"}
    asked = client.post("/en/errors/1009/sandbox", data=answers)
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'action="/en/errors/1009/sandbox"' in page
    assert 'name="rooms" value="1"' in page
    assert session_id(client) == own
    done = client.post("/en/errors/1009/sandbox", data={**answers, "replace": "yes"})
    assert done.headers["Location"] == "/en/sandbox/"
    assert session_id(client) != own


def test_copying_over_a_sandbox_with_changes_asks_first(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    link = shared_link(client)
    visitor = app.test_client()
    make_changes(visitor)
    own = session_id(visitor)
    asked = visitor.post(f"{link}/copy")
    page = visitor.get(asked.headers["Location"]).get_data(as_text=True)
    assert f'action="{link}/copy"' in page
    assert session_id(visitor) == own
    visitor.post(f"{link}/copy", data={"replace": "yes"})
    assert session_id(visitor) != own


def test_an_unknown_kind_of_replacement_is_400(client: FlaskClient) -> None:
    assert client.get("/en/sandbox/replace?kind=format-disk").status_code == 400
    assert client.get("/en/sandbox/replace?kind=error").status_code == 400


@pytest.mark.parametrize("lang", LANGS)
def test_reset_asks_and_can_be_undone_once(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    make_changes(client, lang)
    asked = client.post(f"/{lang}/sandbox/reset")
    assert asked.headers["Location"] == f"/{lang}/sandbox/reset"
    page = client.get(f"/{lang}/sandbox/reset")
    assert TITLES["reset"][lang] in text(page)
    assert sandbox_account(app, client).rooms == []
    client.post(f"/{lang}/sandbox/reset", data={"confirm": "yes"})
    assert len(sandbox_account(app, client).rooms) == 1
    portal = client.get(f"/{lang}/sandbox/").get_data(as_text=True)
    assert f'action="/{lang}/sandbox/reset/undo"' in portal
    client.post(f"/{lang}/sandbox/reset/undo")
    account = sandbox_account(app, client)
    assert account.rooms == [] and account.day == 2 and len(account.events) == 2
    portal = client.get(f"/{lang}/sandbox/").get_data(as_text=True)
    assert "reset/undo" not in portal
    assert client.post(f"/{lang}/sandbox/reset/undo").status_code == 409


def test_a_change_after_a_reset_ends_the_undo(app: Flask, client: FlaskClient) -> None:
    make_changes(client)
    client.post("/en/sandbox/reset", data={"confirm": "yes"})
    client.post("/en/sandbox/clock", data={"days": "1"})
    assert client.post("/en/sandbox/reset/undo").status_code == 409
    assert sandbox_account(app, client).day == 1


# --- CSRF ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/en/sandbox/new/account",
        "/en/sandbox/share",
        "/en/sandbox/share/revoke",
        "/en/sandbox/reset/undo",
        f"/en/sandbox/shared/{new_share_token()}/copy",
    ],
)
def test_the_tool_forms_need_the_csrf_token(
    app_config: dict[str, object], path: str
) -> None:
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    client = app.test_client()
    response = client.post(path, data={"account_json": json.dumps(ACCOUNT)})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "sandbox_id" not in sess
    with app.app_context():
        assert sandboxes().store.count() == 0


PLAN_LINK = {
    "en": "Link to this fix plan",
    "nl": "Link naar dit stappenplan",
    "pl": "Link do tego planu naprawy",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_fix_plan_shows_its_link_to_copy(client: FlaskClient, lang: str) -> None:
    body = client.get(f"/{lang}/errors/1009?diagnose=1&users=2").get_data(as_text=True)
    assert PLAN_LINK[lang] in body
    expected = f"http://localhost/{lang}/errors/1009?diagnose=1&amp;users=2#plan"
    assert f'readonly value="{expected}"' in body
    assert re.search(r"/static/copylink\.[0-9a-f]{12}\.js", body)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The account JSON holds a \\u escape that stands for no character"),
        ("nl", "De account-JSON bevat een \\u-escape die voor geen enkel teken staat"),
        ("pl", "JSON konta zawiera sekwencję \\u, która nie oznacza żadnego znaku"),
    ],
)
def test_a_lone_surrogate_in_pasted_json_is_refused_and_named(
    client: FlaskClient, lang: str, message: str
) -> None:
    # "\ud800" is valid JSON syntax but no text: stored, it could not be encoded.
    for body in (
        '{"users": [{"email": "o@acme.example", "role": "owner"}],'
        ' "rooms": [{"id": "r1", "name": "\\ud800"}]}',
        '{"users": [{"email": "o@acme.example", "role": "owner", "\\udfff": 1}]}',
    ):
        response = paste(client, lang, body)
        assert response.status_code == 400, body
        assert message in response.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "sandbox_id" not in sess
