"""Auto-delete deactivated users: the setting, the notices and the daily job."""

from __future__ import annotations

from collections import defaultdict

from simulator.guards import privileged_user
from simulator.limits import MAX_AUTO_DELETE_DAYS, MAX_CLOCK_STEP
from simulator.model import SYSTEM_ACTOR, Account, Event, Role, Status, User

NOTICE_DAYS = 7


def update_settings(
    account: Account,
    actor: str,
    delete_deactivated_after_days: int | None,
    notify_admins_before_delete: bool,
) -> list[Event]:
    """Save the Advanced tab; return the events recorded (the change, then notices).

    Nobody is deleted at once: deletion waits for the daily job. Notices whose day
    has already passed go out now, naming the day the job will delete (the next
    day, for users whose day has passed already).

    :raise ValueError: days outside 1..365.
    """
    days = delete_deactivated_after_days
    if days is not None and (
        isinstance(days, bool) or not 1 <= days <= MAX_AUTO_DELETE_DAYS
    ):
        raise ValueError(f"days must be 1..{MAX_AUTO_DELETE_DAYS} or None")
    acting = privileged_user(account, actor)
    settings = account.settings
    before = {
        "delete_deactivated_after_days": settings.delete_deactivated_after_days,
        "notify_admins_before_delete": settings.notify_admins_before_delete,
    }
    settings.delete_deactivated_after_days = days
    settings.notify_admins_before_delete = bool(notify_admins_before_delete)
    after = {
        "delete_deactivated_after_days": days,
        "notify_admins_before_delete": settings.notify_admins_before_delete,
    }
    changed = account.record(
        acting.email,
        "update-settings",
        "settings",
        rule="auto-delete",
        before=before,
        after=after,
    )
    return [changed, *_send_notices(account, account.day + 1)]


def advance_clock(account: Account, days: int) -> list[Event]:
    """Move the clock ``days`` days on, running the daily job for each day entered.

    :raise ValueError: days outside 1..3650.
    """
    if isinstance(days, bool) or not 1 <= days <= MAX_CLOCK_STEP:
        raise ValueError(f"days must be 1..{MAX_CLOCK_STEP}")
    fired: list[Event] = []
    for _ in range(days):
        account.day += 1
        fired.extend(_send_notices(account, account.day))
        fired.extend(_auto_delete(account))
    return fired


def deletion_day(account: Account, user: User) -> int | None:
    """Return the day the daily job deletes this user, or ``None``."""
    days = account.settings.delete_deactivated_after_days
    if days is None or user.status is not Status.DEACTIVATED:
        return None
    if user.deactivated_day is None:
        return None
    return user.deactivated_day + days


def _send_notices(account: Account, next_run: int) -> list[Event]:
    """Notify of the deletions due within ``NOTICE_DAYS``, each on its real day.

    ``next_run`` is the next day the daily job runs: a user whose day has passed
    already is deleted then, and the notice names that day.
    """
    if not account.settings.notify_admins_before_delete:
        return []
    # Who was noticed is the users' state (``User.notified``), not read back from
    # the event log, which keeps only the latest events.
    due: dict[int, list[str]] = defaultdict(list)
    for user in account.users:
        day = deletion_day(account, user)
        if day is None or day - NOTICE_DAYS > account.day:
            continue
        if day not in user.notified:
            user.notified.append(day)
            due[max(day, next_run)].append(user.email)
    recipients = [
        u
        for u in account.users
        if u.role is Role.OWNER or (u.role is Role.ADMIN and u.status is Status.ACTIVE)
    ]
    events = []
    for day in sorted(due):
        for recipient in recipients:
            events.append(
                account.record(
                    SYSTEM_ACTOR,
                    "auto-delete-notice",
                    recipient.email,
                    rule="auto-delete-notice",
                    users=list(due[day]),
                    delete_day=day,
                )
            )
    return events


def _auto_delete(account: Account) -> list[Event]:
    events = []
    for user in list(account.users):
        day = deletion_day(account, user)
        if day is None or day > account.day:
            continue
        account.users.remove(user)
        events.append(
            account.record(
                SYSTEM_ACTOR,
                "auto-delete",
                user.email,
                rule="auto-delete",
                deactivated_day=user.deactivated_day,
                deleted=user.items().to_dict(),
            )
        )
    return events
