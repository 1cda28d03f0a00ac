"""CSV import over the API: raw and multipart bodies, encodings, bad files."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from tests.helpdesk.sandbox.helpers import (
    API,
    XHR,
    create,
    events,
    snapshot,
    user,
)


@pytest.fixture
def sid(client: FlaskClient) -> str:
    """A sandbox of the bulk scenario (the owner has the bulk privilege)."""
    return create(client, "bulk")


def test_sample_csv_is_an_attachment(client: FlaskClient, sid: str) -> None:
    response = client.get(f"{API}/{sid}/imports/sample.csv?action=delete")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data(as_text=True).startswith("Email,Transfer Email")


def test_sample_csv_errors(client: FlaskClient, sid: str) -> None:
    assert client.get(f"{API}/{sid}/imports/sample.csv").status_code == 400
    response = client.get(f"{API}/{sid}/imports/sample.csv?action=fly")
    assert response.status_code == 400
    assert response.json["error"]["reason"] == "bad-action"
    response = client.get(f"{API}/{'B' * 32}/imports/sample.csv?action=delete")
    assert response.status_code == 404


def test_raw_utf8_body(client: FlaskClient, sid: str) -> None:
    data = "Email\nbartek@bulk.example\nnobody@bulk.example\n\nvera@freelance.example\n"
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=data.encode("utf-8"),
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["applied"], body["failed"]) == (1, 2)
    rows = {r["row"]: r for r in body["results"]}
    assert rows[2]["ok"] is True and rows[2]["error"] is None
    assert rows[3]["ok"] is False and "nobody@bulk.example" in rows[3]["error"]
    assert rows[5]["email"] == "vera@freelance.example"  # blank row 4 skipped
    assert rows[5]["rule"] == "pending-user"
    assert "vera@freelance.example" in rows[5]["error"]
    account = snapshot(client, sid)
    assert user(account, "bartek@bulk.example")["status"] == "deactivated"


def test_multipart_upload(client: FlaskClient, sid: str) -> None:
    data = {"file": (io.BytesIO(b"Email\r\nbartek@bulk.example\r\n"), "users.csv")}
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=data,
        content_type="multipart/form-data",
        headers=XHR,
    )
    assert response.status_code == 200, response.json
    assert response.json["applied"] == 1


def test_utf16_file(client: FlaskClient, sid: str) -> None:
    data = "Email\tTransfer Email\nbartek@bulk.example\t\n".encode("utf-16")
    response = client.post(
        f"{API}/{sid}/imports?action=delete",
        data=data,
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 200, response.json
    assert response.json["applied"] == 1
    assert response.json["encoding"] == "utf-16"


def test_cp1250_semicolon_file_as_saved_by_polish_excel(
    client: FlaskClient, sid: str
) -> None:
    text = (
        "Adres e-mail;Transfer Email;Transfer Meeting;Transfer Webinar;"
        "Transfer Recording\r\n"
        "bartek@bulk.example;;nie;nie;nie\r\n"
        "żaneta@bulk.example;;nie;nie;nie\r\n"
    )
    response = client.post(
        f"{API}/{sid}/imports?action=delete",
        data=text.encode("cp1250"),
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["delimiter"], body["encoding"]) == (";", "cp1250")
    assert body["results"][0]["ok"] is True
    assert body["results"][1]["email"] == "żaneta@bulk.example"


def test_row_errors_are_localized(client: FlaskClient, sid: str) -> None:
    texts = set()
    for lang in ("en", "nl", "pl"):
        response = client.post(
            f"{API}/{sid}/imports?action=deactivate&lang={lang}",
            data=b"Email\nnobody@bulk.example\n",
            content_type="text/csv",
            headers=XHR,
        )
        texts.add(response.json["results"][0]["error"])
    assert len(texts) == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"Name,Dept\nbartek,IT\n", "no-email-column"),
        (b"\xff\xfeE\x00\xd8", "encoding"),
    ],
)
def test_unreadable_files_are_a_400_and_change_nothing(
    client: FlaskClient, sid: str, data: bytes, reason: str
) -> None:
    before = snapshot(client, sid)
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=data,
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == "invalid-csv"
    assert response.json["error"]["reason"] == reason
    assert snapshot(client, sid) == before
    assert events(client, sid) == []


def test_a_bad_action_is_a_400(client: FlaskClient, sid: str) -> None:
    before = snapshot(client, sid)
    response = client.post(
        f"{API}/{sid}/imports?action=explode",
        data=b"Email\nbartek@bulk.example\n",
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 400
    assert (
        client.post(f"{API}/{sid}/imports", data=b"Email\n", headers=XHR).status_code
        == 400
    )
    assert snapshot(client, sid) == before


def test_an_oversized_upload_is_a_413(client: FlaskClient, sid: str) -> None:
    before = snapshot(client, sid)
    data = b"Email\n" + b"x" * (1024 * 1024)
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=data,
        content_type="text/csv",
        headers=XHR,
    )
    assert response.status_code == 413
    # Encoded by hand: the test client would spool a large form to a temporary
    # file that it never closes.
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--b--\r\n"
    )
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=multipart,
        content_type="multipart/form-data; boundary=b",
        headers=XHR,
    )
    assert response.status_code == 413
    assert snapshot(client, sid) == before


def test_wrong_content_type_and_missing_file(client: FlaskClient, sid: str) -> None:
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate", json={"emails": ["x@y.example"]}
    )
    assert response.status_code == 415
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data={"other": (io.BytesIO(b"Email\n"), "a.csv")},
        content_type="multipart/form-data",
        headers=XHR,
    )
    assert response.status_code == 400
    assert response.json["error"]["field"] == "file"


def test_an_admin_without_the_bulk_privilege_is_refused(
    client: FlaskClient, sid: str
) -> None:
    before = snapshot(client, sid)
    response = client.post(
        f"{API}/{sid}/imports?action=deactivate",
        data=b"Email\nbartek@bulk.example\n",
        content_type="text/csv",
        headers={**XHR, "X-Sandbox-Actor": "helper@bulk.example"},
    )
    assert response.status_code == 403
    assert response.json["error"]["rule"] == "bulk-privilege"
    assert snapshot(client, sid) == before
    assert [e["ok"] for e in events(client, sid)] == [False]
