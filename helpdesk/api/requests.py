"""Request parsing for the sandbox API: bodies, query strings, headers and uploads.

Every check here runs before any service call and rejects the request with a
:class:`RequestProblem` (status, code, message); :mod:`helpdesk.api.sandbox_errors`
turns it into the JSON error body. This module adds no routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from helpdesk import strict_json
from helpdesk.errorcodes import codes
from helpdesk.sandbox import messages
from helpdesk.sandbox.errors import SandboxError, invalid_input
from simulator import TransferOptions, has_invisible

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


class RequestProblem(SandboxError):
    """Reject a request before any service call: status, code and message.

    The message is worded here, where the request is parsed, in the request's
    language (the ``request`` entry of the message table shows it).
    """

    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(
            code, status, message_id="request", params={"text": message}, **extra
        )
        self.message = message


# --- problems ----------------------------------------------------------------------


def too_large(limit: int) -> RequestProblem:
    """Return the 413 ``too-large`` problem: a body or upload over ``limit`` bytes."""
    return RequestProblem(
        413,
        "too-large",
        _(
            "What you sent is too large: at most %(size)s KiB.",
            size=limit // 1024,
        ),
    )


def invalid(field: str, expected: str) -> RequestProblem:
    """Return the 400 ``invalid-input`` problem: ``field`` must be ``expected``."""
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


def unknown_field(field: str) -> RequestProblem:
    """Return the 400 ``unknown-field`` problem for a field or query parameter."""
    return RequestProblem(
        400,
        "unknown-field",
        _("Unknown field: %(field)s.", field=field),
        field=field,
    )


def missing(field: str) -> RequestProblem:
    """Return the 400 ``invalid-input`` problem for a missing ``field``."""
    return RequestProblem(
        400, "invalid-input", _("%(field)s is missing.", field=field), field=field
    )


def _limit(key: str) -> int:
    return int(current_app.config[key])


# --- JSON bodies -------------------------------------------------------------------


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
    limit = _limit("SANDBOX_MAX_JSON_BYTES")
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise too_large(limit)
    try:
        body = strict_json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise RequestProblem(
            400, "invalid-json", _("The body is not valid JSON.")
        ) from error
    if not isinstance(body, dict):
        raise RequestProblem(400, "invalid-json", _("The body must be a JSON object."))
    for key, value in body.items():
        kind = fields.get(key)
        if kind is None:
            raise unknown_field(key)
        _check_type(key, value, kind)
    for key in required:
        if key not in body:
            raise missing(key)
    return body


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
        raise invalid(key, expected)


# --- query strings -----------------------------------------------------------------


def query_args(allowed: tuple[str, ...]) -> dict[str, str]:
    """Return the query parameters, refusing any not in ``allowed`` (or ``lang``).

    :raise RequestProblem: 400 for an unknown or repeated parameter.
    """
    args: dict[str, str] = {}
    for key in request.args:
        if key != "lang" and key not in allowed:
            raise unknown_field(key)
        values = request.args.getlist(key)
        if len(values) > 1:
            raise invalid(key, "string")
        args[key] = values[0]
    return args


def query_flag(args: dict[str, str], key: str) -> bool:
    """Return the boolean query parameter ``key`` (absent or empty: ``False``).

    :raise RequestProblem: 400 for a value that is not a boolean word.
    """
    value = args.get(key, "").strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise invalid(key, "boolean")


def required_arg(args: dict[str, str], key: str) -> str:
    """Return the query parameter ``key`` from ``args``.

    :raise RequestProblem: 400 when it is missing.
    """
    if key not in args:
        raise missing(key)
    return args[key]


def error_code_arg(args: dict[str, str], key: str, default: str) -> int:
    """Return the error code in ``args[key]`` (``1009``, ``1,009`` or ``1.009``).

    Read as the error-code pages read a URL segment (:func:`codes.parse_code`).

    :raise RequestProblem: 400 when it is not one number.
    """
    code = codes.parse_code(args.get(key, default))
    if code is None:
        raise invalid(key, "integer")
    return code


def transfer_options(
    source: dict[str, Any], flag: Callable[[str], bool]
) -> TransferOptions:
    """Return the transfer options in ``source``, reading each flag with ``flag``."""
    email = source.get("transfer_email") or None
    if email is not None:
        checked_email(email, "transfer_email")
    return TransferOptions(
        email,
        meetings=flag("transfer_meeting"),
        webinars=flag("transfer_webinar"),
        recordings=flag("transfer_recording"),
    )


# --- headers and uploads -----------------------------------------------------------


def checked_email(value: str, field: str) -> str:
    """Return an e-mail the client named, refusing invisible characters.

    A control or format character (``\u0000``, a zero-width space, a bidi
    override) would make two addresses look alike.

    :raise SandboxError: 400 ``invalid-input`` naming ``field``.
    """
    if has_invisible(value):
        raise invalid_input(field, "invalid-email", reason="invisible-character")
    return value


def refuse_invisible_path_emails(
    endpoint: str | None, values: dict[str, Any] | None
) -> None:
    """Refuse a URL whose ``<email>`` has an invisible character (a 400)."""
    if values and isinstance(values.get("email"), str):
        checked_email(values["email"], "email")


def actor() -> str | None:
    """Return the acting user from ``X-Sandbox-Actor`` (``None``: the owner)."""
    value = request.headers.get(ACTOR_HEADER, "").strip()
    return checked_email(value, ACTOR_HEADER) or None


def upload() -> bytes:
    """Return the uploaded CSV: the raw body or the multipart ``file`` field.

    :raise RequestProblem: 413 over the limit, 415 a body of the wrong type, 400 a
        form without a ``file`` field.
    """
    limit = _limit("SANDBOX_MAX_UPLOAD_BYTES")
    length = request.content_length
    if request.mimetype == "multipart/form-data":
        if length is not None and length > limit + MULTIPART_OVERHEAD:
            raise too_large(limit)
        file = request.files.get("file")
        if file is None:
            raise RequestProblem(
                400,
                "invalid-input",
                _("Choose a CSV file to upload (form field “file”)."),
                field="file",
            )
        data = file.stream.read(limit + 1)
    elif request.mimetype in CSV_TYPES:
        if length is not None and length > limit:
            raise too_large(limit)
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
        raise too_large(limit)
    return data
