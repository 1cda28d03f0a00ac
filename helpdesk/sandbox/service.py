"""The sandbox operations that views call: load, act as a user, commit.

:class:`SandboxService` is built per request (or per test) from the store and the
limits it needs; it never reaches for Flask. Every operation reads the sandbox and
its version, runs the simulator operation as the acting user (``actor``; ``None``
means the account owner) outside any lock, and commits the new account only if
nobody else committed in between; on a conflict it reads again and retries a few
times (:data:`COMMIT_ATTEMPTS`), then answers busy.

When the simulator refuses (:class:`simulator.RuleViolation`) only the refusal is
added to the event log and committed, then the refusal is raised as a
:class:`~helpdesk.sandbox.errors.SandboxError`: the account is otherwise
unchanged. Any other error (unknown user, bad input) commits nothing.

A reset can be undone once: the sandbox's stored JSON then carries the state
before the reset under :data:`UNDO_KEY`, and every other commit writes the
account without it, so the undo lasts until the next change. Both states are
each within the account size limit (the store counts both).

A sandbox can be shared read-only through a token of its own (never its id,
see :mod:`helpdesk.sandbox.store`): :meth:`SandboxService.shared` shows it with
``id`` ``None`` and :meth:`SandboxService.copy_shared` makes a visitor a sandbox
of their own from it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import simulator
from helpdesk.sandbox import errors, guide
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.store import SandboxRecord, SandboxStore, dumps
from simulator import (
    Account,
    BulkReport,
    Diagnosis,
    Event,
    ImportReport,
    PlanStep,
    RemovalReport,
    Status,
    TransferOptions,
    dump_account,
    load_account,
    load_state,
    log_refusal,
)
from simulator.limits import MAX_EVENTS_KEPT

T = TypeVar("T")

#: The API prefix the plan's paths start with (``helpdesk.api.bp``'s prefix).
API_PREFIX = "/api/v1"
#: Event targets are stored as strings of at most this many characters.
MAX_TARGET = 254
#: Who acts is named by this request header (``field`` of ``unknown-actor``).
ACTOR_FIELD = "X-Sandbox-Actor"
#: How many times an operation is computed before a lost commit race is a 503.
COMMIT_ATTEMPTS = 16
#: After losing a race, wait a random time up to this many seconds, doubling.
RETRY_BACKOFF_SECONDS = 0.002
RETRY_BACKOFF_MAX_SECONDS = 0.25
#: After this many lost races a writer claims the sandbox: the others' commits
#: then fail until it has committed, so one writer cannot be starved.
CLAIM_AFTER = 3
#: A claim ends by itself after this long (a writer that died holding one).
CLAIM_SECONDS = 5.0
#: How long a writer waits for another's claim to end before answering busy.
CLAIM_WAIT_SECONDS = 3.0

ROLES = ("admin", "member")
LICENSES = ("licensed", "basic")
STATUS_ACTIONS = ("deactivate", "activate")
REMOVAL_ACTIONS = ("disassociate", "delete")
BULK_ACTIONS = ("deactivate", "disassociate", "delete")
USER_STATUSES = tuple(s.value for s in Status)
#: Where a sandbox just reset keeps the state before the reset (see the module doc).
UNDO_KEY = "undo"


class _Keep:
    """The type of :data:`KEEP`."""

    def __repr__(self) -> str:
        return "KEEP"


#: Passed for a setting that is to stay as it is.
KEEP = _Keep()


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandbox may hold: read from the settings (``SANDBOX_*``)."""

    max_account_bytes: int
    max_clock_days: int
    max_auto_delete_days: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SandboxLimits:
        """Return the limits in an app's configuration (see helpdesk.settings)."""
        return cls(
            max_account_bytes=int(config["SANDBOX_MAX_ACCOUNT_BYTES"]),
            max_clock_days=int(config["SANDBOX_MAX_CLOCK_DAYS"]),
            max_auto_delete_days=int(config["SANDBOX_MAX_AUTO_DELETE_DAYS"]),
        )


@dataclass(frozen=True)
class Sandbox:
    """A sandbox as views see it: its id, account and times (UTC).

    ``id`` is ``None`` for a sandbox that is shown but not stored yet: the UI
    stores one only on the visitor's first change.
    """

    id: str | None
    account: Account
    created: dt.datetime
    last_used: dt.datetime
    can_undo: bool = False

    @property
    def changes(self) -> int:
        """Return how many events the log holds: the work a replacement loses."""
        return len(self.account.events)


@dataclass(frozen=True)
class SharedSandbox:
    """A sandbox shown through its share token: never its id, never a change."""

    sandbox: Sandbox
    diagnosis: Diagnosis


def _state(record: SandboxRecord) -> dict[str, Any]:
    """Return the stored account JSON without the state kept for an undo."""
    return {k: v for k, v in record.account.items() if k != UNDO_KEY}


def _sandbox(record: SandboxRecord, *, events: bool = True) -> Sandbox:
    return Sandbox(
        record.id,
        load_state(_state(record), events=events),
        dt.datetime.fromtimestamp(record.created, dt.UTC),
        dt.datetime.fromtimestamp(record.last_used, dt.UTC),
        can_undo=isinstance(record.account.get(UNDO_KEY), dict),
    )


@functools.lru_cache(maxsize=32)
def _initial_plan(initial_text: str, code: int) -> tuple[tuple[PlanStep, ...], int]:
    """Return the plan diagnosed on a sandbox's initial account, and its blockers.

    The initial account never changes, and diagnosing a large one costs more than
    the rest of a page: a page of a sandbox with a plan reuses the result.
    """
    initial = load_state(json.loads(initial_text), events=False)
    return guide.initial_plan(initial, code)


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise errors.invalid_input(field, "invalid-value", allowed=list(allowed))
    return str(value)


def _acting(account: Account, actor: str | None) -> str:
    if actor is None:
        return account.owner.email
    if not account.has_user(actor):
        raise SandboxError(
            "unknown-actor", 400, params={"email": actor}, field=ACTOR_FIELD
        )
    return account.find(actor).email


def _without_row_results(event: dict[str, Any]) -> dict[str, Any]:
    """Return a stored ``import`` event without its per-row ``results`` list."""
    details = event.get("details")
    if event.get("action") != "import" or not isinstance(details, dict):
        return event
    if "results" not in details:
        return event
    return {**event, "details": {k: v for k, v in details.items() if k != "results"}}


def _simulated(run: Callable[[], T]) -> T:
    """Run a simulator call; raise what it refuses as a :class:`SandboxError`."""
    try:
        return run()
    except Exception as error:
        refusal = errors.from_simulator(error)
        if refusal is None:
            raise
        raise refusal from error


def scenario_account(name: str) -> Account:
    """Return a fresh account of a named scenario.

    :raise SandboxError: ``unknown-scenario``.
    """
    if name not in simulator.SCENARIOS:
        raise SandboxError(
            "unknown-scenario", 400, params={"name": name}, field="scenario"
        )
    return simulator.load_scenario(name)


def preview_sandbox(scenario: str = "error-1009") -> Sandbox:
    """Return a scenario's sandbox as it would be created, without storing it."""
    now = dt.datetime.now(dt.UTC)
    return Sandbox(None, scenario_account(scenario), now, now)


def snapshot(account: Account) -> dict[str, Any]:
    """Return the account JSON shown to clients: everything but the event log."""
    data = dump_account(account)
    data.pop("events", None)
    return data


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


class SandboxService:
    """The operations on sandboxes, run against one store with one set of limits."""

    def __init__(self, store: SandboxStore, limits: SandboxLimits) -> None:
        self.store = store
        self.limits = limits

    # --- reading and committing ----------------------------------------------------

    def _record(self, sandbox_id: str) -> SandboxRecord:
        record = self.store.get(sandbox_id)
        if record is None:
            raise errors.not_found("sandbox", sandbox_id=sandbox_id)
        return record

    def _checked(self, account: Account) -> dict[str, Any]:
        """Return the account JSON to store, log excluded; refuse one too large.

        The event log is bounded by the simulator and does not count.
        """
        data = dump_account(account, events=False)
        size = len(dumps(data).encode("utf-8"))
        if size > self.limits.max_account_bytes:
            raise errors.too_large(size, self.limits.max_account_bytes)
        return data

    def _with_log(
        self, stored: dict[str, Any], account: Account, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Return ``data`` with the stored log plus what ``account`` recorded.

        Operations load the account without its log (the simulator never reads
        it) and append to an empty one: the stored events, validated when they
        were first recorded, are carried over as they are, not parsed again.
        """
        recorded = [event.to_dict() for event in account.events]
        earlier = stored.get("events", [])
        if any(event["action"] == "import" for event in recorded):
            # Only the latest import keeps every row's result (for its results
            # download): the log holds one full file's results at most.
            earlier = [_without_row_results(event) for event in earlier]
        log = [*earlier, *recorded]
        return {**data, "events": log[-MAX_EVENTS_KEPT:]}

    def _update(
        self,
        sandbox_id: str,
        compute: Callable[[SandboxRecord], tuple[dict[str, Any] | None, T]],
    ) -> T:
        """Commit ``compute(record)`` with a compare-and-swap on the version.

        ``compute`` returns the new account JSON (``None``: nothing to save) and
        the result; it runs again on the fresh state after a lost race. After
        :data:`CLAIM_AFTER` lost races the writer claims the sandbox, so that
        the other writers' commits wait for its own.
        """
        claim: str | None = None
        try:
            for attempt in range(COMMIT_ATTEMPTS):
                if attempt == CLAIM_AFTER:
                    claim = self._claim(sandbox_id)
                record = self._record(sandbox_id)
                data, result = compute(record)
                if data is None or self.store.commit(
                    sandbox_id, data, record.version, claim
                ):
                    return result
                if claim is None:
                    # Jittered exponential back-off, so racing writers spread out.
                    ceiling = RETRY_BACKOFF_SECONDS * 2**attempt
                    time.sleep(
                        random.uniform(0, min(ceiling, RETRY_BACKOFF_MAX_SECONDS))
                    )
        finally:
            if claim is not None:
                self.store.release(sandbox_id, claim)
        raise errors.store_busy(1)

    def _claim(self, sandbox_id: str) -> str:
        """Wait for the sandbox's writer claim and return its token.

        :raise SandboxError: ``store-busy`` when another writer keeps it.
        """
        token = secrets.token_hex(16)
        deadline = time.monotonic() + CLAIM_WAIT_SECONDS
        while not self.store.claim(sandbox_id, token, CLAIM_SECONDS):
            if time.monotonic() > deadline:
                raise errors.store_busy(1)
            time.sleep(random.uniform(0.001, 0.005))
        return token

    def _operate(
        self,
        sandbox_id: str,
        actor: str | None,
        action: str,
        target: str,
        op: Callable[[Account, str], T],
        log_actor: str | None = None,
    ) -> T:
        """Run ``op(account, actor_email)`` and commit; log and raise refusals.

        Refusals are logged as done by the actor, or by ``log_actor`` when given.
        """

        def compute(record: SandboxRecord) -> tuple[dict[str, Any], T | SandboxError]:
            data = _state(record)
            account = load_state(data, events=False)
            acting = _acting(account, actor)
            try:
                result: T | SandboxError = _simulated(lambda: op(account, acting))
            except errors.RuleRefusal as refusal:
                # The simulator refuses before changing anything; start from the
                # stored account anyway so that only the refusal is saved.
                account = load_state(data, events=False)
                log_refusal(
                    account,
                    (log_actor or acting)[:MAX_TARGET],
                    action,
                    target[:MAX_TARGET],
                    refusal.violation,
                )
                result = refusal
            except errors.BulkRefusal as refused:
                account = load_state(data, events=False)
                for item in refused.results:
                    if item.violation is not None:
                        log_refusal(
                            account,
                            acting,
                            action,
                            item.email[:MAX_TARGET],
                            item.violation,
                        )
                result = refused
            return self._with_log(data, account, self._checked(account)), result

        result = self._update(sandbox_id, compute)
        if isinstance(result, SandboxError):
            raise result
        return result

    # --- sandboxes -----------------------------------------------------------------

    def create(
        self, scenario: str | None = None, account: dict[str, Any] | None = None
    ) -> Sandbox:
        """Create a sandbox from a named scenario or from account JSON.

        With neither, the ``error-1009`` scenario is used.

        :raise SandboxError: ``unknown-scenario``, ``invalid-account`` (naming the
            field) or ``sandbox-too-large``.
        """
        if account is not None:
            loaded = _simulated(lambda: load_account(account))
        else:
            loaded = scenario_account(scenario or "error-1009")
        data = {**self._checked(loaded), "events": []}
        sandbox_id = self.store.create(data, data)
        return _sandbox(self._record(sandbox_id))

    def get(self, sandbox_id: str, *, events: bool = True) -> Sandbox:
        """Return the sandbox (and count this as a use).

        With ``events`` false the event log is not read (for a snapshot).

        :raise SandboxError: ``unknown-sandbox`` for a malformed, unknown or
            expired id.
        """
        return _sandbox(self._record(sandbox_id), events=events)

    def plan_progress(
        self, sandbox_id: str, code: int = 1009, current: Account | None = None
    ) -> guide.PlanProgress:
        """Return how far the sandbox is along the fix plan of ``code``.

        The plan is the one diagnosed on the account the sandbox was created with
        (kept in its record, so every worker and store agrees); its steps are
        ticked and its blockers counted on the current account (``current``: as
        the caller has just read it, which saves reading it again).

        :raise SandboxError: ``unknown-sandbox``.
        :raise ValueError: a code the simulator does not diagnose.
        """
        record = self._record(sandbox_id)
        plan, total = _initial_plan(record.initial_text, code)
        if current is None:
            current = load_state(_state(record), events=False)
        return guide.track(plan, total, current, code)

    def list_users(
        self, sandbox_id: str, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Return the users' JSON, only those with ``status`` when given."""
        if status is not None:
            _choice("status", status, USER_STATUSES)
        users = snapshot(self.get(sandbox_id, events=False).account)["users"]
        return [u for u in users if status is None or u["status"] == status]

    def reset(self, sandbox_id: str) -> Sandbox:
        """Put the sandbox back to the account it was created with.

        The state before the reset is kept until the next change
        (:meth:`undo_reset`).
        """

        def back_to_initial(record: SandboxRecord) -> tuple[dict[str, Any], None]:
            return {**record.initial, UNDO_KEY: _state(record)}, None

        self._update(sandbox_id, back_to_initial)
        return self.get(sandbox_id)

    def undo_reset(self, sandbox_id: str) -> Sandbox:
        """Bring back the state the last reset replaced.

        :raise SandboxError: ``nothing-to-undo`` (409) when the sandbox was not
            reset, or changed since.
        """

        def back_to_previous(record: SandboxRecord) -> tuple[dict[str, Any], None]:
            previous = record.account.get(UNDO_KEY)
            if not isinstance(previous, dict):
                raise SandboxError("nothing-to-undo", 409)
            return previous, None

        self._update(sandbox_id, back_to_previous)
        return self.get(sandbox_id)

    def export(self, sandbox_id: str) -> dict[str, Any]:
        """Return the account JSON of the sandbox as it is now.

        It is what ``create(account=...)`` (and ``POST /api/v1/sandboxes``)
        accepts: the event log is history, not account, and is left out.
        """
        return snapshot(self.get(sandbox_id, events=False).account)

    # --- sharing -------------------------------------------------------------------

    def share(self, sandbox_id: str) -> str:
        """Return the sandbox's share token (the same one until it is revoked).

        :raise SandboxError: ``unknown-sandbox``.
        """
        token = self.store.share(sandbox_id)
        if token is None:
            raise errors.not_found("sandbox")
        return token

    def revoke_share(self, sandbox_id: str) -> bool:
        """Revoke the sandbox's share token; return whether it had one.

        :raise SandboxError: ``unknown-sandbox``.
        """
        self._record(sandbox_id)
        return self.store.revoke_share(sandbox_id)

    def is_shared(self, sandbox_id: str, token: str) -> bool:
        """Return whether ``token`` is the live share token of the sandbox."""
        return self.store.shared(token) == sandbox_id

    def _shared_record(self, token: str) -> SandboxRecord:
        sandbox_id = self.store.shared(token)
        record = None if sandbox_id is None else self.store.get(sandbox_id)
        if record is None:
            raise errors.not_found("share")
        return record

    def shared(self, token: str) -> SharedSandbox:
        """Return the sandbox shared under ``token`` and its diagnosis of 1009.

        The sandbox is shown read-only: its ``id`` is ``None``.

        :raise SandboxError: ``unknown-share`` (404) for an unknown, revoked or
            expired token.
        """
        found = _sandbox(self._shared_record(token))
        sandbox = replace(found, id=None, can_undo=False)
        return SharedSandbox(sandbox, _diagnosis(sandbox.account, 1009))

    def copy_shared(self, token: str) -> Sandbox:
        """Create a new sandbox holding the shared one's account and event log.

        The copy starts (and resets to) the shared account as it is now.

        :raise SandboxError: ``unknown-share``, ``sandbox-too-large``.
        """
        state = _state(self._shared_record(token))
        data = {**self._checked(load_state(state, events=False)), "events": []}
        sandbox_id = self.store.create(
            data, {**data, "events": state.get("events", [])}
        )
        return _sandbox(self._record(sandbox_id))

    def events(self, sandbox_id: str) -> list[Event]:
        """Return the event log, oldest first."""
        return list(self.get(sandbox_id).account.events)

    # --- users ---------------------------------------------------------------------

    def change_role(
        self, sandbox_id: str, email: str, role: str, *, actor: str | None = None
    ) -> Event:
        """Give a user the role ``admin`` or ``member`` (only the owner may)."""
        role = _choice("role", role, ROLES)
        return self._operate(
            sandbox_id,
            actor,
            "change-role",
            email,
            lambda account, acting: simulator.change_role(
                account, acting, email, simulator.Role(role)
            ),
        )

    def update_license(
        self,
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
            raise errors.invalid_input("license", "missing")
        return self._operate(
            sandbox_id,
            actor,
            "assign-license",
            email,
            lambda account, acting: simulator.assign_license(
                account, acting, email, license, webinar
            ),
        )

    def set_status(
        self, sandbox_id: str, email: str, action: str, *, actor: str | None = None
    ) -> Event:
        """Deactivate or (re)activate a user (``action``: deactivate|activate)."""
        action = _choice("action", action, STATUS_ACTIONS)
        operation = (
            simulator.deactivate_user
            if action == "deactivate"
            else simulator.activate_user
        )
        return self._operate(
            sandbox_id,
            actor,
            action,
            email,
            lambda account, acting: operation(account, acting, email),
        )

    def remove_user(
        self,
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
        return self._operate(
            sandbox_id,
            actor,
            action,
            email,
            lambda account, acting: operation(account, acting, email, transfer),
        )

    def bulk_action(
        self,
        sandbox_id: str,
        action: str,
        emails: list[str],
        transfer: TransferOptions | None = None,
        *,
        actor: str | None = None,
    ) -> BulkReport:
        """Deactivate, unlink or delete every selected user, or nobody.

        :raise SandboxError: ``bulk-refused`` when some user was refused (only the
            refusals were logged).
        """
        action = _choice("action", action, BULK_ACTIONS)
        if not emails:
            raise errors.invalid_input("emails", "missing")
        return self._operate(
            sandbox_id,
            actor,
            action,
            ", ".join(emails[:20]),
            lambda account, acting: simulator.bulk_remove(
                account, acting, action, emails, transfer
            ),
        )

    def import_csv(
        self, sandbox_id: str, action: str, data: bytes, *, actor: str | None = None
    ) -> ImportReport:
        """Apply an uploaded CSV file row by row (Import → Update Users).

        :raise SandboxError: ``invalid-csv``: the file cannot be used; nothing
            changed.
        """
        return self._operate(
            sandbox_id,
            actor,
            "import",
            action,
            lambda account, acting: simulator.import_csv(account, acting, action, data),
        )

    def sample_csv(self, sandbox_id: str | None, action: str) -> str:
        """Return the sample CSV for an action ("Download Sample CSV").

        The rows name the sandbox's own users that the action would apply to, so
        the file imports cleanly as it is. ``sandbox_id`` ``None`` is a sandbox
        not stored yet (the ``error-1009`` scenario it would start from).
        """
        account = (
            self.get(sandbox_id, events=False).account
            if sandbox_id is not None
            else preview_sandbox().account
        )
        return _simulated(lambda: simulator.sample_csv(action, account))

    # --- rooms, add-ons, settings, clock -------------------------------------------

    def delete_room(
        self, sandbox_id: str, room_id: str, *, actor: str | None = None
    ) -> Event:
        """Delete a Zoom Room (Room Management → Zoom Rooms)."""
        return self._operate(
            sandbox_id,
            actor,
            "delete-room",
            room_id,
            lambda account, acting: simulator.delete_room(account, acting, room_id),
        )

    def remove_addon(
        self, sandbox_id: str, addon: str, *, actor: str | None = None
    ) -> Event:
        """Cancel an add-on (only the owner may)."""
        return self._operate(
            sandbox_id,
            actor,
            "remove-addon",
            addon,
            lambda account, acting: simulator.remove_addon(account, acting, addon),
        )

    def update_settings(
        self,
        sandbox_id: str,
        delete_deactivated_after_days: int | None | _Keep = KEEP,
        notify_admins_before_delete: bool | _Keep = KEEP,
        *,
        actor: str | None = None,
    ) -> list[Event]:
        """Save the Advanced tab; :data:`KEEP` leaves a setting as it is.

        Returns the events recorded: the change, then any notices due at once.
        """
        most = self.limits.max_auto_delete_days
        if not isinstance(delete_deactivated_after_days, _Keep) and (
            delete_deactivated_after_days is not None
            and not 1 <= delete_deactivated_after_days <= most
        ):
            raise errors.invalid_input(
                "delete_deactivated_after_days", "out-of-range", min=1, max=most
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

        return self._operate(sandbox_id, actor, "update-settings", "settings", op)

    def advance_clock(self, sandbox_id: str, days: int) -> list[Event]:
        """Move the sandbox clock on; return the events that fired."""
        most = self.limits.max_clock_days
        if not 1 <= days <= most:
            raise errors.invalid_input("days", "out-of-range", min=1, max=most)
        return self._operate(
            sandbox_id,
            None,
            "update-settings",
            "clock",
            lambda account, acting: simulator.advance_clock(account, days),
        )

    # --- sign-in and the invitation ------------------------------------------------

    def sign_in(self, sandbox_id: str, email: str) -> Event:
        """Sign a user in; a deactivated user is refused (``signin-disabled``)."""
        return self._operate(
            sandbox_id,
            None,
            "sign-in",
            email,
            lambda account, acting: simulator.sign_in(account, email),
            log_actor=email,
        )

    def accept_invitation(self, sandbox_id: str, *, actor: str | None = None) -> Event:
        """Accept an invitation to join another account, as the owner.

        :raise SandboxError: error 1009, with the blockers.
        """
        return self._operate(
            sandbox_id,
            actor,
            "accept-invitation",
            "invitation",
            lambda account, acting: simulator.accept_invitation(account, acting),
        )

    def diagnose(self, sandbox_id: str, code: int = 1009) -> Diagnosis:
        """Explain ``code`` for this sandbox and plan the fix.

        :raise SandboxError: ``unknown-code`` for a code the simulator does not
            know.
        """
        return _diagnosis(self.get(sandbox_id, events=False).account, code)


def _diagnosis(account: Account, code: int) -> Diagnosis:
    try:
        return simulator.diagnose(account, code)
    except ValueError as error:
        raise SandboxError(
            "unknown-code", 404, params={"code": code}, field="code"
        ) from error


def _flag(value: Any) -> str:
    return "true" if value else "false"


def plan_as_calls(
    sandbox_id: str, diagnosis: Diagnosis, explain: Callable[[Any], str]
) -> list[dict[str, Any]]:
    """Turn the diagnosis plan into API calls to make in order, as the owner.

    Each call is ``{"method", "path", "body", "explain"}``: ``path`` is the full
    API path with its query string (e-mails URL-encoded), ``body`` the JSON body
    or ``None``, ``explain`` what ``explain(step)`` says of it.
    """
    base = f"{API_PREFIX}/sandboxes/{quote(sandbox_id, safe='')}"
    calls = []
    for step in diagnosis.plan:
        target = quote(step.target, safe="")
        params = step.params
        body: dict[str, Any] | None = None
        if step.action in ("change-role", "assign-license"):
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
            {"method": method, "path": path, "body": body, "explain": explain(step)}
        )
    return calls
