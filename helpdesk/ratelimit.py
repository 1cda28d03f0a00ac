"""Rate limits (the ``limits`` library, fixed windows), per client address.

The storage is ``RATELIMIT_STORAGE_URI`` (``HELPDESK_RATELIMIT_STORAGE``; by
default memory with the SQLite store, the sandbox Redis with Redis). Limits are
strings such as ``"20/minute;200/hour"``; each app has its own limiter, so test
apps never share counts. ``RATELIMIT_ENABLED`` false turns every limit off.

The few actions that are limited call :func:`hit` themselves; no hook runs on
the other requests (Flask-Limiter checked every request, a tenth of a page's time).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from helpdesk import storage

_EXTENSION_KEY = "helpdesk.ratelimit"


@dataclass(frozen=True)
class RateLimiter:
    """An app's counter of hits, and whether limits apply at all."""

    strategy: FixedWindowRateLimiter
    enabled: bool = True


def init_app(app: Flask) -> None:
    """Attach a limiter to the app.

    Its storage follows the sandbox store unless one is configured
    (:func:`helpdesk.storage.ratelimit_storage`): with Redis, every app server
    counts in the same place. A storage that fails lets requests through rather
    than turning them into errors (see :func:`hit`).
    """
    uri = storage.ratelimit_storage(app.config)
    app.config["RATELIMIT_STORAGE_URI"] = uri
    options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    app.extensions[_EXTENSION_KEY] = RateLimiter(
        FixedWindowRateLimiter(storage_from_string(uri, **options)),
        enabled=bool(app.config.get("RATELIMIT_ENABLED", True)),
    )


def hit(scope: str, limit: str) -> int | None:
    """Count one hit of the current client against ``limit`` in ``scope``.

    Return ``None`` when it is allowed, else the seconds to wait before the next
    hit would be allowed (the refused hit is not counted).
    """
    limiter: RateLimiter = current_app.extensions[_EXTENSION_KEY]
    if not limiter.enabled:
        return None
    key = request.remote_addr or "127.0.0.1"
    # Apps sharing one storage keep their counts apart by this prefix.
    scope = f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}{scope}"
    items = parse_many(limit)
    strategy = limiter.strategy
    try:
        for item in items:
            if not strategy.test(item, scope, key):
                reset, _remaining = strategy.get_window_stats(item, scope, key)
                return max(1, math.ceil(reset - time.time()))
        for item in items:
            strategy.hit(item, scope, key)
    except Exception:  # noqa: BLE001 - a broken counter must not refuse users
        # The store behind the counts is down: let the request through (the
        # sandbox store, if it is the same Redis, answers 503 on its own).
        current_app.logger.warning("rate limit storage unavailable", exc_info=True)
    return None
