"""Notices and refusals as a sandbox page shows them, in the page's language.

A notice is queued as plain data (``{"code": ..., ...}`` with a kind such as
``success`` or ``refusal``); :func:`word_notice` turns it into the text, lines,
source link and 1009 blockers the portal frame renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

import simulator
from helpdesk.content import get_library
from helpdesk.i18n import current_language
from helpdesk.sandbox import messages
from helpdesk.sandbox.wording import describe_change
from simulator import Account, BulkRefused, CsvRejected, RuleViolation


def plain(value: Any) -> Any:
    """Return ``value`` with tuples turned into lists (session JSON)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def refusal_data(rule_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the text and source link of a refusal, in the page's language."""
    violation = RuleViolation(rule_id, **params)
    url, title = messages.rule_source(rule_id, current_language())
    return {
        "text": messages.rule_message(violation),
        "link": {"url": url, "title": title},
    }


def blocker_lines(
    blockers: list[dict[str, Any]],
    account: Account,
    steps: Iterable[simulator.PlanStep] | None = None,
) -> list[dict[str, Any]]:
    """Return each 1009 blocker with a sandbox link and the sections that clear it.

    ``steps``: the plan whose sections to link (default: the account diagnosed now).
    """
    plan: dict[str, list[str]] = {}
    if steps is None and not account.invitation_accepted:
        steps = simulator.diagnose(account).plan
    for step in steps or ():
        plan.setdefault(step.target, []).append(step.action)
    lang = current_language()
    lines = []
    for blocker in blockers:
        kind, ident = blocker.get("kind"), str(blocker.get("id"))
        if kind == "user":
            text = _(
                "User %(email)s (%(role)s, %(status)s)",
                email=ident,
                role=messages.role_label(str(blocker.get("role"))),
                status=messages.status_label(str(blocker.get("status"))),
            )
            sandbox_url = url_for("sandbox.users", q=ident)
        elif kind == "room":
            text = _("Zoom Room %(room)s", room=ident)
            sandbox_url = url_for("sandbox.rooms")
        else:
            text = _("Add-on %(addon)s", addon=ident)
            sandbox_url = url_for("sandbox.index")
        fixes = []
        for action in plan.get(ident, []):
            ref = simulator.FIXES[action].section()
            fixes.append(section_link(ref.article, ref.section, lang))
        lines.append({"text": text, "sandbox_url": sandbox_url, "fixes": fixes})
    return lines


def section_link(slug: str, section_id: str, lang: str) -> dict[str, str]:
    """Return the URL and title of an article section in ``lang``."""
    translation = get_library().translation(slug, lang)
    title = section_id
    if translation is not None:
        section = translation.article.section(section_id)
        if section is not None:
            title = section.title
    return {
        "url": url_for("pages.article", slug=slug, _anchor=section_id),
        "title": title,
    }


def word_notice(kind: str, data: dict[str, Any], account: Account) -> dict[str, Any]:
    """Return one notice as ``{"kind", "text", "lines", "link", "blockers"}``."""
    code = data.get("code")
    out: dict[str, Any] = {"kind": kind, "text": "", "lines": [], "link": None}
    if kind == "refusal" and code == "rule" and data["rule"] == "invitation-blocked":
        blockers = [b.to_dict() for b in simulator.blockers(account)]
        params = {**data.get("params", {}), "blockers": blockers}
        out.update(refusal_data(data["rule"], params))
        out["blockers"] = blocker_lines(blockers, account)
    elif kind == "refusal" and code == "rule":
        out.update(refusal_data(data["rule"], data.get("params", {})))
    elif kind == "refusal" and code == "bulk":
        out["text"] = bulk_refusal_text(
            [str(r.get("email", "")) for r in data.get("results", [])],
            predicted=bool(data.get("predicted")),
        )
        for result in data.get("results", []):
            if result.get("rule") in simulator.RULES:
                text = refusal_data(result["rule"], result.get("params", {}))["text"]
            else:
                text = messages.row_error_message(
                    str(result.get("error")), result["email"]
                )
            out["lines"].append(text)
        rules = [r.get("rule") for r in data.get("results", []) if r.get("rule")]
        if rules and rules[0] in simulator.RULES:
            url, title = messages.rule_source(rules[0], current_language())
            out["link"] = {"url": url, "title": title}
    elif code == "rule-note":
        out.update(refusal_data(data["rule"], {}))
    elif code == "change":
        lines = describe_change(data["change"], account)
        out["text"], out["lines"] = (lines[0], lines[1:]) if lines else ("", [])
    elif code == "text":
        out["text"] = NOTICE_TEXTS[data["key"]](data)
    elif code == "expired":
        out["text"] = _(
            "Your sandbox had expired. This is a fresh one from the error 1009 "
            "scenario: it is kept from your first change."
        )
    elif code == "csv":
        out["text"] = messages.csv_rejected_message(
            CsvRejected(data["reason"], **data.get("params", {}))
        )
        out["lines"] = [_("Nothing was changed.")]
    return out


def bulk_refusal_text(refused: list[str], *, predicted: bool) -> str:
    """Return the sentence naming the selected users a bulk action refuses.

    ``predicted``: the dialog foretells it; otherwise the action was tried and
    nothing was changed.
    """
    users = ", ".join(refused)
    if predicted:
        return ngettext(
            "This cannot be done for %(num)d selected user: %(users)s.",
            "This cannot be done for %(num)d of the selected users: %(users)s.",
            len(refused),
            users=users,
        )
    return ngettext(
        "Nothing was changed: this cannot be done for %(num)d selected user: "
        "%(users)s.",
        "Nothing was changed: this cannot be done for %(num)d of the selected "
        "users: %(users)s.",
        len(refused),
        users=users,
    )


NOTICE_TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "select-users": lambda p: _("Select at least one user first."),
    "bad-days": lambda p: _(
        "Enter a whole number of days between 1 and %(max)s.",
        max=format_number(p["max"]),
    ),
    "bad-clock": lambda p: _(
        "Enter a whole number of days between 1 and %(max)s.",
        max=format_number(p["max"]),
    ),
    "reset": lambda p: _("The sandbox is back to how it started."),
    "new": lambda p: _("A new sandbox was created."),
    "reset-undone": lambda p: _("The reset was undone: the sandbox is as it was."),
    "new-account": lambda p: _("A new sandbox was created from the account JSON."),
    "shared": lambda p: _(
        "Anyone with the link below can now see this sandbox, read-only."
    ),
    "share-revoked": lambda p: _(
        "The share link was revoked: it no longer opens this sandbox."
    ),
    "copied": lambda p: _(
        "The shared sandbox was copied: this sandbox is your own to change."
    ),
    "guide-current": lambda p: _(
        "The procedure runs on your current account. Follow the steps on the right."
    ),
    "accepted": lambda p: _(
        "The invitation was accepted: you have joined the other account."
    ),
    "actor": lambda p: _("You now act as another user."),
    "no-file": lambda p: _("Choose a CSV file to upload."),
    "bad-action": lambda p: _("Choose an action from the list first."),
    "guide-unknown": lambda p: _("That procedure could not be found."),
    "guide-started": lambda p: _(
        "A fresh sandbox was set up for this procedure. Follow the steps on the right."
    ),
    "bad-input": lambda p: _("That value is not valid. Nothing was changed."),
    "too-large": lambda p: _(
        "This sandbox has grown too large. Reset it or start a new one."
    ),
}


def refusal_view(refusal: Any) -> dict[str, Any] | None:
    """Return a predicted refusal as ``{"text", "link", "lines"}`` for a page."""
    if refusal is None:
        return None
    if isinstance(refusal, BulkRefused):
        data = word_notice(
            "refusal",
            {
                "code": "bulk",
                "predicted": True,
                "results": [r.to_dict() for r in refusal.results if not r.ok],
            },
            simulator.Account(),
        )
        return data
    return {**refusal_data(refusal.rule_id, plain(refusal.params)), "lines": []}
