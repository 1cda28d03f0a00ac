"""Who may act: the checks every operation runs before changing anything."""

from __future__ import annotations

from simulator.model import Account, Role, Status, User
from simulator.rules import RuleViolation

BULK_PRIVILEGE = "bulk_remove"


def acting_user(account: Account, actor: str) -> User:
    """Return the actor: an active user of the account.

    :raise UnknownUser: the actor is not a user of the account.
    :raise RuleViolation: ``actor-privileged`` for a pending or deactivated actor.
    """
    user = account.find(actor)
    if user.status is not Status.ACTIVE:
        raise RuleViolation(
            "actor-privileged",
            actor=user.email,
            role=user.role.value,
            status=user.status.value,
        )
    return user


def privileged_user(account: Account, actor: str) -> User:
    """Return the actor if they are the owner or an admin (``actor-privileged``)."""
    user = acting_user(account, actor)
    if user.role is Role.MEMBER:
        raise RuleViolation(
            "actor-privileged",
            actor=user.email,
            role=user.role.value,
            status=user.status.value,
        )
    return user


def owner_user(account: Account, actor: str, rule_id: str) -> User:
    """Return the actor if they are the owner; else refuse with ``rule_id``."""
    user = acting_user(account, actor)
    if user.role is not Role.OWNER:
        raise RuleViolation(rule_id, actor=user.email, role=user.role.value)
    return user


def bulk_user(account: Account, actor: str) -> User:
    """Return the actor if they may act on many users at once (``bulk-privilege``)."""
    user = acting_user(account, actor)
    if user.role is Role.OWNER:
        return user
    if user.role is Role.ADMIN and BULK_PRIVILEGE in user.privileges:
        return user
    raise RuleViolation(
        "bulk-privilege",
        actor=user.email,
        role=user.role.value,
        privilege=BULK_PRIVILEGE,
    )
