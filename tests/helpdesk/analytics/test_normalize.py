"""Query normalization: examples, then properties (hypothesis)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.analytics.normalize import MAX_QUERY_LENGTH, normalize_query


@pytest.mark.parametrize(
    "query,expected",
    [
        ("  Użytkownik   USUNĄĆ ", "uzytkownik usunac"),
        ("Zażółć gęślą jaźń", "zazolc gesla jazn"),
        ("Łódź", "lodz"),
        ("Gebruiker ÉÉN\tverwijderen\n", "gebruiker een verwijderen"),
        ("Straße", "strasse"),
        ("error\x00code\u200b1009", "error code 1009"),
        ("ｆｕｌｌ ｗｉｄｔｈ", "full width"),
        ("   ", ""),
        ("x" * 150, "x" * MAX_QUERY_LENGTH),
        ("a" * 99 + " b", "a" * 99),
    ],
)
def test_examples(query: str, expected: str) -> None:
    assert normalize_query(query) == expected


@given(st.text())
def test_normalizing_twice_changes_nothing(query: str) -> None:
    once = normalize_query(query)
    assert normalize_query(once) == once


@given(st.text())
def test_the_result_is_short_trimmed_single_spaced_and_unmarked(query: str) -> None:
    result = normalize_query(query)
    assert len(result) <= MAX_QUERY_LENGTH
    assert result == result.strip()
    assert "  " not in result
    assert all(not unicodedata.category(c).startswith(("M", "C")) for c in result)
    assert all(c == " " or not c.isspace() for c in result)
    assert result == result.casefold() or normalize_query(result) == result


LETTERS = "abcdefghijklmnopqrstuvwxyząćęłńóśźżéëèïöüĳ"


@given(st.text(alphabet=LETTERS + LETTERS.upper() + " \t\n"))
def test_case_and_spacing_do_not_matter(query: str) -> None:
    assert normalize_query(query.upper()) == normalize_query(query.lower())
    assert normalize_query(f"  {query}\n") == normalize_query(query)


POLISH = str.maketrans("ąćęłńóśźż", "acelnoszz")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyząćęłńóśźż ", max_size=80))
def test_polish_without_diacritics_counts_as_the_same_query(query: str) -> None:
    assert normalize_query(query) == normalize_query(query.translate(POLISH))
