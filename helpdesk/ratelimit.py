"""Rate limits (Flask-Limiter), per client address.

The storage is ``RATELIMIT_STORAGE_URI`` (``HELPDESK_RATELIMIT_STORAGE``; by
default memory with the SQLite store, the sandbox Redis with Redis). Limits are
strings such as ``"20/minute;200/hour"``; each app has its own limiter, so test
apps never share counts.
"""

from __future__ import annotations

import math
import time
from typing import TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from helpdesk import storage

_EXTENSION_KEY = "helpdesk.ratelimit"
T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Attach a limiter to the app (no default limits: each area names its own).

    Its storage follows the sandbox store unless one is configured
    (:func:`helpdesk.storage.ratelimit_storage`): with Redis, every app server
    counts in the same place. A storage that fails lets requests through
    (``RATELIMIT_SWALLOW_ERRORS``) rather than turning them into errors.
    """
    app.config["RATELIMIT_STORAGE_URI"] = storage.ratelimit_storage(app.config)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    # Every limited action calls hit() itself and no route is decorated, so the
    # hooks Flask-Limiter runs around each request (the check before it, the
    # X-RateLimit headers after it, which are off, and releasing its per-request
    # context) would only find nothing to do; on a cached page they were a tenth
    # of the app's time (bench/page_throughput.py).
    _remove_request_hooks(app, limiter)
    app.extensions[_EXTENSION_KEY] = limiter


def _remove_request_hooks(app: Flask, limiter: Limiter) -> None:
    before, after = app.before_request_funcs, app.after_request_funcs
    teardown = app.teardown_request_funcs
    before[None] = _without(before.get(None, []), limiter)
    after[None] = _without(after.get(None, []), limiter)
    teardown[None] = _without(teardown.get(None, []), limiter)


def _without(hooks: list[T], limiter: Limiter) -> list[T]:
    """Return ``hooks`` less the limiter's own (its methods and partials of them)."""

    def owner(hook: T) -> object:
        return (
            getattr(hook, "__self__", None)
            or (getattr(hook, "args", None) or [None])[0]
        )

    return [hook for hook in hooks if owner(hook) is not limiter]


def hit(scope: str, limit: str) -> int | None:
    """Count one hit of the current client against ``limit`` in ``scope``.

    Return ``None`` when it is allowed, else the seconds to wait before the next
    hit would be allowed (the refused hit is not counted).
    """
    limiter: Limiter = current_app.extensions[_EXTENSION_KEY]
    if not limiter.enabled:
        return None
    key = get_remote_address()
    # Apps sharing one storage keep their counts apart by this prefix.
    scope = f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}{scope}"
    items = parse_many(limit)
    strategy = limiter.limiter
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
