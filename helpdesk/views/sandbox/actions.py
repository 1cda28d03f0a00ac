"""Every change made from a sandbox form runs through :func:`perform`.

A form view parses its fields, then hands :func:`perform` the one service call
to make, where to go when it is done and where to go back when it is refused.
:func:`perform` stores the sandbox if the visitor had none, makes the call,
queues the success notice, ticks the guide and redirects. The blueprint's one
error handler, :func:`sandbox_error`, turns every refusal into a flashed notice
on the page the view named (rule refusals, unreadable CSV files) or into a
localized page: "your sandbox expired" offering a new one, "too large" offering
a reset, "busy" and "too many sandboxes" with ``Retry-After``. Never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import g, redirect, render_template
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.i18n import current_language
from helpdesk.sandbox import messages
from helpdesk.sandbox.errors import BulkRefusal, RuleRefusal, SandboxError
from helpdesk.sandbox.notices import plain
from helpdesk.sandbox.service import SandboxService
from helpdesk.sandboxes import sandboxes
from helpdesk.views.sandbox.state import (
    actor_email,
    load_sandbox,
    notice,
    notice_refusal,
    sandbox_id,
    signal,
)
from simulator import Event

T = TypeVar("T")
#: Where a refused change goes back to: a URL, or a URL chosen from the refusal.
BackTo = str | Callable[[SandboxError], str]
Headers = dict[str, str]


def events_change(result: Event | list[Event]) -> dict[str, Any]:
    """Return the notice data for an operation that recorded events."""
    events = result if isinstance(result, list) else [result]
    return {"type": "events", "events": [e.to_dict() for e in events]}


def perform(
    run: Callable[[SandboxService, str, str | None], T],
    *,
    done: str | Callable[[T], str],
    back_to: BackTo,
    describe: Callable[[T], dict[str, Any] | None] = events_change,  # type: ignore[assignment]
    signal_name: str | None = None,
    kinds: Iterable[str] | None = None,
) -> BaseResponse:
    """Run ``run(service, sandbox_id, actor)``, report it and redirect to ``done``.

    A refusal raised by ``run`` reaches :func:`sandbox_error`, which goes back
    to ``back_to``.
    """
    g.sandbox_back_to = back_to
    result = run(sandboxes(), sandbox_id(), actor_email())
    change = describe(result)
    finished = False
    if signal_name is not None:
        account = load_sandbox().account
        finished = signal(signal_name, account, kinds=kinds, change=change)
    # One announcement per event: when the change finished a guide, its panel
    # says what changed (a notice would say it a second time).
    if change is not None and not finished:
        notice("success", "change", change=change)
    return redirect(done(result) if callable(done) else done)


def _back_to(error: SandboxError) -> str | None:
    back: BackTo | None = g.get("sandbox_back_to")
    if back is None:
        return None
    return back(error) if callable(back) else back


def sandbox_error(
    error: SandboxError,
) -> BaseResponse | tuple[str, int, dict[str, str]]:
    """Show a refusal: a notice on the page to go back to, or a localized page."""
    back = _back_to(error)
    if back is not None and isinstance(error, RuleRefusal | BulkRefusal):
        notice_refusal(error)
        return redirect(back)
    if back is not None and error.code == "invalid-csv":
        notice("error", "csv", reason=error.extra["reason"], params=plain(error.params))
        return redirect(back)
    headers: Headers = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    page = render_template(
        "sandbox/problem.html",
        status=error.status,
        code=error.code,
        message=messages.message(error),
        lang=current_language(),
    )
    return page, error.status, headers
