"""Deactivate, reactivate and sign in."""

from __future__ import annotations

from simulator.guards import privileged_user
from simulator.model import Account, Event, License, Role, Status, User
from simulator.rules import RuleViolation


def check_removable(user: User, *, admin_allowed: bool) -> None:
    """Refuse to take the owner, a pending user or (unless allowed) an admin away."""
    if user.role is Role.OWNER:
        raise RuleViolation("owner-protected", email=user.email, role=user.role.value)
    if user.status is Status.PENDING:
        raise RuleViolation("pending-user", email=user.email)
    if user.role is Role.ADMIN and not admin_allowed:
        raise RuleViolation("admin-convert-first", email=user.email, role="admin")


def deactivate_user(account: Account, actor: str, email: str) -> Event:
    """Deactivate a user: licenses back to the pool, sign-in blocked, settings kept.

    A deactivated external user also loses every privilege (``external-deactivated``).
    """
    acting = privileged_user(account, actor)
    user = account.find(email)
    check_removable(user, admin_allowed=False)
    if user.status is not Status.ACTIVE:
        raise RuleViolation(
            "user-status", email=user.email, status=user.status.value, needs="active"
        )
    returned = {"license": user.license.value, "webinar": user.webinar}
    removed = list(user.privileges) if user.external else []
    user.status = Status.DEACTIVATED
    user.license = License.BASIC
    user.webinar = False
    user.deactivated_day = account.day
    user.notified = []
    if user.external:
        user.privileges = []
    return account.record(
        acting.email,
        "deactivate",
        user.email,
        rule="deactivate-licenses",
        returned=returned,
        privileges_removed=removed,
    )


def activate_user(account: Account, actor: str, email: str) -> Event:
    """Reactivate a deactivated user; they come back with no licenses."""
    acting = privileged_user(account, actor)
    user = account.find(email)
    if user.status is not Status.DEACTIVATED:
        raise RuleViolation(
            "user-status",
            email=user.email,
            status=user.status.value,
            needs="deactivated",
        )
    user.status = Status.ACTIVE
    user.license = License.BASIC
    user.webinar = False
    user.deactivated_day = None
    user.notified = []
    return account.record(
        acting.email,
        "activate",
        user.email,
        rule="reactivate-relicense",
        license=License.BASIC.value,
        webinar=False,
    )


def sign_in(account: Account, email: str) -> Event:
    """Sign a user in; deactivated and pending users are turned away."""
    user = account.find(email)
    if user.status is Status.DEACTIVATED:
        raise RuleViolation("signin-disabled", email=user.email)
    if user.status is Status.PENDING:
        raise RuleViolation("pending-user", email=user.email)
    return account.record(user.email, "sign-in", user.email)
