"""The portal frame around every sandbox page, and the helpers views share.

:func:`render` adds what every page shows (acting user, notices, guide panel);
``get_user`` and ``get_room`` load a user or room or answer 404.
"""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.i18n import current_language
from helpdesk.redirects import safe_next
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox import messages, service
from helpdesk.sandbox.notices import word_notice
from helpdesk.sandbox.service import SandboxLimits
from helpdesk.sandbox.wording import deactivated_since, describe_change
from helpdesk.settings import LANGUAGES
from helpdesk.views.sandbox.plan import plan_panel
from helpdesk.views.sandbox.state import (
    actor_of,
    guide_state,
    guide_steps,
    plan_query,
)
from simulator import Account, UnknownRoom, UnknownUser


def render(template: str, sandbox: service.Sandbox, **context: Any) -> str:
    """Render a sandbox page with the portal frame: actor, notices, guide panel."""
    account = sandbox.account
    actor = actor_of(account)
    actors = [u for u in account.users if u.status is simulator.Status.ACTIVE]
    return render_template(
        template,
        account=account,
        actor=actor,
        actors=actors,
        notices=pending_notices(account),
        guide=guide_panel(sandbox),
        role_labels={r.value: messages.role_label(r.value) for r in simulator.Role},
        status_labels={
            s.value: messages.status_label(s.value) for s in simulator.Status
        },
        deactivated_since=deactivated_since,
        limits=SandboxLimits.from_config(current_app.config),
        **context,
    )


def pending_notices(account: Account) -> list[dict[str, Any]]:
    """Return the queued notices, worded in the page's language."""
    shown = []
    for kind, data in get_flashed_messages(with_categories=True):
        if not isinstance(data, dict):
            continue
        shown.append(word_notice(kind, data, account))
    return shown


def guide_panel(sandbox: service.Sandbox) -> dict[str, Any] | None:
    """Return the guide side panel's data in the page's language, or None.

    One panel, two sources of steps: a fix plan (``plan:<code>``) or an
    article's procedure (``slug#section``).
    """
    state = guide_state()
    if state is None:
        return None
    account = sandbox.account
    code = guides.parse_plan(state["key"])
    if code is not None:
        owner = actor_of(account).role is simulator.Role.OWNER
        return plan_panel(
            sandbox, code, current_language(), owner=owner, query=plan_query()
        )
    found = guide_steps(state["key"], current_language())
    if found is None:
        return None
    article, section = found
    ticked = int(state.get("ticked", 0))
    steps = []
    for index, step in enumerate(section.steps):
        if index < ticked:
            status = "done"
        elif index == ticked:
            status = "current"
        else:
            status = "todo"
        steps.append(
            {
                "kind": step.kind,
                "text": step.text,
                "state": status,
                "link": None,
                "targets": [],
            }
        )
    complete = guides.is_complete(section.step_kinds, ticked)
    hint = None
    if actor_of(account).role is simulator.Role.MEMBER and not complete:
        hint = _("Sign in as the account owner or an admin to start.")
    result = state.get("result")
    return {
        "mode": "procedure",
        "title": section.title,
        "url": url_for("pages.article", slug=article.slug, _anchor=section.id),
        "article": None,
        "blockers": None,
        "steps": steps,
        "complete": complete,
        "result": describe_change(result, account) if complete and result else [],
        "hint": hint,
    }


def back_url(default: str) -> str:
    """Return the form's ``next`` if it is a sandbox page, else ``default``.

    :func:`helpdesk.redirects.safe_next` decides; anything else (another site, a
    path outside the sandbox, a control character) falls back to ``default``.
    """
    return safe_next(request.form.get("next", ""), LANGUAGES) or default


def back(default: str) -> BaseResponse:
    """Redirect to the form's ``next`` if it is a sandbox page, else to ``default``."""
    return redirect(back_url(default))


def get_user(account: Account, email: str) -> simulator.User:
    """Return a user of the account.

    :raise 404: no user has this e-mail.
    """
    try:
        return account.find(email)
    except UnknownUser:
        abort(404)


def get_room(account: Account, room_id: str) -> simulator.model.Room:
    """Return a Zoom Room of the account.

    :raise 404: no room has this id.
    """
    try:
        return account.room(room_id)
    except UnknownRoom:
        abort(404)


def parse_int(value: str | None) -> int | None:
    """Return ``value`` as an int, or None if it is not a whole number."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None
