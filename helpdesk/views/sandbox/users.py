"""User Management → Users: the tabs, role and license, sign-in, (de)activation."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.sandbox import consequences, preview, service
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox.notices import refusal_view
from helpdesk.views.sandbox import bp
from helpdesk.views.sandbox.frame import get_user, parse_int, render
from helpdesk.views.sandbox.state import (
    act_as,
    actor_email,
    actor_of,
    load_sandbox,
    notice,
    notice_refusal,
    sandbox_id,
    signal,
)
from simulator import (
    RuleViolation,
    UnknownUser,
)


@bp.get("/users")
def users() -> str:
    """Show User Management → Users (Users tab), with search and bulk buttons."""
    sandbox = load_sandbox()
    query = request.args.get("q", "").strip()[:254]
    listed = service.users_on_tab(sandbox.account, "users", query)
    signal("search" if query else "users-page", sandbox.account)
    return render(
        "sandbox/users.html",
        sandbox,
        section="users",
        tab="users",
        users=listed,
        query=query,
    )


@bp.get("/users/pending")
def pending() -> str:
    """Show the Pending tab: users who have not activated their account."""
    sandbox = load_sandbox()
    listed = service.users_on_tab(sandbox.account, "pending")
    signal("pending-tab", sandbox.account)
    return render(
        "sandbox/users.html",
        sandbox,
        section="users",
        tab="pending",
        users=listed,
        query="",
    )


@bp.get("/users/advanced")
def advanced() -> str:
    """Show the Advanced tab: delete deactivated users after N days."""
    sandbox = load_sandbox()
    signal("advanced-tab", sandbox.account)
    return render("sandbox/advanced.html", sandbox, section="users", tab="advanced")


@bp.post("/users/advanced")
def save_advanced() -> BaseResponse:
    """Save the auto-delete setting."""
    enabled = request.form.get("enabled") == "1"
    notify = request.form.get("notify") == "1"
    days = parse_int(request.form.get("days"))
    if enabled and (days is None or not 1 <= days <= 365):
        notice("error", "text", key="bad-days")
        return redirect(url_for("sandbox.advanced"))
    try:
        fired = service.update_settings(
            sandbox_id(), days if enabled else None, notify, actor=actor_email()
        )
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.advanced"))
    change = {"type": "events", "events": [e.to_dict() for e in fired]}
    notice("success", "change", change=change)
    signal(
        "portal",
        load_sandbox().account,
        kinds=guides.settings_signal(enabled=enabled, days=days, notify=notify),
        change=change,
    )
    return redirect(url_for("sandbox.advanced"))


@bp.get("/users/<email>/edit")
def edit_user(email: str) -> str:
    """Show the form to change a user's role and licenses."""
    sandbox = load_sandbox()
    user = get_user(sandbox.account, email)
    signal("edit-form", sandbox.account)
    return render("sandbox/edit.html", sandbox, section="users", user=user)


@bp.post("/users/<email>/role")
def save_role(email: str) -> BaseResponse:
    """Change a user's role (Admin ↔ Member; only the owner may)."""
    role = request.form.get("role", "")
    if role not in ("admin", "member"):
        abort(400)
    try:
        event = service.change_role(sandbox_id(), email, role, actor=actor_email())
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.edit_user", email=email))
    change = {"type": "events", "events": [event.to_dict()]}
    notice("success", "change", change=change)
    signal("role-saved", load_sandbox().account, change=change)
    return redirect(url_for("sandbox.users", q=email))


@bp.post("/users/<email>/license")
def save_license(email: str) -> BaseResponse:
    """Assign or take away a user's license and webinar license."""
    license = request.form.get("license", "")
    if license not in ("licensed", "basic"):
        abort(400)
    webinar = request.form.get("webinar") == "1"
    try:
        event = service.update_license(
            sandbox_id(), email, license, webinar, actor=actor_email()
        )
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.edit_user", email=email))
    notice("success", "change", change={"type": "events", "events": [event.to_dict()]})
    return redirect(url_for("sandbox.edit_user", email=email))


@bp.post("/users/<email>/sign-in")
def sign_in(email: str) -> BaseResponse:
    """Try to sign in as a user (a deactivated user is told the account is disabled)."""
    try:
        event = service.sign_in(sandbox_id(), email)
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
    else:
        act_as(event.target)
        notice(
            "success", "change", change={"type": "events", "events": [event.to_dict()]}
        )
    return redirect(url_for("sandbox.users"))


@bp.post("/users/<email>/activate")
def activate(email: str) -> BaseResponse:
    """Reactivate a deactivated user (they come back without licenses)."""
    try:
        event = service.set_status(sandbox_id(), email, "activate", actor=actor_email())
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.users"))
    change = {"type": "events", "events": [event.to_dict()]}
    notice("success", "change", change=change)
    notice("info", "rule-note", rule="reactivate-relicense")
    signal("activated", load_sandbox().account, change=change)
    return redirect(url_for("sandbox.users"))


@bp.get("/users/<email>/deactivate")
def confirm_deactivate(email: str) -> str:
    """Show what deactivating a user does and ask for confirmation."""
    sandbox = load_sandbox()
    account = sandbox.account
    user = get_user(account, email)
    predicted = preview.preview_deactivation(
        account, user.email, actor_of(account).email
    )
    signal("deactivate-dialog", account)
    return render(
        "sandbox/confirm_deactivate.html",
        sandbox,
        section="users",
        user=user,
        refusal=refusal_view(predicted.refusal),
        consequences=consequences.deactivation_lines(predicted),
    )


@bp.post("/users/<email>/deactivate")
def deactivate(email: str) -> BaseResponse:
    """Deactivate a user."""
    try:
        event = service.set_status(
            sandbox_id(), email, "deactivate", actor=actor_email()
        )
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.users"))
    change = {"type": "events", "events": [event.to_dict()]}
    notice("success", "change", change=change)
    signal("deactivated", load_sandbox().account, change=change)
    return redirect(url_for("sandbox.users"))
