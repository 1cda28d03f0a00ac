"""Helpers shared by the sandbox service and API tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

API = "/api/v1/sandboxes"
#: The header a client adds to a call that is not JSON (an upload, no body), so that
#: no browser could send it cross-site without a preflight (see helpdesk.api.origin).
XHR = {"X-Requested-With": "XMLHttpRequest"}


def create(client: FlaskClient, scenario: str = "error-1009") -> str:
    """Create a sandbox from a scenario through the API and return its id."""
    response = client.post(API, json={"scenario": scenario})
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def snapshot(client: FlaskClient, sandbox_id: str) -> dict[str, Any]:
    """Return the account snapshot of a sandbox."""
    response = client.get(f"{API}/{sandbox_id}")
    assert response.status_code == 200, response.json
    return dict(response.json)


def events(client: FlaskClient, sandbox_id: str) -> list[dict[str, Any]]:
    """Return the event log of a sandbox."""
    response = client.get(f"{API}/{sandbox_id}/events")
    assert response.status_code == 200, response.json
    return list(response.json["events"])


def user(account: dict[str, Any], email: str) -> dict[str, Any]:
    """Return one user of an account snapshot."""
    return next(u for u in account["users"] if u["email"] == email)
