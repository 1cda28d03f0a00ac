"""Change a user's role and licenses."""

from __future__ import annotations

from simulator.guards import owner_user, privileged_user
from simulator.model import Account, Event, License, Role, Status
from simulator.rules import RuleViolation


def change_role(account: Account, actor: str, email: str, role: Role) -> Event:
    """Give a user another role; only the owner may, and never to or from owner."""
    role = Role(role)
    acting = owner_user(account, actor, "owner-changes-role")
    user = account.find(email)
    if user.role is Role.OWNER or role is Role.OWNER:
        raise RuleViolation("owner-protected", email=user.email, role=role.value)
    previous = user.role
    user.role = role
    return account.record(
        acting.email,
        "change-role",
        user.email,
        rule="owner-changes-role",
        before=previous.value,
        after=role.value,
    )


def assign_license(
    account: Account,
    actor: str,
    email: str,
    license: str | None = None,
    webinar: bool | None = None,
) -> Event:
    """Set a user's license ("licensed"/"basic") and webinar license.

    ``None`` leaves that part as it is. The pool is never exceeded
    (``license-pool``); deactivated users get no licenses (``user-status``).
    """
    acting = privileged_user(account, actor)
    user = account.find(email)
    new_license = user.license if license is None else License(license)
    new_webinar = user.webinar if webinar is None else bool(webinar)
    if user.status is Status.DEACTIVATED:
        raise RuleViolation(
            "user-status", email=user.email, status=user.status.value, needs="active"
        )
    assigned = account.assigned()
    pool = account.licenses
    if new_license is License.LICENSED and not user.licensed:
        if assigned.licensed + 1 > pool.licensed:
            raise RuleViolation(
                "license-pool",
                email=user.email,
                license="licensed",
                pool=pool.licensed,
                assigned=assigned.licensed,
            )
    if new_webinar and not user.webinar:
        if assigned.webinar + 1 > pool.webinar:
            raise RuleViolation(
                "license-pool",
                email=user.email,
                license="webinar",
                pool=pool.webinar,
                assigned=assigned.webinar,
            )
    before = {"license": user.license.value, "webinar": user.webinar}
    user.license = new_license
    user.webinar = new_webinar
    return account.record(
        acting.email,
        "assign-license",
        user.email,
        rule="license-pool",
        before=before,
        after={"license": new_license.value, "webinar": new_webinar},
    )
