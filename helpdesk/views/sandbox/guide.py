"""Guided mode: start a procedure from an article, tick its steps, close it.

A fix plan's guide starts from the error-code page (:mod:`helpdesk.views.errorcodes`)
and ends on :func:`guide_done`, the one screen that says the invitation went through.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.i18n import current_language
from helpdesk.sandbox import guide as guides
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import back
from helpdesk.views.sandbox.plan import success_screen
from helpdesk.views.sandbox.replace import confirm_first
from helpdesk.views.sandbox.state import (
    begin_guide,
    end_guide,
    following_plan,
    guide_state,
    guide_steps,
    load_sandbox,
    new_sandbox,
    notice,
    plan_query,
    signal,
)


def guide_prompt(value: str) -> str | BaseResponse:
    """Show what starting the guide ``slug#section`` does, with a button to start."""
    found = guide_steps(value, current_language())
    ref = guides.parse_guide(value)
    if found is None or ref is None:
        notice("error", "text", key="guide-unknown")
        return redirect(url_for("sandbox.index"))
    article, section = found
    return render_template(
        "sandbox/start_guide.html",
        guide=ref.key,
        article=article,
        section=section,
        lang=current_language(),
    )


@bp.post("/guide/start")
def start_guide() -> BaseResponse:
    """Start a guide: a fresh sandbox suited to the procedure, steps in the session."""
    value = request.form.get("guide", "")
    found = guide_steps(value, current_language())
    ref = guides.parse_guide(value)
    if found is None or ref is None:
        notice("error", "text", key="guide-unknown")
        return redirect(url_for("sandbox.index"))
    if request.form.get("keep") == "yes":
        # Run the guide on the visitor's own account instead of a fresh one.
        begin_guide(ref.key)
        notice("info", "text", key="guide-current")
        signal("portal", load_sandbox().account)
        return redirect(url_for("sandbox.index"))
    ask = confirm_first("guide")
    if ask is not None:
        return ask
    sandbox = new_sandbox(guides.scenario_for(ref))
    begin_guide(ref.key)
    notice("info", "text", key="guide-started")
    signal("portal", sandbox.account)
    return redirect(url_for("sandbox.index"))


@bp.post("/guide/stop")
def stop_guide() -> BaseResponse:
    """Close the guide panel."""
    end_guide()
    return back(url_for("sandbox.index"))


@bp.post("/guide/signal")
def guide_signal() -> Response:
    """Tick steps for a small interaction the page's script reports (JSON).

    ``refresh`` ticks nothing and only reports how many steps are ticked.
    """
    name = request.form.get("signal", "")
    if name != "refresh" and name not in guides.CLIENT_SIGNALS:
        abort(400)
    sandbox = load_sandbox()
    if name != "refresh":
        signal(name, sandbox.account)
    state = guide_state() or {}
    return jsonify({"ticked": int(state.get("ticked", 0))})


@bp.get("/guide/done")
def guide_done() -> str | BaseResponse:
    """Say once what following the fix plan changed, with links back to the help.

    Without a finished plan there is nothing to say: back to the portal.
    """
    code = following_plan()
    sandbox = load_sandbox()
    screen = None
    if code is not None:
        screen = success_screen(sandbox, code, current_language(), plan_query())
    if screen is None:
        return redirect(url_for("sandbox.index"))
    return render_template("sandbox/guide_done.html", screen=screen)
