"""Which store the configuration names: SQLite in the instance folder, or Redis.

``SANDBOX_STORE`` (``HELPDESK_SANDBOX_STORE``) is ``None`` (SQLite in the
instance folder), ``sqlite:///<path>`` (a relative path is under the instance
folder) or ``redis://host:port/db`` / ``rediss://…``, with the password in the
URL or in ``REDIS_PASSWORD``. The rate limits follow: memory with SQLite, the
same Redis with Redis, unless ``RATELIMIT_STORAGE_URI`` names another.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

REDIS_SCHEMES = ("redis", "rediss")


class StoreConfigError(ValueError):
    """The configured store cannot be used (a clear message for start-up)."""


def store_url(config: Mapping[str, Any]) -> str | None:
    """Return the configured store URL, ``None`` for the default SQLite file."""
    value = config.get("SANDBOX_STORE")
    if not value:
        return None
    scheme = urlsplit(str(value)).scheme
    if scheme not in ("sqlite", *REDIS_SCHEMES):
        raise StoreConfigError(
            f"HELPDESK_SANDBOX_STORE must be sqlite:///<path> or redis://host:port/db,"
            f" not {value!r}"
        )
    return str(value)


def uses_redis(config: Mapping[str, Any]) -> bool:
    """Return whether sandboxes (and so rate limits, by default) live in Redis."""
    url = store_url(config)
    return url is not None and urlsplit(url).scheme in REDIS_SCHEMES


def sqlite_path(config: Mapping[str, Any], instance_path: str) -> str:
    """Return the SQLite file the configuration names (default: the instance)."""
    url = store_url(config)
    if url is None:
        return os.path.join(instance_path, "sandboxes.sqlite3")
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if not path:
        raise StoreConfigError("HELPDESK_SANDBOX_STORE=sqlite:///<path> needs a path")
    return path if os.path.isabs(path) else os.path.join(instance_path, path)


def redis_url(config: Mapping[str, Any]) -> str:
    """Return the Redis URL with ``REDIS_PASSWORD`` in it when it has none."""
    url = store_url(config) or ""
    password = config.get("REDIS_PASSWORD")
    parts = urlsplit(url)
    if not password or parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    user = quote(parts.username or "", safe="")
    netloc = f"{user}:{quote(str(password), safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def ratelimit_storage(config: Mapping[str, Any]) -> str:
    """Return the rate limits' storage URI: as configured, else after the store."""
    configured = config.get("RATELIMIT_STORAGE_URI")
    if configured:
        return str(configured)
    return redis_url(config) if uses_redis(config) else "memory://"
