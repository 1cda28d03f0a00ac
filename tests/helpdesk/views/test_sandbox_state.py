"""The sandbox UI's session state: sandbox, acting user, guide progress."""

from __future__ import annotations

from flask import Flask, session

from helpdesk.sandboxes import store
from helpdesk.views.sandbox import state


def test_a_visitor_without_a_sandbox_is_shown_an_error_1009_one_not_stored(
    app: Flask,
) -> None:
    with app.test_request_context("/en/sandbox/"):
        sandbox = state.load_sandbox()
        assert sandbox.id is None
        assert state.SESSION_ID not in session
        assert sandbox.account.owner.email == "owner@acme.example"
        assert store().count() == 0


def test_the_first_change_stores_the_sandbox_shown(app: Flask) -> None:
    with app.test_request_context("/en/sandbox/", method="POST"):
        sandbox_id = state.sandbox_id()
        assert session[state.SESSION_ID] == sandbox_id
        assert state.sandbox_id() == sandbox_id
        assert store().count() == 1


def test_acting_as_a_deactivated_user_falls_back_to_the_owner(app: Flask) -> None:
    with app.test_request_context("/en/sandbox/"):
        account = state.load_sandbox().account
        state.act_as("piotr@acme.example")
        assert state.actor_of(account).email == "piotr@acme.example"
        state.act_as("bob@other.example")
        assert state.actor_of(account) is account.owner
        state.forget_actor()
        assert state.actor_email() is None


def test_restarting_a_guide_unticks_its_steps_and_keeps_it(app: Flask) -> None:
    with app.test_request_context("/en/sandbox/"):
        state.restart_guide()
        assert state.guide_state() is None
        session[state.SESSION_GUIDE] = {"key": "a#b", "ticked": 3, "result": {}}
        state.restart_guide()
        assert state.guide_state() == {"key": "a#b", "ticked": 0}
        state.end_guide()
        assert state.guide_state() is None
