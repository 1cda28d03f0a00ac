"""Localized sentences for what the simulator reports as ids and plain values.

The simulator never writes sentences: it raises ``RuleViolation(rule_id,
**params)``, ``AccountError(field, problem, **params)``, ``CsvRejected(reason,
**params)`` and returns row error codes. This module turns each into a sentence in
the current locale (use ``flask_babel.force_locale`` to pick another), for the
JSON API and the sandbox pages alike.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.routing import BuildError

from helpdesk.sandbox.service import (
    InvalidInput,
    SandboxNotFound,
    SandboxTooLarge,
    UnknownActor,
    UnknownScenario,
)
from simulator import (
    RULES,
    AccountError,
    CsvRejected,
    PlanStep,
    RuleViolation,
    UnknownAddon,
    UnknownRoom,
    UnknownUser,
)

__all__ = [
    "account_error_message",
    "csv_rejected_message",
    "error_message",
    "explain_step",
    "input_error_message",
    "role_label",
    "row_error_message",
    "rule_message",
    "rule_source",
    "status_label",
]


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


def _params(params: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Return the values a message needs, each present (``?`` when missing)."""
    values: dict[str, Any] = {key: params.get(key, "?") for key in keys}
    if "role" in values:
        values["role"] = role_label(str(values["role"]))
    if "status" in values:
        values["status"] = status_label(str(values["status"]))
    for key, value in values.items():
        if value is None:
            values[key] = "?"
    return values


def rule_message(violation: RuleViolation) -> str:
    """Return the refusal (or the rule, for rules that only explain) as a sentence."""
    rule = violation.rule_id
    p = violation.params
    if rule == "actor-privileged":
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
    if rule == "owner-protected":
        return _(
            "%(email)s is the account owner and cannot be deactivated, unlinked, "
            "deleted or given another role: the owner is the account.",
            **_params(p, "email"),
        )
    if rule == "pending-user":
        return _(
            "%(email)s has not activated their account yet (pending): a pending user "
            "cannot be deactivated, unlinked, deleted or signed in.",
            **_params(p, "email"),
        )
    if rule == "admin-convert-first":
        return _(
            "%(email)s is an admin: the account owner must convert them to a member "
            "first.",
            **_params(p, "email"),
        )
    if rule == "owner-changes-role":
        return _(
            "Only the account owner can change a user's role, and %(actor)s is not "
            "the owner.",
            **_params(p, "actor"),
        )
    if rule == "bulk-privilege":
        return _(
            "%(actor)s cannot act on several users at once: that needs the "
            "privilege to remove users in bulk, which the account owner has.",
            **_params(p, "actor"),
        )
    if rule == "deactivate-licenses":
        return _(
            "Deactivating a user returns their licenses to the pool and blocks "
            "sign-in; their settings are kept, and it can be undone."
        )
    if rule == "external-deactivated":
        return _(
            "A deactivated external user loses all account functionality and "
            "privileges."
        )
    if rule == "signin-disabled":
        return _(
            "%(email)s cannot sign in: this account has been disabled "
            "(deactivated). An admin can activate it again.",
            **_params(p, "email"),
        )
    if rule == "reactivate-relicense":
        return _("A reactivated user comes back without licenses; assign them again.")
    if rule == "license-pool":
        v = _params(p, "email", "pool")
        pool = p.get("pool") if isinstance(p.get("pool"), int) else 0
        if p.get("license") == "webinar":
            return ngettext(
                "%(email)s cannot get a webinar license: the account has "
                "%(num)d webinar license and it is assigned.",
                "%(email)s cannot get a webinar license: all %(num)d webinar "
                "licenses of the account are assigned.",
                pool,
                email=v["email"],
            )
        return ngettext(
            "%(email)s cannot get a license: the account has %(num)d license "
            "and it is assigned.",
            "%(email)s cannot get a license: all %(num)d licenses of the account "
            "are assigned.",
            pool,
            email=v["email"],
        )
    if rule == "user-status":
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
    if rule == "unlink-keeps-data":
        return _(
            "An unlinked user leaves with their own account and every meeting, "
            "webinar and cloud recording that was not transferred; their licenses "
            "return to the pool."
        )
    if rule == "managed-domain":
        return _(
            "%(email)s is on the managed domain %(domain)s and cannot be unlinked; "
            "delete the user instead.",
            **_params(p, "email", "domain"),
        )
    if rule == "delete-permanent":
        return _(
            "Deleting a user permanently deletes them and every meeting, webinar "
            "and cloud recording that was not transferred."
        )
    if rule == "pmi-not-transferable":
        return _(
            "Meetings scheduled with the Personal Meeting ID (PMI) cannot be "
            "transferred."
        )
    if rule == "transfer-target":
        return _transfer_target_message(p)
    if rule == "transfer-recordings-licensed":
        return _(
            "Cloud recordings can only be transferred to a licensed user, and "
            "%(transfer_email)s has no license.",
            **_params(p, "transfer_email"),
        )
    if rule == "transfer-webinars-licensed":
        return _(
            "Webinars can only be transferred to a user with a webinar license, "
            "and %(transfer_email)s has none.",
            **_params(p, "transfer_email"),
        )
    if rule == "auto-delete":
        return _(
            "With “Delete deactivated users after specified number of days” on, "
            "users deactivated for that many days are deleted, including users "
            "deactivated before the setting was switched on."
        )
    if rule == "auto-delete-notice":
        return _(
            "With notices on, the account owner and admins get an e-mail 7 days "
            "before users are permanently deleted."
        )
    if rule == "invitation-blocked":
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
    return _("This is not allowed (rule %(rule)s).", rule=rule)


def _transfer_target_message(p: dict[str, Any]) -> str:
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


def rule_source(rule_id: str, lang: str) -> tuple[str, str]:
    """Return the URL and title of the article section that states a rule.

    The URL is ``/<lang>/articles/<article>#<section>``; the title is the
    section's, in ``lang`` where the article has that language.

    :raise KeyError: an unknown rule id.
    """
    from helpdesk.content import get_library

    rule = RULES[rule_id]
    try:
        url = url_for(
            "pages.article", lang_code=lang, slug=rule.article, _anchor=rule.section
        )
    except BuildError:  # pragma: no cover - the pages blueprint always exists
        url = f"/{lang}/articles/{rule.article}#{rule.section}"
    translation = get_library().translation(rule.article, lang)
    title = rule.section
    if translation is not None:
        section = translation.article.section(rule.section)
        if section is not None:
            title = section.title
    return url, title


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


def account_error_message(error: AccountError) -> str:
    """Return why account JSON was rejected, naming the field."""
    p = error.params
    field = error.field
    problem = error.problem
    if problem == "type":
        return _(
            "%(field)s must be %(expected)s.",
            field=field,
            expected=expected_label(str(p.get("expected"))),
        )
    if problem == "unknown-key":
        return _(
            "%(field)s has an unknown field: %(key)s.",
            field=field,
            key=p.get("key", "?"),
        )
    if problem == "too-many":
        return ngettext(
            "%(field)s may hold at most %(num)d entry.",
            "%(field)s may hold at most %(num)d entries.",
            int(p.get("max", 0)),
            field=field,
        )
    if problem == "too-many-items":
        return ngettext(
            "%(field)s may own at most %(num)d meeting, webinar or recording.",
            "%(field)s may own at most %(num)d meetings, webinars and recordings.",
            int(p.get("max", 0)),
            field=field,
        )
    if problem == "too-long":
        return ngettext(
            "%(field)s may be at most %(num)d character long.",
            "%(field)s may be at most %(num)d characters long.",
            int(p.get("max", 0)),
            field=field,
        )
    if problem == "empty":
        return _("%(field)s must not be empty.", field=field)
    if problem == "out-of-range":
        return _(
            "%(field)s must be between %(min)s and %(max)s.",
            field=field,
            min=p.get("min", "?"),
            max=p.get("max", "?"),
        )
    if problem == "invalid-value":
        return _(
            "%(field)s must be one of: %(allowed)s.",
            field=field,
            allowed=", ".join(str(a) for a in p.get("allowed", [])),
        )
    if problem == "invalid-email":
        return _("%(field)s is not a valid e-mail address.", field=field)
    if problem == "invalid-domain":
        return _("%(field)s is not a valid domain name.", field=field)
    if problem == "missing":
        return _("%(field)s is missing.", field=field)
    if problem == "duplicate":
        return _(
            "%(field)s repeats %(value)s, which must be unique.",
            field=field,
            value=p.get("value", "?"),
        )
    if problem == "owner-count":
        return ngettext(
            "The account must have exactly one owner, but %(num)d user has the "
            "role owner (%(field)s).",
            "The account must have exactly one owner, but %(num)d users have the "
            "role owner (%(field)s).",
            int(p.get("count", 0)),
            field=field,
        )
    if problem == "deactivated-licensed":
        return _(
            "%(field)s: a deactivated user holds no licenses.",
            field=field,
        )
    if problem == "not-deactivated":
        return _(
            "%(field)s is only allowed for a deactivated user.",
            field=field,
        )
    if problem == "owner-not-active":
        return _("%(field)s: the account owner must be active.", field=field)
    if problem == "too-deep":
        return _("%(field)s is nested too deeply.", field=field)
    if problem == "license-pool":
        return _(
            "%(field)s: %(assigned)s licenses are assigned but the account has only "
            "%(pool)s.",
            field=field,
            assigned=p.get("assigned", "?"),
            pool=p.get("pool", "?"),
        )
    return _("%(field)s is not valid.", field=field)


def csv_rejected_message(error: CsvRejected) -> str:
    """Return why a whole CSV file was rejected."""
    p = error.params
    reason = error.reason
    if reason == "empty":
        return _("The CSV file is empty.")
    if reason == "binary":
        return _(
            "This is not a CSV file: it contains binary data. Save the sheet as "
            "CSV and upload that."
        )
    if reason == "too-large":
        return _(
            "The CSV file is too large: at most %(size)s KiB.",
            size=int(p.get("max_bytes", 0)) // 1024,
        )
    if reason == "too-many-rows":
        return ngettext(
            "The CSV file has too many rows: at most %(num)d row.",
            "The CSV file has too many rows: at most %(num)d rows.",
            int(p.get("max_rows", 0)),
        )
    if reason == "no-email-column":
        return _(
            "The CSV file has no Email column. Start from the sample file "
            "(Download Sample CSV)."
        )
    if reason == "encoding":
        return _(
            "The CSV file could not be read: save it as CSV UTF-8 and upload it again."
        )
    if reason == "bad-action":
        return _(
            "Choose an action: %(allowed)s.",
            allowed=", ".join(str(a) for a in p.get("allowed", [])),
        )
    return _("The CSV file could not be read.")


def row_error_message(code: str, email: str = "") -> str:
    """Return the message for a CSV row the simulator could not apply."""
    if code == "missing-email":
        return _("The Email cell of this row is empty.")
    if code == "invalid-email":
        return _("%(email)s is not a valid e-mail address.", email=email)
    if code == "invalid-transfer-email":
        return _("The Transfer Email of this row is not a valid e-mail address.")
    if code == "invalid-flag":
        return _("A Transfer column of this row must be yes or no.")
    if code == "duplicate-row":
        return _("%(email)s is already listed in an earlier row.", email=email)
    if code == "unknown-user":
        return _("%(email)s is not a user of this account.", email=email)
    return _("This row could not be applied (%(code)s).", code=code)


def input_error_message(error: InvalidInput) -> str:
    """Return why a value sent by the caller was rejected."""
    p = error.params
    if error.problem == "invalid-value":
        return _(
            "%(field)s must be one of: %(allowed)s.",
            field=error.field,
            allowed=", ".join(str(a) for a in p.get("allowed", [])),
        )
    if error.problem == "out-of-range":
        return _(
            "%(field)s must be between %(min)s and %(max)s.",
            field=error.field,
            min=p.get("min", "?"),
            max=p.get("max", "?"),
        )
    if error.problem == "missing":
        return _("%(field)s is missing.", field=error.field)
    if error.problem == "unknown-code":
        return _("The sandbox cannot diagnose error code %(code)s.", code=p.get("code"))
    return _("%(field)s is not valid.", field=error.field)


def error_message(error: Exception) -> str:
    """Return a sentence for any error the sandbox service raises."""
    if isinstance(error, RuleViolation):
        return rule_message(error)
    if isinstance(error, AccountError):
        return account_error_message(error)
    if isinstance(error, CsvRejected):
        return csv_rejected_message(error)
    if isinstance(error, InvalidInput):
        return input_error_message(error)
    if isinstance(error, UnknownUser):
        return _("%(email)s is not a user of this account.", email=error.email)
    if isinstance(error, UnknownRoom):
        return _("This account has no Zoom Room %(room)s.", room=error.room_id)
    if isinstance(error, UnknownAddon):
        return _("This account has no add-on %(addon)s.", addon=error.addon)
    if isinstance(error, UnknownActor):
        return _(
            "The acting user %(email)s is not a user of this account.",
            email=error.email,
        )
    if isinstance(error, UnknownScenario):
        return _("There is no scenario called %(name)s.", name=error.name)
    if isinstance(error, SandboxNotFound):
        return _("This sandbox does not exist or has expired. Start a new one.")
    if isinstance(error, SandboxTooLarge):
        return _("This sandbox has grown too large. Reset it or start a new one.")
    return _("Something went wrong on our side.")


def _items(items: list[Any]) -> str:
    return ", ".join(str(i) for i in items)


def explain_step(step: PlanStep) -> str:
    """Return what a diagnosis plan step does and why, with its warnings."""
    p = step.params
    if step.action == "change-role":
        text = _(
            "Convert %(email)s from admin to member: an admin must be a member "
            "before they can be deleted.",
            email=step.target,
        )
    elif step.action == "assign-license":
        if "license" in p and "webinar" in p:
            text = _(
                "Give %(email)s a license and a webinar license from the pool, so "
                "cloud recordings and webinars can be transferred to them.",
                email=step.target,
            )
        elif "webinar" in p:
            text = _(
                "Give %(email)s a webinar license from the pool, so webinars can be "
                "transferred to them.",
                email=step.target,
            )
        else:
            text = _(
                "Give %(email)s a license from the pool, so cloud recordings can be "
                "transferred to them.",
                email=step.target,
            )
    elif step.action == "disassociate":
        text = _(
            "Unlink %(email)s from your account without data transfer: they keep "
            "their meetings, webinars and cloud recordings in their own account.",
            email=step.target,
        )
    elif step.action == "delete":
        if p.get("transfer_email"):
            text = _(
                "Delete %(email)s, whose e-mail is on a managed domain and so cannot "
                "be unlinked, and transfer their data to %(target)s.",
                email=step.target,
                target=p["transfer_email"],
            )
        else:
            text = _(
                "Delete %(email)s, whose e-mail is on a managed domain and so cannot "
                "be unlinked, without data transfer.",
                email=step.target,
            )
    elif step.action == "delete-room":
        text = _(
            "Delete the Zoom Room %(room)s (Room Management → Zoom Rooms).",
            room=step.target,
        )
    elif step.action == "remove-addon":
        text = _("Cancel the add-on %(addon)s.", addon=step.target)
    else:
        text = step.action
    notes = [text]
    for warning in step.warnings:
        items = _items(warning.get("items", []))
        rule = warning.get("rule")
        if rule == "pmi-not-transferable":
            notes.append(
                _(
                    "Meetings with the Personal Meeting ID cannot be transferred "
                    "and will be deleted: %(items)s.",
                    items=items,
                )
            )
        elif rule == "transfer-recordings-licensed":
            notes.append(
                _(
                    "No licensed user can receive these cloud recordings, so they "
                    "will be deleted: %(items)s.",
                    items=items,
                )
            )
        elif rule == "transfer-webinars-licensed":
            notes.append(
                _(
                    "No user with a webinar license can receive these webinars, so "
                    "they will be deleted: %(items)s.",
                    items=items,
                )
            )
    return " ".join(notes)
