"""Command groups that belong to no single area (``helpdesk i18n check``)."""

from __future__ import annotations

from flask import Flask

from helpdesk.i18n_check import i18n_cli


def init_app(app: Flask) -> None:
    """Register the command groups that belong to no single area."""
    app.cli.add_command(i18n_cli)
