"""Helpers shared by the sandbox UI tests."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from helpdesk.sandboxes import sandboxes
from simulator import Account


def sandbox_account(app: Flask, client: FlaskClient) -> Account:
    """Return the account of the client's sandbox (from its session)."""
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    with app.app_context():
        return sandboxes().get(sandbox_id).account


def start(client: FlaskClient, lang: str = "en", scenario: str | None = None) -> None:
    """Give the client a stored sandbox (``error-1009`` unless a scenario is named).

    The form's CSRF token is sent too, for apps that check it.
    """
    page = client.get(f"/{lang}/sandbox/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        f"/{lang}/sandbox/new",
        data={"scenario": scenario or "error-1009", "csrf_token": token.group(1)},
    )
    assert response.status_code == 302


def text(response: object) -> str:
    """Return a response's HTML with entities decoded and whitespace collapsed."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", html.unescape(body))


def guide_states(response: object) -> list[tuple[str, str]]:
    """Return ``(state, kind)`` of every step in the guide panel."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.findall(r'<li class="(\w+)" data-kind="([\w-]+)"', body)
