"""The sandbox UI under abuse: a clean, localized page or notice, never a 500."""

from __future__ import annotations

import base64
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import create_app
from helpdesk.sandbox.store import dumps
from simulator import dump_account, load_scenario

from .sandbox_helpers import sandbox_account, start, text

LANGS = ("en", "nl", "pl")
#: The heading of the error page and the words of the store-busy message.
BUSY = {
    "en": "The sandbox is busy right now.",
    "nl": "De oefenomgeving is nu bezet.",
    "pl": "Piaskownica jest teraz zajęta.",
}
TOO_MANY = {
    "en": "You have started many sandboxes",
    "nl": "U hebt in korte tijd veel oefenomgevingen gestart.",
    "pl": "W krótkim czasie uruchomiono wiele piaskownic.",
}
TOO_LARGE = {
    "en": "This sandbox has grown too large.",
    "nl": "Deze oefenomgeving (sandbox) is te groot geworden.",
    "pl": "Ta piaskownica stała się za duża.",
}
MALFORMED = {
    "en": "The CSV file could not be read at line",
    "nl": "Het CSV-bestand kan niet worden gelezen op regel",
    "pl": "Nie można odczytać pliku CSV w wierszu",
}


@pytest.fixture
def locked(app: Flask, client: FlaskClient) -> Iterator[None]:
    """The client has a sandbox; another process holds the store's write lock."""
    start(client)
    app.config["SANDBOX_STORE_TIMEOUT"] = 0.05
    path = Path(app.instance_path) / "sandboxes.sqlite3"
    with app.app_context():
        from helpdesk.sandboxes import store

        store().database.timeout = 0.05  # type: ignore[attr-defined]
        store().close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    yield
    blocker.execute("ROLLBACK")
    blocker.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_busy_store_is_a_localized_503_page_with_retry_after(
    app: Flask, client: FlaskClient, locked: None, lang: str
) -> None:
    response = client.post(f"/{lang}/sandbox/users/piotr@acme.example/deactivate")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert BUSY[lang] in text(response)


@pytest.mark.parametrize("lang", LANGS)
def test_a_busy_store_is_a_localized_503_in_the_api(
    client: FlaskClient, locked: None, lang: str
) -> None:
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    # Readers are not blocked by a writer (WAL): a write waits, then gives up.
    response = client.post(
        f"/api/v1/sandboxes/{sandbox_id}/clock?lang={lang}", json={"days": 1}
    )
    assert response.status_code == 503
    assert response.json["error"]["code"] == "store-busy"
    assert response.json["error"]["message"].startswith(BUSY[lang])
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture
def limited(app_config: dict[str, object]) -> Flask:
    app_config["SANDBOX_CREATE_LIMIT"] = "2/minute"
    return create_app(app_config)


@pytest.mark.parametrize("lang", LANGS)
def test_creating_sandboxes_too_fast_is_a_localized_429_page(
    limited: Flask, lang: str
) -> None:
    client = limited.test_client()
    for _ in range(2):
        assert (
            client.post(f"/{lang}/sandbox/new", data={"scenario": "clean"}).status_code
            == 302
        )
    response = client.post(f"/{lang}/sandbox/new", data={"scenario": "clean"})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert TOO_MANY[lang] in text(response)


@pytest.mark.parametrize("lang", LANGS)
def test_creating_sandboxes_too_fast_is_a_localized_429_in_the_api(
    limited: Flask, lang: str
) -> None:
    client = limited.test_client()
    url = f"/api/v1/sandboxes?lang={lang}"
    for _ in range(2):
        assert client.post(url, json={"scenario": "clean"}).status_code == 201
    response = client.post(url, json={"scenario": "clean"})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too-many-sandboxes"
    assert TOO_MANY[lang] in response.json["error"]["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_the_creation_limit_counts_every_way_of_creating_one(limited: Flask) -> None:
    client = limited.test_client()
    assert client.post("/api/v1/sandboxes", json={}).status_code == 201
    guide = {"guide": "remove-rooms#delete-room"}
    assert client.post("/en/sandbox/guide/start", data=guide).status_code == 302
    assert client.post("/en/errors/1009/sandbox", data={}).status_code == 429
    # A visitor's first change stores a sandbox too.
    fresh = limited.test_client()
    # (a new client has the same address, so it is over the limit as well)
    response = fresh.post("/en/sandbox/users/piotr@acme.example/deactivate")
    assert response.status_code == 429


@pytest.mark.parametrize("lang", LANGS)
def test_a_change_that_would_grow_the_sandbox_past_its_limit_offers_a_reset(
    app_config: dict[str, object], lang: str
) -> None:
    size = len(dumps(dump_account(load_scenario("error-1009"), events=False)).encode())
    app_config["SANDBOX_MAX_ACCOUNT_BYTES"] = size
    app = create_app(app_config)
    client = app.test_client()
    start(client, lang)
    before = sandbox_account(app, client)
    response = client.post(f"/{lang}/sandbox/users/piotr@acme.example/deactivate")
    assert response.status_code == 409
    body = text(response)
    assert TOO_LARGE[lang] in body
    assert f'action="/{lang}/sandbox/reset"' in body
    assert sandbox_account(app, client) == before
    assert client.post(f"/{lang}/sandbox/reset").status_code == 302


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_csv_file_with_a_huge_cell_is_a_notice_that_changes_nothing(
    app: Flask, client: FlaskClient, lang: str, step: str
) -> None:
    start(client, lang, "bulk")
    before = sandbox_account(app, client)
    data = b'Email\n"' + b"a" * (200 * 1024) + b'"\n'
    if step == "preview":
        response = client.post(
            f"/{lang}/sandbox/import/upload",
            data={"action": "deactivate", "file": (io.BytesIO(data), "users.csv")},
            content_type="multipart/form-data",
        )
    else:
        response = client.post(
            f"/{lang}/sandbox/import/confirm",
            data={"action": "deactivate", "data": base64.b64encode(data).decode()},
        )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert MALFORMED[lang] in text(page)
    assert sandbox_account(app, client) == before


def test_a_bulk_selection_over_the_cap_is_cut_to_the_cap(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "en", "bulk")
    emails = [u.email for u in sandbox_account(app, client).users] * 100
    page = client.get(
        "/en/sandbox/users/bulk",
        query_string={"action": "deactivate", "email": emails[:1500]},
    )
    assert page.status_code == 200


SUMMARY = {
    "en": ("300 rows were read: 0 applied, 300 not.", "Shown here: 10 example rows"),
    "nl": ("300 rijen zijn gelezen: 0 toegepast, 300 niet.", "10 voorbeeldrijen"),
    "pl": ("Odczytano 300 wierszy: zastosowano 0, pominięto 300.", "10 przykładowych"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_import_results_count_every_row_and_show_a_few(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang, "bulk")
    rows = "\n".join(f"ghost{i}@bulk.example" for i in range(300))
    data = f"Email\n{rows}\n".encode()
    response = client.post(
        f"/{lang}/sandbox/import/confirm",
        data={"action": "deactivate", "data": base64.b64encode(data).decode()},
        follow_redirects=True,
    )
    assert response.status_code == 200
    body = text(response)
    read, shown = SUMMARY[lang]
    assert read in body
    assert shown in body
    assert body.count('<tr class="sb-refused">') == 10
