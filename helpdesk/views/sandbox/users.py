"""User Management → Users: the tabs, role and license, sign-in, (de)activation."""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.sandbox import consequences, preview, service
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox.notices import refusal_view
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import get_user, parse_int, render
from helpdesk.views.sandbox.state import (
    act_as,
    actor_of,
    load_sandbox,
    notice,
    signal,
)
from simulator import Event


def _max_auto_delete_days() -> int:
    return int(current_app.config["SANDBOX_MAX_AUTO_DELETE_DAYS"])


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
    page = url_for("sandbox.advanced")
    most = _max_auto_delete_days()
    if enabled and (days is None or not 1 <= days <= most):
        notice("error", "text", key="bad-days", max=most)
        return redirect(page)
    return perform(
        lambda svc, sid, actor: svc.update_settings(
            sid, days if enabled else None, notify, actor=actor
        ),
        done=page,
        back_to=page,
        signal_name="portal",
        kinds=guides.settings_signal(enabled=enabled, days=days, notify=notify),
    )


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
    if role not in service.ROLES:
        abort(400)
    return perform(
        lambda svc, sid, actor: svc.change_role(sid, email, role, actor=actor),
        done=url_for("sandbox.users", q=email),
        back_to=url_for("sandbox.edit_user", email=email),
        signal_name="role-saved",
    )


@bp.post("/users/<email>/license")
def save_license(email: str) -> BaseResponse:
    """Assign or take away a user's license and webinar license."""
    license = request.form.get("license", "")
    if license not in service.LICENSES:
        abort(400)
    webinar = request.form.get("webinar") == "1"
    page = url_for("sandbox.edit_user", email=email)
    return perform(
        lambda svc, sid, actor: svc.update_license(
            sid, email, license, webinar, actor=actor
        ),
        done=page,
        back_to=page,
    )


@bp.post("/users/<email>/sign-in")
def sign_in(email: str) -> BaseResponse:
    """Try to sign in as a user (a deactivated user is told the account is disabled)."""

    def signed_in(event: Event) -> str:
        act_as(event.target)
        return url_for("sandbox.users")

    return perform(
        lambda svc, sid, actor: svc.sign_in(sid, email),
        done=signed_in,
        back_to=url_for("sandbox.users"),
    )


@bp.post("/users/<email>/activate")
def activate(email: str) -> BaseResponse:
    """Reactivate a deactivated user (they come back without licenses)."""
    page = url_for("sandbox.users")

    def activated(event: Event) -> str:
        notice("info", "rule-note", rule="reactivate-relicense")
        return page

    return perform(
        lambda svc, sid, actor: svc.set_status(sid, email, "activate", actor=actor),
        done=activated,
        back_to=page,
        signal_name="activated",
    )


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
    page = url_for("sandbox.users")
    return perform(
        lambda svc, sid, actor: svc.set_status(sid, email, "deactivate", actor=actor),
        done=page,
        back_to=page,
        signal_name="deactivated",
    )
