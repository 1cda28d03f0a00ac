"""Sandbox page structure for phones and keyboards (issue 9), in every language."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

import simulator

from .sandbox_helpers import start
from .test_sandbox_pages import PAGES

TOOLS = {
    "en": "Sandbox tools",
    "nl": "Hulpmiddelen voor de oefenomgeving",
    "pl": "Narzędzia piaskownicy",
}
CONFIRMATIONS = [
    "/sandbox/users/piotr@acme.example/deactivate",
    "/sandbox/users/sanne@partner.example/unlink",
    "/sandbox/users/piotr@acme.example/delete",
    "/sandbox/users/bulk?action=delete&email=piotr@acme.example",
    "/sandbox/rooms/room-1/delete",
    "/sandbox/import/results",
]


def tools_menu(body: str) -> str:
    """Return the Sandbox tools menu of a page."""
    found = re.search(r'<details class="sb-tools" data-menu>.*?</details>', body, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_every_page_folds_clock_user_scenario_and_reset_into_one_menu(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    for path in PAGES:
        body = client.get(f"/{lang}{path}").get_data(as_text=True)
        menu = tools_menu(body)
        assert f"<summary>{TOOLS[lang]}</summary>" in menu, path
        for action in ("actor", "clock", "new", "reset"):
            assert f'action="/{lang}/sandbox/{action}"' in menu, (path, action)
        assert body.count(f'action="/{lang}/sandbox/new"') == 1, (
            path
        )  # one scenario form
    portal = client.get(f"/{lang}/sandbox/").get_data(as_text=True)
    for scenario in simulator.SCENARIOS:
        assert f'<option value="{scenario}">' in tools_menu(portal)


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_confirmation_pages_focus_their_heading_and_results_their_notice(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    for path in CONFIRMATIONS:
        body = client.get(f"/{lang}{path}").get_data(as_text=True)
        assert re.search(r'<h1 tabindex="-1" data-focus-on-load>', body), path
    # An action's outcome: the notices are what gets focus.
    users = client.get(f"/{lang}/sandbox/users").get_data(as_text=True)
    assert "data-focus-on-load" not in users
    token = re.search(r'name="csrf_token" value="([^"]+)"', users)
    assert token is not None
    client.post(
        f"/{lang}/sandbox/users/piotr@acme.example/deactivate",
        data={"csrf_token": token.group(1)},
    )
    after = client.get(f"/{lang}/sandbox/users").get_data(as_text=True)
    assert after.count("data-focus-on-load") == 1
    assert re.search(
        r'<div class="sb-notices" tabindex="-1" data-focus-on-load>\s*'
        r'<div class="sb-notice sb-notice-success"',
        after,
    )


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_the_users_table_is_one_tab_stop_with_a_skip_link(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    body = client.get(f"/{lang}/sandbox/users").get_data(as_text=True)
    assert '<a class="skip-link" href="#users-table">' in body
    assert 'id="users-table" tabindex="-1" data-roving' in body
    assert re.search(
        r'<form class="sb-search"[^>]* role="search" aria-label="[^"]+">', body
    )
    # No match, no table: no skip link to it.
    empty = client.get(f"/{lang}/sandbox/users?q=nobody").get_data(as_text=True)
    assert 'href="#users-table"' not in empty
