"""Guided mode: the pure signal logic and the guide panel in the pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.content import get_library
from helpdesk.sandbox import guide

from .sandbox_helpers import guide_states, sandbox_account, start, text

UNLINK = (
    "sign-in",
    "open-users",
    "find-user",
    "open-more",
    "unlink",
    "choose-transfer",
    "confirm-unlink",
)


def test_steps_are_ticked_in_order_only() -> None:
    assert guide.advance(UNLINK, 0, {"sign-in", "open-users"}) == 2
    # Confirming before the dialog was opened ticks nothing.
    assert guide.advance(UNLINK, 2, {"choose-transfer", "confirm-unlink"}) == 2
    assert guide.advance(UNLINK, 2, guide.SIGNALS["unlink-dialog"]) == 5
    assert guide.advance(UNLINK, 5, guide.SIGNALS["unlinked"]) == 7
    assert guide.is_complete(UNLINK, 7)


def test_acting_as_owner_or_admin_ticks_sign_in() -> None:
    assert "sign-in" in guide.signal_kinds("portal", privileged=True)
    assert "sign-in" not in guide.signal_kinds("portal", privileged=False)


def test_saving_the_advanced_tab_ticks_only_what_was_set() -> None:
    kinds = guide.settings_signal(enabled=False, days=None, notify=False)
    assert "enable-auto-delete" not in kinds
    kinds = guide.settings_signal(enabled=True, days=30, notify=False)
    assert {"enable-auto-delete", "choose-days", "save-settings"} <= kinds


def test_guides_pick_a_scenario_that_suits_them() -> None:
    assert guide.scenario_for(guide.GuideRef("remove-users", "auto-delete")) == (
        "auto-delete"
    )
    assert guide.scenario_for(guide.GuideRef("remove-users", "bulk-csv")) == "bulk"
    assert guide.scenario_for(guide.GuideRef("error-1009", "unlink-single")) == (
        "error-1009"
    )


@pytest.mark.parametrize("value", ["", "nohash", "a#b#c", "#x", "x#"])
def test_malformed_guides_are_rejected(value: str) -> None:
    assert guide.parse_guide(value) is None


def test_every_signal_names_known_step_kinds(app: Flask) -> None:
    with app.app_context():
        kinds = {
            step.kind
            for article in get_library().all_articles()
            for section in article.procedures
            for step in section.steps
        }
    for signal, covered in guide.SIGNALS.items():
        assert set(covered) <= kinds, signal


def test_every_procedure_can_be_completed_by_some_signals(app: Flask) -> None:
    reachable = set().union(*guide.SIGNALS.values()) | {guide.SIGN_IN}
    reachable |= guide.settings_signal(enabled=True, days=1, notify=True)
    with app.app_context():
        for article in get_library().all_articles():
            for section in article.procedures:
                assert set(section.step_kinds) <= reachable, section.id


def test_a_guided_unlink_in_dutch_ticks_every_step_and_reports_completion(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(
        "/nl/sandbox/guide/start", data={"guide": "error-1009#unlink-single"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert [s for s, _ in guide_states(page)][:2] == ["done", "current"]
    assert "Meld u aan" in text(page)

    # Confirming straight away ticks nothing: steps go in order.
    page = client.get("/nl/sandbox/users")
    assert guide_states(page)[1] == ("done", "open-users")
    assert guide_states(page)[2] == ("current", "find-user")

    page = client.get("/nl/sandbox/users?q=sanne")
    assert guide_states(page)[2] == ("done", "find-user")
    page = client.get("/nl/sandbox/users/sanne@partner.example/unlink")
    assert guide_states(page)[4] == ("done", "unlink")
    assert guide_states(page)[5] == ("current", "choose-transfer")
    page = client.post(
        "/nl/sandbox/users/sanne@partner.example/unlink",
        data={
            "mode": "transfer",
            "transfer_email": "owner@acme.example",
            "transfer_meeting": "1",
        },
        follow_redirects=True,
    )
    assert all(state == "done" for state, _ in guide_states(page))
    body = text(page)
    assert "U hebt deze procedure afgerond." in body
    assert "sanne@partner.example is ontkoppeld van uw account." in body
    assert not sandbox_account(app, client).has_user("sanne@partner.example")


def test_a_member_gets_a_hint_and_cannot_finish(client: FlaskClient) -> None:
    client.post(
        "/en/sandbox/guide/start", data={"guide": "remove-users#deactivate-single"}
    )
    client.post("/en/sandbox/actor", data={"actor": "piotr@acme.example"})
    client.get("/en/sandbox/users/sanne@partner.example/deactivate")
    page = client.post(
        "/en/sandbox/users/sanne@partner.example/deactivate", follow_redirects=True
    )
    assert guide_states(page)[-1] == ("current", "deactivate")
    assert "Sign in as the account owner or an admin" in text(page)


def test_the_auto_delete_guide_runs_on_deactivated_users(
    app: Flask, client: FlaskClient
) -> None:
    client.post("/pl/sandbox/guide/start", data={"guide": "remove-users#auto-delete"})
    assert sandbox_account(app, client).has_user("old@clock.example")
    client.get("/pl/sandbox/users")
    client.get("/pl/sandbox/users/advanced")
    page = client.post(
        "/pl/sandbox/users/advanced",
        data={"enabled": "1", "days": "30", "notify": "1"},
        follow_redirects=True,
    )
    assert all(state == "done" for state, _ in guide_states(page))
    assert "Procedura ukończona." in text(page)
    assert "po 30 dniach" in text(page)


def test_client_signals_tick_and_unknown_ones_are_refused(client: FlaskClient) -> None:
    client.post(
        "/en/sandbox/guide/start", data={"guide": "remove-users#deactivate-single"}
    )
    client.get("/en/sandbox/users")
    response = client.post("/en/sandbox/guide/signal", data={"signal": "row-menu"})
    assert response.get_json() == {"ticked": 4}
    bad = client.post("/en/sandbox/guide/signal", data={"signal": "deactivated"})
    assert bad.status_code == 400


def test_a_guide_link_only_offers_to_start_and_changes_nothing(
    app: Flask, client: FlaskClient, languages: tuple[str, ...]
) -> None:
    start(client)
    before = sandbox_account(app, client)
    with client.session_transaction() as sess:
        sandbox_id = sess["sandbox_id"]
    for lang in languages:
        page = client.get(f"/{lang}/sandbox/?guide=remove-rooms%23delete-room")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert 'action="/' + lang + '/sandbox/guide/start"' in body
        assert 'name="guide" value="remove-rooms#delete-room"' in body
    with client.session_transaction() as sess:
        assert sess["sandbox_id"] == sandbox_id
        assert "sandbox_guide" not in sess
    assert sandbox_account(app, client) == before


def test_starting_a_guide_needs_a_post(client: FlaskClient) -> None:
    assert client.get("/en/sandbox/guide/start").status_code == 405


def test_an_unknown_guide_is_reported_and_closing_the_guide_works(
    client: FlaskClient,
) -> None:
    page = client.post(
        "/en/sandbox/guide/start", data={"guide": "nope#nothing"}, follow_redirects=True
    )
    assert "That procedure could not be found." in text(page)
    client.post("/en/sandbox/guide/start", data={"guide": "remove-rooms#delete-room"})
    client.post("/en/sandbox/guide/stop")
    assert guide_states(client.get("/en/sandbox/rooms")) == []
