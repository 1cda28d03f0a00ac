"""The questionnaire form on a code page: the values to show back, and error wording."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.errorcodes import questionnaire
from helpdesk.errorcodes.questionnaire import FieldError


def form_values(args: Mapping[str, str]) -> dict[str, str]:
    """Return the questionnaire's fields as entered, cut short, to refill the form."""
    values = {name: args.get(name, "")[:12] for name in questionnaire.LIMITS}
    values["addons"] = args.get("addons", "")[:12]
    return values


def field_messages(errors: Iterable[FieldError]) -> dict[str, str]:
    """Return the message to show under each field with an error, by field name."""
    return {error.field: field_message(error) for error in errors}


def field_message(error: FieldError) -> str:
    """Return what the reader is told about one field's error."""
    if error.problem == "number":
        return _("Enter a whole number.")
    if error.problem == "range":
        return _("Enter a number from 0 to %(max)d.", max=error.limit)
    if error.problem == "admins":
        return ngettext(
            "An admin must be converted to a member before being deactivated, so "
            "at most %(num)d user can be deactivated here.",
            "An admin must be converted to a member before being deactivated, so "
            "at most %(num)d users can be deactivated here.",
            error.limit,
        )
    return ngettext(
        "This cannot be more than the number of other users (%(num)d).",
        "This cannot be more than the number of other users (%(num)d).",
        error.limit,
    )
