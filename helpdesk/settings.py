"""Settings shared by the app, the CLI, the Makefile and the tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simulator import limits

#: Every language the site is written in; the first is the fallback.
LANGUAGES: tuple[str, ...] = ("en", "nl", "pl")
DEFAULT_LANGUAGE = "en"
#: Every path of the JSON API starts with this.
API_PREFIX = "/api/"

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Host names accepted in ``Host`` unless ``HELPDESK_TRUSTED_HOSTS`` says otherwise.
DEFAULT_TRUSTED_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")

#: Environment variables read by :func:`from_environment`, with their config keys.
_ENVIRONMENT = {
    "HELPDESK_SECRET_KEY": "SECRET_KEY",
    "HELPDESK_CONTENT_DIR": "CONTENT_DIR",
    "HELPDESK_SANDBOX_TTL_SECONDS": "SANDBOX_TTL_SECONDS",
    "HELPDESK_MAX_CONTENT_LENGTH": "MAX_CONTENT_LENGTH",
    "HELPDESK_SANDBOX_MAX_COUNT": "SANDBOX_MAX_COUNT",
    "HELPDESK_SANDBOX_STORE_MAX_BYTES": "SANDBOX_STORE_MAX_BYTES",
    "HELPDESK_SANDBOX_CREATE_LIMIT": "SANDBOX_CREATE_LIMIT",
    "HELPDESK_RATELIMIT_STORAGE": "RATELIMIT_STORAGE_URI",
    "HELPDESK_SANDBOX_STORE": "SANDBOX_STORE",
    "HELPDESK_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "HELPDESK_REDIS_PASSWORD": "REDIS_PASSWORD",
    # Behind HTTPS, cookies (session, language) are sent over HTTPS only.
    "HELPDESK_SECURE_COOKIES": "SESSION_COOKIE_SECURE",
    # Host names the site answers to; any other Host header is a 400.
    "HELPDESK_TRUSTED_HOSTS": "TRUSTED_HOSTS",
    # The content loop: feedback, search counts, the staff area.
    "HELPDESK_ANALYTICS_RETENTION_DAYS": "ANALYTICS_RETENTION_DAYS",
    "HELPDESK_FEEDBACK_LIMIT": "FEEDBACK_LIMIT",
    "HELPDESK_STAFF_SIGN_IN_LIMIT": "STAFF_SIGN_IN_LIMIT",
    # Search answers kept per worker (0: none, e.g. to measure a search itself).
    "HELPDESK_SEARCH_CACHE_ENTRIES": "SEARCH_CACHE_ENTRIES",
}
_BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE"}
_LIST_KEYS = {"TRUSTED_HOSTS"}
_INTEGER_KEYS = {
    "SANDBOX_TTL_SECONDS", "MAX_CONTENT_LENGTH", "SANDBOX_MAX_COUNT",
    "SANDBOX_STORE_MAX_BYTES", "TRUSTED_PROXIES", "ANALYTICS_RETENTION_DAYS",
    "SEARCH_CACHE_ENTRIES",
}  # fmt: skip


def defaults() -> dict[str, Any]:
    """Return the default configuration (overridden by the environment, then tests)."""
    return {
        # None: create_app reads (or creates once) a random key in the instance folder,
        # shared by every gunicorn worker and kept across restarts.
        "SECRET_KEY": None,
        "CONTENT_DIR": str(PROJECT_ROOT / "articles"),
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": LANGUAGES,
        # Requests larger than this are refused with 413 before a view runs.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SANDBOX_TTL_SECONDS": 24 * 3600,
        # The least recently used sandboxes are evicted past this many, or past
        # this many bytes of account JSON in all.
        "SANDBOX_MAX_COUNT": 10_000,
        "SANDBOX_STORE_MAX_BYTES": 512 * 1024 * 1024,
        # A store busier than this many seconds answers 503 with Retry-After.
        "SANDBOX_STORE_TIMEOUT": 2.0,
        # Sandboxes one client address may create (Flask-Limiter syntax).
        "SANDBOX_CREATE_LIMIT": "30/minute;300/hour",
        # Where sandboxes live: None is SQLite in the instance folder;
        # "sqlite:///<path>" or "redis://host:port/db" ("rediss://" for TLS).
        "SANDBOX_STORE": None,
        # Used when the Redis URL carries none.
        "REDIS_PASSWORD": None,
        "SANDBOX_REDIS_PREFIX": "helpdesk:",
        # How many reverse proxies (nginx) stand in front and set X-Forwarded-*:
        # the client address (rate limits) and scheme are then read from them.
        "TRUSTED_PROXIES": 0,
        # None follows the sandbox store: memory (each process counts for
        # itself) with SQLite, the same Redis with Redis.
        "RATELIMIT_STORAGE_URI": None,
        # Limits on what one sandbox may hold (its event log does not count: the
        # simulator keeps only the latest events) and what one request may send.
        "SANDBOX_MAX_ACCOUNT_BYTES": 1024 * 1024,
        "SANDBOX_MAX_JSON_BYTES": 1024 * 1024,
        # What the simulator itself bounds (simulator/limits.py, where each is
        # explained): the web layer refuses the same values, early and in words.
        # They may be lowered here, never raised above the simulator's.
        "SANDBOX_MAX_UPLOAD_BYTES": limits.MAX_CSV_BYTES,
        "SANDBOX_MAX_CLOCK_DAYS": limits.MAX_CLOCK_STEP,
        "SANDBOX_MAX_AUTO_DELETE_DAYS": limits.MAX_AUTO_DELETE_DAYS,
        "SANDBOX_MAX_BULK_EMAILS": limits.MAX_BULK_EMAILS,
        "SEARCH_AUTO_BUILD": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Flask refuses any other Host (400) before the URL is matched, so a forged
        # Host never reaches a redirect or an external URL. A port is ignored.
        "TRUSTED_HOSTS": list(DEFAULT_TRUSTED_HOSTS),
        # The content loop (helpdesk/contentloop.py): feedback, search counts and
        # staff accounts, by default in <instance>/content_loop.sqlite3.
        "CONTENT_LOOP_DATABASE": None,
        "CONTENT_LOOP_STORE_TIMEOUT": 2.0,
        # Search counts older than this many days are dropped by
        # ``helpdesk analytics purge`` (and never shown).
        "ANALYTICS_RETENTION_DAYS": 90,
        # Searches are counted in memory and written every this many searches,
        # or on the first search this many seconds after the oldest unwritten
        # one, and at a clean exit (helpdesk/analytics/buffer.py). 1 writes
        # each search at once.
        "ANALYTICS_WRITE_EVERY": 50,
        "ANALYTICS_WRITE_SECONDS": 5.0,
        # Answers to "Was this helpful?" and staff sign-in attempts one client
        # address may send (Flask-Limiter syntax).
        "FEEDBACK_LIMIT": "10/minute;100/day",
        "STAFF_SIGN_IN_LIMIT": "5/minute;30/hour",
        # Rendered pages and fragments kept per app (helpdesk/pagecache.py), a few
        # dozen kB each. 0 renders every page anew.
        "PAGE_CACHE_ENTRIES": 512,
        # Fix plans and fix sections of the error-code pages kept per app
        # (helpdesk/errorcodes/memo.py), one per code, answers and language.
        "ERRORCODE_CACHE_ENTRIES": 256,
        # Search answers (a page of grouped results, an API page) kept per app
        # for repeated queries, keyed by the index build (helpdesk.search.cached),
        # some 10-50 kB each. 0 searches anew every time.
        "SEARCH_CACHE_ENTRIES": 256,
    }


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the config keys set by ``HELPDESK_*`` environment variables."""
    environ = dict(os.environ if environ is None else environ)
    config: dict[str, Any] = {}
    for variable, key in _ENVIRONMENT.items():
        if variable in environ:
            value: Any = environ[variable]
            if key in _INTEGER_KEYS:
                value = int(value)
            elif key in _BOOLEAN_KEYS:
                value = value.strip().lower() in {"1", "true", "yes", "on"}
            elif key in _LIST_KEYS:
                value = parse_list(variable, value)
            config[key] = value
    return config


def parse_list(variable: str, value: str) -> list[str]:
    """Return the comma-separated items of ``value``, stripped, empty ones dropped.

    :raise ValueError: no item at all (an empty list would refuse every request).
    """
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ValueError(f"{variable} is empty: name at least one host")
    return items
