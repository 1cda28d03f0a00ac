"""Every refusal through the API: status, rule, a message per language, no change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpdesk.sandbox.helpers import API, XHR, create, events, snapshot

OWNER = "owner@acme.example"


@dataclass(frozen=True)
class Refusal:
    """A request that a rule refuses, and the user the message must name."""

    rule: str
    status: int
    method: str
    path: str
    names: str
    body: dict[str, Any] | None = None
    actor: str | None = None
    scenario: str = "error-1009"
    setup: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)


REFUSALS = [
    Refusal(
        "actor-privileged",
        403,
        "PUT",
        "users/bob@other.example/status",
        "piotr@acme.example",
        {"action": "activate"},
        actor="piotr@acme.example",
    ),
    Refusal(
        "owner-protected",
        409,
        "PUT",
        f"users/{OWNER}/status",
        OWNER,
        {"action": "deactivate"},
    ),
    Refusal(
        "pending-user",
        409,
        "DELETE",
        "users/eve@acme.example?action=delete",
        "eve@acme.example",
    ),
    Refusal(
        "admin-convert-first",
        409,
        "PUT",
        "users/ann@acme.example/status",
        "ann@acme.example",
        {"action": "deactivate"},
    ),
    Refusal(
        "owner-changes-role",
        403,
        "PATCH",
        "users/piotr@acme.example",
        "ann@acme.example",
        {"role": "admin"},
        actor="ann@acme.example",
    ),
    Refusal(
        "bulk-privilege",
        403,
        "POST",
        "users/bulk",
        "helper@bulk.example",
        {"action": "deactivate", "emails": ["bartek@bulk.example"]},
        actor="helper@bulk.example",
        scenario="bulk",
    ),
    Refusal(
        "signin-disabled",
        403,
        "POST",
        "users/bob@other.example/sign-in",
        "bob@other.example",
    ),
    Refusal(
        "license-pool",
        409,
        "PATCH",
        "users/eve@acme.example",
        "eve@acme.example",
        {"license": "licensed"},
    ),
    Refusal(
        "user-status",
        409,
        "PUT",
        "users/piotr@acme.example/status",
        "piotr@acme.example",
        {"action": "activate"},
    ),
    Refusal(
        "managed-domain",
        409,
        "DELETE",
        "users/piotr@acme.example?action=disassociate",
        "piotr@acme.example",
    ),
    Refusal(
        "transfer-target",
        422,
        "DELETE",
        "users/piotr@acme.example?action=delete&transfer_email=eve@acme.example"
        "&transfer_meeting=true",
        "eve@acme.example",
    ),
    Refusal(
        "transfer-recordings-licensed",
        422,
        "DELETE",
        "users/piotr@acme.example?action=delete&transfer_email=bob@other.example"
        "&transfer_recording=true",
        "bob@other.example",
        setup=[("PUT", "users/bob@other.example/status", {"action": "activate"})],
    ),
    Refusal(
        "transfer-webinars-licensed",
        422,
        "DELETE",
        "users/piotr@acme.example?action=delete&transfer_email=sanne@partner.example"
        "&transfer_webinar=true",
        "sanne@partner.example",
    ),
    Refusal(
        "invitation-blocked",
        409,
        "POST",
        "invitation/accept",
        "",
    ),
]


def _request(
    client: FlaskClient,
    sid: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    **kwargs: Any,
) -> Any:
    if body is None:
        headers = {**XHR, **kwargs.pop("headers", {})}
        return client.open(
            f"{API}/{sid}/{path}", method=method, headers=headers, **kwargs
        )
    return client.open(f"{API}/{sid}/{path}", method=method, json=body, **kwargs)


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.rule)
def test_each_rule_refuses_in_every_language_and_changes_nothing(
    client: FlaskClient, case: Refusal
) -> None:
    sid = create(client, case.scenario)
    for method, path, body in case.setup:
        assert _request(client, sid, method, path, body).status_code == 200
    headers = {"X-Sandbox-Actor": case.actor} if case.actor else {}
    messages = {}
    for lang in ("en", "nl", "pl"):
        before = snapshot(client, sid)
        logged = len(events(client, sid))
        response = _request(
            client,
            sid,
            case.method,
            case.path,
            case.body,
            headers={**headers, "Accept-Language": lang},
        )
        assert response.status_code == case.status, response.json
        error = response.json["error"]
        assert error["rule"] == case.rule
        expected_code = 1009 if case.rule == "invitation-blocked" else case.rule
        if case.rule == "bulk-privilege":
            expected_code = "bulk-privilege"
        assert error["code"] == expected_code
        assert case.names in error["message"]
        messages[lang] = error["message"]
        assert snapshot(client, sid) == before
        after = events(client, sid)
        # Only the refusal was recorded.
        assert len(after) == logged + 1
        assert after[-1]["ok"] is False
        assert after[-1]["rule"] == case.rule
    assert len(set(messages.values())) == 3, messages


def test_every_refusal_status_follows_the_documented_classes() -> None:
    from helpdesk.api.sandboxes import rule_status

    for case in REFUSALS:
        assert rule_status(case.rule) == case.status


def test_the_lang_parameter_beats_accept_language(client: FlaskClient) -> None:
    sid = create(client)
    response = client.put(
        f"{API}/{sid}/users/ann@acme.example/status?lang=pl",
        json={"action": "deactivate"},
        headers={"Accept-Language": "nl"},
    )
    assert "administratorem" in response.json["error"]["message"]
