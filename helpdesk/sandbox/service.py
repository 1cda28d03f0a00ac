"""The sandbox operations that views call: load, act as a user, save atomically.

Every operation runs inside one store transaction: the account JSON is loaded,
the simulator operation runs as the acting user (``actor``; ``None`` means the
account owner), and the new account is saved. When the simulator refuses
(:class:`simulator.RuleViolation`) only the refusal is added to the event log and
saved, then the violation is raised again: the account is otherwise unchanged.
Any other error (unknown user, bad input) saves nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import simulator
from helpdesk.sandbox.store import (
    SandboxNotFound,
    SandboxRecord,
    SandboxTooLarge,
    get_store,
)
from simulator import (
    Account,
    BulkRefused,
    BulkReport,
    Diagnosis,
    Event,
    ImportReport,
    RemovalReport,
    RuleViolation,
    Status,
    TransferOptions,
    dump_account,
    load_account,
    log_refusal,
)

T = TypeVar("T")

__all__ = [
    "KEEP",
    "BulkRefused",
    "InvalidInput",
    "Sandbox",
    "SandboxNotFound",
    "SandboxTooLarge",
    "UnknownActor",
    "UnknownScenario",
    "accept_invitation",
    "advance_clock",
    "bulk_action",
    "change_role",
    "create_sandbox",
    "delete_room",
    "diagnose",
    "events",
    "get_sandbox",
    "import_csv",
    "list_users",
    "plan_as_calls",
    "remove_addon",
    "remove_user",
    "reset",
    "sample_csv",
    "set_status",
    "sign_in",
    "snapshot",
    "update_license",
    "update_settings",
]

#: The API prefix the plan's paths start with (``helpdesk.api.bp``'s prefix).
API_PREFIX = "/api/v1"
#: Event targets are stored as strings of at most this many characters.
MAX_TARGET = 254

ROLES = ("admin", "member")
LICENSES = ("licensed", "basic")
STATUS_ACTIONS = ("deactivate", "activate")
REMOVAL_ACTIONS = ("disassociate", "delete")
BULK_ACTIONS = ("deactivate", "disassociate", "delete")
USER_STATUSES = tuple(s.value for s in Status)


class _Keep:
    """The type of :data:`KEEP`."""

    def __repr__(self) -> str:
        return "KEEP"


#: Passed for a setting that is to stay as it is.
KEEP = _Keep()


class UnknownScenario(LookupError):
    """Signal that no scenario has this name (``simulator.SCENARIOS``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class UnknownActor(LookupError):
    """Signal that the acting user (``X-Sandbox-Actor``) is not on the account."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class InvalidInput(ValueError):
    """Reject a value the caller sent: ``field`` names it, ``problem`` says why.

    Problems: ``invalid-value`` (``allowed``), ``out-of-range`` (``min``, ``max``),
    ``missing``.
    """

    def __init__(self, field: str, problem: str, **params: Any) -> None:
        super().__init__(field, problem, params)
        self.field = field
        self.problem = problem
        self.params: dict[str, Any] = params


@dataclass(frozen=True)
class Sandbox:
    """A sandbox as views see it: its id, account and times (UTC)."""

    id: str
    account: Account
    created: dt.datetime
    last_used: dt.datetime


class _Refused:
    """What a refused operation hands out of the transaction, to raise after it."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _sandbox(record: SandboxRecord) -> Sandbox:
    return Sandbox(
        record.id,
        load_account(record.account),
        dt.datetime.fromtimestamp(record.created, dt.UTC),
        dt.datetime.fromtimestamp(record.last_used, dt.UTC),
    )


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidInput(field, "invalid-value", allowed=list(allowed))
    return str(value)


def _actor(account: Account, actor: str | None) -> str:
    if actor is None:
        return account.owner.email
    if not account.has_user(actor):
        raise UnknownActor(actor)
    return account.find(actor).email


def _save(account: Account) -> dict[str, Any]:
    data = dump_account(account)
    # A state that would not load again would lock the sandbox; refuse it instead.
    load_account(data)
    return data


def _operate(
    sandbox_id: str,
    actor: str | None,
    action: str,
    target: str,
    op: Callable[[Account, str], T],
    log_actor: str | None = None,
) -> T:
    """Run ``op(account, actor_email)`` in one transaction; log and raise refusals.

    Refusals are logged as done by the actor, or by ``log_actor`` when given.
    """

    def apply(data: dict[str, Any]) -> tuple[dict[str, Any], T | _Refused]:
        account = load_account(data)
        acting = _actor(account, actor)
        try:
            result: T | _Refused = op(account, acting)
        except RuleViolation as violation:
            # The simulator refuses before changing anything; start from the stored
            # account anyway so that only the refusal is saved.
            account = load_account(data)
            log_refusal(
                account,
                (log_actor or acting)[:MAX_TARGET],
                action,
                target[:MAX_TARGET],
                violation,
            )
            result = _Refused(violation)
        except BulkRefused as refused:
            account = load_account(data)
            for item in refused.results:
                if item.violation is not None:
                    log_refusal(
                        account,
                        acting,
                        action,
                        item.email[:MAX_TARGET],
                        item.violation,
                    )
            result = _Refused(refused)
        return _save(account), result

    result = get_store().update(sandbox_id, apply)
    if isinstance(result, _Refused):
        raise result.error
    return result


# --- sandboxes ---------------------------------------------------------------------


def create_sandbox(
    scenario: str | None = None, account: dict[str, Any] | None = None
) -> Sandbox:
    """Create a sandbox from a named scenario or from account JSON.

    With neither, the ``error-1009`` scenario is used.

    :raise UnknownScenario: no scenario has this name.
    :raise simulator.AccountError: the account JSON is invalid (names the field).
    :raise SandboxTooLarge: the account JSON is over the size limit.
    """
    if account is not None:
        loaded = load_account(account)
    else:
        name = scenario or "error-1009"
        if name not in simulator.SCENARIOS:
            raise UnknownScenario(name)
        loaded = simulator.load_scenario(name)
    data = dump_account(loaded)
    store = get_store()
    sandbox_id = store.create(data, copy.deepcopy(data))
    record = store.get(sandbox_id)
    if record is None:  # pragma: no cover - expired within the same request
        raise SandboxNotFound(sandbox_id)
    return _sandbox(record)


def get_sandbox(sandbox_id: str) -> Sandbox:
    """Return the sandbox (and count this as a use).

    :raise SandboxNotFound: malformed, unknown or expired id.
    """
    record = get_store().get(sandbox_id)
    if record is None:
        raise SandboxNotFound(sandbox_id)
    return _sandbox(record)


def snapshot(account: Account) -> dict[str, Any]:
    """Return the account JSON shown to clients: everything but the event log."""
    data = dump_account(account)
    data.pop("events", None)
    return data


def list_users(sandbox_id: str, status: str | None = None) -> list[dict[str, Any]]:
    """Return the users' JSON, only those with ``status`` when given.

    :raise InvalidInput: ``status`` is not active, deactivated or pending.
    """
    if status is not None:
        _choice("status", status, USER_STATUSES)
    users = snapshot(get_sandbox(sandbox_id).account)["users"]
    return [u for u in users if status is None or u["status"] == status]


def users_on_tab(account: Account, tab: str, query: str = "") -> list[simulator.User]:
    """Return the users a tab of the Users page lists, in account order.

    The Users tab lists everyone who has activated their account (active or
    deactivated), the Pending tab everyone else; ``query`` matches any part of
    the e-mail address, case-insensitively.
    """
    pending = tab == "pending"
    needle = query.casefold()
    return [
        user
        for user in account.users
        if (user.status is simulator.Status.PENDING) == pending
        and needle in user.email.casefold()
    ]


def reset(sandbox_id: str) -> Sandbox:
    """Put the sandbox back to the account it was created with."""
    return _sandbox(get_store().reset(sandbox_id))


def events(sandbox_id: str) -> list[Event]:
    """Return the event log, oldest first."""
    return list(get_sandbox(sandbox_id).account.events)


# --- users -------------------------------------------------------------------------


def change_role(
    sandbox_id: str, email: str, role: str, *, actor: str | None = None
) -> Event:
    """Give a user the role ``admin`` or ``member`` (only the owner may)."""
    role = _choice("role", role, ROLES)
    return _operate(
        sandbox_id,
        actor,
        "change-role",
        email,
        lambda account, acting: simulator.change_role(
            account, acting, email, simulator.Role(role)
        ),
    )


def update_license(
    sandbox_id: str,
    email: str,
    license: str | None = None,
    webinar: bool | None = None,
    *,
    actor: str | None = None,
) -> Event:
    """Set a user's license (``licensed``/``basic``) and/or webinar license."""
    if license is not None:
        license = _choice("license", license, LICENSES)
    if license is None and webinar is None:
        raise InvalidInput("license", "missing")
    return _operate(
        sandbox_id,
        actor,
        "assign-license",
        email,
        lambda account, acting: simulator.assign_license(
            account, acting, email, license, webinar
        ),
    )


def set_status(
    sandbox_id: str, email: str, action: str, *, actor: str | None = None
) -> Event:
    """Deactivate or (re)activate a user (``action``: deactivate|activate)."""
    action = _choice("action", action, STATUS_ACTIONS)
    operation = (
        simulator.deactivate_user if action == "deactivate" else simulator.activate_user
    )
    return _operate(
        sandbox_id,
        actor,
        action,
        email,
        lambda account, acting: operation(account, acting, email),
    )


def remove_user(
    sandbox_id: str,
    email: str,
    action: str,
    transfer: TransferOptions | None = None,
    *,
    actor: str | None = None,
) -> RemovalReport:
    """Unlink (``disassociate``) or ``delete`` a user, transferring as asked."""
    action = _choice("action", action, REMOVAL_ACTIONS)
    operation = (
        simulator.unlink_user if action == "disassociate" else simulator.delete_user
    )
    return _operate(
        sandbox_id,
        actor,
        action,
        email,
        lambda account, acting: operation(account, acting, email, transfer),
    )


def bulk_action(
    sandbox_id: str,
    action: str,
    emails: list[str],
    transfer: TransferOptions | None = None,
    *,
    actor: str | None = None,
) -> BulkReport:
    """Deactivate, unlink or delete every selected user, or nobody.

    :raise BulkRefused: some user was refused; only the refusals were logged.
    """
    action = _choice("action", action, BULK_ACTIONS)
    if not emails:
        raise InvalidInput("emails", "missing")
    return _operate(
        sandbox_id,
        actor,
        action,
        ", ".join(emails),
        lambda account, acting: simulator.bulk_remove(
            account, acting, action, emails, transfer
        ),
    )


def import_csv(
    sandbox_id: str, action: str, data: bytes, *, actor: str | None = None
) -> ImportReport:
    """Apply an uploaded CSV file row by row (Import → Update Users).

    :raise simulator.CsvRejected: the file cannot be used; nothing changed.
    """
    return _operate(
        sandbox_id,
        actor,
        "import",
        action,
        lambda account, acting: simulator.import_csv(account, acting, action, data),
    )


def sample_csv(sandbox_id: str, action: str) -> str:
    """Return the sample CSV for an action ("Download Sample CSV").

    :raise simulator.CsvRejected: ``bad-action``.
    """
    get_sandbox(sandbox_id)
    return simulator.sample_csv(action)


# --- rooms, add-ons, settings, clock -----------------------------------------------


def delete_room(sandbox_id: str, room_id: str, *, actor: str | None = None) -> Event:
    """Delete a Zoom Room (Room Management → Zoom Rooms)."""
    return _operate(
        sandbox_id,
        actor,
        "delete-room",
        room_id,
        lambda account, acting: simulator.delete_room(account, acting, room_id),
    )


def remove_addon(sandbox_id: str, addon: str, *, actor: str | None = None) -> Event:
    """Cancel an add-on (only the owner may)."""
    return _operate(
        sandbox_id,
        actor,
        "remove-addon",
        addon,
        lambda account, acting: simulator.remove_addon(account, acting, addon),
    )


def update_settings(
    sandbox_id: str,
    delete_deactivated_after_days: int | None | _Keep = KEEP,
    notify_admins_before_delete: bool | _Keep = KEEP,
    *,
    actor: str | None = None,
) -> list[Event]:
    """Save the Advanced tab; :data:`KEEP` leaves a setting as it is.

    Returns the events recorded: the change, then any notices due at once.
    """
    if not isinstance(delete_deactivated_after_days, _Keep) and (
        delete_deactivated_after_days is not None
        and not 1 <= delete_deactivated_after_days <= 365
    ):
        raise InvalidInput(
            "delete_deactivated_after_days", "out-of-range", min=1, max=365
        )

    def op(account: Account, acting: str) -> list[Event]:
        settings = account.settings
        days = (
            settings.delete_deactivated_after_days
            if isinstance(delete_deactivated_after_days, _Keep)
            else delete_deactivated_after_days
        )
        notify = (
            settings.notify_admins_before_delete
            if isinstance(notify_admins_before_delete, _Keep)
            else notify_admins_before_delete
        )
        return simulator.update_settings(account, acting, days, notify)

    return _operate(sandbox_id, actor, "update-settings", "settings", op)


def advance_clock(sandbox_id: str, days: int) -> list[Event]:
    """Move the sandbox clock on; return the events that fired."""
    if not 1 <= days <= 3650:
        raise InvalidInput("days", "out-of-range", min=1, max=3650)
    return _operate(
        sandbox_id,
        None,
        "update-settings",
        "clock",
        lambda account, acting: simulator.advance_clock(account, days),
    )


# --- sign-in and the invitation ----------------------------------------------------


def sign_in(sandbox_id: str, email: str) -> Event:
    """Sign a user in; a deactivated user is refused (``signin-disabled``)."""
    return _operate(
        sandbox_id,
        None,
        "sign-in",
        email,
        lambda account, acting: simulator.sign_in(account, email),
        log_actor=email,
    )


def accept_invitation(sandbox_id: str, *, actor: str | None = None) -> Event:
    """Accept an invitation to join another account, as the owner.

    :raise simulator.InvitationBlocked: error 1009, with the blockers.
    """
    return _operate(
        sandbox_id,
        actor,
        "accept-invitation",
        "invitation",
        lambda account, acting: simulator.accept_invitation(account, acting),
    )


def diagnose(sandbox_id: str, code: int = 1009) -> Diagnosis:
    """Explain ``code`` for this sandbox and plan the fix.

    :raise InvalidInput: a code the simulator does not know.
    """
    account = get_sandbox(sandbox_id).account
    try:
        return simulator.diagnose(account, code)
    except ValueError as error:
        raise InvalidInput("code", "unknown-code", code=code) from error


def _flag(value: Any) -> str:
    return "true" if value else "false"


def plan_as_calls(sandbox_id: str, diagnosis: Diagnosis) -> list[dict[str, Any]]:
    """Turn the diagnosis plan into API calls to make in order, as the owner.

    Each call is ``{"method", "path", "body", "explain"}``: ``path`` is the full
    API path with its query string (e-mails URL-encoded), ``body`` the JSON body
    or ``None``, ``explain`` a sentence in the current language.
    """
    from helpdesk.sandbox.messages import explain_step

    base = f"{API_PREFIX}/sandboxes/{quote(sandbox_id, safe='')}"
    calls = []
    for step in diagnosis.plan:
        target = quote(step.target, safe="")
        params = step.params
        body: dict[str, Any] | None = None
        if step.action == "change-role":
            method, path, body = "PATCH", f"{base}/users/{target}", dict(params)
        elif step.action == "assign-license":
            method, path, body = "PATCH", f"{base}/users/{target}", dict(params)
        elif step.action in REMOVAL_ACTIONS:
            query: dict[str, str] = {"action": step.action}
            if params.get("transfer_email"):
                query["transfer_email"] = params["transfer_email"]
                for key in ("transfer_meeting", "transfer_webinar"):
                    query[key] = _flag(params.get(key))
                query["transfer_recording"] = _flag(params.get("transfer_recording"))
            method = "DELETE"
            path = f"{base}/users/{target}?{urlencode(query, quote_via=quote)}"
        elif step.action == "delete-room":
            method, path = "DELETE", f"{base}/rooms/{target}"
        elif step.action == "remove-addon":
            method, path = "DELETE", f"{base}/addons/{target}"
        else:  # pragma: no cover - the simulator documents every plan action
            raise ValueError(f"unknown plan action {step.action!r}")
        calls.append(
            {
                "method": method,
                "path": path,
                "body": body,
                "explain": explain_step(step),
            }
        )
    return calls
