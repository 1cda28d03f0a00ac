"""The read-only view of a shared sandbox, and copying it into one's own.

``/shared/<token>`` shows the users, Zoom Rooms, the diagnosis of error 1009
and the event timeline of the sandbox shared under ``token`` to anyone who has
the link. It has no form that posts to that sandbox and never names its id;
the one form, "Copy into my own sandbox", makes the visitor a new sandbox
(within the creation rate limit). Unknown, revoked or expired tokens are a
localized 404 page. The page is not for search engines (``noindex``).
"""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.i18n import current_language
from helpdesk.sandbox import messages
from helpdesk.sandbox.notices import blocker_lines
from helpdesk.sandbox.wording import deactivated_since, describe_event
from helpdesk.sandboxes import copy_shared_sandbox, sandboxes
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.replace import confirm_first
from helpdesk.views.sandbox.state import SESSION_ACTOR, SESSION_ID, notice
from helpdesk.views.sandbox.tools import PRIVATE_HEADERS, SESSION_SHARE


@bp.get("/shared/<token>")
def shared(token: str) -> tuple[str, int, dict[str, str]]:
    """Show a shared sandbox read-only, with "Copy into my own sandbox".

    :raise SandboxError: ``unknown-share`` (404 page).
    """
    found = sandboxes().shared(token)
    account = found.sandbox.account
    diagnosis = found.diagnosis
    page = render_template(
        "sandbox/shared.html",
        token=token,
        account=account,
        blocked=diagnosis.blocked,
        blockers=blocker_lines([b.to_dict() for b in diagnosis.blockers], account),
        plan=[messages.explain_step(step) for step in diagnosis.plan],
        rows=[
            {**e.to_dict(), "text": describe_event(e.to_dict())}
            for e in reversed(account.events)
        ],
        role_labels={r.value: messages.role_label(r.value) for r in simulator.Role},
        status_labels={
            s.value: messages.status_label(s.value) for s in simulator.Status
        },
        deactivated_since=deactivated_since,
        lang=current_language(),
    )
    return page, 200, PRIVATE_HEADERS


@bp.post("/shared/<token>/copy")
def copy_shared(token: str) -> BaseResponse:
    """Copy the shared sandbox into a new one of the visitor's own.

    A visitor whose own sandbox has changes is asked first.
    """
    ask = confirm_first("copy", token=token)
    if ask is not None:
        return ask
    sandbox = copy_shared_sandbox(token)
    session[SESSION_ID] = sandbox.id
    session.pop(SESSION_ACTOR, None)
    session.pop(SESSION_SHARE, None)
    notice("success", "text", key="copied")
    return redirect(url_for("sandbox.index"))
