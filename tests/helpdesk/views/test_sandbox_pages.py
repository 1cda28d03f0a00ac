"""Every sandbox page and form in every language; 404s; CSRF; the session key."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.sandboxes import sandboxes, store
from simulator import Status

from .sandbox_helpers import sandbox_account, start, text

PAGES = [
    "/sandbox/",
    "/sandbox/users",
    "/sandbox/users?q=ann",
    "/sandbox/users/pending",
    "/sandbox/users/advanced",
    "/sandbox/users/ann@acme.example/edit",
    "/sandbox/users/piotr@acme.example/deactivate",
    "/sandbox/users/sanne@partner.example/unlink",
    "/sandbox/users/piotr@acme.example/delete",
    "/sandbox/users/bulk?action=deactivate&email=piotr@acme.example",
    "/sandbox/users/bulk?action=disassociate&email=sanne@partner.example",
    "/sandbox/users/bulk?action=delete&email=piotr@acme.example",
    "/sandbox/import",
    "/sandbox/import/update",
    "/sandbox/import/update?action=deactivate",
    "/sandbox/import/upload?action=delete",
    "/sandbox/import/results",
    "/sandbox/rooms",
    "/sandbox/rooms/room-1/delete",
    "/sandbox/timeline",
]

#: A glossary label that must appear on the Users page, per language.
USERS_LABELS = {
    "en": ["More (...)", "Unlink from your account", "Deactivate", "Import"],
    "nl": ["Meer (...)", "Ontkoppelen van uw account", "Deactiveren", "Importeren"],
    "pl": ["Więcej (...)", "Odłącz od swojego konta", "Dezaktywuj", "Importuj"],
}
DIALOG_LABELS = {
    "en": ["Transfer Data and Unlink", "Unlink Without Data Transfer"],
    "nl": [
        "Gegevens overdragen en dan ontkoppelen",
        "Ontkoppelen zonder gegevensoverdracht",
    ],
    "pl": ["Przenieś dane, a następnie odłącz", "Odłącz teraz bez przenoszenia danych"],
}
ADVANCED_LABELS = {
    "en": "Delete deactivated users after specified number of days",
    "nl": "Inactieve gebruikers verwijderen na specifiek aantal dagen",
    "pl": "Usuń dezaktywowanych użytkowników po określonej liczbie dni",
}


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_every_language(
    client: FlaskClient, lang: str, path: str
) -> None:
    start(client, lang)
    response = client.get(f"/{lang}{path}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_pages_use_the_glossary_labels(client: FlaskClient, lang: str) -> None:
    start(client, lang)
    users = text(client.get(f"/{lang}/sandbox/users"))
    for label in USERS_LABELS[lang]:
        assert label in users
    dialog = text(client.get(f"/{lang}/sandbox/users/sanne@partner.example/unlink"))
    for label in DIALOG_LABELS[lang]:
        assert label in dialog
    assert ADVANCED_LABELS[lang] in text(client.get(f"/{lang}/sandbox/users/advanced"))


def test_sample_csv_downloads(client: FlaskClient) -> None:
    start(client)
    response = client.get("/en/sandbox/import/sample.csv?action=delete")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("Email,Transfer Email")


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_form_posts_work_in_every_language(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    steps = [
        ("/sandbox/users/ann@acme.example/role", {"role": "member"}),
        ("/sandbox/users/ann@acme.example/license", {"license": "basic"}),
        ("/sandbox/users/piotr@acme.example/deactivate", {}),
        ("/sandbox/users/piotr@acme.example/activate", {}),
        ("/sandbox/users/sanne@partner.example/unlink", {"mode": "none"}),
        (
            "/sandbox/users/piotr@acme.example/delete",
            {
                "mode": "transfer",
                "transfer_email": "owner@acme.example",
                "transfer_meeting": "1",
                "transfer_webinar": "1",
                "transfer_recording": "1",
            },
        ),
        ("/sandbox/users/bulk", {"action": "deactivate", "email": "ann@acme.example"}),
        ("/sandbox/users/advanced", {"enabled": "1", "days": "30", "notify": "1"}),
        ("/sandbox/clock", {"days": "7"}),
        ("/sandbox/rooms/room-1/delete", {}),
        ("/sandbox/users/bob@other.example/sign-in", {}),
        ("/sandbox/actor", {"actor": "owner@acme.example"}),
        ("/sandbox/invitation/accept", {}),
    ]
    for path, data in steps:
        response = client.post(f"/{lang}{path}", data=data)
        assert response.status_code == 302, path
        page = client.get(response.headers["Location"])
        assert page.status_code == 200, path
    account = sandbox_account(app, client)
    assert not account.has_user("sanne@partner.example")
    assert not account.has_user("piotr@acme.example")
    assert account.find("ann@acme.example").status is Status.DEACTIVATED
    assert account.rooms == []
    assert account.settings.delete_deactivated_after_days == 30
    assert "m-300" in [m.id for m in account.owner.meetings]
    assert account.day == 7


def test_reset_and_new_scenario(app: Flask, client: FlaskClient) -> None:
    start(client)
    client.post("/en/sandbox/rooms/room-1/delete")
    asked = client.post("/en/sandbox/reset")
    assert asked.headers["Location"].endswith("/en/sandbox/reset")
    assert len(sandbox_account(app, client).rooms) == 0  # not without confirming
    client.post("/en/sandbox/reset", data={"confirm": "yes"})
    assert len(sandbox_account(app, client).rooms) == 1
    client.post("/en/sandbox/new", data={"scenario": "clean", "replace": "yes"})
    assert len(sandbox_account(app, client).users) == 1
    assert client.post("/en/sandbox/new", data={"scenario": "nope"}).status_code == 400


def test_the_invitation_succeeds_once_the_account_is_clean(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "en", "clean")
    response = client.post("/en/sandbox/invitation/accept", follow_redirects=True)
    assert "The invitation was accepted" in text(response)
    assert sandbox_account(app, client).invitation_accepted


def test_the_sandbox_id_comes_from_the_session(app: Flask, client: FlaskClient) -> None:
    # The error-code pages' reproduce button works exactly like this.
    with app.test_request_context():
        sandbox = sandboxes().create(scenario="clean")
    with client.session_transaction() as sess:
        sess["sandbox_id"] = sandbox.id
    page = text(client.get("/en/sandbox/users"))
    assert "owner@solo.example" in page
    assert "ann@acme.example" not in page


def test_an_expired_sandbox_is_shown_as_a_fresh_1009_one_and_not_stored(
    app: Flask, client: FlaskClient
) -> None:
    with client.session_transaction() as sess:
        sess["sandbox_id"] = "x" * 32
    page = text(client.get("/en/sandbox/users"))
    assert "ann@acme.example" in page
    assert "Your sandbox had expired." in page
    with client.session_transaction() as sess:
        assert "sandbox_id" not in sess
    with app.app_context():
        assert store().count() == 0


EXPIRED_PAGE = {
    "en": "Your sandbox expired",
    "nl": "Uw oefenomgeving is verlopen",
    "pl": "Twoja piaskownica wygasła",
}


@pytest.mark.parametrize("lang", sorted(EXPIRED_PAGE))
@pytest.mark.parametrize(
    "path,data",
    [
        ("/sandbox/users/piotr@acme.example/deactivate", {}),
        ("/sandbox/users/piotr@acme.example/delete", {"mode": "none"}),
        ("/sandbox/rooms/room-1/delete", {}),
        ("/sandbox/reset", {"confirm": "yes"}),
        ("/sandbox/reset/undo", {}),
        ("/sandbox/clock", {"days": "3"}),
        ("/sandbox/invitation/accept", {}),
        ("/sandbox/users/bulk", {"action": "delete", "email": "piotr@acme.example"}),
        ("/sandbox/import/confirm", {"action": "deactivate", "data": "RW1haWwK"}),
    ],
)
def test_a_change_to_an_expired_sandbox_does_nothing_and_offers_a_new_one(
    app: Flask, client: FlaskClient, lang: str, path: str, data: dict[str, str]
) -> None:
    start(client)
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    with app.app_context():
        store().clock = lambda: time.time() + 2 * 24 * 3600  # type: ignore[attr-defined]
    response = client.post(f"/{lang}{path}", data=data)
    assert response.status_code == 404
    body = text(response)
    assert EXPIRED_PAGE[lang] in body
    assert f'action="/{lang}/sandbox/new"' in body
    with client.session_transaction() as sess:
        assert sess["sandbox_id"] == sandbox_id
    with app.app_context():
        assert store().count() == 1  # nothing was created in its place


def test_crawling_the_sandbox_pages_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    for path in PAGES:
        for lang in ("en", "nl", "pl"):
            assert client.get(f"/{lang}{path}").status_code == 200, path
    with app.app_context():
        assert store().count() == 0


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/en/sandbox/users/nobody@acme.example/edit"),
        ("get", "/en/sandbox/users/nobody@acme.example/deactivate"),
        ("get", "/en/sandbox/users/nobody@acme.example/unlink"),
        ("get", "/en/sandbox/users/nobody@acme.example/delete"),
        ("get", "/en/sandbox/users/bulk?action=delete&email=nobody@acme.example"),
        ("post", "/en/sandbox/users/nobody@acme.example/deactivate"),
        ("post", "/en/sandbox/users/nobody@acme.example/activate"),
        ("post", "/en/sandbox/users/nobody@acme.example/delete"),
        ("post", "/en/sandbox/users/nobody@acme.example/unlink"),
        ("post", "/en/sandbox/users/nobody@acme.example/role"),
        ("post", "/en/sandbox/users/nobody@acme.example/sign-in"),
        ("get", "/en/sandbox/rooms/nope/delete"),
        ("post", "/en/sandbox/rooms/nope/delete"),
        ("post", "/en/sandbox/addons/nope/remove"),
    ],
)
def test_unknown_users_and_rooms_are_404(
    client: FlaskClient, method: str, path: str
) -> None:
    start(client)
    data = {"role": "member"} if path.endswith("/role") else {}
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data=data)
    assert response.status_code == 404


@pytest.fixture
def csrf_client(app_config: dict[str, object]) -> tuple[Flask, FlaskClient]:
    """An app with CSRF protection on, and its client."""
    from helpdesk import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    application = create_app(app_config)
    return application, application.test_client()


@pytest.mark.parametrize(
    "path,data",
    [
        ("/en/sandbox/users/piotr@acme.example/deactivate", {}),
        ("/en/sandbox/users/piotr@acme.example/delete", {"mode": "none"}),
        ("/en/sandbox/rooms/room-1/delete", {}),
        ("/en/sandbox/reset", {}),
        ("/en/sandbox/clock", {"days": "100"}),
        ("/en/sandbox/users/bulk", {"action": "delete", "email": "piotr@acme.example"}),
    ],
)
def test_a_post_without_csrf_token_is_400_and_changes_nothing(
    csrf_client: tuple[Flask, FlaskClient], path: str, data: dict[str, str]
) -> None:
    app, client = csrf_client
    start(client)
    before = sandbox_account(app, client)
    response = client.post(path, data=data)
    assert response.status_code == 400
    after = sandbox_account(app, client)
    assert after == before


def test_a_post_with_the_csrf_token_goes_through(
    csrf_client: tuple[Flask, FlaskClient],
) -> None:
    import re

    app, client = csrf_client
    start(client)
    page = client.get("/en/sandbox/rooms/room-1/delete").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/en/sandbox/rooms/room-1/delete", data={"csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    assert sandbox_account(app, client).rooms == []


def test_pages_have_no_inline_script_and_one_h1(client: FlaskClient) -> None:
    start(client)
    for path in PAGES:
        body = client.get(f"/en{path}").get_data(as_text=True)
        assert "<script>" not in body
        assert body.count("<h1") == 1, path


def test_big_outcomes_fit_in_the_session_cookie(
    app: Flask, client: FlaskClient
) -> None:
    # Werkzeug warns (an error under our pytest settings) about oversized cookies.
    start(client, "pl", "bulk")
    client.post("/pl/sandbox/invitation/accept")
    page = text(client.get("/pl/sandbox/"))
    assert "zofia@bulk.example" in page
    emails = [
        u.email
        for u in sandbox_account(app, client).users
        if u.role.value == "member" and u.status is Status.ACTIVE
    ]
    response = client.post(
        "/pl/sandbox/users/bulk",
        data={"action": "delete", "email": emails, "mode": "none"},
    )
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    assert len(sandbox_account(app, client).users) < 10


@pytest.mark.parametrize(
    ("lang", "wording"),
    [
        ("en", "(12 days before the start)"),
        ("nl", "(12 dagen voor de start)"),
        ("pl", "(12 dni przed startem)"),
    ],
)
def test_a_user_deactivated_before_day_0_is_described_in_words(
    client: FlaskClient, lang: str, wording: str
) -> None:
    start(client, lang)
    page = text(client.get(f"/{lang}/sandbox/users?q=bob"))
    assert wording in page
    assert "-12" not in page
