"""Delete Zoom Rooms and cancel add-ons."""

from __future__ import annotations

from simulator.guards import owner_user, privileged_user
from simulator.model import Account, Event, UnknownAddon


def delete_room(account: Account, actor: str, room_id: str) -> Event:
    """Delete a Zoom Room (Room Management → Zoom Rooms)."""
    acting = privileged_user(account, actor)
    room = account.room(room_id)
    account.rooms.remove(room)
    return account.record(
        acting.email, "delete-room", room.id, rule="invitation-blocked", name=room.name
    )


def remove_addon(account: Account, actor: str, addon: str) -> Event:
    """Cancel an add-on; only the owner, who pays for it, may (``actor-privileged``).

    The sources say add-ons block error 1009 but not how they go away; the owner
    cancelling them is the simulator's reading.
    """
    acting = owner_user(account, actor, "actor-privileged")
    if addon not in account.addons:
        raise UnknownAddon(addon)
    account.addons.remove(addon)
    return account.record(
        acting.email, "remove-addon", addon, rule="invitation-blocked"
    )
