"""E-mails: invisible characters are refused, look-alike addresses are confusable."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator import AccountError, import_csv, load_account
from simulator.emails import email_problem, has_invisible, is_email, skeleton
from tests.simulator.builders import OWNER, account, account_json, user

INVISIBLE = st.characters(categories=["Cc", "Cf"])
LOCAL = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789.", min_size=1, max_size=20
)


@pytest.mark.parametrize(
    "text", ["a\u0000b@x.example", "an\u200bn@x.example", "ann\u202e@x.example"]
)
def test_an_e_mail_with_an_invisible_character_is_refused(text: str) -> None:
    assert email_problem(text) == "invisible-character"
    assert not is_email(text)


def test_a_plain_e_mail_has_no_problem() -> None:
    assert email_problem("zażółć@acme.example") is None
    assert email_problem("x" * 250 + "@a.example") == "too-long"
    assert email_problem("no at sign") == "invalid-email"


@settings(max_examples=300)
@given(LOCAL, INVISIBLE, st.integers(0, 30))
def test_any_e_mail_holding_a_cc_or_cf_character_is_refused(
    local: str, invisible: str, where: int
) -> None:
    address = f"{local}@acme.example"
    where = min(where, len(address))
    text = address[:where] + invisible + address[where:]
    assert has_invisible(text)
    assert email_problem(text) is not None
    with pytest.raises(AccountError) as caught:
        load_account(account_json(user(text)))
    assert caught.value.field == "users[1].email"
    assert caught.value.problem in ("invisible-character", "invalid-email")


def test_the_refusal_names_the_character() -> None:
    with pytest.raises(AccountError) as caught:
        account(user("an\u200bn"))
    assert caught.value.problem == "invisible-character"
    assert caught.value.params == {"character": "U+200B"}


def test_a_managed_domain_with_an_invisible_character_is_refused() -> None:
    with pytest.raises(AccountError) as caught:
        load_account(account_json(managed_domains=["ac\u200bme.example"]))
    assert caught.value.field == "managed_domains[0]"


def test_a_csv_row_with_an_invisible_character_is_an_invalid_e_mail() -> None:
    acc = account(user("ann"))
    data = "Email\nann\u202e@acme.example\n".encode()
    (row,) = import_csv(acc, OWNER, "deactivate", data).results
    assert (row.ok, row.code) == (False, "invalid-email")
    assert row.email == "ann\ufffd@acme.example"


def test_a_csv_transfer_e_mail_with_an_invisible_character_is_refused() -> None:
    acc = account(user("ann"))
    data = (
        "Email,Transfer Email,Transfer Meeting,Transfer Webinar,Transfer Recording\n"
        "ann@acme.example,own\u200ber@acme.example,yes,no,no\n"
    ).encode()
    (row,) = import_csv(acc, OWNER, "delete", data).results
    assert row.code == "invalid-transfer-email"


@pytest.mark.parametrize(
    "look_alike",
    [
        "ann@acme.examplе",  # Cyrillic e in the domain
        "аnn@acme.example",  # Cyrillic a
        "ΑNN@acme.example",  # Greek capital alpha
        "ａｎｎ@acme.example",  # fullwidth, NFKC folds it
    ],
)
def test_an_account_with_look_alike_e_mails_is_refused(look_alike: str) -> None:
    with pytest.raises(AccountError) as caught:
        account(user("ann"), user(look_alike))
    assert (caught.value.field, caught.value.problem) == (
        "users[2].email",
        "confusable",
    )
    assert caught.value.params == {"value": look_alike, "other": "ann@acme.example"}


def test_e_mails_that_only_look_different_in_ascii_are_allowed() -> None:
    acc = account(user("user1"), user("userl"), user("rn"), user("m"))
    assert len(acc.users) == 5


def test_look_alike_managed_domains_are_refused() -> None:
    with pytest.raises(AccountError) as caught:
        load_account(account_json(managed_domains=["acme.example", "аcme.example"]))
    assert (caught.value.field, caught.value.problem) == (
        "managed_domains[1]",
        "confusable",
    )


@st.composite
def variants(draw: st.DrawFn, address: str) -> str:
    """Draw an NFKC or case variant of ``address`` (each letter maybe changed)."""
    out = []
    for ch in address:
        choice = draw(st.sampled_from(["keep", "upper", "fullwidth"]))
        if choice == "upper":
            out.append(ch.upper())
        elif choice == "fullwidth" and "!" <= ch <= "~" and ch != "@":
            out.append(chr(ord(ch) - 0x21 + 0xFF01))
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=200)
@given(st.data(), LOCAL)
def test_nfkc_and_case_variants_are_refused_as_duplicate_or_confusable(
    data: st.DataObject, local: str
) -> None:
    original = f"{local}@acme.example"
    variant = data.draw(variants(original))
    assume(email_problem(variant) is None)
    assert skeleton(variant) == skeleton(original)
    assert unicodedata.normalize("NFKC", variant).casefold() == original
    with pytest.raises(AccountError) as caught:
        account(user(original), user(variant))
    assert caught.value.field == "users[2].email"
    assert caught.value.problem in ("duplicate", "confusable")
