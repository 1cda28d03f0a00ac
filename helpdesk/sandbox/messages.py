"""Localized sentences for what the sandbox refuses and the simulator reports.

The simulator never writes sentences: it raises ``RuleViolation(rule_id,
**params)``, ``AccountError(field, problem, **params)``, ``CsvRejected(reason,
**params)`` and returns row error codes; the service raises each as a
:class:`~helpdesk.sandbox.errors.SandboxError` with a ``message_id``. The tables
here map every id to its sentence in the current locale (use
``flask_babel.force_locale`` to pick another), for the JSON API and the sandbox
pages alike: ``rule:<rule id>``, ``account:<problem>``, ``csv:<reason>``,
``input:<problem>``, ``row:<code>`` and the plain error ids. An id without an entry
is a bug that a test catches; :func:`message` never falls back silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.content import get_library
from helpdesk.sandbox.errors import SandboxError
from simulator import (
    RULES,
    AccountError,
    CsvRejected,
    PlanStep,
    RuleViolation,
)

__all__ = [
    "ERROR_MESSAGES",
    "account_error_message",
    "csv_rejected_message",
    "explain_step",
    "message",
    "role_label",
    "row_error_message",
    "rule_message",
    "rule_source",
    "status_label",
    "wording",
]

Params = dict[str, Any]
Wording = Callable[[Params], str]


def role_label(role: str) -> str:
    """Return a role as the web portal shows it (Owner / Admin / Member)."""
    labels = {"owner": _("Owner"), "admin": _("Admin"), "member": _("Member")}
    return labels.get(role, role)


def status_label(status: str) -> str:
    """Return a user status as a word (active, deactivated, pending)."""
    labels = {
        "active": _("active"),
        "deactivated": _("deactivated"),
        "pending": _("pending"),
    }
    return labels.get(status, status)


def _params(params: Params, *keys: str) -> Params:
    """Return the values a message needs, each present (``?`` when missing)."""
    values: Params = {key: params.get(key, "?") for key in keys}
    if "role" in values:
        values["role"] = role_label(str(values["role"]))
    if "status" in values:
        values["status"] = status_label(str(values["status"]))
    for key, value in values.items():
        if value is None:
            values[key] = "?"
    return values


def _count(params: Params, key: str) -> int:
    value = params.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _listed(params: Params, key: str) -> str:
    return ", ".join(str(a) for a in params.get(key, []) or [])


# --- rules -------------------------------------------------------------------------


def _actor_privileged(p: Params) -> str:
    v = _params(p, "actor", "role", "status")
    if p.get("status", "active") != "active":
        return _(
            "%(actor)s cannot do this: only an active account owner or admin "
            "can, and %(actor)s is %(status)s.",
            **v,
        )
    if p.get("role") == "admin":
        return _(
            "%(actor)s cannot do this: only the account owner can.",
            **v,
        )
    return _(
        "%(actor)s cannot do this: only the account owner or an admin can, "
        "and %(actor)s has the role %(role)s.",
        **v,
    )


def _license_pool(p: Params) -> str:
    email = _params(p, "email")["email"]
    pool = _count(p, "pool")
    if p.get("license") == "webinar":
        return ngettext(
            "%(email)s cannot get a webinar license: the account has "
            "%(num)d webinar license and it is assigned.",
            "%(email)s cannot get a webinar license: all %(num)d webinar "
            "licenses of the account are assigned.",
            pool,
            email=email,
        )
    return ngettext(
        "%(email)s cannot get a license: the account has %(num)d license "
        "and it is assigned.",
        "%(email)s cannot get a license: all %(num)d licenses of the account "
        "are assigned.",
        pool,
        email=email,
    )


def _user_status(p: Params) -> str:
    v = _params(p, "email", "status")
    if p.get("needs") == "deactivated":
        return _(
            "%(email)s is %(status)s: only a deactivated user can be activated.",
            **v,
        )
    return _(
        "%(email)s is %(status)s: this can only be done for an active user.",
        **v,
    )


def _transfer_target(p: Params) -> str:
    reason = p.get("reason")
    v = _params(p, "transfer_email")
    if reason == "missing":
        return _("Choose the user to transfer the data to.")
    if reason == "unknown":
        return _(
            "%(transfer_email)s is not a user of this account, so data cannot be "
            "transferred to them.",
            **v,
        )
    if reason == "same-user":
        return _(
            "Data cannot be transferred to %(transfer_email)s: that is the user "
            "being removed.",
            **v,
        )
    if reason == "being-removed":
        return _(
            "%(transfer_email)s is being removed too, so data cannot be "
            "transferred to them.",
            **v,
        )
    return _(
        "Data can only be transferred to an active user of the account, and "
        "%(transfer_email)s is %(status)s.",
        transfer_email=v["transfer_email"],
        status=status_label(str(reason)),
    )


def _invitation_blocked(p: Params) -> str:
    blockers = p.get("blockers")
    count = len(blockers) if isinstance(blockers, list) else 0
    return ngettext(
        "Error %(code)s: the invitation to join an account cannot be accepted "
        "while this account has other users, Zoom Rooms or add-ons; "
        "%(num)d is left.",
        "Error %(code)s: the invitation to join an account cannot be accepted "
        "while this account has other users, Zoom Rooms or add-ons; "
        "%(num)d are left.",
        count,
        code=p.get("code", 1009),
    )


#: Every simulator rule's refusal (or, for rules that only explain, the rule).
RULE_MESSAGES: dict[str, Wording] = {
    "actor-privileged": _actor_privileged,
    "owner-protected": lambda p: _(
        "%(email)s is the account owner and cannot be deactivated, unlinked, "
        "deleted or given another role: the owner is the account.",
        **_params(p, "email"),
    ),
    "pending-user": lambda p: _(
        "%(email)s has not activated their account yet (pending): a pending user "
        "cannot be deactivated, unlinked, deleted or signed in.",
        **_params(p, "email"),
    ),
    "admin-convert-first": lambda p: _(
        "%(email)s is an admin: the account owner must convert them to a member first.",
        **_params(p, "email"),
    ),
    "owner-changes-role": lambda p: _(
        "Only the account owner can change a user's role, and %(actor)s is not "
        "the owner.",
        **_params(p, "actor"),
    ),
    "bulk-privilege": lambda p: _(
        "%(actor)s cannot act on several users at once: that needs the "
        "privilege to remove users in bulk, which the account owner has.",
        **_params(p, "actor"),
    ),
    "deactivate-licenses": lambda p: _(
        "Deactivating a user returns their licenses to the pool and blocks "
        "sign-in; their settings are kept, and it can be undone."
    ),
    "external-deactivated": lambda p: _(
        "A deactivated external user loses all account functionality and privileges."
    ),
    "signin-disabled": lambda p: _(
        "%(email)s cannot sign in: this account has been disabled "
        "(deactivated). An admin can activate it again.",
        **_params(p, "email"),
    ),
    "reactivate-relicense": lambda p: _(
        "A reactivated user comes back without licenses; assign them again."
    ),
    "license-pool": _license_pool,
    "user-status": _user_status,
    "unlink-keeps-data": lambda p: _(
        "An unlinked user leaves with their own account and every meeting, "
        "webinar and cloud recording that was not transferred; their licenses "
        "return to the pool."
    ),
    "managed-domain": lambda p: _(
        "%(email)s is on the managed domain %(domain)s and cannot be unlinked. "
        "If the user has to leave the account, delete them instead: deleting is "
        "permanent, so transfer their data first.",
        **_params(p, "email", "domain"),
    ),
    "delete-permanent": lambda p: _(
        "Deleting a user permanently deletes them and every meeting, webinar "
        "and cloud recording that was not transferred."
    ),
    "pmi-not-transferable": lambda p: _(
        "Meetings scheduled with the Personal Meeting ID (PMI) cannot be transferred."
    ),
    "transfer-target": _transfer_target,
    "transfer-recordings-licensed": lambda p: _(
        "Cloud recordings can only be transferred to a licensed user, and "
        "%(transfer_email)s has no license.",
        **_params(p, "transfer_email"),
    ),
    "transfer-webinars-licensed": lambda p: _(
        "Webinars can only be transferred to a user with a webinar license, "
        "and %(transfer_email)s has none.",
        **_params(p, "transfer_email"),
    ),
    "auto-delete": lambda p: _(
        "With “Delete deactivated users after specified number of days” on, "
        "users deactivated for that many days are deleted, including users "
        "deactivated before the setting was switched on."
    ),
    "auto-delete-notice": lambda p: _(
        "With notices on, the account owner and admins get an e-mail 7 days "
        "before users are permanently deleted."
    ),
    "invitation-blocked": _invitation_blocked,
}


def rule_message(violation: RuleViolation) -> str:
    """Return the refusal (or the rule, for rules that only explain) as a sentence."""
    return RULE_MESSAGES[violation.rule_id](violation.params)


def rule_source(rule_id: str, lang: str) -> tuple[str, str]:
    """Return the URL and title of the article section that states a rule.

    The URL is ``/<lang>/articles/<article>#<section>``; the title is the
    section's, in ``lang`` where the article has that language.

    :raise KeyError: an unknown rule id.
    """
    rule = RULES[rule_id]
    url = url_for(
        "pages.article", lang_code=lang, slug=rule.article, _anchor=rule.section
    )
    translation = get_library().translation(rule.article, lang)
    title = rule.section
    if translation is not None:
        section = translation.article.section(rule.section)
        if section is not None:
            title = section.title
    return url, title


# --- account JSON, CSV files, CSV rows, input values -------------------------------

_EXPECTED = {
    "object": lambda: _("an object"),
    "array": lambda: _("a list"),
    "string": lambda: _("text"),
    "boolean": lambda: _("true or false"),
    "integer": lambda: _("a whole number"),
    "json": lambda: _("a JSON value"),
}


def expected_label(expected: str) -> str:
    """Return the name of a JSON type as a phrase ("a whole number")."""
    label = _EXPECTED.get(expected)
    return label() if label else expected


def _out_of_range(p: Params) -> str:
    return _(
        "%(field)s must be between %(min)s and %(max)s.",
        field=p.get("field", "?"),
        min=p.get("min", "?"),
        max=p.get("max", "?"),
    )


def _invalid_value(p: Params) -> str:
    return _(
        "%(field)s must be one of: %(allowed)s.",
        field=p.get("field", "?"),
        allowed=_listed(p, "allowed"),
    )


def _missing(p: Params) -> str:
    return _("%(field)s is missing.", field=p.get("field", "?"))


#: Why account JSON was rejected, by problem; ``field`` names the field.
ACCOUNT_MESSAGES: dict[str, Wording] = {
    "type": lambda p: _(
        "%(field)s must be %(expected)s.",
        field=p["field"],
        expected=expected_label(str(p.get("expected"))),
    ),
    "unknown-key": lambda p: _(
        "%(field)s has an unknown field: %(key)s.",
        field=p["field"],
        key=p.get("key", "?"),
    ),
    "too-many": lambda p: ngettext(
        "%(field)s may hold at most %(num)d entry.",
        "%(field)s may hold at most %(num)d entries.",
        _count(p, "max"),
        field=p["field"],
    ),
    "too-many-items": lambda p: ngettext(
        "%(field)s may own at most %(num)d meeting, webinar or recording.",
        "%(field)s may own at most %(num)d meetings, webinars and recordings.",
        _count(p, "max"),
        field=p["field"],
    ),
    "too-long": lambda p: ngettext(
        "%(field)s may be at most %(num)d character long.",
        "%(field)s may be at most %(num)d characters long.",
        _count(p, "max"),
        field=p["field"],
    ),
    "empty": lambda p: _("%(field)s must not be empty.", field=p["field"]),
    "out-of-range": _out_of_range,
    "invalid-value": _invalid_value,
    "invalid-email": lambda p: _(
        "%(field)s is not a valid e-mail address.", field=p["field"]
    ),
    "invalid-domain": lambda p: _(
        "%(field)s is not a valid domain name.", field=p["field"]
    ),
    "missing": _missing,
    "duplicate": lambda p: _(
        "%(field)s repeats %(value)s, which must be unique.",
        field=p["field"],
        value=p.get("value", "?"),
    ),
    "owner-count": lambda p: ngettext(
        "The account must have exactly one owner, but %(num)d user has the "
        "role owner (%(field)s).",
        "The account must have exactly one owner, but %(num)d users have the "
        "role owner (%(field)s).",
        _count(p, "count"),
        field=p["field"],
    ),
    "deactivated-licensed": lambda p: _(
        "%(field)s: a deactivated user holds no licenses.", field=p["field"]
    ),
    "not-deactivated": lambda p: _(
        "%(field)s is only allowed for a deactivated user.", field=p["field"]
    ),
    "owner-not-active": lambda p: _(
        "%(field)s: the account owner must be active.", field=p["field"]
    ),
    "too-deep": lambda p: _("%(field)s is nested too deeply.", field=p["field"]),
    "invisible-character": lambda p: _(
        "%(field)s contains an invisible character (%(character)s).",
        field=p["field"],
        character=p.get("character", "?"),
    ),
    "confusable": lambda p: _(
        "%(field)s looks the same as %(other)s: e-mail addresses and domains "
        "must be told apart at a glance.",
        field=p["field"],
        other=p.get("other", "?"),
    ),
    "license-pool": lambda p: ngettext(
        "%(field)s: %(num)d license is assigned but the account has only %(pool)s.",
        "%(field)s: %(num)d licenses are assigned but the account has only %(pool)s.",
        _count(p, "assigned"),
        field=p["field"],
        pool=p.get("pool", "?"),
    ),
}


def account_error_message(error: AccountError) -> str:
    """Return why account JSON was rejected, naming the field."""
    return ACCOUNT_MESSAGES[error.problem]({**error.params, "field": error.field})


#: Why a whole CSV file was rejected, by reason.
CSV_MESSAGES: dict[str, Wording] = {
    "empty": lambda p: _("The CSV file is empty."),
    "binary": lambda p: _(
        "This is not a CSV file: it contains binary data. Save the sheet as "
        "CSV and upload that."
    ),
    "too-large": lambda p: _(
        "The CSV file is too large: at most %(size)s KiB.",
        size=_count(p, "max_bytes") // 1024,
    ),
    "too-many-rows": lambda p: ngettext(
        "The CSV file has too many rows: at most %(num)d row.",
        "The CSV file has too many rows: at most %(num)d rows.",
        _count(p, "max_rows"),
    ),
    "no-email-column": lambda p: _(
        "The CSV file has no Email column. Start from the sample file "
        "(Download Sample CSV)."
    ),
    "encoding": lambda p: _(
        "The CSV file could not be read: save it as CSV UTF-8 and upload it again."
    ),
    "bad-action": lambda p: _(
        "Choose an action: %(allowed)s.", allowed=_listed(p, "allowed")
    ),
    "malformed": lambda p: _(
        "The CSV file could not be read at line %(line)s: check its quotes, or a "
        "cell that is too long.",
        line=p.get("line", "?"),
    ),
}


def csv_rejected_message(error: CsvRejected) -> str:
    """Return why a whole CSV file was rejected."""
    return CSV_MESSAGES[error.reason](error.params)


#: Why one CSV row (or one selected user) could not be applied, by row code.
ROW_MESSAGES: dict[str, Wording] = {
    "missing-email": lambda p: _("The Email cell of this row is empty."),
    "invalid-email": lambda p: _(
        "%(email)s is not a valid e-mail address.", email=p.get("email", "")
    ),
    "invalid-transfer-email": lambda p: _(
        "The Transfer Email of this row is not a valid e-mail address."
    ),
    "invalid-flag": lambda p: _("A Transfer column of this row must be yes or no."),
    "duplicate-row": lambda p: _(
        "%(email)s is already listed in an earlier row.", email=p.get("email", "")
    ),
    "unknown-user": lambda p: _(
        "%(email)s is not a user of this account.", email=p.get("email", "")
    ),
}


def row_error_message(code: str, email: str = "") -> str:
    """Return the message for a CSV row the simulator could not apply."""
    return ROW_MESSAGES[code]({"email": email})


#: Why a value the caller sent was rejected, by problem; ``field`` names it.
INPUT_MESSAGES: dict[str, Wording] = {
    "invalid-value": _invalid_value,
    "out-of-range": _out_of_range,
    "missing": _missing,
    "too-many": ACCOUNT_MESSAGES["too-many"],
    "invalid-email": ACCOUNT_MESSAGES["invalid-email"],
}


def _bulk_refused(p: Params) -> str:
    return ngettext(
        "Nothing was changed: %(num)d selected user cannot be processed.",
        "Nothing was changed: %(num)d selected users cannot be processed.",
        _count(p, "count"),
    )


#: Every other refusal of the sandbox service and its stores, by error id.
ERROR_MESSAGES: dict[str, Wording] = {
    "unknown-user": lambda p: _(
        "%(email)s is not a user of this account.", email=p.get("email", "?")
    ),
    "unknown-room": lambda p: _(
        "This account has no Zoom Room %(room)s.", room=p.get("room", "?")
    ),
    "unknown-addon": lambda p: _(
        "This account has no add-on %(addon)s.", addon=p.get("addon", "?")
    ),
    "unknown-actor": lambda p: _(
        "The acting user %(email)s is not a user of this account.",
        email=p.get("email", "?"),
    ),
    "unknown-scenario": lambda p: _(
        "There is no scenario called %(name)s.", name=p.get("name", "?")
    ),
    "unknown-sandbox": lambda p: _(
        "This sandbox does not exist or has expired. Start a new one."
    ),
    "unknown-share": lambda p: _(
        "This share link does not exist, has been revoked or its sandbox has "
        "expired. Ask for a new link."
    ),
    "nothing-to-undo": lambda p: _(
        "There is no reset to undo: the sandbox has changed since, or was not reset."
    ),
    "account-file-empty": lambda p: _("Paste account JSON or choose a .json file."),
    "account-file-too-large": lambda p: _(
        "The account JSON is too large: at most %(size)s KiB.",
        size=_count(p, "max_bytes") // 1024,
    ),
    "account-file-encoding": lambda p: _(
        "The file is not UTF-8 text. Save the account JSON as UTF-8 and try again."
    ),
    "account-file-surrogate": lambda p: _(
        "The account JSON holds a \\u escape that stands for no character (an "
        "unpaired surrogate, \\ud800 to \\udfff). Remove it and try again."
    ),
    "account-file-syntax": lambda p: _(
        "This is not valid JSON: the mistake is at line %(line)s, column %(column)s.",
        line=p.get("line", "?"),
        column=p.get("column", "?"),
    ),
    "account-file-not-object": lambda p: _(
        'The account JSON must be one object: {"users": [...], ...}.'
    ),
    "unknown-code": lambda p: _(
        "The sandbox cannot diagnose error code %(code)s.", code=p.get("code", "?")
    ),
    "sandbox-too-large": lambda p: _(
        "This sandbox has grown too large. Reset it or start a new one."
    ),
    "bulk-refused": _bulk_refused,
    "store-busy": lambda p: _(
        "The sandbox is busy right now. Nothing was changed: try again in a few "
        "seconds."
    ),
    "too-many-sandboxes": lambda p: _(
        "You have started many sandboxes in a short time. Wait a moment, then "
        "try again."
    ),
    # Request problems are worded where the request is parsed (helpdesk.api).
    "request": lambda p: str(p["text"]),
}


def _tables() -> dict[str, dict[str, Wording]]:
    return {
        "rule": RULE_MESSAGES,
        "account": ACCOUNT_MESSAGES,
        "csv": CSV_MESSAGES,
        "row": ROW_MESSAGES,
        "input": INPUT_MESSAGES,
    }


def wording(message_id: str) -> Wording:
    """Return the entry for ``message_id`` (``table:key`` or an error id).

    :raise KeyError: no table has this id.
    """
    table, _sep, key = message_id.partition(":")
    if _sep:
        return _tables()[table][key]
    return ERROR_MESSAGES[message_id]


def message(error: SandboxError) -> str:
    """Return the sentence for a refusal in the current language."""
    return wording(error.message_id)(error.params)


# --- the diagnosis plan -------------------------------------------------------------


def _items(items: list[Any]) -> str:
    return ", ".join(str(i) for i in items)


def _explain_license(step: PlanStep) -> str:
    p = step.params
    if "license" in p and "webinar" in p:
        return _(
            "Give %(email)s a license and a webinar license from the pool, so "
            "cloud recordings and webinars can be transferred to them.",
            email=step.target,
        )
    if "webinar" in p:
        return _(
            "Give %(email)s a webinar license from the pool, so webinars can be "
            "transferred to them.",
            email=step.target,
        )
    return _(
        "Give %(email)s a license from the pool, so cloud recordings can be "
        "transferred to them.",
        email=step.target,
    )


def _explain_delete(step: PlanStep) -> str:
    if step.params.get("transfer_email"):
        return _(
            "Delete %(email)s, whose e-mail is on a managed domain and so cannot "
            "be unlinked, and transfer their data to %(target)s.",
            email=step.target,
            target=step.params["transfer_email"],
        )
    return _(
        "Delete %(email)s, whose e-mail is on a managed domain and so cannot "
        "be unlinked, without data transfer.",
        email=step.target,
    )


#: What each plan step does, by plan action.
STEP_MESSAGES: dict[str, Callable[[PlanStep], str]] = {
    "change-role": lambda step: _(
        "Convert %(email)s from admin to member: an admin must be a member "
        "before they can be deleted.",
        email=step.target,
    ),
    "assign-license": _explain_license,
    "disassociate": lambda step: _(
        "Unlink %(email)s from your account without data transfer: they keep "
        "their meetings, webinars and cloud recordings in their own account.",
        email=step.target,
    ),
    "delete": _explain_delete,
    "delete-room": lambda step: _(
        "Delete the Zoom Room %(room)s (Room Management → Zoom Rooms).",
        room=step.target,
    ),
    "remove-addon": lambda step: _("Cancel the add-on %(addon)s.", addon=step.target),
}

#: The warning a plan step carries about items that will be lost, by rule.
#: ``delete-permanent`` sums up the warnings before it, so it adds no sentence.
WARNING_MESSAGES: dict[str, Callable[[str], str] | None] = {
    "delete-permanent": None,
    "pmi-not-transferable": lambda items: _(
        "Meetings with the Personal Meeting ID cannot be transferred "
        "and will be deleted: %(items)s.",
        items=items,
    ),
    "transfer-recordings-licensed": lambda items: _(
        "No licensed user can receive these cloud recordings, so they "
        "will be deleted: %(items)s.",
        items=items,
    ),
    "transfer-webinars-licensed": lambda items: _(
        "No user with a webinar license can receive these webinars, so "
        "they will be deleted: %(items)s.",
        items=items,
    ),
}


def explain_step(step: PlanStep) -> str:
    """Return what a diagnosis plan step does and why, with its warnings."""
    notes = [STEP_MESSAGES[step.action](step)]
    for warning in step.warnings:
        worded = WARNING_MESSAGES[warning["rule"]]
        if worded is not None:
            notes.append(worded(_items(warning.get("items", []))))
    return " ".join(notes)
