"""Every refused action shows the localized rule text and a link to its section."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.sandbox import messages
from simulator import RuleViolation

from .sandbox_helpers import sandbox_account, start, text

#: (rule id, how to provoke it: actor or None, method, path, form data)
REFUSALS = [
    (
        "owner-protected",
        None,
        "/sandbox/users/owner@acme.example/delete",
        {"mode": "none"},
    ),
    ("pending-user", None, "/sandbox/users/eve@acme.example/deactivate", {}),
    ("admin-convert-first", None, "/sandbox/users/ann@acme.example/deactivate", {}),
    (
        "managed-domain",
        None,
        "/sandbox/users/piotr@acme.example/unlink",
        {"mode": "none"},
    ),
    ("actor-privileged", "piotr@acme.example", "/sandbox/rooms/room-1/delete", {}),
    (
        "owner-changes-role",
        "ann@acme.example",
        "/sandbox/users/ann@acme.example/role",
        {"role": "member"},
    ),
    (
        "bulk-privilege",
        "piotr@acme.example",
        "/sandbox/users/bulk",
        {"action": "deactivate", "email": "sanne@partner.example"},
    ),
    ("signin-disabled", None, "/sandbox/users/bob@other.example/sign-in", {}),
    (
        "transfer-webinars-licensed",
        None,
        "/sandbox/users/piotr@acme.example/delete",
        {
            "mode": "transfer",
            "transfer_email": "sanne@partner.example",
            "transfer_webinar": "1",
        },
    ),
    (
        "transfer-target",
        None,
        "/sandbox/users/piotr@acme.example/delete",
        {
            "mode": "transfer",
            "transfer_email": "bob@other.example",
            "transfer_meeting": "1",
        },
    ),
    ("invitation-blocked", None, "/sandbox/invitation/accept", {}),
]


def expected(app: Flask, lang: str, rule: str, **params: object) -> tuple[str, str]:
    """Return the rule's message and source URL as the page should show them."""
    with app.test_request_context(f"/{lang}/sandbox/"):
        from flask_babel import force_locale

        with force_locale(lang):
            url, _title = messages.rule_source(rule, lang)
            if rule == "invitation-blocked":
                return "Error 1009" if lang == "en" else "1009", url
            return messages.rule_message(RuleViolation(rule, **params)), url


PARAMS = {
    "owner-protected": {"email": "owner@acme.example", "role": "owner"},
    "pending-user": {"email": "eve@acme.example"},
    "admin-convert-first": {"email": "ann@acme.example", "role": "admin"},
    "managed-domain": {"email": "piotr@acme.example", "domain": "acme.example"},
    "actor-privileged": {
        "actor": "piotr@acme.example",
        "role": "member",
        "status": "active",
    },
    "owner-changes-role": {"actor": "ann@acme.example", "role": "admin"},
    "bulk-privilege": {
        "actor": "piotr@acme.example",
        "role": "member",
        "privilege": "bulk_remove",
    },
    "signin-disabled": {"email": "bob@other.example"},
    "transfer-webinars-licensed": {"transfer_email": "sanne@partner.example"},
    "transfer-target": {"transfer_email": "bob@other.example", "reason": "deactivated"},
}


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
@pytest.mark.parametrize("rule,actor,path,data", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refusal_shows_the_rule_text_and_its_source(
    app: Flask,
    client: FlaskClient,
    lang: str,
    rule: str,
    actor: str | None,
    path: str,
    data: dict[str, str],
) -> None:
    start(client, lang)
    if actor is not None:
        client.post(f"/{lang}/sandbox/actor", data={"actor": actor})
    before = sandbox_account(app, client)
    response = client.post(f"/{lang}{path}", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    message, url = expected(app, lang, rule, **PARAMS.get(rule, {}))
    assert message in page
    assert f'href="{url}"' in page
    after = sandbox_account(app, client)
    # Only the refusal was logged; nothing else changed.
    assert after.users == before.users
    assert after.rooms == before.rooms
    assert after.events[-1].ok is False
    assert after.events[-1].rule == rule


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_the_1009_failure_lists_the_blockers_with_the_sections_that_fix_them(
    client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    page = text(
        client.post(f"/{lang}/sandbox/invitation/accept", follow_redirects=True)
    )
    for blocker in (
        "ann@acme.example",
        "piotr@acme.example",
        "sanne@partner.example",
        "bob@other.example",
        "room-1",
    ):
        assert blocker in page
    assert "eve@acme.example (" not in page  # pending users do not block
    for anchor in (
        "remove-users#convert-admin",
        "remove-users#delete-single",
        "error-1009#unlink-single",
        "remove-rooms#delete-room",
    ):
        assert f"/{lang}/articles/{anchor}" in page


@pytest.mark.parametrize("lang", ["en", "nl", "pl"])
def test_a_dialog_predicts_a_refusal_and_offers_no_confirmation(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    start(client, lang)
    page = text(client.get(f"/{lang}/sandbox/users/piotr@acme.example/unlink"))
    message, url = expected(app, lang, "managed-domain", **PARAMS["managed-domain"])
    assert message in page
    assert f'href="{url}"' in page
    assert 'value="transfer"' not in page


def test_a_refused_bulk_action_names_every_refused_user(
    app: Flask, client: FlaskClient
) -> None:
    start(client)
    response = client.post(
        "/en/sandbox/users/bulk",
        data={
            "action": "delete",
            "email": ["ann@acme.example", "eve@acme.example", "piotr@acme.example"],
            "mode": "none",
        },
        follow_redirects=True,
    )
    page = text(response)
    assert "ann@acme.example is an admin" in page
    assert "eve@acme.example has not activated" in page
    account = sandbox_account(app, client)
    assert account.has_user("piotr@acme.example")
