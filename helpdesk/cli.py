"""Command line: ``helpdesk content check``, ``index build``, ``i18n check``."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from helpdesk import create_app

    return create_app()


def main() -> None:
    """Run the ``helpdesk`` command group (the Flask CLI with this app loaded)."""
    cli = FlaskGroup(
        create_app=_create_app, add_version_option=False, load_dotenv=False
    )
    cli.main(prog_name="helpdesk")


def init_app(app: Flask) -> None:
    """Register the command groups that belong to no single area."""
    from helpdesk.i18n_check import i18n_cli

    app.cli.add_command(i18n_cli)
