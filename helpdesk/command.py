"""The ``helpdesk`` console script: the Flask CLI with this app loaded."""

from __future__ import annotations

from flask.cli import FlaskGroup

from helpdesk import create_app


def main() -> None:
    """Run the ``helpdesk`` command group (content, index, i18n, sandbox, ...)."""
    cli = FlaskGroup(create_app=create_app, add_version_option=False, load_dotenv=False)
    cli.main(prog_name="helpdesk")
