"""Room Management → Zoom Rooms: the list and deleting a room."""

from __future__ import annotations

from flask import url_for
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.sandbox import preview
from helpdesk.sandbox.notices import refusal_view
from helpdesk.views.sandbox.actions import perform
from helpdesk.views.sandbox.blueprint import bp
from helpdesk.views.sandbox.frame import get_room, render
from helpdesk.views.sandbox.state import (
    actor_of,
    load_sandbox,
    signal,
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
    page = url_for("sandbox.rooms")
    return perform(
        lambda svc, sid, actor: svc.delete_room(sid, room_id, actor=actor),
        done=page,
        back_to=page,
        signal_name="room-deleted",
    )
