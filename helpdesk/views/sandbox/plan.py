"""The fix plan as the guide panel and the success screen show it.

The guide panel has two sources of steps: an article's procedure (worded in
:mod:`helpdesk.views.sandbox.frame`) and the personal fix plan of an error code,
worded here. The plan is told as the error-code page tells it (one instruction
per run of one action, linked to the section that explains it); every target of
an instruction links to the sandbox page where it is done, and the blockers left
are listed with where each is fixed.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from helpdesk.content import get_library
from helpdesk.errorcodes import codes
from helpdesk.errorcodes.plan import plan_groups
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.notices import blocker_lines
from helpdesk.sandbox.service import Sandbox
from helpdesk.sandboxes import sandboxes
from simulator import Account, PlanStep

#: The panel lists this many blockers left at most (the count says how many).
BLOCKERS_SHOWN = 10


def progress(sandbox: Sandbox, code: int) -> guides.PlanProgress | None:
    """Return the sandbox's progress along the plan, or None without a stored one.

    A sandbox shown but not stored yet (or gone) has no plan to follow.
    """
    if sandbox.id is None:
        return None
    try:
        return sandboxes().plan_progress(sandbox.id, code, sandbox.account)
    except (SandboxError, ValueError):
        return None


def article_link(code: int, lang: str) -> dict[str, str] | None:
    """Return the URL and title of the article that diagnoses ``code``."""
    translation = codes.diagnosing_article(get_library(), code, lang)
    if translation is None:
        return None
    article = translation.article
    return {
        "url": url_for("pages.article", slug=article.slug),
        "title": article.title,
    }


def step_url(step: PlanStep, account: Account) -> str:
    """Return the sandbox page where one step of the plan is done."""
    target = step.target
    if step.action == "change-role":
        return url_for("sandbox.edit_user", email=target)
    if step.action == "assign-license":
        return url_for("sandbox.edit_user", email=account.owner.email)
    if step.action == "disassociate":
        return url_for("sandbox.confirm_unlink", email=target)
    if step.action == "delete":
        # The dialog opens with the plan's transfer already chosen, so the
        # consequences shown are the plan's.
        query = {
            key: ("1" if value is True else value)
            for key, value in step.params.items()
            if value not in (None, False, "")
        }
        return url_for("sandbox.confirm_delete", email=target, **query)
    if step.action == "delete-room":
        return url_for("sandbox.confirm_delete_room", room_id=target)
    return url_for("sandbox.index", _anchor="addons-heading")


#: A run of this many targets at most is offered as one bulk action (its URL
#: names every user).
BULK_OFFER_MAX = 30


def bulk_url(run: list[PlanStep]) -> str | None:
    """Return the bulk dialog doing a run of unlinks or deletions at once, or None.

    The articles' procedures for several users are the portal's bulk actions; the
    run's transfer options are joined (all go to the same user, or none is offered).
    """
    if not run:
        return None
    first = run[0]
    if first.action not in ("disassociate", "delete") or not 1 < len(run) <= (
        BULK_OFFER_MAX
    ):
        return None
    targets = {step.params.get("transfer_email") for step in run}
    if len(targets) != 1:
        return None
    query: dict[str, Any] = {"action": first.action, "email": [s.target for s in run]}
    if targets != {None}:
        query["transfer_email"] = targets.pop()
        for name in ("transfer_meeting", "transfer_webinar", "transfer_recording"):
            if any(step.params.get(name) for step in run):
                query[name] = "1"
    return url_for("sandbox.confirm_bulk", **query)


def plan_url(code: int, query: dict[str, str]) -> str:
    """Return the error-code page showing this plan (the reader's answers kept)."""
    return url_for("errorcodes.code", code=code, _anchor="plan", **query)


def plan_panel(
    sandbox: Sandbox, code: int, lang: str, *, owner: bool, query: dict[str, str]
) -> dict[str, Any] | None:
    """Return the guide panel's data for the fix plan of ``code``, or None.

    ``owner``: whether the visitor acts as the account owner (only the owner can
    take every step); ``query``: the answers the plan came from.
    """
    found = progress(sandbox, code)
    if found is None:
        return None
    account = sandbox.account
    steps = []
    offset = 0
    plan = [step for step, _state in found.steps]
    for group in plan_groups(plan, lang):
        run = found.steps[offset : offset + group.count]
        offset += group.count
        states = {state for _step, state in run}
        todo = [step for step, step_state in run if step_state == "todo"]
        if states <= {"done"}:
            state = "done"
        elif states <= {"skipped", "done"}:
            state = "skipped"
        else:
            state = "todo"
        steps.append(
            {
                "kind": group.action,
                "text": group.text,
                "state": state,
                "link": group.link or group.why,
                "all_url": bulk_url(todo),
                "all_count": len(todo),
                "targets": [
                    {
                        "text": step.target,
                        "state": step_state,
                        "url": step_url(step, account),
                    }
                    for step, step_state in run
                ],
            }
        )
    current = next((s for s in steps if s["state"] == "todo"), None)
    if current is not None:
        current["state"] = "current"
    left = [b.to_dict() for b in found.left]
    hint = None
    if not owner and not found.complete:
        hint = _("Sign in as the account owner: only the owner can take every step.")
    article = article_link(code, lang)
    return {
        "mode": "plan",
        "title": _("Error code %(code)s", code=code),
        "url": plan_url(code, query),
        "article": article,
        "steps": steps,
        "complete": found.complete,
        "result": [],
        "hint": hint,
        "blockers": {
            "left": len(left),
            "total": found.total,
            "text": blockers_left(len(left), found.total),
            "lines": blocker_lines(left[:BLOCKERS_SHOWN], account, plan),
            "more": more_blockers(len(left) - BLOCKERS_SHOWN),
        },
    }


def blockers_left(left: int, total: int) -> str:
    """Return "Blockers left: 3 of 5" in the page's language."""
    return _(
        "Blockers left: %(left)s of %(total)s",
        left=format_number(left),
        total=format_number(total),
    )


def more_blockers(count: int) -> str | None:
    """Return "and 3 more" for the blockers the panel does not list, or None."""
    if count <= 0:
        return None
    return ngettext(
        "…and %(num)d more: the steps above clear them too.",
        "…and %(num)d more: the steps above clear them too.",
        count,
    )


def changes(found: guides.PlanProgress) -> list[str]:
    """Return what following the plan changed, one line per action taken."""
    done: dict[str, int] = {}
    for step, state in found.steps:
        if state == "done":
            done[step.action] = done.get(step.action, 0) + 1
    lines = []
    for action, count in done.items():
        line = CHANGE_LINES.get(action)
        if line is not None:
            lines.append(line(count))
    lines.append(_("The invitation was accepted: you have joined the other account."))
    return lines


CHANGE_LINES = {
    "change-role": lambda n: ngettext(
        "%(num)d admin was given the role Member.",
        "%(num)d admins were given the role Member.",
        n,
    ),
    "assign-license": lambda n: _("The account owner was given a free license."),
    "disassociate": lambda n: ngettext(
        "%(num)d user was unlinked and keeps their own account and data.",
        "%(num)d users were unlinked and keep their own accounts and data.",
        n,
    ),
    "delete": lambda n: ngettext(
        "%(num)d user on a managed domain was deleted.",
        "%(num)d users on a managed domain were deleted.",
        n,
    ),
    "delete-room": lambda n: ngettext(
        "%(num)d Zoom Room was deleted.", "%(num)d Zoom Rooms were deleted.", n
    ),
    "remove-addon": lambda n: ngettext(
        "%(num)d add-on was cancelled.", "%(num)d add-ons were cancelled.", n
    ),
}


def success_screen(
    sandbox: Sandbox, code: int, lang: str, query: dict[str, str]
) -> dict[str, Any] | None:
    """Return what the success screen shows, or None if the plan is not done."""
    found = progress(sandbox, code)
    if found is None or not found.complete:
        return None
    return {
        "code": code,
        "changes": changes(found),
        "article": article_link(code, lang),
        "error_page": plan_url(code, query),
    }
