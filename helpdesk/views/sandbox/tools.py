"""Support staff tools: a new sandbox from account JSON, export, the share link.

``/new`` offers a scenario, pasted account JSON or an uploaded ``.json`` file;
bad JSON is shown on the page with the same field-naming messages as the API.
``/export.json`` downloads the account JSON of the visitor's sandbox (what the
new-sandbox page and ``POST /api/v1/sandboxes`` accept). ``/share`` makes or
shows the read-only link to the sandbox and revokes it; the token is kept in
the session only to show the link again, and is checked against the store.
"""

from __future__ import annotations

import json

from flask import current_app, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.sandbox import messages, service
from helpdesk.sandbox.account_text import parse_account_text
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandboxes import create_sandbox, sandboxes
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import render
from helpdesk.views.sandbox.state import (
    SESSION_ACTOR,
    SESSION_ID,
    load_sandbox,
    notice,
)

#: The share token of the visitor's sandbox, to show its link again.
SESSION_SHARE = "sandbox_share"
#: Pasted text longer than this is not echoed back into the form.
ECHO_MAX_CHARS = 64 * 1024
PRIVATE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
}


def _new_page(
    error: SandboxError | None = None, pasted: str = ""
) -> str | tuple[str, int]:
    sandbox = load_sandbox()
    page = render(
        "sandbox/new.html",
        sandbox,
        section="new",
        error=None if error is None else messages.message(error),
        error_field=None if error is None else error.extra.get("field"),
        pasted=pasted if len(pasted) <= ECHO_MAX_CHARS else "",
        changes=sandbox.changes if sandbox.id is not None else 0,
        max_kib=int(current_app.config["SANDBOX_MAX_JSON_BYTES"]) // 1024,
    )
    return page if error is None else (page, error.status)


@bp.get("/new")
def new_page() -> str | tuple[str, int]:
    """Offer a new sandbox: a scenario, pasted account JSON or a .json file."""
    return _new_page()


@bp.post("/new/account")
def new_from_account() -> str | tuple[str, int] | BaseResponse:
    """Create the visitor's sandbox from pasted or uploaded account JSON.

    Bad JSON or an invalid account shows the page again with the reason (400,
    413 when too large); a refusal to create (429, 503) is the usual page.
    """
    upload = request.files.get("account_file")
    pasted = request.form.get("account_json", "")
    data: bytes | str = pasted
    if upload is not None and upload.filename:
        data = upload.read(int(current_app.config["SANDBOX_MAX_JSON_BYTES"]) + 1)
    try:
        account = parse_account_text(
            data, int(current_app.config["SANDBOX_MAX_JSON_BYTES"])
        )
        sandbox = create_sandbox(account=account)
    except SandboxError as error:
        if error.status not in (400, 409, 413):
            raise
        return _new_page(error, pasted)
    session[SESSION_ID] = sandbox.id
    session.pop(SESSION_ACTOR, None)
    session.pop(SESSION_SHARE, None)
    notice("success", "text", key="new-account")
    return redirect(url_for("sandbox.index"))


@bp.get("/export.json")
def export() -> BaseResponse:
    """Download the account JSON of the visitor's sandbox."""
    account = service.snapshot(load_sandbox().account)
    body = json.dumps(account, ensure_ascii=False, indent=2) + "\n"
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        'attachment; filename="sandbox-account.json"'
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


def _share_token(sandbox: service.Sandbox) -> str | None:
    """Return the live share token of the visitor's sandbox held in the session."""
    token = session.get(SESSION_SHARE)
    if sandbox.id is None or not isinstance(token, str):
        return None
    return token if sandboxes().is_shared(sandbox.id, token) else None


@bp.get("/share")
def share_page() -> tuple[str, int, dict[str, str]]:
    """Show the share link (selectable, with a copy button) and the export."""
    sandbox = load_sandbox()
    token = _share_token(sandbox)
    url = None
    if token is not None:
        url = url_for("sandbox.shared", token=token, _external=True)
    page = render("sandbox/share.html", sandbox, section="share", share_url=url)
    return page, 200, PRIVATE_HEADERS


@bp.post("/share")
def share() -> BaseResponse:
    """Make (or keep) the read-only share link of the visitor's sandbox."""
    page = url_for("sandbox.share_page")

    def done(token: str) -> str:
        session[SESSION_SHARE] = token
        notice("success", "text", key="shared")
        return page

    return perform(
        lambda svc, sid, actor: svc.share(sid),
        done=done,
        back_to=page,
        describe=lambda _: None,
    )


@bp.post("/share/revoke")
def revoke_share() -> BaseResponse:
    """Revoke the share link: it stops working at once."""
    page = url_for("sandbox.share_page")

    def done(_: object) -> str:
        session.pop(SESSION_SHARE, None)
        notice("success", "text", key="share-revoked")
        return page

    return perform(
        lambda svc, sid, actor: svc.revoke_share(sid),
        done=done,
        back_to=page,
        describe=lambda _: None,
    )
