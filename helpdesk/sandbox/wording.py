"""Wording of what happened in a sandbox: events, removal reports, changes.

The simulator returns events and reports as plain data; these functions turn them
into sentences in the current request's language. Notices are stored in the session
as such data and worded only when shown, so they follow the page's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import simulator
from helpdesk.sandbox import messages
from simulator import Account, RuleViolation

#: What each scenario teaches, shown in the scenario picker.
SCENARIO_LABELS = {
    "error-1009": _l(
        "Error 1009: an account with an admin, members on and off the managed "
        "domain, a deactivated and a pending user and a Zoom Room."
    ),
    "clean": _l("Clean: the account owner alone, the invitation can be accepted."),
    "bulk": _l("Bulk: more than 20 users to select and to update with a CSV file."),
    "auto-delete": _l(
        "Auto-delete: users deactivated 5, 25 and 90 days ago, for the Advanced tab."
    ),
    "addons": _l("Add-ons: an account whose add-ons block the invitation."),
}

IMPORT_ACTION_LABELS = {
    "deactivate": _l("Deactivate Users"),
    "disassociate": _l("Unlink Users"),
    "delete": _l("Delete Users"),
}


def item_count(value: Any) -> int:
    """Return how many items a list (or an already counted number) stands for."""
    return len(value) if isinstance(value, list) else int(value or 0)


def compact_report(report: dict[str, Any]) -> dict[str, Any]:
    """Return a removal report with item lists replaced by counts (session-sized)."""
    small = dict(report)
    for key in ("transferred", "kept", "deleted"):
        small[key] = {k: item_count(v) for k, v in report.get(key, {}).items()}
    return small


def count_items(items: dict[str, Any]) -> str:
    """Return "2 meetings, 1 webinar" for an items dict (lists or counts)."""
    parts = []
    meetings = item_count(items.get("meetings"))
    webinars = item_count(items.get("webinars"))
    recordings = item_count(items.get("recordings"))
    if meetings:
        parts.append(ngettext("%(num)d meeting", "%(num)d meetings", meetings))
    if webinars:
        parts.append(ngettext("%(num)d webinar", "%(num)d webinars", webinars))
    if recordings:
        parts.append(
            ngettext("%(num)d cloud recording", "%(num)d cloud recordings", recordings)
        )
    return ", ".join(parts)


def describe_removal(report: dict[str, Any]) -> list[str]:
    """Return what an unlink or delete did, item by item."""
    email = report.get("user") or report.get("target", "")
    if report.get("action") == "disassociate":
        lines = [_("%(email)s was unlinked from your account.", email=email)]
    else:
        lines = [_("%(email)s was deleted.", email=email)]
    transfer = report.get("transfer") or {}
    transferred = count_items(report.get("transferred", {}))
    if transferred:
        target = transfer.get("transfer_email")
        if target:
            lines.append(
                _(
                    "Transferred to %(email)s: %(items)s.",
                    email=target,
                    items=transferred,
                )
            )
        else:
            lines.append(_("Transferred: %(items)s.", items=transferred))
    kept = count_items(report.get("kept", {}))
    if kept:
        lines.append(_("Kept by the unlinked user: %(items)s.", items=kept))
    deleted = count_items(report.get("deleted", {}))
    if deleted:
        lines.append(_("Permanently deleted: %(items)s.", items=deleted))
    if "pmi-not-transferable" in report.get("notes", []):
        lines.append(messages.rule_message(RuleViolation("pmi-not-transferable")))
    return lines


def describe_event(event: dict[str, Any]) -> str:
    """Return one line of the event log as a sentence."""
    action, target, d = event["action"], event["target"], event.get("details", {})
    if not event.get("ok", True):
        rule = event.get("rule")
        if rule in simulator.RULES:
            refusal = messages.rule_message(RuleViolation(rule, **d))
        else:
            refusal = str(rule)
        return _("Refused: %(reason)s", reason=refusal)
    if action == "change-role":
        return _(
            "%(email)s: role changed from %(before)s to %(after)s.",
            email=target,
            before=messages.role_label(str(d.get("before"))),
            after=messages.role_label(str(d.get("after"))),
        )
    if action == "assign-license":
        after = d.get("after", {})
        return license_line(target, after.get("license"), after.get("webinar"))
    if action == "deactivate":
        return _("%(email)s was deactivated.", email=target)
    if action == "activate":
        return _("%(email)s was activated again, without licenses.", email=target)
    if action in ("disassociate", "delete"):
        return " ".join(describe_removal({**d, "action": action, "user": target}))
    if action == "delete-room":
        return _("Zoom Room %(name)s was deleted.", name=d.get("name") or target)
    if action == "remove-addon":
        return _("Add-on %(addon)s was cancelled.", addon=target)
    if action == "update-settings":
        after = d.get("after", {})
        return settings_line(
            after.get("delete_deactivated_after_days"),
            bool(after.get("notify_admins_before_delete")),
        )
    if action == "auto-delete-notice":
        listed = [str(u) for u in d.get("users", [])]
        # One verb for the whole list: plural forms on the number of users.
        return ngettext(
            "E-mail to %(email)s: on day %(day)s, %(num)d user will be deleted "
            "permanently: %(users)s.",
            "E-mail to %(email)s: on day %(day)s, %(num)d users will be deleted "
            "permanently: %(users)s.",
            len(listed),
            email=target,
            users=", ".join(listed),
            day=d.get("delete_day", "?"),
        )
    if action == "auto-delete":
        return _(
            "%(email)s was deleted automatically (deactivated for too long).",
            email=target,
        )
    if action == "sign-in":
        return _("%(email)s signed in.", email=target)
    if action == "accept-invitation":
        return _("The invitation to join another account was accepted.")
    if action == "import":
        return import_line(
            str(target), int(d.get("applied", 0)), int(d.get("failed", 0))
        )
    return f"{action} {target}"


def deactivated_since(day: int) -> str:
    """Return when a user was deactivated, for the Users list.

    Accounts loaded with ``deactivated_days_ago`` have users deactivated before the
    sandbox clock started (day 0): "12 days before the start", not "since day -12".
    """
    if day < 0:
        return ngettext(
            "%(num)d day before the start", "%(num)d days before the start", -day
        )
    if day == 0:
        return _("since the start")
    return _("since day %(day)s", day=format_number(day))


def license_line(email: str, license: Any, webinar: Any) -> str:
    """Return a user's licenses as a sentence."""
    if license == "licensed" and webinar:
        return _("%(email)s now has a license and a webinar license.", email=email)
    if license == "licensed":
        return _("%(email)s now has a license, no webinar license.", email=email)
    if webinar:
        return _("%(email)s is now basic, with a webinar license.", email=email)
    return _("%(email)s is now basic, without licenses.", email=email)


def settings_line(days: Any, notify: bool) -> str:
    """Return the auto-delete setting as a sentence."""
    if days is None:
        return _("Deleting deactivated users automatically is off.")
    if notify:
        return ngettext(
            "Deactivated users are deleted after %(num)d day; admins are e-mailed "
            "7 days before.",
            "Deactivated users are deleted after %(num)d days; admins are e-mailed "
            "7 days before.",
            int(days),
        )
    return ngettext(
        "Deactivated users are deleted after %(num)d day, without notice.",
        "Deactivated users are deleted after %(num)d days, without notice.",
        int(days),
    )


def import_line(action: str, applied: int, failed: int) -> str:
    """Return the outcome of a CSV import as a sentence."""
    label = IMPORT_ACTION_LABELS.get(simulator_import_action(action), action)
    done = ngettext("%(num)d row applied", "%(num)d rows applied", applied)
    refused = ngettext("%(num)d row failed", "%(num)d rows failed", failed)
    return _(
        "Import (%(action)s): %(applied)s, %(failed)s.",
        action=label,
        applied=done,
        failed=refused,
    )


def simulator_import_action(action: str) -> str:
    """Return the canonical import action (``unlink`` is ``disassociate``)."""
    return "disassociate" if action == "unlink" else action


def describe_change(change: dict[str, Any], account: Account) -> list[str]:
    """Return the lines describing what an operation changed."""
    kind = change.get("type")
    if kind == "removal":
        return describe_removal(change["report"])
    if kind == "bulk":
        lines = []
        for result in change["results"]:
            if result.get("report"):
                lines.extend(describe_removal(result["report"]))
            else:
                lines.append(_("%(email)s was deactivated.", email=result["email"]))
        return lines
    if kind == "events":
        lines = [describe_event(e) for e in change["events"]]
        return lines or [_("Nothing happened.")]
    return []


# --- CSV import results -------------------------------------------------------------


def import_row_text(row: dict[str, Any]) -> str:
    """Return what importing one row did: "Done." or why it was not applied.

    ``row`` is a row of an ``import`` event (``row``, ``email``, ``ok``,
    ``error``, ``params``); the preview words its refused rows the same way. An
    event recorded before rows kept their params is worded with the row's
    e-mail (and its domain) so that no message shows a placeholder.
    """
    if row.get("ok"):
        return _("Done.")
    error = str(row.get("error"))
    email = str(row.get("email", ""))
    if error in simulator.RULES:
        params = row.get("params")
        if not isinstance(params, dict) or not params:
            params = {"email": email, "domain": email.rpartition("@")[2]}
        return messages.rule_message(RuleViolation(error, **params))
    return messages.row_error_message(error, email)


def import_result_rows(details: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every row of an import event (all when kept, else the examples)."""
    kept = details.get("results")
    if isinstance(kept, list):
        rows = [
            {"row": r[0], "email": r[1], "ok": r[2], "error": r[3], "params": r[4]}
            for r in kept
            if isinstance(r, list) and len(r) == 5
        ]
    else:
        rows = [r for r in details.get("rows", []) if isinstance(r, dict)]
    return [{**row, "text": import_row_text(row)} for row in rows]


def import_results_table(details: dict[str, Any]) -> list[list[object]]:
    """Return the results download: a header, then row, e-mail, result, message."""
    table: list[list[object]] = [[_("Row"), _("E-mail"), _("Result"), _("Message")]]
    for row in import_result_rows(details):
        result = _("Applied") if row.get("ok") else _("Not applied")
        table.append([row.get("row"), row.get("email"), result, row["text"]])
    return table
