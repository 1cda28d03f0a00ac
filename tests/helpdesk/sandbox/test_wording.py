"""Sandbox wording that depends on numbers: days before and after the start."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.sandbox.wording import deactivated_since


@pytest.mark.parametrize(
    ("lang", "day", "expected"),
    [
        ("en", -1, "1 day before the start"),
        ("en", -12, "12 days before the start"),
        ("en", 0, "since the start"),
        ("en", 3, "since day 3"),
        ("en", 12345, "since day 12,345"),
        ("nl", -1, "1 dag voor de start"),
        ("nl", -12, "12 dagen voor de start"),
        ("nl", 0, "sinds de start"),
        ("nl", 3, "sinds dag 3"),
        ("nl", 12345, "sinds dag 12.345"),
        ("pl", -1, "1 dzień przed startem"),
        ("pl", -2, "2 dni przed startem"),
        ("pl", -12, "12 dni przed startem"),
        ("pl", -22, "22 dni przed startem"),
        ("pl", 0, "od startu"),
        ("pl", 3, "od dnia 3"),
        ("pl", 12345, "od dnia 12\xa0345"),
    ],
)
def test_the_day_a_user_was_deactivated_reads_naturally(
    app: Flask, lang: str, day: int, expected: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        assert deactivated_since(day) == expected
