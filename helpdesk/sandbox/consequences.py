"""Wording of previews: the "What will happen" parts of the confirmation pages.

:mod:`helpdesk.sandbox.preview` works out the consequences as dataclasses; these
functions word them in the current request's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.sandbox import messages
from helpdesk.sandbox.notices import plain
from helpdesk.sandbox.preview import (
    BulkPreview,
    Consequences,
    DeactivationPreview,
    ImportPreview,
    Item,
)
from helpdesk.sandbox.wording import count_items, describe_event, import_row_text
from simulator import RuleViolation


def item_label(kind: str) -> str:
    """Return the label of an item kind: Meeting, Webinar, Cloud recording."""
    if kind == "meeting":
        return _("Meeting")
    if kind == "webinar":
        return _("Webinar")
    return _("Cloud recording")


def item_rows(items: list[Item] | None) -> list[dict[str, Any]] | None:
    """Return items labelled for the consequences list (``None`` stays ``None``)."""
    if items is None:
        return None
    return [
        {"label": item_label(i.kind), "topic": i.topic, "id": i.id, "pmi": i.pmi}
        for i in items
    ]


def removal_consequences(consequences: Consequences) -> dict[str, Any]:
    """Return the consequences of an unlink or delete for the confirmation page."""
    licenses = []
    if consequences.frees_license:
        licenses.append(_("1 license"))
    if consequences.frees_webinar_license:
        licenses.append(_("1 webinar license"))
    return {
        "transfer_email": consequences.transfer_email,
        "transferred": item_rows(consequences.transferred),
        "kept": item_rows(consequences.kept),
        "deleted": item_rows(consequences.deleted),
        "licenses": licenses,
        "notes": [messages.rule_message(RuleViolation(n)) for n in consequences.notes],
    }


def removal_lines(report: dict[str, Any]) -> list[str]:
    """Return what an unlink or delete will do, item by item (future tense).

    ``report`` is a removal report's JSON with the ``transfer`` asked for; the
    wording of what *was* done is :func:`~helpdesk.sandbox.wording.describe_removal`.
    """
    email = report.get("user") or report.get("target", "")
    if report.get("action") == "disassociate":
        lines = [_("%(email)s will be unlinked from your account.", email=email)]
    else:
        lines = [_("%(email)s will be deleted permanently.", email=email)]
    transferred = count_items(report.get("transferred", {}))
    if transferred:
        target = (report.get("transfer") or {}).get("transfer_email")
        if target:
            lines.append(
                _(
                    "Will be transferred to %(email)s: %(items)s.",
                    email=target,
                    items=transferred,
                )
            )
        else:
            lines.append(_("Will be transferred: %(items)s.", items=transferred))
    kept = count_items(report.get("kept", {}))
    if kept:
        lines.append(_("Will stay with the unlinked user: %(items)s.", items=kept))
    deleted = count_items(report.get("deleted", {}))
    if deleted:
        lines.append(_("Will be deleted permanently: %(items)s.", items=deleted))
    if "pmi-not-transferable" in report.get("notes", []):
        lines.append(messages.rule_message(RuleViolation("pmi-not-transferable")))
    return lines


def bulk_lines(preview: BulkPreview) -> list[str]:
    """Return what a bulk action will do to each selected user, line by line."""
    lines: list[str] = []
    if preview.report is None:
        return lines
    for result in preview.report.results:
        if result.report is not None:
            data = result.report.to_dict()
            if preview.transfer is not None:
                data["transfer"] = preview.transfer.to_params()
            lines.extend(removal_lines(data))
        else:
            lines.append(_("%(email)s will be deactivated.", email=result.email))
    return lines


def freed_licenses(preview: BulkPreview) -> list[str]:
    """Return how many licenses a bulk action frees."""
    lines = []
    if preview.licenses_freed:
        lines.append(
            ngettext("%(num)d license", "%(num)d licenses", preview.licenses_freed)
        )
    if preview.webinar_licenses_freed:
        lines.append(
            ngettext(
                "%(num)d webinar license",
                "%(num)d webinar licenses",
                preview.webinar_licenses_freed,
            )
        )
    return lines


def deactivation_lines(preview: DeactivationPreview) -> list[str]:
    """Return what deactivating a user would do, line by line."""
    lines = []
    if preview.returns_license:
        lines.append(_("Their license will go back to the pool."))
    if preview.returns_webinar_license:
        lines.append(_("Their webinar license will go back to the pool."))
    if preview.loses_privileges:
        lines.append(messages.rule_message(RuleViolation("external-deactivated")))
    lines.append(
        _(
            "They will no longer be able to sign in; their settings, meetings and "
            "recordings will be kept and you can activate them again later."
        )
    )
    days = preview.delete_after_days
    if days is not None:
        lines.append(
            ngettext(
                "Automatic deletion is on: they will be deleted permanently after "
                "%(num)d day.",
                "Automatic deletion is on: they will be deleted permanently after "
                "%(num)d days.",
                days,
            )
        )
    return lines


def import_rows(preview: ImportPreview) -> list[dict[str, Any]]:
    """Return each row of a previewed import with what it would do, worded."""
    rows = []
    for row in preview.rows:
        if row.ok:
            text = describe_event(row.event) if row.event else ""
        else:
            # Worded as the results page words the same row after the import.
            violation = row.violation
            text = import_row_text(
                {
                    "email": row.email,
                    "ok": False,
                    "error": row.error if violation is None else violation.rule_id,
                    "params": {} if violation is None else plain(violation.params),
                }
            )
        rows.append({"row": row.row, "email": row.email, "ok": row.ok, "text": text})
    return rows
