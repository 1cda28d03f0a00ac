"""Unlink and delete one user or a selection: the dialogs and the actions.

Each dialog shows the consequences first (:mod:`helpdesk.sandbox.preview`); a
refusal caused by the transfer options shows the dialog again to fix them.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.sandbox import consequences, preview, service
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.notices import refusal_view
from helpdesk.sandbox.wording import (
    compact_report,
)
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import get_user, render
from helpdesk.views.sandbox.state import (
    NOTICE_MAX_LINES,
    actor_of,
    load_sandbox,
    notice,
    signal,
)
from simulator import (
    Account,
    BulkReport,
    RemovalReport,
    TransferOptions,
)

#: Refusals caused by the transfer options: the dialog is shown again to fix them.
TRANSFER_RULES = frozenset(
    {"transfer-target", "transfer-recordings-licensed", "transfer-webinars-licensed"}
)


#: The guide signal sent when a bulk action went through.
BULK_DONE_SIGNALS = {
    "deactivate": "bulk-deactivated",
    "disassociate": "bulk-unlinked",
    "delete": "bulk-deleted",
}


def transfer_form(source: Any) -> dict[str, Any]:
    """Return the transfer options of a dialog's form (query or body)."""
    return {
        "transfer_email": source.get("transfer_email", "").strip()[:254],
        "transfer_meeting": source.get("transfer_meeting") == "1",
        "transfer_webinar": source.get("transfer_webinar") == "1",
        "transfer_recording": source.get("transfer_recording") == "1",
    }


def transfer_options(
    form: dict[str, Any], with_transfer: bool
) -> TransferOptions | None:
    """Return the simulator's transfer options, or None without transfer."""
    if not with_transfer:
        return None
    return TransferOptions(
        form["transfer_email"] or None,
        meetings=form["transfer_meeting"],
        webinars=form["transfer_webinar"],
        recordings=form["transfer_recording"],
    )


def transfer_candidates(account: Account, leaving: list[str]) -> list[simulator.User]:
    """Return the users data could go to (for the e-mail field's suggestions)."""
    gone = {e.casefold() for e in leaving}
    return [
        u
        for u in account.users
        if u.status is simulator.Status.ACTIVE and u.key not in gone
    ]


def _removal_preview(
    account: Account, email: str, action: str, form: dict[str, Any]
) -> tuple[preview.RemovalPreview, dict[str, Any]]:
    """Predict a removal with the form's transfer; return it and its page parts."""
    chosen = transfer_options(form, True) or TransferOptions(None)
    predicted = preview.preview_removal(
        account, email, action, chosen, actor_of(account).email
    )
    parts = {
        "transfer_refusal": refusal_view(predicted.transfer_refusal),
        "consequences": (
            consequences.removal_consequences(predicted.consequences)
            if predicted.consequences is not None
            else None
        ),
        "bulk_lines": [],
        "licenses": [],
    }
    return predicted, parts


def _removal_page(email: str, action: str, source: Any) -> str:
    """Render the unlink or delete dialog for the options in ``source``."""
    sandbox = load_sandbox()
    account = sandbox.account
    user = get_user(account, email)
    form = transfer_form(source)
    predicted, parts = _removal_preview(account, user.email, action, form)
    signal("unlink-dialog" if action == "disassociate" else "delete-dialog", account)
    if source is request.form:
        signal("transfer-options", account)
    word = "unlink" if action == "disassociate" else "delete"
    refused = predicted.refusal
    managed = (
        [user.email]
        if isinstance(refused, simulator.RuleViolation)
        and refused.rule_id == "managed-domain"
        else []
    )
    return render(
        "sandbox/transfer.html",
        sandbox,
        section="users",
        action=action,
        emails=[] if refused is not None else [user.email],
        selected=[user.email],
        bulk=False,
        form=form,
        refusal=refusal_view(refused),
        managed=managed,
        delete_url=_delete_instead_url(managed, form),
        candidates=transfer_candidates(account, [user.email]),
        form_action=url_for(f"sandbox.{word}", email=user.email),
        preview_url=url_for(f"sandbox.{word}_preview", email=user.email),
        **parts,
    )


def _removal_fragment(email: str, action: str) -> str:
    """Render only "What will happen" of a removal for the query's options."""
    account = load_sandbox().account
    user = get_user(account, email)
    _, parts = _removal_preview(
        account, user.email, action, transfer_form(request.args)
    )
    return render_template(
        "sandbox/_removal_preview.html", action=action, bulk=False, **parts
    )


@bp.get("/users/<email>/unlink/preview")
def unlink_preview(email: str) -> str:
    """Return what unlinking would do with the query's options (changes nothing)."""
    return _removal_fragment(email, "disassociate")


@bp.get("/users/<email>/delete/preview")
def delete_preview(email: str) -> str:
    """Return what deleting would do with the query's options (changes nothing)."""
    return _removal_fragment(email, "delete")


@bp.get("/users/<email>/unlink")
def confirm_unlink(email: str) -> str:
    """Show the unlink dialog: transfer options and the consequences."""
    return _removal_page(email, "disassociate", request.args)


@bp.get("/users/<email>/delete")
def confirm_delete(email: str) -> str:
    """Show the delete dialog: transfer options and the consequences."""
    return _removal_page(email, "delete", request.args)


def _remove(email: str, action: str) -> str | BaseResponse:
    """Unlink or delete a user, or (``mode=preview``) show the dialog again."""
    if request.form.get("mode") == "preview":
        return _removal_page(email, action, request.form)
    form = transfer_form(request.form)
    with_transfer = request.form.get("mode") == "transfer"
    transfer = transfer_options(form, with_transfer)
    dialog = (
        "sandbox.confirm_unlink"
        if action == "disassociate"
        else "sandbox.confirm_delete"
    )

    def refused(error: SandboxError) -> str:
        if error.rule not in TRANSFER_RULES:
            return url_for("sandbox.users")
        return url_for(dialog, email=email, **_query(form))

    def describe(report: RemovalReport) -> dict[str, Any]:
        data = report.to_dict()
        data["transfer"] = (transfer or TransferOptions(None)).to_params()
        return {"type": "removal", "report": compact_report(data)}

    return perform(
        lambda svc, sid, actor: svc.remove_user(
            sid, email, action, transfer, actor=actor
        ),
        done=url_for("sandbox.users"),
        back_to=refused,
        describe=describe,
        signal_name="unlinked" if action == "disassociate" else "deleted",
    )


@bp.post("/users/<email>/unlink")
def unlink(email: str) -> str | BaseResponse:
    """Unlink a user, with or without data transfer."""
    return _remove(email, "disassociate")


@bp.post("/users/<email>/delete")
def delete(email: str) -> str | BaseResponse:
    """Delete a user, with or without data transfer."""
    return _remove(email, "delete")


@bp.get("/users/bulk")
def confirm_bulk() -> str | BaseResponse:
    """Show what a bulk action on the selected users does and ask to confirm."""
    return _bulk_page(request.args)


def _bulk_selection(source: Any) -> tuple[str, list[str]] | None:
    """Return the action and the selected e-mails of a bulk form (None: nobody).

    :raise werkzeug.exceptions.BadRequest: an unknown action.
    """
    action = source.get("action", "")
    if action not in service.BULK_ACTIONS:
        abort(400)
    emails = [e for e in source.getlist("email") if e][: _max_bulk()]
    return (action, emails) if emails else None


def _bulk_parts(predicted: preview.BulkPreview | None) -> dict[str, Any]:
    """Return the "What will happen" parts of a bulk dialog for a preview."""
    if predicted is None:
        return {"transfer_refusal": None, "bulk_lines": [], "licenses": []}
    return {
        "transfer_refusal": refusal_view(predicted.transfer_refusal),
        "bulk_lines": consequences.bulk_lines(predicted),
        "licenses": consequences.freed_licenses(predicted),
    }


def _predict_bulk(
    account: Account, action: str, emails: list[str], form: dict[str, Any]
) -> preview.BulkPreview:
    return preview.preview_bulk(
        account,
        emails,
        action,
        transfer_options(form, action != "deactivate"),
        actor_of(account).email,
    )


def _query(form: dict[str, Any]) -> dict[str, str]:
    """Return the transfer options as query parameters (unset ones left out)."""
    return {k: ("1" if v is True else v) for k, v in form.items() if v}


def _bulk_page(source: Any) -> str | BaseResponse:
    """Render the bulk dialog for the selection and options in ``source``.

    When some selected users are refused, the dialog names them and offers to
    go on with the others (the form then holds only those) and, for users on a
    managed domain who cannot be unlinked, to delete them instead.
    """
    sandbox = load_sandbox()
    account = sandbox.account
    chosen = _bulk_selection(source)
    if chosen is None:
        notice("error", "text", key="select-users")
        return redirect(url_for("sandbox.users"))
    action, emails = chosen
    selected = [get_user(account, e).email for e in emails]
    form = transfer_form(source)
    predicted = _predict_bulk(account, action, selected, form)
    # The form acts on the whole selection, or on the users left without the
    # refused ones ("continue without them").
    acting = predicted if predicted.refusal is None else predicted.without
    managed = predicted.managed() if action == "disassociate" else []
    signal(f"bulk-{_bulk_word(action)}-dialog", account)
    if source is request.form:
        signal("transfer-options", account)
    return render(
        "sandbox/transfer.html",
        sandbox,
        section="users",
        action=action,
        selected=selected,
        emails=[] if acting is None else acting.emails,
        bulk=True,
        form=form,
        refusal=refusal_view(predicted.refusal),
        consequences=None,
        managed=managed,
        delete_url=_delete_instead_url(managed, form),
        candidates=transfer_candidates(account, selected),
        form_action=url_for("sandbox.bulk"),
        preview_url=url_for("sandbox.bulk_preview"),
        **_bulk_parts(acting),
    )


def _delete_instead_url(managed: list[str], form: dict[str, Any]) -> str | None:
    """Return the delete dialog for the managed-domain users, with the options."""
    if not managed:
        return None
    if len(managed) == 1:
        return url_for("sandbox.confirm_delete", email=managed[0], **_query(form))
    return url_for(
        "sandbox.confirm_bulk", action="delete", email=managed, **_query(form)
    )


@bp.get("/users/bulk/preview")
def bulk_preview() -> str:
    """Return what the bulk action would do with the query's options (no change)."""
    account = load_sandbox().account
    chosen = _bulk_selection(request.args)
    if chosen is None:
        abort(400)
    action, emails = chosen
    selected = [get_user(account, e).email for e in emails]
    predicted = _predict_bulk(account, action, selected, transfer_form(request.args))
    acting = predicted if predicted.refusal is None else predicted.without
    return render_template(
        "sandbox/_removal_preview.html",
        action=action,
        bulk=True,
        consequences=None,
        **_bulk_parts(acting),
    )


def _bulk_word(action: str) -> str:
    return {"disassociate": "unlink"}.get(action, action)


@bp.post("/users/bulk")
def bulk() -> str | BaseResponse:
    """Deactivate, unlink or delete every selected user, or nobody.

    A refused selection goes back to the dialog, which names the refused users
    and offers to continue without them (see :func:`_bulk_page`).
    """
    if request.form.get("mode") == "preview":
        return _bulk_page(request.form)
    chosen = _bulk_selection(request.form)
    if chosen is None:
        notice("error", "text", key="select-users")
        return redirect(url_for("sandbox.users"))
    action, emails = chosen
    form = transfer_form(request.form)
    with_transfer = request.form.get("mode") == "transfer" and action != "deactivate"
    transfer = transfer_options(form, with_transfer)

    def describe(report: BulkReport) -> dict[str, Any]:
        results = []
        for result in report.results:
            data = result.to_dict()
            if data["report"] is not None:
                data["report"]["transfer"] = (
                    transfer or TransferOptions(None)
                ).to_params()
            report_data = data["report"] and compact_report(data["report"])
            results.append({"email": data["email"], "report": report_data})
        return {"type": "bulk", "results": results[:NOTICE_MAX_LINES]}

    return perform(
        lambda svc, sid, actor: svc.bulk_action(
            sid, action, emails, transfer, actor=actor
        ),
        done=url_for("sandbox.users"),
        back_to=url_for(
            "sandbox.confirm_bulk", action=action, email=emails, **_query(form)
        ),
        describe=describe,
        signal_name=BULK_DONE_SIGNALS[action],
    )


def _max_bulk() -> int:
    return int(current_app.config["SANDBOX_MAX_BULK_EMAILS"])
