"""The web shell's handle on the content loop: feedback, search counts, staff.

:func:`init_app` builds the three stores (by default tables of one SQLite file,
``<instance>/content_loop.sqlite3``) and registers ``helpdesk staff`` and
``helpdesk analytics``. Views get each store from here and pass it to the
services, which never touch the app. ``CONTENT_LOOP_CLOCK`` (a callable
returning an aware datetime) lets tests move time.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from helpdesk.analytics import service as analytics
from helpdesk.analytics.buffer import BufferedSearchCounts
from helpdesk.analytics.store import SearchCountStore, SQLiteSearchCountStore
from helpdesk.database import SQLiteDatabase
from helpdesk.feedback.store import FeedbackStore, SQLiteFeedbackStore
from helpdesk.staff import service as staff
from helpdesk.staff.store import SQLiteStaffStore, StaffStore

_EXTENSION_KEY = "helpdesk.contentloop"

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ContentLoop:
    """The stores of one app and the clock they are given the time by."""

    feedback: FeedbackStore
    searches: SearchCountStore
    staff: StaffStore
    clock: Clock = utc_now

    def today(self) -> dt.date:
        """Return today's date (UTC): feedback and counts keep the day only."""
        return self.clock().date()


def loop_from_config(app: Flask) -> ContentLoop:
    """Build the stores the configuration asks for (SQLite in the instance)."""
    path = app.config.get("CONTENT_LOOP_DATABASE") or os.path.join(
        app.instance_path, "content_loop.sqlite3"
    )
    database = SQLiteDatabase(
        str(path), timeout=float(app.config["CONTENT_LOOP_STORE_TIMEOUT"])
    )
    # Searches are counted in memory and written in batches (see
    # helpdesk/analytics/buffer.py for what that trades); a clean exit writes
    # the rest.
    searches = BufferedSearchCounts(
        SQLiteSearchCountStore(database),
        every=int(app.config["ANALYTICS_WRITE_EVERY"]),
        seconds=float(app.config["ANALYTICS_WRITE_SECONDS"]),
        log=app.logger,
    )
    atexit.register(searches.flush_quietly)
    return ContentLoop(
        feedback=SQLiteFeedbackStore(database),
        searches=searches,
        staff=SQLiteStaffStore(database),
        clock=app.config.get("CONTENT_LOOP_CLOCK") or utc_now,
    )


def init_app(app: Flask, loop: ContentLoop | None = None) -> None:
    """Attach the stores to the app (the configured ones unless given)."""
    app.extensions[_EXTENSION_KEY] = loop or loop_from_config(app)
    app.cli.add_command(staff_cli)
    app.cli.add_command(analytics_cli)


def content_loop() -> ContentLoop:
    """Return the current app's content-loop stores."""
    found: ContentLoop = current_app.extensions[_EXTENSION_KEY]
    return found


def retention_days() -> int:
    """Return how many days search counts are kept."""
    return int(current_app.config["ANALYTICS_RETENTION_DAYS"])


def record_search(lang: str, query: str, results: int) -> None:
    """Count one search of the current request; never raises (failures are logged).

    The search views call this for the first page of results only: turning the
    page is not a new search. Suggestions as the reader types are not counted:
    their queries are unfinished words.
    """
    try:
        loop = content_loop()
        today = loop.today()
    except Exception:
        current_app.logger.exception("search not counted")
        return
    analytics.record_search(
        loop.searches, lang, query, results, today, log=current_app.logger
    )


# --- CLI -----------------------------------------------------------------------------

staff_cli = AppGroup("staff", help="Manage the accounts of the staff area.")
analytics_cli = AppGroup("analytics", help="Maintain the search counts.")


@staff_cli.command("create")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (no prompt).",
)
def create_staff_command(email: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked twice (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, type=str
        )
    loop = content_loop()
    try:
        account = staff.create_account(loop.staff, email, password, loop.clock())
    except staff.StaffRefused as error:
        raise click.ClickException(str(error)) from None
    except staff.AccountExists:
        raise click.ClickException(
            f"an account for {staff.normalize_email(email)} already exists"
        ) from None
    click.echo(f"staff account created: {account.email}")


@analytics_cli.command("purge")
def purge_command() -> None:
    """Drop the search counts older than ANALYTICS_RETENTION_DAYS."""
    loop = content_loop()
    days = retention_days()
    removed = analytics.purge(loop.searches, loop.today(), days)
    click.echo(f"{removed} search count(s) older than {days} days removed")
