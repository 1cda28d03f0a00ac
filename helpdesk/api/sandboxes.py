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
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from helpdesk.api import bp
from helpdesk.errors import api_error
from helpdesk.i18n import negotiate_api_language
from helpdesk.sandbox import messages, service
from simulator import (
    AccountError,
    BulkRefused,
    BulkResult,
    CsvRejected,
    Event,
    ImportReport,
    InvitationBlocked,
    RuleViolation,
    TransferOptions,
    UnknownAddon,
    UnknownRoom,
    UnknownUser,
)

#: Rules about who acts: refused with 403.
FORBIDDEN_RULES = frozenset(
    {
        "actor-privileged",
        "owner-changes-role",
        "bulk-privilege",
        "external-deactivated",
        "signin-disabled",
    }
)
#: Rules about the transfer target: refused with 422. Every other rule is a 409.
UNPROCESSABLE_RULES = frozenset(
    {
        "transfer-target",
        "transfer-recordings-licensed",
        "transfer-webinars-licensed",
        "pmi-not-transferable",
    }
)
MAX_JSON_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 1024 * 1024
#: Room for the multipart envelope around an upload of the largest allowed size.
MULTIPART_OVERHEAD = 64 * 1024
ACTOR_HEADER = "X-Sandbox-Actor"
CSV_TYPES = frozenset(
    {
        "",
        "text/csv",
        "text/plain",
        "application/csv",
        "application/octet-stream",
        "application/vnd.ms-excel",
    }
)
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})
_CODE = re.compile(r"\d{1,3}(?:[.,]?\d{3})*")


# --- errors ------------------------------------------------------------------------


class RequestProblem(Exception):
    """Reject a request before any service call: status, code and message."""

    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(status, code, message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def rule_status(rule_id: str) -> int:
    """Return the HTTP status of a refusal under ``rule_id`` (403, 409 or 422)."""
    if rule_id in FORBIDDEN_RULES:
        return 403
    if rule_id in UNPROCESSABLE_RULES:
        return 422
    return 409


def _result_error(result: BulkResult) -> str | None:
    if result.violation is not None:
        return messages.rule_message(result.violation)
    if result.error is not None:
        return messages.row_error_message(result.error, result.email)
    return None


def _bulk_result(result: BulkResult) -> dict[str, Any]:
    data = result.to_dict()
    data.pop("params", None)
    data["error"] = _result_error(result)
    return data


def _bulk_refused(error: BulkRefused) -> tuple[dict[str, Any], int]:
    refused = [r for r in error.results if not r.ok]
    first = refused[0]
    if first.violation is not None:
        status, rule = rule_status(first.violation.rule_id), first.violation.rule_id
    else:
        status, rule = 404, None
    message = ngettext(
        "Nothing was changed: %(num)d selected user cannot be processed.",
        "Nothing was changed: %(num)d selected users cannot be processed.",
        len(refused),
    )
    return api_error(
        status,
        f"{message} {_result_error(first)}",
        code="bulk-refused",
        rule=rule,
        results=[_bulk_result(r) for r in error.results],
    )


def error_response(error: Exception) -> tuple[dict[str, Any], int]:
    """Map a service error to the API's error body and status."""
    message = messages.error_message(error)
    if isinstance(error, RequestProblem):
        return api_error(error.status, error.message, code=error.code, **error.extra)
    if isinstance(error, InvitationBlocked):
        body, status = api_error(
            409,
            message,
            code=error.code,
            rule=error.rule_id,
            blockers=[b.to_dict() for b in error.blockers],
        )
        body["blockers"] = [b.to_dict() for b in error.blockers]
        return body, status
    if isinstance(error, RuleViolation):
        return api_error(
            rule_status(error.rule_id), message, code=error.rule_id, rule=error.rule_id
        )
    if isinstance(error, BulkRefused):
        return _bulk_refused(error)
    if isinstance(error, service.SandboxNotFound):
        return api_error(404, message, code="unknown-sandbox")
    if isinstance(error, UnknownUser):
        return api_error(404, message, code="unknown-user")
    if isinstance(error, UnknownRoom):
        return api_error(404, message, code="unknown-room")
    if isinstance(error, UnknownAddon):
        return api_error(404, message, code="unknown-addon")
    if isinstance(error, service.UnknownActor):
        return api_error(400, message, code="unknown-actor", field=ACTOR_HEADER)
    if isinstance(error, service.UnknownScenario):
        return api_error(400, message, code="unknown-scenario", field="scenario")
    if isinstance(error, AccountError):
        return api_error(
            400,
            messages.account_error_message(error),
            code="invalid-account",
            field=f"account.{error.field}",
        )
    if isinstance(error, CsvRejected):
        status = 413 if error.reason == "too-large" else 400
        return api_error(status, message, code="invalid-csv", reason=error.reason)
    if isinstance(error, service.InvalidInput):
        if error.problem == "unknown-code":
            return api_error(404, message, code="unknown-code", field=error.field)
        return api_error(400, message, code="invalid-input", field=error.field)
    if isinstance(error, service.SandboxTooLarge):
        return api_error(409, message, code="sandbox-too-large")
    raise error


#: Everything :func:`error_response` maps; anything else is a 500.
HANDLED = (
    RequestProblem,
    RuleViolation,
    BulkRefused,
    LookupError,
    AccountError,
    CsvRejected,
    service.InvalidInput,
    service.SandboxTooLarge,
)


def sandbox_endpoint(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run a view in the API language and turn service errors into JSON errors."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale(negotiate_api_language()):
            try:
                return view(*args, **kwargs)
            except HANDLED as error:
                return error_response(error)

    return wrapper


# --- parsing -----------------------------------------------------------------------


def _too_large(limit: int) -> RequestProblem:
    return RequestProblem(
        413,
        "too-large",
        _(
            "What you sent is too large: at most %(size)s KiB.",
            size=limit // 1024,
        ),
    )


def _invalid(field: str, expected: str) -> RequestProblem:
    return RequestProblem(
        400,
        "invalid-input",
        _(
            "%(field)s must be %(expected)s.",
            field=field,
            expected=messages.expected_label(expected),
        ),
        field=field,
    )


def _unknown_field(field: str) -> RequestProblem:
    return RequestProblem(
        400,
        "unknown-field",
        _("Unknown field: %(field)s.", field=field),
        field=field,
    )


def _missing(field: str) -> RequestProblem:
    return RequestProblem(
        400, "invalid-input", _("%(field)s is missing.", field=field), field=field
    )


def _limit(key: str, default: int) -> int:
    return int(current_app.config.get(key, default))


def json_body(fields: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the request's JSON object, checked against ``fields`` (name → type).

    Types: ``str``, ``bool``, ``int``, ``int?`` (or null), ``str?``, ``object``,
    ``[str]``.

    :raise RequestProblem: 415 not JSON, 413 over the limit, 400 invalid JSON, not
        an object, an unknown field, a wrong type or a missing required field.
    """
    if not request.is_json:
        raise RequestProblem(
            415,
            "unsupported-media-type",
            _("Send the body as JSON (Content-Type: application/json)."),
        )
    limit = _limit("SANDBOX_MAX_JSON_BYTES", MAX_JSON_BYTES)
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise _too_large(limit)
    try:
        body = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise RequestProblem(
            400, "invalid-json", _("The body is not valid JSON.")
        ) from error
    if not isinstance(body, dict):
        raise RequestProblem(400, "invalid-json", _("The body must be a JSON object."))
    for key, value in body.items():
        kind = fields.get(key)
        if kind is None:
            raise _unknown_field(key)
        _check_type(key, value, kind)
    for key in required:
        if key not in body:
            raise _missing(key)
    return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_type(key: str, value: Any, kind: str) -> None:
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None and nullable:
        return
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "object": isinstance(value, dict),
        "[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        expected = {"str": "string", "bool": "boolean", "int": "integer"}.get(
            kind, "array" if kind == "[str]" else kind
        )
        raise _invalid(key, expected)


def query_args(allowed: tuple[str, ...]) -> dict[str, str]:
    """Return the query parameters, refusing any not in ``allowed`` (or ``lang``).

    :raise RequestProblem: 400 for an unknown or repeated parameter.
    """
    args: dict[str, str] = {}
    for key in request.args:
        if key != "lang" and key not in allowed:
            raise _unknown_field(key)
        values = request.args.getlist(key)
        if len(values) > 1:
            raise _invalid(key, "string")
        args[key] = values[0]
    return args


def _query_flag(args: dict[str, str], key: str) -> bool:
    value = args.get(key, "").strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _invalid(key, "boolean")


def _transfer(source: dict[str, Any], flag: Callable[[str], bool]) -> TransferOptions:
    email = source.get("transfer_email") or None
    return TransferOptions(
        email,
        meetings=flag("transfer_meeting"),
        webinars=flag("transfer_webinar"),
        recordings=flag("transfer_recording"),
    )


def actor() -> str | None:
    """Return the acting user from ``X-Sandbox-Actor`` (``None``: the owner)."""
    value = request.headers.get(ACTOR_HEADER, "").strip()
    return value or None


def _event(event: Event) -> dict[str, Any]:
    return event.to_dict()


def _events(events: list[Event]) -> dict[str, Any]:
    return {"events": [_event(e) for e in events]}


# --- sandboxes ---------------------------------------------------------------------


@bp.post("/sandboxes")
@sandbox_endpoint
def create_sandbox() -> tuple[dict[str, Any], int]:
    """Create a sandbox from ``{"scenario": NAME}`` or ``{"account": ACCOUNT}``."""
    body = json_body({"scenario": "str", "account": "object"})
    if "scenario" in body and "account" in body:
        raise _unknown_field("account")
    try:
        sandbox = service.create_sandbox(body.get("scenario"), body.get("account"))
    except service.SandboxTooLarge as error:
        raise _too_large(error.limit) from error
    return {"id": sandbox.id, "account": service.snapshot(sandbox.account)}, 201


@bp.get("/sandboxes/<sandbox_id>")
@sandbox_endpoint
def get_sandbox(sandbox_id: str) -> dict[str, Any]:
    """Return the account snapshot (users, rooms, add-ons, settings, licenses, day).

    :raise 404: unknown or expired sandbox.
    """
    query_args(())
    return service.snapshot(service.get_sandbox(sandbox_id).account)


@bp.get("/sandboxes/<sandbox_id>/users")
@sandbox_endpoint
def list_users(sandbox_id: str) -> dict[str, Any]:
    """Return the users, only those with ``?status=`` when given."""
    args = query_args(("status",))
    return {"users": service.list_users(sandbox_id, args.get("status"))}


@bp.patch("/sandboxes/<sandbox_id>/users/<email>")
@sandbox_endpoint
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
        event = service.change_role(sandbox_id, email, body["role"], actor=actor())
    else:
        if not body:
            raise _missing("role")
        event = service.update_license(
            sandbox_id,
            email,
            body.get("license"),
            body.get("webinar"),
            actor=actor(),
        )
    return {"event": _event(event)}


@bp.put("/sandboxes/<sandbox_id>/users/<email>/status")
@sandbox_endpoint
def set_status(sandbox_id: str, email: str) -> dict[str, Any]:
    """Deactivate or activate a user: ``{"action": "deactivate"|"activate"}``."""
    body = json_body({"action": "str"}, required=("action",))
    event = service.set_status(sandbox_id, email, body["action"], actor=actor())
    return {"event": _event(event)}


@bp.delete("/sandboxes/<sandbox_id>/users/<email>")
@sandbox_endpoint
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
    if "action" not in args:
        raise _missing("action")
    transfer = _transfer(args, lambda key: _query_flag(args, key))
    report = service.remove_user(
        sandbox_id, email, args["action"], transfer, actor=actor()
    )
    return report.to_dict()


@bp.post("/sandboxes/<sandbox_id>/users/bulk")
@sandbox_endpoint
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
    transfer = _transfer(body, lambda key: bool(body.get(key, False)))
    report = service.bulk_action(
        sandbox_id, body["action"], body["emails"], transfer, actor=actor()
    )
    return {
        "action": report.action,
        "results": [_bulk_result(r) for r in report.results],
    }


# --- CSV import --------------------------------------------------------------------


@bp.get("/sandboxes/<sandbox_id>/imports/sample.csv")
@sandbox_endpoint
def sample_csv(sandbox_id: str) -> Response:
    """Download the sample CSV for ``?action=`` (as "Download Sample CSV")."""
    args = query_args(("action",))
    if "action" not in args:
        raise _missing("action")
    text = service.sample_csv(sandbox_id, args["action"])
    filename = f"sample-{args['action']}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _upload() -> bytes:
    """Return the uploaded CSV: the raw body or the multipart ``file`` field."""
    limit = _limit("SANDBOX_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    length = request.content_length
    if request.mimetype == "multipart/form-data":
        if length is not None and length > limit + MULTIPART_OVERHEAD:
            raise _too_large(limit)
        upload = request.files.get("file")
        if upload is None:
            raise RequestProblem(
                400,
                "invalid-input",
                _("Choose a CSV file to upload (form field “file”)."),
                field="file",
            )
        data = upload.stream.read(limit + 1)
    elif request.mimetype in CSV_TYPES:
        if length is not None and length > limit:
            raise _too_large(limit)
        data = request.get_data(cache=False)
    else:
        raise RequestProblem(
            415,
            "unsupported-media-type",
            _(
                "Send the CSV file as the body (Content-Type: text/csv) or as the "
                "form field “file”."
            ),
        )
    if len(data) > limit:
        raise _too_large(limit)
    return data


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


@bp.post("/sandboxes/<sandbox_id>/imports")
@sandbox_endpoint
def import_csv(sandbox_id: str) -> dict[str, Any]:
    """Apply a CSV file (``?action=deactivate|disassociate|delete``) row by row."""
    args = query_args(("action",))
    if "action" not in args:
        raise _missing("action")
    data = _upload()
    report = service.import_csv(sandbox_id, args["action"], data, actor=actor())
    return _import_report(report)


# --- rooms, add-ons, settings, clock -----------------------------------------------


@bp.delete("/sandboxes/<sandbox_id>/rooms/<path:room_id>")
@sandbox_endpoint
def delete_room(sandbox_id: str, room_id: str) -> dict[str, Any]:
    """Delete a Zoom Room."""
    return {"event": _event(service.delete_room(sandbox_id, room_id, actor=actor()))}


@bp.delete("/sandboxes/<sandbox_id>/addons/<path:addon>")
@sandbox_endpoint
def remove_addon(sandbox_id: str, addon: str) -> dict[str, Any]:
    """Cancel an add-on (an extension of DESIGN.md: add-ons block error 1009)."""
    return {"event": _event(service.remove_addon(sandbox_id, addon, actor=actor()))}


@bp.patch("/sandboxes/<sandbox_id>/settings")
@sandbox_endpoint
def update_settings(sandbox_id: str) -> dict[str, Any]:
    """Change the auto-delete settings; an omitted setting stays as it is."""
    body = json_body(
        {"delete_deactivated_after_days": "int?", "notify_admins_before_delete": "bool"}
    )
    if not body:
        raise _missing("delete_deactivated_after_days")
    fired = service.update_settings(
        sandbox_id,
        body.get("delete_deactivated_after_days", service.KEEP),
        body.get("notify_admins_before_delete", service.KEEP),
        actor=actor(),
    )
    return _events(fired)


@bp.post("/sandboxes/<sandbox_id>/clock")
@sandbox_endpoint
def advance_clock(sandbox_id: str) -> dict[str, Any]:
    """Move the clock ``{"days": n}`` on; return the events that fired."""
    body = json_body({"days": "int"}, required=("days",))
    return _events(service.advance_clock(sandbox_id, body["days"]))


# --- sign-in, invitation, diagnosis, events, reset ---------------------------------


@bp.post("/sandboxes/<sandbox_id>/users/<email>/sign-in")
@sandbox_endpoint
def sign_in(sandbox_id: str, email: str) -> dict[str, Any]:
    """Sign a user in: 200, or 403 for a deactivated user."""
    event = service.sign_in(sandbox_id, email)
    return {"signed_in": True, "email": event.target, "event": _event(event)}


@bp.post("/sandboxes/<sandbox_id>/invitation/accept")
@sandbox_endpoint
def accept_invitation(sandbox_id: str) -> dict[str, Any]:
    """Accept an invitation to join another account: 200, or 409 with 1009."""
    event = service.accept_invitation(sandbox_id, actor=actor())
    return {"accepted": True, "event": _event(event)}


@bp.get("/sandboxes/<sandbox_id>/diagnosis")
@sandbox_endpoint
def diagnosis(sandbox_id: str) -> dict[str, Any]:
    """Explain ``?code=`` (1009) for this sandbox, with the fix as API calls."""
    args = query_args(("code",))
    raw = args.get("code", "1009").strip()
    if not _CODE.fullmatch(raw):
        raise _invalid("code", "integer")
    result = service.diagnose(sandbox_id, int(re.sub(r"[.,]", "", raw)))
    return {
        "code": result.code,
        "blocked": result.blocked,
        "blockers": [b.to_dict() for b in result.blockers],
        "plan": service.plan_as_calls(sandbox_id, result),
    }


@bp.get("/sandboxes/<sandbox_id>/events")
@sandbox_endpoint
def events(sandbox_id: str) -> dict[str, Any]:
    """Return the event log, oldest first."""
    query_args(())
    return _events(service.events(sandbox_id))


@bp.post("/sandboxes/<sandbox_id>/reset")
@sandbox_endpoint
def reset(sandbox_id: str) -> dict[str, Any]:
    """Put the sandbox back to the state it was created with."""
    sandbox = service.reset(sandbox_id)
    return {"id": sandbox.id, "account": service.snapshot(sandbox.account)}
