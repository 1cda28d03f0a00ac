"""JSON API for sandboxes: ``/api/v1/sandboxes/...`` (see DESIGN.md, "JSON API").

The acting user is the ``X-Sandbox-Actor`` header (default: the account owner).
Every error is ``{"error": {"code", "rule", "message", ...}}`` with the message in
the request's language (``?lang=``, else ``Accept-Language``). Statuses:

- **400** bad input: invalid JSON, a body that is not an object, unknown fields or
  query parameters (``code`` ``unknown-field``, ``field``), wrong types or values
  (``invalid-input``, ``field``), invalid account JSON (``invalid-account``,
  ``field``), an unknown scenario, an unknown acting user (``unknown-actor``), a
  CSV file that cannot be read (``invalid-csv``, ``reason``; nothing changed).
- **403** the acting user may not do this: rules ``actor-privileged``,
  ``owner-changes-role``, ``bulk-privilege``, ``external-deactivated``, and
  ``signin-disabled`` for a deactivated user signing in.
- **404** unknown (or expired) sandbox, user, Zoom Room, add-on or error code.
- **409** the account's state forbids it: every other rule (``owner-protected``,
  ``pending-user``, ``admin-convert-first``, ``managed-domain``, ``license-pool``,
  ``user-status``, ...); ``invitation-blocked`` has ``code`` 1009 and
  ``blockers``; a sandbox grown over its size limit (``sandbox-too-large``).
- **413** a JSON body or upload over 1 MiB; **415** a body of the wrong type.
- **422** an invalid transfer: ``transfer-target``,
  ``transfer-recordings-licensed``, ``transfer-webinars-licensed``.

For a rule violation ``code`` is the rule id (1009 for ``invitation-blocked``) and
``rule`` the rule id; a refused bulk action is ``code`` ``bulk-refused`` with the
first refusal's status and rule, plus per-user ``results``. A refusal changes
nothing but the event log, which records it.

This module holds only the routes: each parses the request
(:mod:`helpdesk.api.requests`), calls one service function and renders the result;
:mod:`helpdesk.api.sandbox_errors` answers every refusal with the statuses above.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _

from helpdesk.api.blueprint import bp
from helpdesk.api.requests import (
    RequestProblem,
    actor,
    checked_email,
    error_code_arg,
    json_body,
    missing,
    query_args,
    query_flag,
    refuse_invisible_path_emails,
    required_arg,
    transfer_options,
    unknown_field,
    upload,
)
from helpdesk.api.sandbox_errors import bulk_result
from helpdesk.sandbox import messages, service
from helpdesk.sandbox.errors import rule_status as rule_status  # re-exported
from helpdesk.sandboxes import copy_shared_sandbox, sandboxes
from helpdesk.sandboxes import create_sandbox as create_new_sandbox
from simulator import Event, ImportReport

bp.url_value_preprocessor(refuse_invisible_path_emails)

# --- rendering ---------------------------------------------------------------------


def _event(event: Event) -> dict[str, Any]:
    return event.to_dict()


def _events(events: list[Event]) -> dict[str, Any]:
    return {"events": [_event(e) for e in events]}


def _import_report(report: ImportReport) -> dict[str, Any]:
    return {
        "action": report.action,
        "applied": report.applied,
        "failed": report.failed,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "results": [
            {
                "row": r.row,
                "email": r.email,
                "ok": r.ok,
                "rule": None if r.violation is None else r.violation.rule_id,
                "code": r.code,
                "error": (
                    messages.rule_message(r.violation)
                    if r.violation is not None
                    else messages.row_error_message(r.error, r.email)
                    if r.error is not None
                    else None
                ),
            }
            for r in report.results
        ],
    }


# --- sandboxes ---------------------------------------------------------------------


@bp.post("/sandboxes")
def create_sandbox() -> tuple[dict[str, Any], int]:
    """Create a sandbox from ``{"scenario": NAME}``, ``{"account": ACCOUNT}`` or
    ``{"copy_of": TOKEN}`` (a copy of a shared sandbox; unknown token: 404).
    """
    body = json_body({"scenario": "str", "account": "object", "copy_of": "str"})
    given = [key for key in ("scenario", "account", "copy_of") if key in body]
    if len(given) > 1:
        raise unknown_field(given[1])
    if "copy_of" in body:
        sandbox = copy_shared_sandbox(body["copy_of"])
    else:
        sandbox = create_new_sandbox(body.get("scenario"), body.get("account"))
    return {"id": sandbox.id, "account": service.snapshot(sandbox.account)}, 201


@bp.get("/sandboxes/<sandbox_id>")
def get_sandbox(sandbox_id: str) -> dict[str, Any]:
    """Return the account snapshot (users, rooms, add-ons, settings, licenses, day).

    :raise 404: unknown or expired sandbox.
    """
    query_args(())
    return service.snapshot(sandboxes().get(sandbox_id, events=False).account)


@bp.get("/sandboxes/<sandbox_id>/users")
def list_users(sandbox_id: str) -> dict[str, Any]:
    """Return the users, only those with ``?status=`` when given."""
    args = query_args(("status",))
    return {"users": sandboxes().list_users(sandbox_id, args.get("status"))}


@bp.patch("/sandboxes/<sandbox_id>/users/<email>")
def update_user(sandbox_id: str, email: str) -> dict[str, Any]:
    """Change a user's role, or their license and webinar license."""
    body = json_body({"role": "str", "license": "str", "webinar": "bool"})
    if "role" in body:
        if len(body) > 1:
            field = next(k for k in body if k != "role")
            raise RequestProblem(
                400,
                "invalid-input",
                _("Change the role and the license in separate requests."),
                field=field,
            )
        event = sandboxes().change_role(sandbox_id, email, body["role"], actor=actor())
    else:
        if not body:
            raise missing("role")
        event = sandboxes().update_license(
            sandbox_id,
            email,
            body.get("license"),
            body.get("webinar"),
            actor=actor(),
        )
    return {"event": _event(event)}


@bp.put("/sandboxes/<sandbox_id>/users/<email>/status")
def set_status(sandbox_id: str, email: str) -> dict[str, Any]:
    """Deactivate or activate a user: ``{"action": "deactivate"|"activate"}``."""
    body = json_body({"action": "str"}, required=("action",))
    event = sandboxes().set_status(sandbox_id, email, body["action"], actor=actor())
    return {"event": _event(event)}


@bp.delete("/sandboxes/<sandbox_id>/users/<email>")
def remove_user(sandbox_id: str, email: str) -> dict[str, Any]:
    """Unlink or delete a user (``?action=disassociate|delete`` and transfer)."""
    args = query_args(
        (
            "action",
            "transfer_email",
            "transfer_meeting",
            "transfer_webinar",
            "transfer_recording",
        )
    )
    action = required_arg(args, "action")
    transfer = transfer_options(args, lambda key: query_flag(args, key))
    report = sandboxes().remove_user(sandbox_id, email, action, transfer, actor=actor())
    return report.to_dict()


@bp.post("/sandboxes/<sandbox_id>/users/bulk")
def bulk_action(sandbox_id: str) -> dict[str, Any]:
    """Deactivate, unlink or delete the selected users, or none of them."""
    body = json_body(
        {
            "action": "str",
            "emails": "[str]",
            "transfer_email": "str?",
            "transfer_meeting": "bool",
            "transfer_webinar": "bool",
            "transfer_recording": "bool",
        },
        required=("action", "emails"),
    )
    transfer = transfer_options(body, lambda key: bool(body.get(key, False)))
    emails = [checked_email(e, "emails") for e in body["emails"]]
    report = sandboxes().bulk_action(
        sandbox_id, body["action"], emails, transfer, actor=actor()
    )
    return {
        "action": report.action,
        "results": [bulk_result(r) for r in report.results],
    }


# --- CSV import --------------------------------------------------------------------


@bp.get("/sandboxes/<sandbox_id>/imports/sample.csv")
def sample_csv(sandbox_id: str) -> Response:
    """Download the sample CSV for ``?action=`` (as "Download Sample CSV")."""
    action = required_arg(query_args(("action",)), "action")
    text = sandboxes().sample_csv(sandbox_id, action)
    filename = f"sample-{action}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/sandboxes/<sandbox_id>/imports")
def import_csv(sandbox_id: str) -> dict[str, Any]:
    """Apply a CSV file (``?action=deactivate|disassociate|delete``) row by row."""
    action = required_arg(query_args(("action",)), "action")
    data = upload()
    report = sandboxes().import_csv(sandbox_id, action, data, actor=actor())
    return _import_report(report)


# --- rooms, add-ons, settings, clock -----------------------------------------------


@bp.delete("/sandboxes/<sandbox_id>/rooms/<path:room_id>")
def delete_room(sandbox_id: str, room_id: str) -> dict[str, Any]:
    """Delete a Zoom Room."""
    return {
        "event": _event(sandboxes().delete_room(sandbox_id, room_id, actor=actor()))
    }


@bp.delete("/sandboxes/<sandbox_id>/addons/<path:addon>")
def remove_addon(sandbox_id: str, addon: str) -> dict[str, Any]:
    """Cancel an add-on (an extension of DESIGN.md: add-ons block error 1009)."""
    return {"event": _event(sandboxes().remove_addon(sandbox_id, addon, actor=actor()))}


@bp.patch("/sandboxes/<sandbox_id>/settings")
def update_settings(sandbox_id: str) -> dict[str, Any]:
    """Change the auto-delete settings; an omitted setting stays as it is."""
    body = json_body(
        {"delete_deactivated_after_days": "int?", "notify_admins_before_delete": "bool"}
    )
    if not body:
        raise missing("delete_deactivated_after_days")
    fired = sandboxes().update_settings(
        sandbox_id,
        body.get("delete_deactivated_after_days", service.KEEP),
        body.get("notify_admins_before_delete", service.KEEP),
        actor=actor(),
    )
    return _events(fired)


@bp.post("/sandboxes/<sandbox_id>/clock")
def advance_clock(sandbox_id: str) -> dict[str, Any]:
    """Move the clock ``{"days": n}`` on; return the events that fired."""
    body = json_body({"days": "int"}, required=("days",))
    return _events(sandboxes().advance_clock(sandbox_id, body["days"]))


# --- sign-in, invitation, diagnosis, events, reset ---------------------------------


@bp.post("/sandboxes/<sandbox_id>/users/<email>/sign-in")
def sign_in(sandbox_id: str, email: str) -> dict[str, Any]:
    """Sign a user in: 200, or 403 for a deactivated user."""
    event = sandboxes().sign_in(sandbox_id, email)
    return {"signed_in": True, "email": event.target, "event": _event(event)}


@bp.post("/sandboxes/<sandbox_id>/invitation/accept")
def accept_invitation(sandbox_id: str) -> dict[str, Any]:
    """Accept an invitation to join another account: 200, or 409 with 1009."""
    event = sandboxes().accept_invitation(sandbox_id, actor=actor())
    return {"accepted": True, "event": _event(event)}


@bp.get("/sandboxes/<sandbox_id>/diagnosis")
def diagnosis(sandbox_id: str) -> dict[str, Any]:
    """Explain ``?code=`` (1009) for this sandbox, with the fix as API calls."""
    code = error_code_arg(query_args(("code",)), "code", "1009")
    result = sandboxes().diagnose(sandbox_id, code)
    return {
        "code": result.code,
        "blocked": result.blocked,
        "blockers": [b.to_dict() for b in result.blockers],
        "plan": service.plan_as_calls(sandbox_id, result, messages.explain_step),
    }


@bp.get("/sandboxes/<sandbox_id>/events")
def events(sandbox_id: str) -> dict[str, Any]:
    """Return the event log, oldest first."""
    query_args(())
    return _events(sandboxes().events(sandbox_id))


@bp.post("/sandboxes/<sandbox_id>/reset")
def reset(sandbox_id: str) -> dict[str, Any]:
    """Put the sandbox back to the state it was created with."""
    sandbox = sandboxes().reset(sandbox_id)
    return {"id": sandbox.id, "account": service.snapshot(sandbox.account)}


@bp.post("/sandboxes/<sandbox_id>/reset/undo")
def undo_reset(sandbox_id: str) -> dict[str, Any]:
    """Bring back the state the last reset replaced (409 ``nothing-to-undo``)."""
    sandbox = sandboxes().undo_reset(sandbox_id)
    return {"id": sandbox.id, "account": service.snapshot(sandbox.account)}
