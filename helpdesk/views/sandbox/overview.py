"""Sandbox overview pages: the portal home, scenarios, reset, acting user, clock,
the invitation, add-ons and the event log.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.sandbox import service
from helpdesk.sandbox.wording import (
    SCENARIO_LABELS,
    describe_event,
)
from helpdesk.views.sandbox import bp
from helpdesk.views.sandbox.frame import back, get_user, parse_int, render
from helpdesk.views.sandbox.guide import start_guide
from helpdesk.views.sandbox.state import (
    act_as,
    actor_email,
    forget_actor,
    load_sandbox,
    new_sandbox,
    notice,
    notice_refusal,
    restart_guide,
    sandbox_id,
    signal,
)
from simulator import (
    RuleViolation,
)

CLOCK_MAX_DAYS = 3650


@bp.get("/")
def index() -> str | BaseResponse:
    """Show the account overview; ``?guide=slug#section`` starts a guided procedure."""
    if "guide" in request.args:
        return start_guide(request.args.get("guide", ""))
    sandbox = load_sandbox()
    signal("portal", sandbox.account)
    recent = [describe_event(e.to_dict()) for e in sandbox.account.events[-5:]][::-1]
    return render(
        "sandbox/portal.html",
        sandbox,
        section="home",
        recent=recent,
        scenarios=[
            (name, SCENARIO_LABELS.get(name, name)) for name in simulator.SCENARIOS
        ],
        assigned=sandbox.account.assigned(),
    )


@bp.post("/new")
def new() -> BaseResponse:
    """Start a new sandbox from the chosen scenario."""
    scenario = request.form.get("scenario", "")
    if scenario not in simulator.SCENARIOS:
        abort(400)
    new_sandbox(scenario)
    notice("success", "text", key="new")
    return redirect(url_for("sandbox.index"))


@bp.post("/reset")
def reset() -> BaseResponse:
    """Put the sandbox back to how it was created."""
    service.reset(sandbox_id())
    forget_actor()
    restart_guide()
    notice("success", "text", key="reset")
    return redirect(url_for("sandbox.index"))


@bp.post("/actor")
def set_actor() -> BaseResponse:
    """Act as another active user of the account."""
    account = load_sandbox().account
    email = request.form.get("actor", "")
    user = get_user(account, email)
    if user.status is not simulator.Status.ACTIVE:
        abort(400)
    act_as(user.email)
    notice("info", "text", key="actor")
    signal("portal", account)
    return back(url_for("sandbox.index"))


@bp.post("/clock")
def advance_clock() -> BaseResponse:
    """Move the sandbox clock on by some days; report what fired."""
    days = parse_int(request.form.get("days"))
    if days is None or not 1 <= days <= CLOCK_MAX_DAYS:
        notice("error", "text", key="bad-clock")
        return back(url_for("sandbox.index"))
    fired = service.advance_clock(sandbox_id(), days)
    events = [e.to_dict() for e in fired]
    notice("success", "change", change={"type": "events", "events": events})
    return back(url_for("sandbox.index"))


@bp.post("/invitation/accept")
def accept_invitation() -> BaseResponse:
    """Accept the invitation to join another account (or fail with 1009)."""
    try:
        service.accept_invitation(sandbox_id(), actor=actor_email())
    except RuleViolation as refusal:
        notice_refusal(refusal)
    else:
        notice("success", "text", key="accepted")
    return redirect(url_for("sandbox.index"))


@bp.post("/addons/<addon>/remove")
def remove_addon(addon: str) -> BaseResponse:
    """Cancel an add-on (only the owner may)."""
    try:
        event = service.remove_addon(sandbox_id(), addon, actor=actor_email())
    except simulator.UnknownAddon:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
    else:
        notice(
            "success", "change", change={"type": "events", "events": [event.to_dict()]}
        )
    return redirect(url_for("sandbox.index"))


@bp.get("/timeline")
def timeline() -> str:
    """Show the event log, newest first."""
    sandbox = load_sandbox()
    rows = [
        {**e.to_dict(), "text": describe_event(e.to_dict())}
        for e in reversed(sandbox.account.events)
    ]
    return render("sandbox/timeline.html", sandbox, section="timeline", rows=rows)
