"""Error-code lookup pages: the header box, one page per code, the sandbox button."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from helpdesk.content import get_library
from helpdesk.errorcodes import memo, service
from helpdesk.httpcache import render_page, revalidated
from helpdesk.i18n import current_language, localized_blueprint
from helpdesk.sandbox.errors import SandboxError
from helpdesk.sandbox.guide import plan_key
from helpdesk.sandboxes import create_sandbox
from helpdesk.views.sandbox.actions import sandbox_error
from helpdesk.views.sandbox.replace import confirm_first
from helpdesk.views.sandbox.state import SESSION_ID, begin_guide, forget_actor

bp = localized_blueprint("errorcodes", __name__)

Page = str | tuple[str, int] | Response


@bp.get("/errors/")
def lookup() -> Page:
    """Read the code in what was pasted and go to its page.

    Nothing entered lists the known codes (200); text without a code lists them
    with a message and search results (400).
    """
    result = service.lookup(request.args.get("code", ""), current_language())
    if result.code is not None:
        query = service.redirect_query(result)
        return redirect(url_for("errorcodes.code", code=result.code, **query))
    status = 200 if result.empty else 400
    return render_template("errorcodes/index.html", result=result), status


@bp.get("/errors/<code>")
def code(code: str) -> Page:
    """Show what a code means, the reader's diagnosis and the sections that fix it.

    ``1,009`` redirects to ``1009``; an unknown code is a 404 page with search
    results for the pasted text (``?q=``) and the known codes.
    """
    page = service.code_page(code, request.args, current_language())
    if isinstance(page, service.Redirect):
        url = url_for("errorcodes.code", code=page.code, **page.query)
        return redirect(url, code=301)
    if isinstance(page, service.UnknownCodePage):
        return render_template("errorcodes/unknown.html", page=page), 404
    if page.errors:
        return render_template("errorcodes/code.html", page=page), 400
    # The same page for every reader of a language (answers come in the query):
    # the page cache keeps it for a URL without a query string, the error-code
    # cache (bounded, of its own) for one with answers.
    return revalidated(
        lambda: memo.remembered_page(
            lambda: render_page("errorcodes/code.html", page=page)
        ),
        get_library().last_modified_ns(),
    )


@bp.post("/errors/<code>/sandbox")
def reproduce(code: str) -> Page | tuple[str, int, dict[str, str]]:
    """Create a sandbox with the diagnosed account and open it with the fix plan.

    The plan's guide panel follows the plan diagnosed on the account the sandbox
    starts with: the reader's own (from the answers) or the typical one.

    :raise 404: the code is unknown or cannot be simulated.
    :raise 400: the answers cannot describe an account.
    A refusal to create it (too many sandboxes, a busy store) is shown as the
    sandbox UI shows it. A visitor whose own sandbox has changes is asked first.
    """
    ask = confirm_first("error", code=code)
    if ask is not None:
        return ask
    try:
        made = service.reproduce(code, request.form, _create_sandbox)
    except service.UnknownCode:
        abort(404)
    except service.InvalidAnswers:
        abort(400)
    except SandboxError as error:
        return sandbox_error(error)
    session[SESSION_ID] = made.sandbox_id
    forget_actor()
    begin_guide(plan_key(made.code), query=made.query)
    return redirect(url_for("sandbox.index"))


def _create_sandbox(scenario: str | None, account: dict[str, Any] | None) -> str:
    sandbox = create_sandbox(scenario, account)
    assert sandbox.id is not None
    return sandbox.id


def init_app(app: Flask) -> None:
    """Register the error-code pages, with their cache of plans and fix sections."""
    memo.init_app(app)
    app.register_blueprint(bp)
