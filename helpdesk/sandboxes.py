"""The web shell's handle on the sandbox service: one store per app.

:func:`init_app` builds the store the configuration asks for and registers the
``helpdesk sandbox`` commands; :func:`sandboxes` returns the service for the
current request, built from that store and the limits in the settings, so the
service itself never touches the app.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from helpdesk import ratelimit, storage
from helpdesk.sandbox import errors
from helpdesk.sandbox.redis_store import RedisSandboxStore
from helpdesk.sandbox.service import Sandbox, SandboxLimits, SandboxService
from helpdesk.sandbox.store import SandboxStore, SQLiteSandboxStore, StoreLimits

_EXTENSION_KEY = "helpdesk.sandbox.store"

sandbox_cli = AppGroup("sandbox", help="Maintain the sandbox store.")


@sandbox_cli.command("purge")
def purge_command() -> None:
    """Delete the sandboxes idle for longer than SANDBOX_TTL_SECONDS.

    Expired sandboxes are already invisible; this frees their space (run it from
    cron on a busy site; creating a sandbox also purges).
    """
    removed = store().purge_expired()
    click.echo(f"{removed} expired sandbox(es) removed")


def store_from_config(app: Flask) -> SandboxStore:
    """Build the store the app's configuration asks for (see helpdesk.storage)."""
    config = app.config
    limits = StoreLimits(
        ttl_seconds=float(config["SANDBOX_TTL_SECONDS"]),
        max_count=int(config["SANDBOX_MAX_COUNT"]),
        max_bytes=int(config["SANDBOX_STORE_MAX_BYTES"]),
    )
    timeout = float(config["SANDBOX_STORE_TIMEOUT"])
    if storage.uses_redis(config):
        return RedisSandboxStore.from_url(
            storage.redis_url(config),
            limits,
            timeout=timeout,
            prefix=str(config["SANDBOX_REDIS_PREFIX"]),
        )
    return SQLiteSandboxStore(
        storage.sqlite_path(config, app.instance_path), limits, timeout=timeout
    )


def init_app(app: Flask, sandbox_store: SandboxStore | None = None) -> None:
    """Attach a store to the app (the configured one unless given)."""
    # Each worker thread keeps its store connection between requests: opening
    # one per request cost more than the request's own queries.
    app.extensions[_EXTENSION_KEY] = sandbox_store or store_from_config(app)
    app.cli.add_command(sandbox_cli)


def store() -> SandboxStore:
    """Return the current app's sandbox store."""
    found: SandboxStore = current_app.extensions[_EXTENSION_KEY]
    return found


def sandboxes() -> SandboxService:
    """Return the sandbox service for the current request."""
    return SandboxService(store(), SandboxLimits.from_config(current_app.config))


def check_creation_rate() -> None:
    """Count one sandbox created by this client; refuse past the limit.

    :raise SandboxError: ``too-many-sandboxes`` (429) with the seconds to wait.
    """
    wait = ratelimit.hit("sandbox-create", current_app.config["SANDBOX_CREATE_LIMIT"])
    if wait is not None:
        raise errors.too_many_sandboxes(wait)


def create_sandbox(
    scenario: str | None = None, account: dict[str, object] | None = None
) -> Sandbox:
    """Create a sandbox for the current client, within its creation rate limit.

    :raise SandboxError: ``too-many-sandboxes`` and everything
        :meth:`SandboxService.create` refuses.
    """
    check_creation_rate()
    return sandboxes().create(scenario, account)


def copy_shared_sandbox(token: str) -> Sandbox:
    """Copy the sandbox shared under ``token`` for the current client.

    The copy counts against the creation rate limit like any new sandbox.

    :raise SandboxError: ``too-many-sandboxes``, ``unknown-share`` and
        ``sandbox-too-large``.
    """
    check_creation_rate()
    return sandboxes().copy_shared(token)
