"""CSV import: encodings, delimiters, whole-file rejections, rows, safe output."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import (
    CsvRejected,
    RuleViolation,
    Status,
    import_csv,
    results_csv,
    sample_csv,
)
from tests.simulator.builders import OWNER, account, items, meetings, snapshot, user

ZOFIA = "zażółć@acme.example"


def _account():  # type: ignore[no-untyped-def]
    return account(
        user("ann", role="admin"),
        user("bob@other.example", meetings=meetings("m1"), recordings=items("c1")),
        user("cy@other.example"),
        user(ZOFIA),
        user("eve@other.example", status="pending"),
        user("gerrit@other.example"),
    )


def _rows(report):  # type: ignore[no-untyped-def]
    return [(r.row, r.email, r.ok, r.code) for r in report.results]


def test_a_utf8_file_deactivates_the_listed_users() -> None:
    acc = _account()
    report = import_csv(
        acc, OWNER, "deactivate", b"Email\nbob@other.example\ncy@other.example\n"
    )
    assert (report.applied, report.failed) == (2, 0)
    assert _rows(report) == [
        (2, "bob@other.example", True, None),
        (3, "cy@other.example", True, None),
    ]
    assert acc.find("cy@other.example").status is Status.DEACTIVATED
    assert acc.events[-1].action == "import" and acc.events[-1].details["applied"] == 2


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (f"Email;Imię\n{ZOFIA};Łucja Żak\n".encode(), "utf-8"),
        (f"Email;Imię\n{ZOFIA};Łucja Żak\n".encode("utf-8-sig"), "utf-8-sig"),
        (f"Email;Imię\r\n{ZOFIA};Łucja Żak\r\n".encode("utf-16"), "utf-16"),
        (f"Email;Imię\r\n{ZOFIA};Łucja Żak\r\n".encode("cp1250"), "cp1250"),
    ],
)
def test_polish_files_are_read_in_every_encoding_excel_uses(
    data: bytes, encoding: str
) -> None:
    acc = _account()
    report = import_csv(acc, OWNER, "deactivate", data)
    assert (report.encoding, report.delimiter) == (encoding, ";")
    assert _rows(report) == [(2, ZOFIA, True, None)]


def test_a_polish_file_with_only_shared_letters_is_read_as_cp1250() -> None:
    acc = account(user("ęść@acme.example"))
    report = import_csv(
        acc, OWNER, "deactivate", "Email\nęść@acme.example\n".encode("cp1250")
    )
    assert (report.encoding, report.applied) == ("cp1250", 1)


def test_a_dutch_cp1252_file_is_read_as_cp1252() -> None:
    acc = account(user("gerrit@other.example"))
    data = (
        "E-mail;Naam;Functie\ngerrit@other.example;Gerrit Hoëfnagel;coördinator è ï\n"
    )
    report = import_csv(acc, OWNER, "deactivate", data.encode("cp1252"))
    assert (report.encoding, report.delimiter, report.applied) == ("cp1252", ";", 1)


def test_comma_and_semicolon_files_both_work() -> None:
    for data in (
        b"Email,Note\nbob@other.example,x\n",
        b"Email;Note\nbob@other.example;x\n",
    ):
        acc = _account()
        assert import_csv(acc, OWNER, "deactivate", data).applied == 1


@pytest.mark.parametrize(
    "header", ["Email", "E-mail", "email address", "EMAIL ADDRESS"]
)
def test_the_email_column_is_found_by_any_usual_name(header: str) -> None:
    acc = _account()
    data = f"Name,{header}\nBob,bob@other.example\n".encode()
    assert import_csv(acc, OWNER, "deactivate", data).applied == 1


def test_unlink_rows_transfer_what_they_ask_for() -> None:
    acc = _account()
    data = (
        "Email;Transfer Email;Transfer Meeting;Transfer Webinar;Transfer Recording\n"
        f"bob@other.example;{OWNER};tak;nie;ja\n"
        "cy@other.example;;nee;n;0\n"
    ).encode()
    report = import_csv(acc, OWNER, "disassociate", data)
    assert report.applied == 2
    assert [m.id for m in acc.owner.meetings] == ["m1"]
    assert [r.id for r in acc.owner.recordings] == ["c1"]


def test_bad_rows_fail_alone_and_change_nothing() -> None:
    acc = _account()
    data = (
        b"Email,Transfer Email,Transfer Meeting,Transfer Webinar,Transfer Recording\n"
        b"bob@other.example,,no,no,no\n"
        b"ghost@other.example,,no,no,no\n"
        b"BOB@other.example,,no,no,no\n"
        b"not-an-email,,no,no,no\n"
        b"cy@other.example,,maybe,no,no\n"
        b"ann@acme.example,,no,no,no\n"
        b"eve@other.example,,no,no,no\n"
        b"\n"
        b"gerrit@other.example,cy@other.example,no,no,yes\n"
        b",,no,no,no\n"
    )
    report = import_csv(acc, OWNER, "delete", data)
    assert _rows(report) == [
        (2, "bob@other.example", True, None),
        (3, "ghost@other.example", False, "unknown-user"),
        (4, "BOB@other.example", False, "duplicate-row"),
        (5, "not-an-email", False, "invalid-email"),
        (6, "cy@other.example", False, "invalid-flag"),
        (7, "ann@acme.example", False, "admin-convert-first"),
        (8, "eve@other.example", False, "pending-user"),
        (10, "gerrit@other.example", False, "transfer-recordings-licensed"),
        (11, "", False, "missing-email"),
    ]
    assert (report.applied, report.failed) == (1, 8)
    assert isinstance(report.results[5].violation, RuleViolation)
    assert acc.has_user("gerrit@other.example") and acc.has_user("cy@other.example")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\n \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Email\nbob@other.example\x07\n", "binary"),
        (b"Name,Note\nBob,x\n", "no-email-column"),
        (b"Email\n" + b"x" * (1024 * 1024), "too-large"),
        (b"Email\n" + b"bob@other.example\n" * 1001, "too-many-rows"),
        (b"Email\n\x81\x90 bob@other.example\n", "encoding"),
    ],
)
def test_an_unusable_file_is_rejected_whole(data: bytes, reason: str) -> None:
    acc = _account()
    before = snapshot(acc)
    with pytest.raises(CsvRejected) as caught:
        import_csv(acc, OWNER, "deactivate", data)
    assert caught.value.reason == reason
    assert snapshot(acc) == before


def test_rejections_carry_their_limits() -> None:
    with pytest.raises(CsvRejected) as caught:
        import_csv(_account(), OWNER, "deactivate", b"E" * (1024 * 1024 + 1))
    assert caught.value.params["max_bytes"] == 1024 * 1024
    with pytest.raises(CsvRejected) as caught:
        import_csv(
            _account(), OWNER, "deactivate", b"Email\n" + b"a@b.example\n" * 1001
        )
    assert caught.value.params == {"max_rows": 1000, "rows": 1001}


def test_exactly_a_thousand_rows_are_accepted() -> None:
    acc = _account()
    data = b"Email\n" + b"".join(b"u%d@other.example\n" % i for i in range(1000))
    report = import_csv(acc, OWNER, "deactivate", data)
    assert report.failed == 1000 and report.results[-1].row == 1001


def test_an_unknown_action_is_rejected() -> None:
    with pytest.raises(CsvRejected) as caught:
        import_csv(_account(), OWNER, "explode", b"Email\nbob@other.example\n")
    assert caught.value.reason == "bad-action"
    with pytest.raises(CsvRejected):
        sample_csv("explode")


def test_unlink_is_accepted_as_another_name_for_disassociate() -> None:
    acc = _account()
    assert import_csv(acc, OWNER, "unlink", b"Email\ncy@other.example\n").applied == 1


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_sample_files_match_the_action() -> None:
    assert _parse(sample_csv("deactivate"))[0] == ["Email"]
    for action in ("disassociate", "delete"):
        assert _parse(sample_csv(action))[0] == [
            "Email",
            "Transfer Email",
            "Transfer Meeting",
            "Transfer Webinar",
            "Transfer Recording",
        ]


def test_the_sample_file_imports_cleanly_into_its_own_account() -> None:
    owner = user("owner@example.com", role="owner", license="licensed", webinar=True)
    acc = account(user("user1@example.com"), user("user2@example.com"), owner=owner)
    report = import_csv(
        acc, "owner@example.com", "delete", sample_csv("delete").encode()
    )
    assert (report.applied, report.failed) == (2, 0)


def test_results_never_carry_a_formula() -> None:
    acc = _account()
    data = (
        b'Email\n=HYPERLINK("x")@evil.example\n'
        b"+1@x.example\n-2@x.example\n@3@x.example\n"
    )
    report = import_csv(acc, OWNER, "deactivate", data)
    cells = [row[1] for row in _parse(results_csv(report))[1:]]
    assert cells and all(cell.startswith("'") for cell in cells)
    assert _parse(results_csv(report))[0] == ["Row", "Email", "Result", "Rule", "Error"]


def test_written_cells_are_escaped() -> None:
    from simulator.csv_files import escape_cell, write_csv

    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell("plain") == "plain"
    assert _parse(write_csv([["-x", "+y", "ok"]])) == [["'-x", "'+y", "ok"]]


def test_a_huge_cell_is_echoed_back_cut_to_an_e_mails_length() -> None:
    acc = _account()
    report = import_csv(acc, OWNER, "deactivate", b"Email\n" + b"x" * 5000 + b"\n")
    assert report.results[0].error == "invalid-email"
    assert len(report.results[0].email) == 254


def test_a_cell_over_the_csv_field_limit_is_rejected_as_malformed() -> None:
    acc = _account()
    before = snapshot(acc)
    data = b'Email\n"' + b"a" * (128 * 1024 + 1) + b'"\n'
    with pytest.raises(CsvRejected) as caught:
        import_csv(acc, OWNER, "deactivate", data)
    assert caught.value.reason == "malformed"
    assert caught.value.params == {"line": 2}
    assert snapshot(acc) == before


@pytest.mark.parametrize("data", [b'""', b";;;\n", b'"";""\r\n;\n'])
def test_a_file_of_blank_cells_is_rejected_as_empty(data: bytes) -> None:
    with pytest.raises(CsvRejected) as caught:
        import_csv(_account(), OWNER, "deactivate", data)
    assert caught.value.reason == "empty"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ['"', ";", ",", "\t", "\r", "\n", "\x00", "Email", "a@b.example", "é", " "]
        ),
        max_size=30,
    ),
    st.sampled_from(["utf-8", "utf-16", "cp1250"]),
)
def test_any_file_is_imported_or_rejected_cleanly(
    pieces: list[str], encoding: str
) -> None:
    acc = _account()
    before = snapshot(acc)
    try:
        import_csv(acc, OWNER, "deactivate", "".join(pieces).encode(encoding))
    except CsvRejected:
        assert snapshot(acc) == before


def test_a_sample_from_an_account_names_users_the_action_applies_to() -> None:
    acc = account(
        user("ann", role="admin"),
        user("cy@other.example"),
        user("dee@other.example"),
    )
    for action in ("deactivate", "disassociate", "delete"):
        rows = _parse(sample_csv(action, acc))[1:]
        emails = [row[0] for row in rows]
        # An admin cannot be deactivated or deleted before a role change, and a
        # managed-domain user cannot be unlinked: neither is in the sample.
        assert emails == ["cy@other.example", "dee@other.example"], action
        trial = import_csv(
            copy.deepcopy(acc), OWNER, action, sample_csv(action, acc).encode()
        )
        assert (trial.applied, trial.failed) == (2, 0), action
    assert acc.find("cy@other.example").status.value == "active"  # untouched


def test_a_sample_from_an_account_without_candidates_falls_back_to_placeholders() -> (
    None
):
    acc = account()
    assert "user1@example.com" in sample_csv("delete", acc)
