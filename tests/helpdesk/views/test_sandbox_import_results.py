"""CSV import results: the wording of every refused row, the download, the sample."""

from __future__ import annotations

import codecs
import csv
import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.sandbox.messages import ROW_MESSAGES

from .sandbox_helpers import sandbox_account, start, text
from .test_sandbox_import import confirm, upload

LANGS = ["en", "nl", "pl"]
HEADER = "Email,Transfer Email,Transfer Meeting,Transfer Webinar,Transfer Recording"

#: Files for the error-1009 account whose rows, together, hit every row error
#: code and every rule an import row can be refused by (with its params).
FILES = {
    "disassociate": [
        "piotr@acme.example,,no,no,no",  # managed-domain
        "eve@acme.example,,no,no,no",  # pending-user
        "owner@acme.example,,no,no,no",  # owner-protected
        ",,no,no,no",  # missing-email
        "not-an-address,,no,no,no",  # invalid-email
        "ghost@acme.example,,no,no,no",  # unknown-user
        "sanne@partner.example,nobody@acme.example,yes,no,no",  # transfer-target
        "sanne@partner.example,,no,no,no",  # duplicate-row
        "bob@other.example,,maybe,no,no",  # invalid-flag
    ],
    "delete": [
        "ann@acme.example,,no,no,no",  # admin-convert-first
        "piotr@acme.example,bob@other.example,no,no,yes",  # transfer-target (status)
        "sanne@partner.example,not-an-address,no,no,no",  # invalid-transfer-email
        "bob@other.example,piotr@acme.example,no,yes,no",  # webinars-licensed
    ],
}
RULES = {
    "managed-domain",
    "pending-user",
    "owner-protected",
    "transfer-target",
    "admin-convert-first",
    "transfer-webinars-licensed",
}


def refused_texts(response: object) -> list[str]:
    """Return the result cell of every refused row of a results table."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    rows = re.findall(r'<tr class="sb-refused">(.*?)</tr>', html, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S)[-1] for row in rows]
    return [re.sub(r"\s+", " ", unescape(c)).strip() for c in cells]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("action", list(FILES))
def test_results_word_every_refused_row_as_the_preview_did(
    client: FlaskClient, lang: str, action: str
) -> None:
    start(client, lang)
    data = ("\r\n".join([HEADER, *FILES[action]]) + "\r\n").encode()
    preview = upload(client, data, action, lang)
    assert preview.status_code == 200
    previewed = text(preview)
    assert confirm(client, preview, action, lang).status_code == 200
    refused = refused_texts(client.get(f"/{lang}/sandbox/import/results"))
    assert len(refused) == len(FILES[action])
    for words in refused:
        # '?' is what a rule message showed without the row's params.
        assert "?" not in words, words
        assert words in previewed, words


def test_every_row_error_code_and_rule_is_covered_by_these_files(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    codes = set()
    for action, lines in FILES.items():
        data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
        upload(client, data, action)
        confirm(client, upload(client, data, action), action)
        event = next(
            e
            for e in reversed(sandbox_account(app, client).events)
            if e.action == "import"
        )
        codes |= {r[3] for r in event.details["results"] if not r[2]}
        start(client)
    assert codes == set(ROW_MESSAGES) | RULES


@pytest.mark.parametrize("lang", LANGS)
def test_a_managed_domain_row_names_the_user_and_the_domain(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    data = f"{HEADER}\r\npiotr@acme.example,,no,no,no\r\n".encode()
    confirm(client, upload(client, data, "disassociate", lang), "disassociate", lang)
    page = text(client.get(f"/{lang}/sandbox/import/results"))
    assert "piotr@acme.example" in page and "acme.example" in page
    assert " ? " not in page


def _download(client: FlaskClient, lang: str) -> list[list[str]]:
    response = client.get(f"/{lang}/sandbox/import/results.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(codecs.BOM_UTF8)
    delimiter = "," if lang == "en" else ";"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


HEADERS = {
    "en": ["Row", "E-mail", "Result", "Message"],
    "nl": ["Rij", "E-mail", "Resultaat", "Bericht"],
    "pl": ["Wiersz", "E-mail", "Wynik", "Komunikat"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_results_download_has_one_line_per_row(client: FlaskClient, lang: str) -> None:
    start(client, lang, "bulk")
    # More rows than the results page shows as examples: the download has all.
    emails = [f"ghost{i}@bulk.example" for i in range(25)]
    data = ("Email\r\n" + "\r\n".join(["anna@freelance.example", *emails])).encode()
    confirm(client, upload(client, data, "deactivate", lang), "deactivate", lang)
    page = text(client.get(f"/{lang}/sandbox/import/results"))
    assert "import/results.csv" in page
    table = _download(client, lang)
    assert table[0] == HEADERS[lang]
    assert len(table) == 1 + 26
    assert [r[0] for r in table[1:]] == [str(n) for n in range(2, 28)]
    assert table[1][1] == "anna@freelance.example"
    assert table[2][1] == "ghost0@bulk.example"
    assert table[1][2] != table[2][2]  # applied / not applied
    assert "ghost0@bulk.example" in table[2][3]


@pytest.mark.parametrize("lang", LANGS)
def test_results_download_is_formula_safe(client: FlaskClient, lang: str) -> None:
    start(client, lang)
    data = b'Email\r\n=HYPERLINK("x")@evil.example\r\n+1@x.example\r\n@3@x.example\r\n'
    confirm(client, upload(client, data, "deactivate", lang), "deactivate", lang)
    table = _download(client, lang)
    for row in table[1:]:
        assert row[1].startswith("'"), row
        assert not row[3].startswith(("=", "+", "-", "@")), row


@pytest.mark.parametrize("lang", LANGS)
def test_results_download_before_any_import_is_404(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    assert client.get(f"/{lang}/sandbox/import/results.csv").status_code == 404
    # A visitor without a stored sandbox too (nothing is created by asking).
    with client.session_transaction() as sess:
        sess.clear()
    assert client.get(f"/{lang}/sandbox/import/results.csv").status_code == 404


def test_a_later_import_drops_the_earlier_full_results_from_the_log(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "en", "bulk")
    for email in ("anna@freelance.example", "bartek@bulk.example"):
        data = f"Email\r\n{email}\r\n".encode()
        confirm(client, upload(client, data), "deactivate")
    imports = [e for e in sandbox_account(app, client).events if e.action == "import"]
    assert len(imports) == 2
    assert "results" not in imports[0].details
    assert imports[0].details["rows"][0]["email"] == "anna@freelance.example"
    assert imports[1].details["results"][0][1] == "bartek@bulk.example"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("action", ["deactivate", "disassociate", "delete"])
def test_the_sample_file_names_the_sandbox_users_and_imports_cleanly(
    app: Flask, client: FlaskClient, lang: str, action: str
) -> None:
    start(client, lang)
    sample = client.get(f"/{lang}/sandbox/import/sample.csv?action={action}")
    assert sample.status_code == 200
    data = sample.get_data()
    assert b"example.com" not in data
    users = {u.email for u in sandbox_account(app, client).users}
    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    assert rows and all(row[0] in users for row in rows)
    preview = upload(client, data, action, lang)
    assert preview.status_code == 200
    result = confirm(client, preview, action, lang)
    assert result.status_code == 200
    event = next(
        e for e in reversed(sandbox_account(app, client).events) if e.action == "import"
    )
    assert (event.details["applied"], event.details["failed"]) == (len(rows), 0)


def test_the_sample_for_a_visitor_without_a_sandbox_uses_the_scenario_users(
    client: FlaskClient,
) -> None:
    data = client.get("/en/sandbox/import/sample.csv?action=disassociate").get_data()
    assert b"sanne@partner.example" in data
    # Managed-domain users cannot be unlinked: the sample does not name them.
    assert b"piotr@acme.example" not in data


def test_the_unlink_sample_transfers_the_second_user_s_data(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "en", "bulk")
    data = client.get("/en/sandbox/import/sample.csv?action=delete").get_data()
    rows = list(csv.reader(io.StringIO(data.decode())))
    owner = sandbox_account(app, client).owner.email
    assert rows[1][1:] == ["", "no", "no", "no"]
    assert rows[2][1] == owner and rows[2][2] == "yes"


@pytest.mark.parametrize("lang", LANGS)
def test_import_opens_on_update_users(client: FlaskClient, lang: str) -> None:
    start(client, lang)
    page = client.get(f"/{lang}/sandbox/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The action menu is there at once, and the only tab is the current one.
    assert 'id="csv-action"' in html
    assert 'aria-current="page"' in html
