"""Helpdesk: the web shell around the articles, the search and the account simulator."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask

from helpdesk import settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application.

    Configuration comes from :func:`settings.defaults`, then ``HELPDESK_*`` environment
    variables, then ``config`` (tests pass temporary paths here). Generated data (search
    index, sandbox store) lives in the instance folder, never in the source tree.
    """
    instance_path = os.environ.get("HELPDESK_INSTANCE_PATH")
    if config and config.get("INSTANCE_PATH"):
        instance_path = str(config["INSTANCE_PATH"])
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    from helpdesk import cli, content, errors, i18n, sandbox, security
    from helpdesk.views import pages

    i18n.init_app(app)
    security.init_app(app)
    content.init_app(app)
    sandbox.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    app.register_blueprint(pages.root)
    app.register_blueprint(pages.bp)
    _register_optional_areas(app)
    return app


def _instance_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating it once (0600) if missing."""
    path = os.path.join(instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as existing:
            return existing.read().strip()
    # Written through the exclusive create: of workers starting together, one writes.
    with os.fdopen(fd, "w", encoding="ascii") as created:
        created.write(secrets.token_urlsafe(48))
    with open(path, encoding="ascii") as written:
        return written.read().strip()


def _register_optional_areas(app: Flask) -> None:
    """Register the areas built on top of the foundation."""
    from helpdesk import api
    from helpdesk.views import errorcodes, sandbox, search

    for module in (search, errorcodes, sandbox, api):
        module.init_app(app)
