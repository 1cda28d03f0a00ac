"""Accept an invitation to join another account (error 1009)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from simulator.guards import owner_user
from simulator.model import Account, Event, Role, Status
from simulator.rules import RuleViolation

BlockerKind = Literal["user", "room", "addon"]


@dataclass(frozen=True)
class Blocker:
    """Something that keeps the account from joining another one."""

    kind: BlockerKind
    id: str
    status: str | None = None
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the blocker."""
        return {
            "kind": self.kind,
            "id": self.id,
            "status": self.status,
            "role": self.role,
        }


class InvitationBlocked(RuleViolation):
    """Refuse the invitation with error ``code`` 1009, listing the ``blockers``."""

    def __init__(self, blockers: list[Blocker], code: int = 1009) -> None:
        super().__init__(
            "invitation-blocked",
            code=code,
            blockers=[b.to_dict() for b in blockers],
        )
        self.code = code
        self.blockers = blockers


def blockers(account: Account) -> list[Blocker]:
    """Return every user (not pending), Zoom Room and add-on besides the owner."""
    found = [
        Blocker("user", u.email, u.status.value, u.role.value)
        for u in account.users
        if u.role is not Role.OWNER and u.status is not Status.PENDING
    ]
    found += [Blocker("room", r.id) for r in account.rooms]
    found += [Blocker("addon", a) for a in account.addons]
    return found


def accept_invitation(account: Account, actor: str) -> Event:
    """Accept, as the owner, an invitation to join another account.

    :raise InvitationBlocked: other users, Zoom Rooms or add-ons remain.
    """
    acting = owner_user(account, actor, "actor-privileged")
    found = blockers(account)
    if found:
        raise InvitationBlocked(found)
    account.invitation_accepted = True
    return account.record(
        acting.email, "accept-invitation", acting.email, rule="invitation-blocked"
    )
