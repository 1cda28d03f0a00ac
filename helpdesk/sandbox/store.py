"""Where sandbox accounts live between requests: one small interface, SQLite first.

A sandbox is a row holding the account it was created with (``initial``) and the
account as it is now, both as account JSON. The id is an unguessable capability
(``secrets.token_urlsafe(24)``: 192 bits), checked against :data:`SANDBOX_ID`
before any query. Sandboxes idle for longer than the TTL are invisible and are
purged opportunistically when new ones are created.

Configuration (``app.config``): ``SANDBOX_TTL_SECONDS`` (24 h),
``SANDBOX_MAX_COUNT`` (10,000; creating one more evicts the least recently used),
``SANDBOX_MAX_ACCOUNT_BYTES`` (1 MiB of serialized account JSON),
``SANDBOX_DB_TIMEOUT`` (seconds to wait for a busy database, 10).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app

T = TypeVar("T")

#: The form of every id :func:`new_id` makes: 24 random bytes, URL-safe base64.
SANDBOX_ID = re.compile(r"[A-Za-z0-9_-]{32}")

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_MAX_COUNT = 10_000
DEFAULT_MAX_ACCOUNT_BYTES = 1024 * 1024
DEFAULT_DB_TIMEOUT = 10.0
#: A read touches ``last_used`` only when it is older than this, to spare writes.
TOUCH_INTERVAL_SECONDS = 60.0

_EXTENSION_KEY = "helpdesk.sandbox.store"
_INIT_LOCK = threading.Lock()


class SandboxNotFound(LookupError):
    """Signal that no live sandbox has this id (malformed, unknown or expired)."""

    def __init__(self, sandbox_id: str) -> None:
        super().__init__(sandbox_id)
        self.sandbox_id = sandbox_id


class SandboxTooLarge(ValueError):
    """Refuse to store an account whose JSON exceeds the size limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(size, limit)
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class SandboxRecord:
    """A stored sandbox: its current and initial account JSON and its times."""

    id: str
    account: dict[str, Any]
    initial: dict[str, Any]
    created: float
    last_used: float


class SandboxStore(Protocol):
    """What the service needs from a store; a Redis store can implement it too."""

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox and return its id."""
        ...

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox (touching it), or ``None``."""
        ...

    def update(
        self,
        sandbox_id: str,
        fn: Callable[[dict[str, Any]], tuple[dict[str, Any], T]],
    ) -> T:
        """Atomically replace the account by ``fn(account)[0]``; return ``[1]``.

        :raise SandboxNotFound: no live sandbox has this id.
        """
        ...

    def reset(self, sandbox_id: str) -> SandboxRecord:
        """Put the sandbox back to its initial account and return it."""
        ...

    def purge_expired(self) -> int:
        """Delete every expired sandbox; return how many."""
        ...

    def close(self) -> None:
        """Release what the current thread holds (called at request teardown)."""
        ...


def new_id() -> str:
    """Return a fresh sandbox id (192 random bits)."""
    return secrets.token_urlsafe(24)


def valid_id(sandbox_id: str) -> bool:
    """Return whether ``sandbox_id`` has the form of a sandbox id."""
    return isinstance(sandbox_id, str) and SANDBOX_ID.fullmatch(sandbox_id) is not None


def _dumps(account: dict[str, Any]) -> str:
    return json.dumps(account, ensure_ascii=False, separators=(",", ":"))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id TEXT PRIMARY KEY,
    initial TEXT NOT NULL,
    account TEXT NOT NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sandboxes_last_used ON sandboxes (last_used);
"""


class SQLiteSandboxStore:
    """Sandboxes in one SQLite file (WAL), a connection per thread, made lazily.

    Writes run in ``BEGIN IMMEDIATE`` transactions, so two requests updating one
    sandbox are serialized and neither update is lost.
    """

    def __init__(
        self,
        path: str,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_count: int = DEFAULT_MAX_COUNT,
        max_account_bytes: int = DEFAULT_MAX_ACCOUNT_BYTES,
        timeout: float = DEFAULT_DB_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self.max_count = max_count
        self.max_account_bytes = max_account_bytes
        self.timeout = timeout
        self.clock = clock
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    # --- connections ---------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            # Autocommit mode: every transaction below is begun explicitly.
            conn = sqlite3.connect(
                self.path,
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._ensure_schema(conn)
            self._local.conn = conn
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with self._schema_lock:
            if not self._schema_ready:
                conn.executescript(_SCHEMA)
                self._schema_ready = True

    def close(self) -> None:
        """Close this thread's connection, if it has one."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()

    def _transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    def _cutoff(self, now: float) -> float:
        return now - self.ttl_seconds

    def _check_size(self, text: str) -> None:
        size = len(text.encode("utf-8"))
        if size > self.max_account_bytes:
            raise SandboxTooLarge(size, self.max_account_bytes)

    # --- the interface -------------------------------------------------------------

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox; evict the least recently used one when full.

        :raise SandboxTooLarge: either account is over the size limit.
        """
        initial_text, account_text = _dumps(initial), _dumps(account)
        self._check_size(initial_text)
        self._check_size(account_text)
        sandbox_id = new_id()

        def insert(conn: sqlite3.Connection) -> None:
            now = self.clock()
            conn.execute(
                "DELETE FROM sandboxes WHERE last_used < ?", (self._cutoff(now),)
            )
            (count,) = conn.execute("SELECT COUNT(*) FROM sandboxes").fetchone()
            if count >= self.max_count:
                conn.execute(
                    "DELETE FROM sandboxes WHERE id IN (SELECT id FROM sandboxes "
                    "ORDER BY last_used LIMIT ?)",
                    (count - self.max_count + 1,),
                )
            conn.execute(
                "INSERT INTO sandboxes (id, initial, account, created, last_used) "
                "VALUES (?, ?, ?, ?, ?)",
                (sandbox_id, initial_text, account_text, now, now),
            )

        self._transaction(insert)
        return sandbox_id

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox, touching it, or ``None`` (also for a bad id)."""
        if not valid_id(sandbox_id):
            return None
        conn = self._connection()
        now = self.clock()
        row = conn.execute(
            "SELECT id, account, initial, created, last_used FROM sandboxes "
            "WHERE id = ? AND last_used >= ?",
            (sandbox_id, self._cutoff(now)),
        ).fetchone()
        if row is None:
            return None
        if now - row[4] > TOUCH_INTERVAL_SECONDS:
            conn.execute(
                "UPDATE sandboxes SET last_used = MAX(last_used, ?) WHERE id = ?",
                (now, sandbox_id),
            )
        return SandboxRecord(
            row[0], json.loads(row[1]), json.loads(row[2]), row[3], max(row[4], now)
        )

    def update(
        self,
        sandbox_id: str,
        fn: Callable[[dict[str, Any]], tuple[dict[str, Any], T]],
    ) -> T:
        """Run ``fn`` on the account inside one write transaction and save its result.

        If ``fn`` raises, nothing is saved and the exception propagates.

        :raise SandboxNotFound: no live sandbox has this id.
        :raise SandboxTooLarge: the new account is over the size limit.
        """
        if not valid_id(sandbox_id):
            raise SandboxNotFound(sandbox_id)

        def apply(conn: sqlite3.Connection) -> T:
            now = self.clock()
            row = conn.execute(
                "SELECT account FROM sandboxes WHERE id = ? AND last_used >= ?",
                (sandbox_id, self._cutoff(now)),
            ).fetchone()
            if row is None:
                raise SandboxNotFound(sandbox_id)
            account, result = fn(json.loads(row[0]))
            text = _dumps(account)
            self._check_size(text)
            conn.execute(
                "UPDATE sandboxes SET account = ?, last_used = ? WHERE id = ?",
                (text, now, sandbox_id),
            )
            return result

        return self._transaction(apply)

    def reset(self, sandbox_id: str) -> SandboxRecord:
        """Put the sandbox back to its initial account.

        :raise SandboxNotFound: no live sandbox has this id.
        """
        if not valid_id(sandbox_id):
            raise SandboxNotFound(sandbox_id)

        def apply(conn: sqlite3.Connection) -> SandboxRecord:
            now = self.clock()
            row = conn.execute(
                "SELECT initial, created FROM sandboxes "
                "WHERE id = ? AND last_used >= ?",
                (sandbox_id, self._cutoff(now)),
            ).fetchone()
            if row is None:
                raise SandboxNotFound(sandbox_id)
            conn.execute(
                "UPDATE sandboxes SET account = initial, last_used = ? WHERE id = ?",
                (now, sandbox_id),
            )
            initial = json.loads(row[0])
            return SandboxRecord(sandbox_id, initial, json.loads(row[0]), row[1], now)

        return self._transaction(apply)

    def purge_expired(self) -> int:
        """Delete every sandbox idle for longer than the TTL; return how many."""

        def purge(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "DELETE FROM sandboxes WHERE last_used < ?",
                (self._cutoff(self.clock()),),
            )
            return cursor.rowcount

        return self._transaction(purge)

    def count(self) -> int:
        """Return how many sandboxes are stored (live or not yet purged)."""
        (count,) = (
            self._connection().execute("SELECT COUNT(*) FROM sandboxes").fetchone()
        )
        return int(count)


def store_from_config(app: Flask) -> SandboxStore:
    """Build the store the app's configuration asks for (SQLite in the instance)."""
    return SQLiteSandboxStore(
        os.path.join(app.instance_path, "sandboxes.sqlite3"),
        ttl_seconds=float(app.config.get("SANDBOX_TTL_SECONDS", DEFAULT_TTL_SECONDS)),
        max_count=int(app.config.get("SANDBOX_MAX_COUNT", DEFAULT_MAX_COUNT)),
        max_account_bytes=int(
            app.config.get("SANDBOX_MAX_ACCOUNT_BYTES", DEFAULT_MAX_ACCOUNT_BYTES)
        ),
        timeout=float(app.config.get("SANDBOX_DB_TIMEOUT", DEFAULT_DB_TIMEOUT)),
    )


def init_app(app: Flask, store: SandboxStore | None = None) -> None:
    """Attach a store to the app (built lazily unless given) and its teardown."""
    if _EXTENSION_KEY in app.extensions:
        return
    app.extensions[_EXTENSION_KEY] = store

    @app.teardown_appcontext
    def close_store(exc: BaseException | None) -> None:
        current = app.extensions.get(_EXTENSION_KEY)
        if current is not None:
            current.close()


def get_store() -> SandboxStore:
    """Return the current app's sandbox store, creating it on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store: SandboxStore | None = app.extensions.get(_EXTENSION_KEY)
    if store is not None:
        return store
    with _INIT_LOCK:
        # Without init_app (no teardown) connections simply live with their thread.
        store = app.extensions.get(_EXTENSION_KEY)
        if store is None:
            store = store_from_config(app)
            app.extensions[_EXTENSION_KEY] = store
    return store
