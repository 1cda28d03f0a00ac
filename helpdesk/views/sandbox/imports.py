"""Import → Update Users: choose an action, upload a CSV file, preview, confirm."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, abort, redirect, request, url_for
from flask_babel import format_number, ngettext
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.i18n import current_language
from helpdesk.sandbox import consequences, preview
from helpdesk.sandbox.notices import plain, refusal_view
from helpdesk.sandbox.wording import (
    IMPORT_ACTION_LABELS,
    import_results_table,
    import_row_text,
)
from helpdesk.sandboxes import sandboxes
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import render
from helpdesk.views.sandbox.state import (
    actor_of,
    load_sandbox,
    notice,
    signal,
)
from simulator import (
    Account,
    CsvRejected,
    Event,
    ImportReport,
)
from simulator.csv_files import write_csv

IMPORT_ACTIONS = ("deactivate", "disassociate", "delete")


@bp.get("/import")
def import_page() -> str:
    """Show Import straight on its only tab, Update Users (no click to get there)."""
    return import_update()


@bp.get("/import/update")
def import_update() -> str:
    """Show Import, opened on its one tab, Update Users: action, sample, upload."""
    sandbox = load_sandbox()
    action = request.args.get("action", "")
    if action in IMPORT_ACTIONS:
        signal("csv-action", sandbox.account)
    else:
        action = ""
        signal("update-tab", sandbox.account)
    return render(
        "sandbox/import.html",
        sandbox,
        section="users",
        step="update",
        action=action,
        labels=IMPORT_ACTION_LABELS,
    )


@bp.get("/import/sample.csv")
def import_sample() -> Response:
    """Download the sample CSV for the chosen action."""
    action = request.args.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(404)
    sandbox = load_sandbox()
    text = sandboxes().sample_csv(sandbox.id, action)
    signal("sample", sandbox.account)
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="sample-{action}.csv"'},
    )


@bp.get("/import/upload")
def import_upload_form() -> str | BaseResponse:
    """Show the upload form (Upload CSV File) for the chosen action."""
    sandbox = load_sandbox()
    action = request.args.get("action", "")
    if action not in IMPORT_ACTIONS:
        notice("error", "text", key="bad-action")
        return redirect(url_for("sandbox.import_update"))
    signal("upload-form", sandbox.account)
    return render(
        "sandbox/import.html",
        sandbox,
        section="users",
        step="upload",
        action=action,
        labels=IMPORT_ACTION_LABELS,
    )


@bp.post("/import/upload")
def import_preview() -> str | BaseResponse:
    """Read the uploaded file and show what importing it would do (nothing saved)."""
    action = request.form.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(400)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    if upload is None or not upload.filename:
        notice("error", "text", key="no-file")
        return redirect(url_for("sandbox.import_upload_form", action=action))
    return _preview_page(action, data)


def _preview_page(action: str, data: bytes) -> str | BaseResponse:
    sandbox = load_sandbox()
    account = sandbox.account
    try:
        predicted = preview.preview_import(
            account, action, data, actor_of(account).email
        )
    except CsvRejected as rejected:
        notice("error", "csv", reason=rejected.reason, params=plain(rejected.params))
        return redirect(url_for("sandbox.import_upload_form", action=action))
    return render(
        "sandbox/import_confirm.html",
        sandbox,
        section="users",
        action=action,
        labels=IMPORT_ACTION_LABELS,
        refusal=refusal_view(predicted.refusal),
        rows=consequences.import_rows(predicted),
        report=predicted.report,
        data=base64.b64encode(data).decode("ascii"),
    )


@bp.post("/import/confirm")
def import_confirm() -> BaseResponse:
    """Apply the previewed CSV file."""
    action = request.form.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(400)
    try:
        data = base64.b64decode(request.form.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    upload_form = url_for("sandbox.import_upload_form", action=action)

    def describe(report: ImportReport) -> dict[str, Any]:
        import_event = {
            "action": "import",
            "target": action,
            "ok": True,
            "details": {"applied": report.applied, "failed": report.failed},
        }
        return {"type": "events", "events": [import_event]}

    return perform(
        lambda svc, sid, actor: svc.import_csv(sid, action, data, actor=actor),
        done=url_for("sandbox.import_results"),
        back_to=upload_form,
        describe=describe,
        signal_name="imported",
    )


def _latest_import(account: Account) -> Event | None:
    """Return the latest import that was carried out (not refused), if any."""
    return next(
        (e for e in reversed(account.events) if e.action == "import" and e.ok),
        None,
    )


@bp.get("/import/results")
def import_results() -> str:
    """Show the rows of the latest import, as the event log recorded them."""
    sandbox = load_sandbox()
    latest = _latest_import(sandbox.account)
    rows = []
    summary = []
    if latest is not None:
        details = latest.details
        rows = [
            {**row, "text": import_row_text(row)}
            for row in details.get("rows", [])
            if isinstance(row, dict)
        ]
        total = int(details.get("rows_total", len(rows)))
        summary.append(
            ngettext(
                "%(num)d row was read: %(applied)s applied, %(failed)s not.",
                "%(num)d rows were read: %(applied)s applied, %(failed)s not.",
                total,
                applied=format_number(int(details.get("applied", 0))),
                failed=format_number(int(details.get("failed", 0))),
            )
        )
        if len(rows) < total:
            summary.append(
                ngettext(
                    "Shown here: %(num)d example row, the ones not applied first.",
                    "Shown here: %(num)d example rows, the ones not applied first.",
                    len(rows),
                )
            )
    return render(
        "sandbox/import_results.html",
        sandbox,
        section="users",
        latest=latest,
        rows=rows,
        summary=summary,
        labels=IMPORT_ACTION_LABELS,
    )


#: The delimiter Excel expects in each language (a comma is nl/pl's decimal mark).
CSV_DELIMITERS = {"en": ","}


@bp.get("/import/results.csv")
def import_results_csv() -> Response:
    """Download every row of the latest import: row, e-mail, result, message.

    Formula-safe cells (:func:`simulator.csv_files.write_csv`), UTF-8 with a
    byte order mark so that Excel reads the names right, and the delimiter the
    reader's Excel expects. 404 when nothing was imported yet.
    """
    sandbox = load_sandbox()
    latest = _latest_import(sandbox.account)
    if latest is None:
        abort(404)
    lang = current_language()
    text = write_csv(
        import_results_table(latest.details),
        delimiter=CSV_DELIMITERS.get(lang, ";"),
    )
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="import-results-{lang}.csv"'
        },
    )
