"""Sandbox UI: a mock Zoom web portal, server-rendered, on top of the sandbox service.

Every page loads the visitor's sandbox (its id lives only in the signed session,
``session["sandbox_id"]``); a missing or expired sandbox is replaced by a fresh
``error-1009`` one. Every form posts, then redirects (POST-redirect-GET) with a
notice. Before anything destructive a confirmation page shows the consequences,
worked out by running the very simulator operation on a copy of the account.

Notices are kept in the session as plain data (rule ids, report dicts) and worded
only when shown, so they always appear in the page's language.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

import simulator
from helpdesk.content import get_library
from helpdesk.i18n import current_language, localized_blueprint
from helpdesk.sandbox import consequences, messages, preview, service
from helpdesk.sandbox import guide as guides
from helpdesk.sandbox.notices import plain, refusal_view, word_notice
from helpdesk.sandbox.wording import (
    IMPORT_ACTION_LABELS,
    SCENARIO_LABELS,
    compact_report,
    describe_change,
    describe_event,
)
from simulator import (
    Account,
    BulkRefused,
    CsvRejected,
    RuleViolation,
    TransferOptions,
    UnknownRoom,
    UnknownUser,
)

bp = localized_blueprint("sandbox", __name__, "/sandbox")

#: Session keys (the error-code pages set ``sandbox_id`` too).
SESSION_ID = "sandbox_id"
SESSION_ACTOR = "sandbox_actor"
SESSION_GUIDE = "sandbox_guide"

CLOCK_MAX_DAYS = 3650
IMPORT_ACTIONS = ("deactivate", "disassociate", "delete")

#: Refusals caused by the transfer options: the dialog is shown again to fix them.
TRANSFER_RULES = frozenset(
    {"transfer-target", "transfer-recordings-licensed", "transfer-webinars-licensed"}
)

#: At most this many per-user lines are kept in a notice (the session is a cookie).
NOTICE_MAX_LINES = 10

#: The guide signal sent when a bulk action went through.
BULK_DONE_SIGNALS = {
    "deactivate": "bulk-deactivated",
    "disassociate": "bulk-unlinked",
    "delete": "bulk-deleted",
}


# --- session: sandbox, actor, notices -----------------------------------------------


def load_sandbox() -> service.Sandbox:
    """Return the visitor's sandbox, creating an ``error-1009`` one if there is none."""
    sandbox_id = session.get(SESSION_ID)
    if isinstance(sandbox_id, str):
        try:
            return service.get_sandbox(sandbox_id)
        except service.SandboxNotFound:
            notice("info", "expired")
    return new_sandbox("error-1009")


def new_sandbox(scenario: str) -> service.Sandbox:
    """Create a sandbox from a scenario and make it the visitor's."""
    sandbox = service.create_sandbox(scenario=scenario)
    session[SESSION_ID] = sandbox.id
    session.pop(SESSION_ACTOR, None)
    return sandbox


def sandbox_id() -> str:
    """Return the id of the visitor's (live) sandbox, creating one if needed."""
    return load_sandbox().id


def actor_of(account: Account) -> simulator.User:
    """Return who the visitor acts as: the chosen active user, else the owner."""
    email = session.get(SESSION_ACTOR)
    if isinstance(email, str) and account.has_user(email):
        user = account.find(email)
        if user.status is simulator.Status.ACTIVE:
            return user
    return account.owner


def actor_email() -> str | None:
    """Return the acting user's e-mail for service calls (``None``: the owner)."""
    email = session.get(SESSION_ACTOR)
    return email if isinstance(email, str) else None


def notice(kind: str, code: str, **data: Any) -> None:
    """Queue a notice for the next page: plain data, worded when shown."""
    flash({"code": code, **data}, kind)


def notice_refusal(error: RuleViolation | BulkRefused) -> None:
    """Queue the localized rule text (and source link) of a refusal."""
    if isinstance(error, BulkRefused):
        results = [r.to_dict() for r in error.results if not r.ok]
        notice("refusal", "bulk", results=results[:NOTICE_MAX_LINES])
    elif error.rule_id == "invitation-blocked":
        # The blockers are listed from the account when shown: a long list would
        # not fit in the session cookie.
        notice("refusal", "rule", rule=error.rule_id, params={"code": 1009})
    else:
        notice("refusal", "rule", rule=error.rule_id, params=plain(error.params))


# --- guided mode -------------------------------------------------------------------


def guide_state() -> dict[str, Any] | None:
    """Return the guide in the session: ``{"key", "ticked", "result"}``, or None."""
    state = session.get(SESSION_GUIDE)
    return state if isinstance(state, dict) and "key" in state else None


def guide_steps(key: str, lang: str) -> tuple[Any, Any] | None:
    """Return the article and procedure section a guide follows, in ``lang``."""
    ref = guides.parse_guide(key)
    if ref is None:
        return None
    translation = get_library().translation(ref.slug, lang)
    if translation is None:
        return None
    section = translation.article.section(ref.section)
    if section is None or not section.procedure or not section.steps:
        return None
    return translation.article, section


def signal(
    name: str,
    account: Account,
    *,
    kinds: Iterable[str] | None = None,
    change: dict[str, Any] | None = None,
) -> None:
    """Tick the guide's steps covered by a sandbox signal; remember the outcome."""
    state = guide_state()
    if state is None:
        return
    found = guide_steps(state["key"], current_language())
    if found is None:
        return
    steps = found[1].step_kinds
    privileged = actor_of(account).role is not simulator.Role.MEMBER
    covered = set(guides.signal_kinds(name, privileged=privileged))
    if kinds is not None:
        covered |= set(kinds)
    before = int(state.get("ticked", 0))
    ticked = guides.advance(steps, before, covered)
    if ticked != before or (change and ticked == len(steps) and before < ticked):
        state = {**state, "ticked": ticked}
        if guides.is_complete(steps, ticked) and change is not None:
            state["result"] = change
        session[SESSION_GUIDE] = state


def guide_panel(account: Account) -> dict[str, Any] | None:
    """Return the guide side panel's data in the page's language, or None."""
    state = guide_state()
    if state is None:
        return None
    found = guide_steps(state["key"], current_language())
    if found is None:
        return None
    article, section = found
    ticked = int(state.get("ticked", 0))
    steps = []
    for index, step in enumerate(section.steps):
        if index < ticked:
            status = "done"
        elif index == ticked:
            status = "current"
        else:
            status = "todo"
        steps.append({"kind": step.kind, "text": step.text, "state": status})
    complete = guides.is_complete(section.step_kinds, ticked)
    hint = None
    if actor_of(account).role is simulator.Role.MEMBER and not complete:
        hint = _("Sign in as the account owner or an admin to start.")
    result = state.get("result")
    return {
        "title": section.title,
        "url": url_for("pages.article", slug=article.slug, _anchor=section.id),
        "steps": steps,
        "complete": complete,
        "result": describe_change(result, account) if complete and result else [],
        "hint": hint,
    }


def pending_notices(account: Account) -> list[dict[str, Any]]:
    """Return the queued notices, worded in the page's language."""
    shown = []
    for kind, data in get_flashed_messages(with_categories=True):
        if not isinstance(data, dict):
            continue
        shown.append(word_notice(kind, data, account))
    return shown


# --- rendering ---------------------------------------------------------------------


def render(template: str, sandbox: service.Sandbox, **context: Any) -> str:
    """Render a sandbox page with the portal frame: actor, notices, guide panel."""
    account = sandbox.account
    actor = actor_of(account)
    actors = [u for u in account.users if u.status is simulator.Status.ACTIVE]
    return render_template(
        template,
        account=account,
        actor=actor,
        actors=actors,
        notices=pending_notices(account),
        guide=guide_panel(account),
        role_labels={r.value: messages.role_label(r.value) for r in simulator.Role},
        status_labels={
            s.value: messages.status_label(s.value) for s in simulator.Status
        },
        **context,
    )


def back(default: str) -> BaseResponse:
    """Redirect to the form's ``next`` (a local path) or to ``default``."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


def get_user(account: Account, email: str) -> simulator.User:
    """Return a user of the account.

    :raise 404: no user has this e-mail.
    """
    try:
        return account.find(email)
    except UnknownUser:
        abort(404)


def get_room(account: Account, room_id: str) -> simulator.model.Room:
    """Return a Zoom Room of the account.

    :raise 404: no room has this id.
    """
    try:
        return account.room(room_id)
    except UnknownRoom:
        abort(404)


# --- the portal pages ----------------------------------------------------------------


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


def start_guide(value: str) -> BaseResponse:
    """Start a guide: a fresh sandbox suited to the procedure, steps in the session."""
    found = guide_steps(value, current_language())
    ref = guides.parse_guide(value)
    if found is None or ref is None:
        notice("error", "text", key="guide-unknown")
        return redirect(url_for("sandbox.index"))
    sandbox = new_sandbox(guides.scenario_for(ref))
    session[SESSION_GUIDE] = {"key": ref.key, "ticked": 0}
    notice("info", "text", key="guide-started")
    signal("portal", sandbox.account)
    return redirect(url_for("sandbox.index"))


@bp.post("/guide/stop")
def stop_guide() -> BaseResponse:
    """Close the guide panel."""
    session.pop(SESSION_GUIDE, None)
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
    session.pop(SESSION_ACTOR, None)
    if guide_state() is not None:
        session[SESSION_GUIDE] = {"key": guide_state()["key"], "ticked": 0}  # type: ignore[index]
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
    session[SESSION_ACTOR] = user.email
    notice("info", "text", key="actor")
    signal("portal", account)
    return back(url_for("sandbox.index"))


@bp.post("/clock")
def advance_clock() -> BaseResponse:
    """Move the sandbox clock on by some days; report what fired."""
    days = _int(request.form.get("days"))
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


# --- users -------------------------------------------------------------------------


@bp.get("/users")
def users() -> str:
    """Show User Management → Users (Users tab), with search and bulk buttons."""
    sandbox = load_sandbox()
    query = request.args.get("q", "").strip()[:254]
    listed = [
        u
        for u in sandbox.account.users
        if u.status is not simulator.Status.PENDING
        and query.casefold() in u.email.casefold()
    ]
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
    listed = [u for u in sandbox.account.users if u.status is simulator.Status.PENDING]
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
    days = _int(request.form.get("days"))
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
        session[SESSION_ACTOR] = event.target
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


def transfer_form(source: Any) -> dict[str, Any]:
    """Return the transfer options of a dialog's form (query or body)."""
    return {
        "transfer_email": source.get("transfer_email", "").strip()[:254],
        "transfer_meeting": source.get("transfer_meeting") == "1",
        "transfer_webinar": source.get("transfer_webinar") == "1",
        "transfer_recording": source.get("transfer_recording") == "1",
    }


def transfer_options(
    form: dict[str, Any], with_transfer: bool
) -> TransferOptions | None:
    """Return the simulator's transfer options, or None without transfer."""
    if not with_transfer:
        return None
    return TransferOptions(
        form["transfer_email"] or None,
        meetings=form["transfer_meeting"],
        webinars=form["transfer_webinar"],
        recordings=form["transfer_recording"],
    )


def _removal_page(email: str, action: str, source: Any) -> str:
    """Render the unlink or delete dialog for the options in ``source``."""
    sandbox = load_sandbox()
    account = sandbox.account
    user = get_user(account, email)
    form = transfer_form(source)
    chosen = transfer_options(form, True) or TransferOptions(None)
    predicted = preview.preview_removal(
        account, user.email, action, chosen, actor_of(account).email
    )
    signal("unlink-dialog" if action == "disassociate" else "delete-dialog", account)
    if source is request.form:
        signal("transfer-options", account)
    endpoint = "sandbox.unlink" if action == "disassociate" else "sandbox.delete"
    return render(
        "sandbox/transfer.html",
        sandbox,
        section="users",
        action=action,
        emails=[user.email],
        bulk=False,
        form=form,
        refusal=refusal_view(predicted.refusal),
        transfer_refusal=refusal_view(predicted.transfer_refusal),
        consequences=(
            consequences.removal_consequences(predicted.consequences)
            if predicted.consequences is not None
            else None
        ),
        bulk_lines=[],
        candidates=transfer_candidates(account, [user.email]),
        form_action=url_for(endpoint, email=user.email),
    )


def transfer_candidates(account: Account, leaving: list[str]) -> list[simulator.User]:
    """Return the users data could go to (for the e-mail field's suggestions)."""
    gone = {e.casefold() for e in leaving}
    return [
        u
        for u in account.users
        if u.status is simulator.Status.ACTIVE and u.key not in gone
    ]


@bp.get("/users/<email>/unlink")
def confirm_unlink(email: str) -> str:
    """Show the unlink dialog: transfer options and the consequences."""
    return _removal_page(email, "disassociate", request.args)


@bp.get("/users/<email>/delete")
def confirm_delete(email: str) -> str:
    """Show the delete dialog: transfer options and the consequences."""
    return _removal_page(email, "delete", request.args)


def _remove(email: str, action: str) -> str | BaseResponse:
    """Unlink or delete a user, or (``mode=preview``) show the dialog again."""
    if request.form.get("mode") == "preview":
        return _removal_page(email, action, request.form)
    form = transfer_form(request.form)
    with_transfer = request.form.get("mode") == "transfer"
    dialog = (
        "sandbox.confirm_unlink"
        if action == "disassociate"
        else "sandbox.confirm_delete"
    )
    try:
        report = service.remove_user(
            sandbox_id(),
            email,
            action,
            transfer_options(form, with_transfer),
            actor=actor_email(),
        )
    except UnknownUser:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        if refusal.rule_id not in TRANSFER_RULES:
            return redirect(url_for("sandbox.users"))
        query = {k: ("1" if v is True else v) for k, v in form.items() if v}
        return redirect(url_for(dialog, email=email, **query))
    data = report.to_dict()
    data["transfer"] = (
        transfer_options(form, with_transfer) or TransferOptions(None)
    ).to_params()
    change = {"type": "removal", "report": compact_report(data)}
    notice("success", "change", change=change)
    signal(
        "unlinked" if action == "disassociate" else "deleted",
        load_sandbox().account,
        change=change,
    )
    return redirect(url_for("sandbox.users"))


@bp.post("/users/<email>/unlink")
def unlink(email: str) -> str | BaseResponse:
    """Unlink a user, with or without data transfer."""
    return _remove(email, "disassociate")


@bp.post("/users/<email>/delete")
def delete(email: str) -> str | BaseResponse:
    """Delete a user, with or without data transfer."""
    return _remove(email, "delete")


@bp.get("/users/bulk")
def confirm_bulk() -> str | BaseResponse:
    """Show what a bulk action on the selected users does and ask to confirm."""
    return _bulk_page(request.args)


def _bulk_page(source: Any) -> str | BaseResponse:
    """Render the bulk dialog for the selection and options in ``source``."""
    sandbox = load_sandbox()
    account = sandbox.account
    action = source.get("action", "")
    if action not in service.BULK_ACTIONS:
        abort(400)
    emails = [e for e in source.getlist("email") if e][:1000]
    if not emails:
        notice("error", "text", key="select-users")
        return redirect(url_for("sandbox.users"))
    selected = [get_user(account, e) for e in emails]
    form = transfer_form(source)
    predicted = preview.preview_bulk(
        account,
        emails,
        action,
        transfer_options(form, action != "deactivate"),
        actor_of(account).email,
    )
    signal(f"bulk-{_bulk_word(action)}-dialog", account)
    if source is request.form:
        signal("transfer-options", account)
    return render(
        "sandbox/transfer.html",
        sandbox,
        section="users",
        action=action,
        emails=[u.email for u in selected],
        bulk=True,
        form=form,
        refusal=refusal_view(predicted.refusal),
        transfer_refusal=refusal_view(predicted.transfer_refusal),
        consequences=None,
        bulk_lines=consequences.bulk_lines(predicted),
        licenses=consequences.freed_licenses(predicted),
        candidates=transfer_candidates(account, emails),
        form_action=url_for("sandbox.bulk"),
    )


def _bulk_word(action: str) -> str:
    return {"disassociate": "unlink"}.get(action, action)


@bp.post("/users/bulk")
def bulk() -> str | BaseResponse:
    """Deactivate, unlink or delete every selected user, or nobody."""
    if request.form.get("mode") == "preview":
        return _bulk_page(request.form)
    action = request.form.get("action", "")
    if action not in service.BULK_ACTIONS:
        abort(400)
    emails = [e for e in request.form.getlist("email") if e][:1000]
    if not emails:
        notice("error", "text", key="select-users")
        return redirect(url_for("sandbox.users"))
    form = transfer_form(request.form)
    with_transfer = request.form.get("mode") == "transfer" and action != "deactivate"
    transfer = transfer_options(form, with_transfer)
    try:
        report = service.bulk_action(
            sandbox_id(), action, emails, transfer, actor=actor_email()
        )
    except (RuleViolation, BulkRefused) as refusal:
        notice_refusal(refusal)
        query = {k: ("1" if v is True else v) for k, v in form.items() if v}
        return redirect(
            url_for("sandbox.confirm_bulk", action=action, email=emails, **query)
        )
    results = []
    for result in report.results:
        data = result.to_dict()
        if data["report"] is not None:
            data["report"]["transfer"] = (transfer or TransferOptions(None)).to_params()
        report_data = data["report"] and compact_report(data["report"])
        results.append({"email": data["email"], "report": report_data})
    change = {"type": "bulk", "results": results[:NOTICE_MAX_LINES]}
    notice("success", "change", change=change)
    signal(
        BULK_DONE_SIGNALS[action],
        load_sandbox().account,
        change=change,
    )
    return redirect(url_for("sandbox.users"))


# --- import ------------------------------------------------------------------------


@bp.get("/import")
def import_page() -> str:
    """Show the Import page (its Update Users tab is one click away)."""
    sandbox = load_sandbox()
    signal("import-page", sandbox.account)
    return render(
        "sandbox/import.html",
        sandbox,
        section="users",
        step="start",
        action=None,
        labels=IMPORT_ACTION_LABELS,
    )


@bp.get("/import/update")
def import_update() -> str:
    """Show the Update Users tab: choose an action, sample file, upload button."""
    sandbox = load_sandbox()
    action = request.args.get("action", "")
    if action in IMPORT_ACTIONS:
        signal("csv-action", sandbox.account)
    else:
        action = ""
        signal("update-tab", sandbox.account)
    return render(
        "sandbox/import.html",
        sandbox,
        section="users",
        step="update",
        action=action,
        labels=IMPORT_ACTION_LABELS,
    )


@bp.get("/import/sample.csv")
def import_sample() -> Response:
    """Download the sample CSV for the chosen action."""
    action = request.args.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(404)
    sandbox = load_sandbox()
    text = service.sample_csv(sandbox.id, action)
    signal("sample", sandbox.account)
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="sample-{action}.csv"'},
    )


@bp.get("/import/upload")
def import_upload_form() -> str | BaseResponse:
    """Show the upload form (Upload CSV File) for the chosen action."""
    sandbox = load_sandbox()
    action = request.args.get("action", "")
    if action not in IMPORT_ACTIONS:
        notice("error", "text", key="bad-action")
        return redirect(url_for("sandbox.import_update"))
    signal("upload-form", sandbox.account)
    return render(
        "sandbox/import.html",
        sandbox,
        section="users",
        step="upload",
        action=action,
        labels=IMPORT_ACTION_LABELS,
    )


@bp.post("/import/upload")
def import_preview() -> str | BaseResponse:
    """Read the uploaded file and show what importing it would do (nothing saved)."""
    action = request.form.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(400)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    if upload is None or not upload.filename:
        notice("error", "text", key="no-file")
        return redirect(url_for("sandbox.import_upload_form", action=action))
    return _preview(action, data)


def _preview(action: str, data: bytes) -> str | BaseResponse:
    sandbox = load_sandbox()
    account = sandbox.account
    try:
        predicted = preview.preview_import(
            account, action, data, actor_of(account).email
        )
    except CsvRejected as rejected:
        notice("error", "csv", reason=rejected.reason, params=plain(rejected.params))
        return redirect(url_for("sandbox.import_upload_form", action=action))
    return render(
        "sandbox/import_confirm.html",
        sandbox,
        section="users",
        action=action,
        labels=IMPORT_ACTION_LABELS,
        refusal=refusal_view(predicted.refusal),
        rows=consequences.import_rows(predicted),
        report=predicted.report,
        data=base64.b64encode(data).decode("ascii"),
    )


@bp.post("/import/confirm")
def import_confirm() -> BaseResponse:
    """Apply the previewed CSV file."""
    action = request.form.get("action", "")
    if action not in IMPORT_ACTIONS:
        abort(400)
    try:
        data = base64.b64decode(request.form.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    try:
        report = service.import_csv(sandbox_id(), action, data, actor=actor_email())
    except CsvRejected as rejected:
        notice("error", "csv", reason=rejected.reason, params=plain(rejected.params))
        return redirect(url_for("sandbox.import_upload_form", action=action))
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.import_upload_form", action=action))
    import_event = {
        "action": "import",
        "target": action,
        "ok": True,
        "details": {"applied": report.applied, "failed": report.failed},
    }
    change = {"type": "events", "events": [import_event]}
    notice("success", "change", change=change)
    signal("imported", load_sandbox().account, change=change)
    return redirect(url_for("sandbox.import_results"))


@bp.get("/import/results")
def import_results() -> str:
    """Show the rows of the latest import, as the event log recorded them."""
    sandbox = load_sandbox()
    latest = next(
        (e for e in reversed(sandbox.account.events) if e.action == "import" and e.ok),
        None,
    )
    rows = []
    if latest is not None:
        for row in latest.details.get("rows", []):
            error = row.get("error")
            if row.get("ok"):
                text = _("Done.")
            elif error in simulator.RULES:
                text = messages.rule_message(RuleViolation(error))
            else:
                text = messages.row_error_message(str(error), row.get("email", ""))
            rows.append({**row, "text": text})
    return render(
        "sandbox/import_results.html",
        sandbox,
        section="users",
        latest=latest,
        rows=rows,
        labels=IMPORT_ACTION_LABELS,
    )


# --- rooms -------------------------------------------------------------------------


@bp.get("/rooms")
def rooms() -> str:
    """Show Room Management → Zoom Rooms."""
    sandbox = load_sandbox()
    signal("rooms-page", sandbox.account)
    return render("sandbox/rooms.html", sandbox, section="rooms")


@bp.get("/rooms/<room_id>/delete")
def confirm_delete_room(room_id: str) -> str:
    """Ask for confirmation before deleting a Zoom Room."""
    sandbox = load_sandbox()
    room = get_room(sandbox.account, room_id)
    predicted = preview.preview_room_deletion(
        sandbox.account, room.id, actor_of(sandbox.account).email
    )
    signal("rooms-page", sandbox.account)
    return render(
        "sandbox/confirm_room.html",
        sandbox,
        section="rooms",
        room=room,
        refusal=refusal_view(predicted.refusal),
    )


@bp.post("/rooms/<room_id>/delete")
def delete_room(room_id: str) -> BaseResponse:
    """Delete a Zoom Room."""
    try:
        event = service.delete_room(sandbox_id(), room_id, actor=actor_email())
    except UnknownRoom:
        abort(404)
    except RuleViolation as refusal:
        notice_refusal(refusal)
        return redirect(url_for("sandbox.rooms"))
    change = {"type": "events", "events": [event.to_dict()]}
    notice("success", "change", change=change)
    signal("room-deleted", load_sandbox().account, change=change)
    return redirect(url_for("sandbox.rooms"))


def _int(value: str | None) -> int | None:
    """Return ``value`` as an int, or None if it is not a whole number."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def init_app(app: Flask) -> None:
    """Register the sandbox UI."""
    app.register_blueprint(bp)
