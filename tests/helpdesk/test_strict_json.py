"""``helpdesk.strict_json``: JSON as JSON allows it, every string Unicode text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk import strict_json

# Hypothesis' text() holds no surrogates: every value is valid JSON of Unicode text.
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(value=VALUES, ascii_only=st.booleans())
def test_json_of_unicode_text_reads_as_json_does(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert strict_json.loads(text) == json.loads(text)


@given(value=VALUES, surrogate=st.sampled_from(["\\ud800", "\\uDFFF", "\\udbff"]))
def test_a_lone_surrogate_anywhere_is_refused(value: Any, surrogate: str) -> None:
    # The escape written into the JSON text as a client sends it.
    for text in (
        json.dumps([value])[:-1] + f', "a{surrogate}"]',
        '{"' + surrogate + '": ' + json.dumps(value) + "}",
    ):
        with pytest.raises(strict_json.NotUnicode):
            strict_json.loads(text)


def test_a_surrogate_pair_is_one_character_and_kept() -> None:
    assert strict_json.loads('["\\ud83d\\ude00"]') == ["\U0001f600"]
    # An escaped backslash before "u" is text, not an escape.
    assert strict_json.loads('["\\\\ud800"]') == ["\\ud800"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_constants_json_does_not_have_are_refused(constant: str) -> None:
    with pytest.raises(ValueError, match="not JSON"):
        strict_json.loads(f"[{constant}]")
