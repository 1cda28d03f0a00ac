"""``breakable``: long addresses wrap at "@", "/" and "." on a phone, safely escaped."""

from __future__ import annotations

import html

from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from helpdesk.breaks import breakable
from tests.helpdesk.views.sandbox_helpers import start


def test_an_address_may_break_after_the_at_and_before_each_dot() -> None:
    assert str(breakable("ann.smith@acme.example")) == (
        "ann<wbr>.smith@<wbr>acme<wbr>.example"
    )


def test_markup_in_the_value_is_escaped() -> None:
    assert str(breakable("<b>x@y</b>")) == "&lt;b&gt;x@<wbr>y&lt;/<wbr>b&gt;"


@given(st.text())
def test_only_break_opportunities_are_added(value: str) -> None:
    out = str(breakable(value))
    assert html.unescape(out.replace("<wbr>", "")) == value
    assert "<" not in out.replace("<wbr>", "")


def test_headings_and_the_users_table_offer_the_breaks(client: FlaskClient) -> None:
    start(client)
    unlink = client.get("/en/sandbox/users/sanne@partner.example/unlink")
    assert "Unlink sanne@<wbr>partner<wbr>.example from your account?" in (
        unlink.get_data(as_text=True)
    )
    users = client.get("/en/sandbox/users").get_data(as_text=True)
    assert '<span class="sb-email">ann@<wbr>acme<wbr>.example</span>' in users
    # The page title (the browser tab) has none.
    assert "<title>Unlink · Sandbox · Helpdesk</title>" in unlink.get_data(as_text=True)
