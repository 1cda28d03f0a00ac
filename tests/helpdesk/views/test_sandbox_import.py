"""CSV upload through the UI: encodings, delimiters, bad files, confirmation."""

from __future__ import annotations

import codecs
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator import Status

from .sandbox_helpers import sandbox_account, start, text


def upload(
    client: FlaskClient, data: bytes, action: str = "deactivate", lang: str = "en"
) -> object:
    """Post a file to the upload form; return the preview (or the redirect)."""
    return client.post(
        f"/{lang}/sandbox/import/upload",
        data={"action": action, "file": (io.BytesIO(data), "users.csv")},
        content_type="multipart/form-data",
    )


def confirm(
    client: FlaskClient, preview: object, action: str, lang: str = "en"
) -> object:
    """Confirm a previewed import."""
    body = preview.get_data(as_text=True)  # type: ignore[attr-defined]
    data = re.search(r'name="data" value="([^"]+)"', body)
    assert data is not None
    return client.post(
        f"/{lang}/sandbox/import/confirm",
        data={"action": action, "data": data.group(1)},
        follow_redirects=True,
    )


ROWS = ["anna@freelance.example", "bartek@bulk.example"]


def sheet(header: str, sep: str, notes: tuple[str, str]) -> str:
    """Return a two-user sheet as text, one note column."""
    lines = [f"{header}{sep}Note"] + [
        f"{r}{sep}{n}" for r, n in zip(ROWS, notes, strict=True)
    ]
    return "\r\n".join(lines) + "\r\n"


FILES = {
    "utf-8, comma": sheet("Email", ",", ("a", "b")).encode(),
    "utf-8 BOM, semicolon": codecs.BOM_UTF8 + sheet("Email", ";", ("ą", "x")).encode(),
    "cp1250, semicolon": sheet("Adres e-mail", ";", ("żółw", "łódź")).encode("cp1250"),
    "cp1252, semicolon": sheet("E-mailadres", ";", ("café", "één")).encode("cp1252"),
    "utf-16, tab": sheet("Email", "\t", ("x", "y")).encode("utf-16"),
}


@pytest.mark.parametrize("name", list(FILES))
def test_excel_files_are_read_previewed_then_applied(
    app: Flask, client: FlaskClient, name: str
) -> None:
    start(client, "en", "bulk")
    preview = upload(client, FILES[name])
    assert preview.status_code == 200
    assert "2 rows will be applied." in text(preview)
    # Nothing changes before the confirmation.
    assert (
        sandbox_account(app, client).find("anna@freelance.example").status
        is Status.ACTIVE
    )
    result = confirm(client, preview, "deactivate")
    assert "2 rows applied, 0 rows failed" in text(result)
    account = sandbox_account(app, client)
    assert account.find("anna@freelance.example").status is Status.DEACTIVATED
    assert account.find("bartek@bulk.example").status is Status.DEACTIVATED


def test_failed_rows_are_explained_and_the_rest_applied(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "pl", "bulk")
    data = (
        "Email;Transfer Email;Transfer Meeting;Transfer Webinar;Transfer Recording\n"
        "anna@freelance.example;owner@bulk.example;tak;nie;tak\n"
        "nikt@bulk.example;;nie;nie;nie\n"
        "vera@bulk.example;;nie;nie;nie\n"
    )
    preview = upload(client, data.encode("cp1250"), "delete", "pl")
    page = text(preview)
    assert "1 wiersz zostanie przetworzony." in page
    assert "2 wiersze zostaną odrzucone" in page
    assert "nikt@bulk.example" in page
    result = text(confirm(client, preview, "delete", "pl"))
    assert "przetworzono 1 wiersz, 2 wiersze z błędem" in result
    account = sandbox_account(app, client)
    assert not account.has_user("anna@freelance.example")
    assert "c-anna" in [r.id for r in account.owner.recordings]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "Choose a CSV file"),
        (b"\x00\x01\x02PK\x03\x04", "binary data"),
        (b"Name,Department\nAnna,Sales\n", "no Email column"),
        (b"   \n\n", "The CSV file is empty."),
    ],
)
def test_bad_files_get_a_clear_error_and_change_nothing(
    app: Flask, client: FlaskClient, data: bytes, message: str
) -> None:
    start(client, "en", "bulk")
    before = sandbox_account(app, client)
    if data:
        response = upload(client, data)
    else:
        response = client.post(
            "/en/sandbox/import/upload",
            data={"action": "deactivate", "file": (io.BytesIO(b""), "")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert message in page
    assert sandbox_account(app, client) == before


def test_a_tampered_confirmation_is_400(client: FlaskClient) -> None:
    start(client, "en", "bulk")
    response = client.post(
        "/en/sandbox/import/confirm", data={"action": "deactivate", "data": "%%%"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("lang", ["nl", "pl"])
def test_csv_errors_are_localized(client: FlaskClient, lang: str) -> None:
    start(client, lang, "bulk")
    response = upload(client, b"Name\nAnna\n", lang=lang)
    page = text(client.get(response.headers["Location"]))
    assert "no Email column" not in page
    assert "Email" in page


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_choosing_an_action_waits_for_the_button(
    client: FlaskClient, lang: str
) -> None:
    # A select that submits on change moves the reader on unasked (WCAG 3.2.2).
    page = client.get(f"/{lang}/sandbox/import/update").get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*>.*?</form>', page, re.S)
    assert form is not None
    assert re.search(r'<select id="csv-action" name="action">', form.group(0))
    assert '<button type="submit"' in form.group(0)
    assert "autosubmit" not in page
    chosen = client.get(f"/{lang}/sandbox/import/update?action=delete")
    assert 'value="delete" selected' in chosen.get_data(as_text=True)
