"""Query parsing and building: pure functions, any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.search.query import (
    MAX_QUERY_CHARS,
    build_query,
    parse_query,
)


@pytest.mark.parametrize(
    "text", ["1009", "1,009", "1.009", "#1009", "#1,009", "error 1009", "(1.009)"]
)
def test_error_codes_are_found_in_any_form(text: str) -> None:
    assert parse_query(text).codes == ("1009",)


@pytest.mark.parametrize("text", ["1009", "1,009", "1.009", "#1009", " #1.009 "])
def test_a_code_alone_is_normalized(text: str) -> None:
    assert parse_query(text).codes == ("1009",)


@pytest.mark.parametrize("text", ["10", "abc", "1.5", "12345678"])
def test_not_codes(text: str) -> None:
    assert parse_query(text).codes == ()


def test_words_exclude_codes_and_syntax() -> None:
    parsed = parse_query('"unlink AND user* title:foo -(1009')
    assert parsed.codes == ("1009",)
    assert parsed.words == ("unlink", "and", "user", "title", "foo")


def test_huge_input_is_capped() -> None:
    parsed = parse_query("user " * 10_000)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert parsed.words == ("user",)


def test_stop_words_only_builds_no_query() -> None:
    assert build_query(parse_query("the and of"), "en") is None


def test_code_query_boosts_the_lead_section() -> None:
    q = build_query(parse_query("1009"), "pl")
    assert q is not None
    fields = {field for field, _ in q.iter_all_terms()}
    assert {"lead_codes_pl", "codes_pl"} <= fields


@given(st.text(max_size=400), st.sampled_from(["en", "nl", "pl"]))
def test_any_text_parses_and_builds(text: str, lang: str) -> None:
    parsed = parse_query(text)
    build_query(parsed, lang)
