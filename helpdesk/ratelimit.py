"""Rate limits (Flask-Limiter), per client address.

The storage is ``RATELIMIT_STORAGE_URI`` (``HELPDESK_RATELIMIT_STORAGE``; memory
by default, so each process counts for itself). Limits are strings such as
``"20/minute;200/hour"``; each app has its own limiter, so test apps never share
counts.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

_EXTENSION_KEY = "helpdesk.ratelimit"


def init_app(app: Flask) -> None:
    """Attach a limiter to the app (no default limits: each area names its own)."""
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions[_EXTENSION_KEY] = limiter


def hit(scope: str, limit: str) -> int | None:
    """Count one hit of the current client against ``limit`` in ``scope``.

    Return ``None`` when it is allowed, else the seconds to wait before the next
    hit would be allowed (the refused hit is not counted).
    """
    limiter: Limiter = current_app.extensions[_EXTENSION_KEY]
    if not limiter.enabled:
        return None
    key = get_remote_address()
    items = parse_many(limit)
    strategy = limiter.limiter
    for item in items:
        if not strategy.test(item, scope, key):
            reset, _remaining = strategy.get_window_stats(item, scope, key)
            return max(1, math.ceil(reset - time.time()))
    for item in items:
        strategy.hit(item, scope, key)
    return None
