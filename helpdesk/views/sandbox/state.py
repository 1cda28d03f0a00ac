"""Who the visitor is in the sandbox UI: everything kept in the signed session.

``session["sandbox_id"]`` names the visitor's sandbox (the error-code pages set it
too), ``sandbox_actor`` the user they act as and ``sandbox_guide`` the guided
procedure they follow (``{"key", "ticked", "result"}``). Notices are flashed as
plain data (rule ids, report dicts) and worded only when shown
(:mod:`helpdesk.sandbox.notices`), so they appear in the page's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash, session

import simulator
from helpdesk.content import get_library
from helpdesk.i18n import current_language
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox import service
from helpdesk.sandbox.errors import BulkRefusal, RuleRefusal, SandboxError
from helpdesk.sandbox.notices import plain
from helpdesk.sandboxes import create_sandbox, sandboxes
from simulator import Account

#: Session keys (the error-code pages set ``sandbox_id`` too).
SESSION_ID = "sandbox_id"
SESSION_ACTOR = "sandbox_actor"
SESSION_GUIDE = "sandbox_guide"

#: At most this many per-user lines are kept in a notice (the session is a cookie).
NOTICE_MAX_LINES = 10


# --- the sandbox and the acting user ------------------------------------------------


def load_sandbox() -> service.Sandbox:
    """Return the visitor's sandbox to show; nothing is stored by showing it.

    A visitor without a (live) sandbox sees the ``error-1009`` scenario, stored
    only on their first change (:func:`sandbox_id`): a crawler reading the pages
    creates nothing.
    """
    sandbox_id = session.get(SESSION_ID)
    if isinstance(sandbox_id, str):
        try:
            return sandboxes().get(sandbox_id)
        except SandboxError as error:
            if error.code != "unknown-sandbox":
                raise
            session.pop(SESSION_ID, None)
            notice("info", "expired")
    return service.preview_sandbox()


def new_sandbox(scenario: str) -> service.Sandbox:
    """Create a sandbox from a scenario and make it the visitor's."""
    sandbox = create_sandbox(scenario=scenario)
    session[SESSION_ID] = sandbox.id
    session.pop(SESSION_ACTOR, None)
    return sandbox


def sandbox_id() -> str:
    """Return the id of the sandbox a change applies to, storing one if needed.

    A visitor with no sandbox yet gets the ``error-1009`` one they were shown. A
    session naming a sandbox that has expired is *not* given a new one: the
    service refuses the change (``unknown-sandbox``) and the visitor is offered
    a new sandbox instead.
    """
    current = session.get(SESSION_ID)
    if isinstance(current, str):
        return current
    created = new_sandbox("error-1009").id
    assert created is not None
    return created


def actor_of(account: Account) -> simulator.User:
    """Return who the visitor acts as: the chosen active user, else the owner."""
    email = session.get(SESSION_ACTOR)
    if isinstance(email, str) and account.has_user(email):
        user = account.find(email)
        if user.status is simulator.Status.ACTIVE:
            return user
    return account.owner


def actor_email() -> str | None:
    """Return the acting user's e-mail for service calls (``None``: the owner)."""
    email = session.get(SESSION_ACTOR)
    return email if isinstance(email, str) else None


def act_as(email: str) -> None:
    """Make the visitor act as this user from now on."""
    session[SESSION_ACTOR] = email


def forget_actor() -> None:
    """Act as the account owner again."""
    session.pop(SESSION_ACTOR, None)


# --- notices --------------------------------------------------------------------------


def notice(kind: str, code: str, **data: Any) -> None:
    """Queue a notice for the next page: plain data, worded when shown."""
    flash({"code": code, **data}, kind)


def notice_refusal(error: RuleRefusal | BulkRefusal) -> None:
    """Queue the localized rule text (and source link) of a refusal."""
    if isinstance(error, BulkRefusal):
        results = [r.to_dict() for r in error.results if not r.ok]
        notice("refusal", "bulk", results=results[:NOTICE_MAX_LINES])
        return
    rule = error.violation.rule_id
    if rule == "invitation-blocked":
        # The blockers are listed from the account when shown: a long list would
        # not fit in the session cookie.
        notice("refusal", "rule", rule=rule, params={"code": 1009})
    else:
        notice("refusal", "rule", rule=rule, params=plain(error.violation.params))


# --- guided mode ----------------------------------------------------------------------


def guide_state() -> dict[str, Any] | None:
    """Return the guide in the session: ``{"key", "ticked", "result"}``, or None."""
    state = session.get(SESSION_GUIDE)
    return state if isinstance(state, dict) and "key" in state else None


def begin_guide(key: str, *, query: dict[str, str] | None = None) -> None:
    """Follow the guide ``slug#section`` (or ``plan:<code>``) from its first step.

    ``query``: the error-code page's answers a plan came from, to link back to it.
    """
    state: dict[str, Any] = {"key": key, "ticked": 0}
    if query:
        state["query"] = dict(query)
    session[SESSION_GUIDE] = state


def restart_guide() -> None:
    """Untick every step of the guide being followed, if any."""
    state = guide_state()
    if state is not None:
        begin_guide(state["key"], query=plan_query())


def plan_query() -> dict[str, str]:
    """Return the answers the followed plan came from (empty: the typical plan)."""
    state = guide_state()
    query = state.get("query") if state is not None else None
    if not isinstance(query, dict):
        return {}
    return {str(k): str(v) for k, v in query.items()}


def end_guide() -> None:
    """Stop following the guide."""
    session.pop(SESSION_GUIDE, None)


def guide_steps(key: str, lang: str) -> tuple[Any, Any] | None:
    """Return the article and procedure section a guide follows, in ``lang``."""
    ref = guides.parse_guide(key)
    if ref is None:
        return None
    translation = get_library().translation(ref.slug, lang)
    if translation is None:
        return None
    section = translation.article.section(ref.section)
    if section is None or not section.procedure or not section.steps:
        return None
    return translation.article, section


def signal(
    name: str,
    account: Account,
    *,
    kinds: Iterable[str] | None = None,
    change: dict[str, Any] | None = None,
) -> bool:
    """Tick the guide's steps covered by a sandbox signal; remember the outcome.

    Return whether this signal finished the procedure with ``change``: the guide
    panel then says what changed, and nothing else should say it again.
    A fix plan (``plan:<code>``) ignores signals: its steps are ticked from the
    account itself.
    """
    state = guide_state()
    if state is None:
        return False
    found = guide_steps(state["key"], current_language())
    if found is None:
        return False
    steps = found[1].step_kinds
    privileged = actor_of(account).role is not simulator.Role.MEMBER
    covered = set(guides.signal_kinds(name, privileged=privileged))
    if kinds is not None:
        covered |= set(kinds)
    before = int(state.get("ticked", 0))
    ticked = guides.advance(steps, before, covered)
    finished = False
    if ticked != before or (change and ticked == len(steps) and before < ticked):
        state = {**state, "ticked": ticked}
        if guides.is_complete(steps, ticked) and change is not None:
            state["result"] = change
            finished = True
        session[SESSION_GUIDE] = state
    return finished


def following_plan() -> int | None:
    """Return the code whose fix plan the visitor follows, or None."""
    state = guide_state()
    return guides.parse_plan(state["key"]) if state is not None else None
