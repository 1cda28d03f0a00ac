"""Room Management → Zoom Rooms: the list and deleting a room."""

from __future__ import annotations

from flask import abort, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.sandbox import preview, service
from helpdesk.sandbox.notices import refusal_view
from helpdesk.views.sandbox import bp
from helpdesk.views.sandbox.frame import get_room, render
from helpdesk.views.sandbox.state import (
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
    UnknownRoom,
)


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
