"""The sandbox back end: where sandboxes are stored and the operations on them.

Views use :mod:`helpdesk.sandbox.service`; rule messages for the UI and the API
come from :mod:`helpdesk.sandbox.messages`.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from helpdesk.sandbox import store

sandbox_cli = AppGroup("sandbox", help="Maintain the sandbox store.")


@sandbox_cli.command("purge")
def purge_command() -> None:
    """Delete the sandboxes idle for longer than SANDBOX_TTL_SECONDS.

    Expired sandboxes are already invisible; this frees their space (run it from
    cron on a busy site; creating a sandbox also purges).
    """
    removed = store.get_store().purge_expired()
    click.echo(f"{removed} expired sandbox(es) removed")


def init_app(app: Flask) -> None:
    """Attach the sandbox store to the app and register the ``sandbox`` commands."""
    store.init_app(app)
    app.cli.add_command(sandbox_cli)
