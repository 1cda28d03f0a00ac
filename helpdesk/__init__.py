"""Helpdesk: the web shell around the articles, the search and the account simulator."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from helpdesk import settings, storage


class HelpdeskFlask(Flask):
    """Flask, deciding once per view or hook whether it is a coroutine function.

    Flask asks :func:`inspect.iscoroutinefunction` of every hook and view on every
    request, six calls each; with seven hooks that is about 40 of the 1,000
    function calls of a cached article.
    """

    _SYNC_ENTRIES = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_funcs: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Return :meth:`Flask.ensure_sync` of ``func``, remembered per function."""
        found = self._sync_funcs.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(self._sync_funcs) < self._SYNC_ENTRIES:
                self._sync_funcs[func] = found
        return found


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application.

    Configuration comes from :func:`settings.defaults`, then ``HELPDESK_*`` environment
    variables, then ``config`` (tests pass temporary paths here). Generated data (search
    index, sandbox store) lives in the instance folder, never in the source tree.
    """
    instance_path = os.environ.get("HELPDESK_INSTANCE_PATH")
    if config and config.get("INSTANCE_PATH"):
        instance_path = str(config["INSTANCE_PATH"])
    app = HelpdeskFlask(
        __name__, instance_relative_config=True, instance_path=instance_path
    )
    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if storage.uses_redis(app.config):
            raise storage.StoreConfigError(
                "HELPDESK_SECRET_KEY must be set when sandboxes live in Redis: "
                "every app server must sign sessions and forms with the same key."
            )
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind nginx the peer is the proxy: take the client from its headers.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_port=proxies
        )

    from helpdesk import (
        api,
        assets,
        cli,
        compression,
        content,
        errors,
        httpcache,
        i18n,
        pagecache,
        ratelimit,
        sandboxes,
        security,
        sessions,
    )
    from helpdesk.contentloop import init_app as init_content_loop
    from helpdesk.views import errorcodes, feedback, feeds, health, pages, search, staff
    from helpdesk.views import sandbox as sandbox_views

    compression.init_app(app)  # first: its after_request hook runs last
    i18n.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    assets.init_app(app)
    pagecache.init_app(app)
    httpcache.init_app(app)
    content.init_app(app)
    ratelimit.init_app(app)
    sandboxes.init_app(app)
    init_content_loop(app)
    errors.init_app(app)
    cli.init_app(app)

    app.register_blueprint(pages.root)
    app.register_blueprint(pages.bp)
    for area in (
        search,
        errorcodes,
        feeds,
        sandbox_views,
        feedback,
        staff,
        api,
        health,
    ):
        area.init_app(app)
    return app


def _instance_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating it once (0600) if missing.

    The key is written whole to a private file, then linked into place: of
    gunicorn workers starting together one link wins, and nobody reads a
    half-written key.
    """
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        draft = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker's key won; use it
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as key:
        return key.read().strip()
