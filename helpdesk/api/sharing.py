"""JSON API for sharing a sandbox read-only (DESIGN.md, "Additions").

- ``POST /api/v1/sandboxes/<id>/share`` → 201 ``{"token", "url"}``: the share
  token (256 bits, not the sandbox id) and the read-only page for it, in the
  request's language. A sandbox has one live token: sharing it again returns
  the same one, until it is revoked.
- ``DELETE /api/v1/sandboxes/<id>/share`` → 204: the token is dead at once (a
  sandbox that was not shared answers 204 too).
- ``GET /api/v1/shared/<token>`` → the read-only snapshot: ``account``,
  ``events`` and the ``diagnosis`` of error 1009 (without the plan, whose API
  paths would name the sandbox). An unknown, revoked or expired token is the
  localized 404 ``unknown-share``.

Copying a shared sandbox is ``POST /api/v1/sandboxes`` with ``{"copy_of"}``
(:mod:`helpdesk.api.sandboxes`). Shared answers are never indexed
(``X-Robots-Tag``) nor cached (``Cache-Control: no-store``, set by
:mod:`helpdesk.security` for every sandbox path).
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for

from helpdesk.api.blueprint import bp
from helpdesk.api.requests import query_args
from helpdesk.i18n import current_language
from helpdesk.sandbox import service
from helpdesk.sandboxes import sandboxes

#: Headers on every answer that carries a share token or a shared sandbox.
PRIVATE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
}


def share_url(token: str, lang: str) -> str:
    """Return the absolute URL of the read-only page for ``token`` in ``lang``."""
    return url_for("sandbox.shared", lang_code=lang, token=token, _external=True)


@bp.post("/sandboxes/<sandbox_id>/share")
def share(sandbox_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Share the sandbox read-only: 201 with the token and the page's URL."""
    query_args(())
    token = sandboxes().share(sandbox_id)
    body = {"token": token, "url": share_url(token, current_language())}
    return body, 201, PRIVATE_HEADERS


@bp.delete("/sandboxes/<sandbox_id>/share")
def revoke_share(sandbox_id: str) -> Response:
    """Revoke the sandbox's share token: 204."""
    query_args(())
    sandboxes().revoke_share(sandbox_id)
    return Response(status=204)


@bp.get("/shared/<token>")
def shared(token: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Return the shared sandbox: account, event log and diagnosis (no plan)."""
    query_args(())
    found = sandboxes().shared(token)
    sandbox, diagnosis = found.sandbox, found.diagnosis
    body = {
        "account": service.snapshot(sandbox.account),
        "events": [event.to_dict() for event in sandbox.account.events],
        "diagnosis": {
            "code": diagnosis.code,
            "blocked": diagnosis.blocked,
            "blockers": [b.to_dict() for b in diagnosis.blockers],
        },
    }
    return body, 200, PRIVATE_HEADERS
