"""Helpers shared by the sandbox UI tests."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from helpdesk.sandbox import service
from simulator import Account


def sandbox_account(app: Flask, client: FlaskClient) -> Account:
    """Return the account of the client's sandbox (from its session)."""
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    with app.app_context():
        return service.get_sandbox(sandbox_id).account


def start(client: FlaskClient, lang: str = "en", scenario: str | None = None) -> None:
    """Give the client a sandbox (``error-1009`` unless a scenario is named)."""
    if scenario is None:
        assert client.get(f"/{lang}/sandbox/").status_code == 200
    else:
        response = client.post(f"/{lang}/sandbox/new", data={"scenario": scenario})
        assert response.status_code == 302


def text(response: object) -> str:
    """Return a response's HTML with entities decoded and whitespace collapsed."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", html.unescape(body))


def guide_states(response: object) -> list[tuple[str, str]]:
    """Return ``(state, kind)`` of every step in the guide panel."""
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.findall(r'<li class="(\w+)" data-kind="([\w-]+)"', body)
