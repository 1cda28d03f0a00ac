"""Sandbox overview pages: the portal home, scenarios, reset, acting user, clock,
the invitation, add-ons and the event log.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.sandbox.wording import (
    describe_event,
)
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import back, back_url, get_user, parse_int, render
from helpdesk.views.sandbox.guide import guide_prompt
from helpdesk.views.sandbox.replace import confirm_first
from helpdesk.views.sandbox.state import (
    act_as,
    following_plan,
    forget_actor,
    load_sandbox,
    new_sandbox,
    notice,
    restart_guide,
    signal,
)


@bp.get("/")
def index() -> str | BaseResponse:
    """Show the account overview; ``?guide=slug#section`` offers to start a guide.

    Only offers: starting one replaces the visitor's sandbox, which a GET (a link
    from anywhere) must never do.
    """
    if "guide" in request.args:
        return guide_prompt(request.args.get("guide", ""))
    sandbox = load_sandbox()
    signal("portal", sandbox.account)
    recent = [describe_event(e.to_dict()) for e in sandbox.account.events[-5:]][::-1]
    return render(
        "sandbox/portal.html",
        sandbox,
        section="home",
        recent=recent,
        assigned=sandbox.account.assigned(),
        can_undo=sandbox.can_undo,
    )


@bp.post("/new")
def new() -> BaseResponse:
    """Start a new sandbox from the chosen scenario."""
    scenario = request.form.get("scenario", "")
    if scenario not in simulator.SCENARIOS:
        abort(400)
    ask = confirm_first("scenario")
    if ask is not None:
        return ask
    new_sandbox(scenario)
    notice("success", "text", key="new")
    return redirect(url_for("sandbox.index"))


@bp.post("/reset")
def reset() -> BaseResponse:
    """Put the sandbox back to how it was created, once confirmed (undoable)."""
    page = url_for("sandbox.index")
    if request.form.get("confirm") != "yes":
        return redirect(url_for("sandbox.confirm_reset"))

    def done(_: object) -> str:
        forget_actor()
        restart_guide()
        notice("success", "text", key="reset")
        return page

    return perform(
        lambda svc, sid, actor: svc.reset(sid),
        done=done,
        back_to=page,
        describe=lambda _: None,
    )


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
    page = back_url(url_for("sandbox.index"))
    most = current_app.config["SANDBOX_MAX_CLOCK_DAYS"]
    if days is None or not 1 <= days <= most:
        notice("error", "text", key="bad-clock", max=most)
        return redirect(page)
    return perform(
        lambda svc, sid, actor: svc.advance_clock(sid, days),
        done=page,
        back_to=page,
    )


@bp.post("/invitation/accept")
def accept_invitation() -> BaseResponse:
    """Accept the invitation to join another account (or fail with 1009)."""
    page = url_for("sandbox.index")

    def accepted(_: object) -> str:
        # Following a fix plan, its success screen is the one announcement.
        if following_plan() is not None:
            return url_for("sandbox.guide_done")
        notice("success", "text", key="accepted")
        return page

    return perform(
        lambda svc, sid, actor: svc.accept_invitation(sid, actor=actor),
        done=accepted,
        back_to=page,
        describe=lambda _: None,
    )


@bp.post("/addons/<addon>/remove")
def remove_addon(addon: str) -> BaseResponse:
    """Cancel an add-on (only the owner may)."""
    page = url_for("sandbox.index")
    return perform(
        lambda svc, sid, actor: svc.remove_addon(sid, addon, actor=actor),
        done=page,
        back_to=page,
    )


@bp.get("/timeline")
def timeline() -> str:
    """Show the event log, newest first."""
    sandbox = load_sandbox()
    rows = [
        {**e.to_dict(), "text": describe_event(e.to_dict())}
        for e in reversed(sandbox.account.events)
    ]
    return render("sandbox/timeline.html", sandbox, section="timeline", rows=rows)
