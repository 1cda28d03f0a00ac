"""Never lose a visitor's work: ask before replacing or resetting their sandbox.

Starting a scenario, a guide, an error-code reproduction or a copy of a shared
sandbox replaces the visitor's sandbox. When it has changes (events in its log),
the start endpoint calls :func:`confirm_first`, which sends the visitor to
:func:`confirm_replace`: "This replaces your sandbox with 9 changes", with the
button that posts the same form again with ``replace=yes`` (and, for a guide,
one that runs the guide on the current account instead). Reset always asks
(:func:`confirm_reset`); a reset can be undone until the next change
(:func:`undo_reset`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, redirect, render_template, request, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.i18n import current_language
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.state import load_sandbox, notice

#: What can replace a sandbox, and the endpoint its form posts to.
KINDS = {
    "scenario": "sandbox.new",
    "guide": "sandbox.start_guide",
    "error": "errorcodes.reproduce",
    "copy": "sandbox.copy_shared",
}
#: Form fields that are never carried over to the confirmation.
NOT_CARRIED = frozenset({"csrf_token", "replace", "keep"})
#: At most this many form fields are carried over (the error-code answers).
MAX_FIELDS = 40
FIELD_PREFIX = "field-"


def confirm_first(kind: str, **path: str) -> BaseResponse | None:
    """Return the redirect to the confirmation when the form would lose work.

    ``None`` when the visitor confirmed (``replace=yes``) or their sandbox has
    no changes: the caller goes on. ``path`` holds the endpoint's URL values
    (``code`` of an error, ``token`` of a share).
    """
    if request.form.get("replace") == "yes":
        return None
    sandbox = load_sandbox()
    if sandbox.id is None or sandbox.changes == 0:
        return None
    pairs = [("kind", kind), *sorted(path.items())]
    fields = [
        (FIELD_PREFIX + key, value)
        for key, value in request.form.items(multi=True)
        if key not in NOT_CARRIED
    ]
    pairs += fields[:MAX_FIELDS]
    return redirect(f"{url_for('sandbox.confirm_replace')}?{urlencode(pairs)}")


@bp.get("/replace")
def confirm_replace() -> str:
    """Ask before a new sandbox replaces one with changes; offer the alternatives.

    :raise 400: an unknown ``kind``.
    """
    kind = request.args.get("kind", "")
    if kind not in KINDS:
        abort(400)
    values = {
        k: request.args.get(k, "") for k in ("code", "token") if k in request.args
    }
    try:
        action = url_for(KINDS[kind], **values)
    except BuildError:  # a missing URL value (``code``, ``token``) is bad input
        abort(400)
    fields = [
        (key.removeprefix(FIELD_PREFIX), value)
        for key, value in request.args.items(multi=True)
        if key.startswith(FIELD_PREFIX)
    ][:MAX_FIELDS]
    sandbox = load_sandbox()
    return render_template(
        "sandbox/confirm_replace.html",
        kind=kind,
        action=action,
        fields=fields,
        changes=sandbox.changes if sandbox.id is not None else 0,
        lang=current_language(),
    )


@bp.get("/reset")
def confirm_reset() -> str:
    """Ask before putting the sandbox back to how it was created."""
    sandbox = load_sandbox()
    return render_template(
        "sandbox/confirm_reset.html",
        changes=sandbox.changes if sandbox.id is not None else 0,
        lang=current_language(),
    )


@bp.post("/reset/undo")
def undo_reset() -> BaseResponse:
    """Bring back the sandbox as it was before the last reset."""
    page = url_for("sandbox.index")

    def done(_: object) -> str:
        notice("success", "text", key="reset-undone")
        return page

    return perform(
        lambda svc, sid, actor: svc.undo_reset(sid),
        done=done,
        back_to=page,
        describe=lambda _: None,
    )
