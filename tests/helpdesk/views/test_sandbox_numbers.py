"""Numbers in the sandbox are formatted by Babel for the page's language."""

from __future__ import annotations

import pytest

from tests.helpdesk.views.sandbox_helpers import start, text


@pytest.mark.parametrize(
    ("lang", "day"),
    [("en", "Day 3,000"), ("nl", "Dag 3.000"), ("pl", "Dzień 3 000")],
)
def test_the_clock_day_is_formatted_for_the_locale(client, lang, day):
    start(client, lang)
    client.post(f"/{lang}/sandbox/clock", data={"days": "3000"})
    page = text(client.get(f"/{lang}/sandbox/"))
    assert day in page
    assert "3000" not in page
