"""Reading an error code from what users paste, and the table of known codes."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.content import ContentLibrary
from helpdesk.errorcodes.codes import (
    MAX_INPUT,
    code_table,
    known_codes,
    normalize,
    parse_code,
)

KNOWN = (1009,)

PASTED = [
    ("1009", 1009),
    ("1,009", 1009),
    ("1.009", 1009),
    ("1 009", 1009),
    ("1\u00a0009", 1009),  # no-break space, as Polish groups thousands
    ("1\u202f009", 1009),  # narrow no-break space
    ("#1009", 1009),
    ("error 1009", 1009),
    ("Error 1009", 1009),
    ("Error code: 1009", 1009),
    ("error code 1,009", 1009),
    ("foutcode 1009", 1009),
    ("Foutcode: 1.009", 1009),
    ("kod błędu 1009", 1009),
    ("Kod bledu: 1 009", 1009),
    ("błąd 1009", 1009),
    ("(1,009)", 1009),
    ("(1009)", 1009),
    ("[1009]", 1009),
    ("  1009  ", 1009),
    ("１００９", 1009),  # full-width digits
    (
        "The user john.doe@example.com already holds an active account. (1,009)",
        1009,
    ),
    (
        "On 12 March 2024 at 10:15 Zoom said: The user already holds an active "
        "account. (1,009)",
        1009,
    ),
    (
        "De gebruiker jan@voorbeeld.nl heeft al een actief account sinds 2023. (1.009)",
        1009,
    ),
    ("Użytkownik ma już aktywne konto. (kod błędu: 1 009) Warszawa 2024", 1009),
    ("Uw account heeft 3 gebruikers en 2 Zoom Rooms (1.009)", 1009),
    ("Zoom shows 1009 when I accept the invitation", 1009),
    ("error 4711", 4711),
    ("Error code: 3,001", 3001),
    ("2024", 2024),  # a bare number is taken as it is
]

NO_CODE = [
    "",
    "   ",
    "hello",
    "I have 3 users",
    "It happened on 2024-03-12 at 10:15",
    "v1.009",
    "1009abc",
    "0",
    "000",
    "99999999999999",
    "(((((",
    "error code",
]


@pytest.mark.parametrize(("text", "expected"), PASTED)
def test_pasted_text_is_read_as_its_code(text: str, expected: int) -> None:
    assert normalize(text, KNOWN) == expected


@pytest.mark.parametrize("text", NO_CODE)
def test_text_without_a_code_gives_none(text: str) -> None:
    assert normalize(text, KNOWN) is None


def test_a_parenthesised_code_wins_without_knowing_the_codes() -> None:
    text = "Since 2019 our 12 users got this in 2024: (3,001)"
    assert normalize(text) == 3001


def test_input_is_capped() -> None:
    text = "x" * MAX_INPUT + " error 1009"
    assert normalize(text, KNOWN) is None
    assert normalize("error 1009 " + "x" * 10_000, KNOWN) == 1009


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("1009", 1009),
        ("1,009", 1009),
        ("1.009", 1009),
        ("1 009", 1009),
        ("abc", None),
        ("1009 x", None),
        ("", None),
        ("0", None),
    ],
)
def test_a_url_segment_must_be_one_number(segment: str, expected: int | None) -> None:
    assert parse_code(segment) == expected


# --- properties ----------------------------------------------------------------------

codes = st.integers(min_value=1, max_value=999_999_999)
separators = st.sampled_from([",", ".", " ", "\u00a0", "\u202f", "'"])
prefixes = st.sampled_from(
    ["", "#", "error ", "Error code: ", "foutcode ", "Foutcode: ", "kod błędu ", "("]
)
# Text without digits or characters that join numbers (a stray "#" or "(" is fine).
letters = st.text(
    alphabet=st.sampled_from(string.ascii_letters + " ąęłóśźżĄĘŁÓŚŹŻéëï@!?"),
    max_size=60,
)


def grouped(code: int, separator: str) -> str:
    """Write ``code`` with thousands separated by ``separator``."""
    return f"{code:,}".replace(",", separator)


@given(st.text(max_size=2_000))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = normalize(text, KNOWN)
    assert result is None or result > 0


@given(st.text(max_size=100))
def test_arbitrary_url_segments_never_raise(text: str) -> None:
    result = parse_code(text)
    assert result is None or result > 0


@given(codes, separators, prefixes)
def test_a_code_in_any_usual_form_is_read_back(
    code: int, separator: str, prefix: str
) -> None:
    suffix = ")" if prefix == "(" else ""
    assert normalize(f"{prefix}{grouped(code, separator)}{suffix}") == code
    assert parse_code(grouped(code, separator)) == code


@given(codes, separators, letters, letters)
def test_a_parenthesised_code_is_found_in_a_message(
    code: int, separator: str, before: str, after: str
) -> None:
    text = f"{before}. ({grouped(code, separator)}) {after}"
    assert normalize(text) == code


@given(
    codes,
    st.integers(min_value=1900, max_value=2100),
    st.integers(min_value=1, max_value=99),
    letters,
)
def test_years_and_small_numbers_do_not_beat_a_parenthesised_code(
    code: int, year: int, small: int, words: str
) -> None:
    text = f"In {year} {small} users {words}: already holds an account. ({code:,})"
    assert normalize(text) == code


@given(st.text(max_size=300))
def test_normalizing_is_idempotent(text: str) -> None:
    code = normalize(text, KNOWN)
    if code is not None:
        assert normalize(str(code), KNOWN) == code


# --- known codes ---------------------------------------------------------------------


def test_known_codes_come_from_the_articles(content_dir: Path) -> None:
    library = ContentLibrary.load(content_dir)
    assert known_codes(library) == (1009,)
    table = code_table(library, "pl")
    assert [(k.code, k.slug) for k in table] == [(1009, "error-1009")]
    assert table[0].title == library.get("error-1009", "pl").title


def test_an_article_with_a_new_code_makes_it_known(content_dir: Path) -> None:
    (content_dir / "error-3001").mkdir()
    (content_dir / "error-3001" / "en.md").write_text(
        "---\ntitle: Zoom error code 3001\nsummary: Meeting does not exist.\n"
        "error_codes: [3001]\nupdated: 2026-11-21\n---\nLead.\n\n"
        "## What it means {#cause}\n\nThe meeting ID is wrong.\n",
        encoding="utf-8",
    )
    library = ContentLibrary.load(content_dir)
    assert known_codes(library) == (1009, 3001)
    nl = {k.code: k for k in code_table(library, "nl")}
    assert nl[3001].translation.is_fallback
