"""Where sandbox accounts live between requests: one small protocol, two stores.

A sandbox is a record holding the account it was created with (``initial``), the
account as it is now (both as account JSON) and a ``version`` that every commit
increments. Writers read a record, compute the new account outside any lock and
:meth:`SandboxStore.commit` it only if the version is still the one they read
(optimistic concurrency), so a slow operation on one sandbox never blocks another
and no update is lost.

A sandbox can also be *shared*: :meth:`SandboxStore.share` gives it a share
token (``secrets.token_urlsafe(32)``: 256 bits, unrelated to the id) that
:meth:`SandboxStore.shared` resolves to the sandbox for a read-only view. A
sandbox has at most one live token: sharing it again returns the same one (a
link already handed out keeps working), :meth:`SandboxStore.revoke_share` kills
it, and it dies with the sandbox (expiry, purge, eviction). A later share after
a revoke makes a new token.

The id is an unguessable capability (``secrets.token_urlsafe(24)``: 192 bits),
checked against :data:`SANDBOX_ID` before any query. Sandboxes idle for longer
than the TTL are invisible and are purged when new ones are created (and by
``helpdesk sandbox purge``). A store keeps at most ``max_count`` sandboxes and
``max_bytes`` of account JSON in all: creating one more evicts the least recently
used. A store that is busy or unreachable raises the 503 refusal
(:func:`helpdesk.sandbox.errors.store_busy`).

:class:`MemorySandboxStore` keeps sandboxes in a dict: the fake for service
tests, held to the same contract tests as :class:`SQLiteSandboxStore`.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from helpdesk.database import SQLiteDatabase, StoreUnavailable
from helpdesk.sandbox.errors import store_busy

#: The form of every id :func:`new_id` makes: 24 random bytes, URL-safe base64.
SANDBOX_ID = re.compile(r"[A-Za-z0-9_-]{32}")
#: The form of every share token :func:`new_share_token` makes: 32 random bytes.
SHARE_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: A read touches ``last_used`` only when it is older than this, to spare writes.
TOUCH_INTERVAL_SECONDS = 60.0
#: What a client is told to wait when the store is busy or unreachable.
RETRY_AFTER_SECONDS = 2

Clock = Callable[[], float]


@dataclass(frozen=True)
class SandboxRecord:
    """A stored sandbox: its current and initial account JSON, version and times.

    The initial account is kept as text and parsed only when asked for (a reset):
    every other operation reads the current account alone.
    """

    id: str
    account: dict[str, Any]
    initial_text: str = field(repr=False)
    version: int
    created: float
    last_used: float

    @property
    def initial(self) -> dict[str, Any]:
        """Return the account the sandbox was created with."""
        data: dict[str, Any] = json.loads(self.initial_text)
        return data


class SandboxStore(Protocol):
    """What the sandbox service needs from a store (SQLite, in memory, Redis)."""

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox (version 1) and return its id."""
        ...

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox (counting this as a use), or ``None``."""
        ...

    def commit(
        self,
        sandbox_id: str,
        account: dict[str, Any],
        version: int,
        claim: str | None = None,
    ) -> bool:
        """Save ``account`` if the sandbox is live and still at ``version``.

        While another writer's claim on the sandbox is live (:meth:`claim`), only
        that writer (``claim`` its token) can commit. Return whether it was
        saved; ``False`` means another writer came first (or the sandbox
        expired): read it again.
        """
        ...

    def claim(self, sandbox_id: str, token: str, seconds: float) -> bool:
        """Take the sandbox's writer claim for ``token`` if nobody else holds it.

        A writer that keeps losing commit races claims the sandbox, so that the
        others wait for it instead of starving it; a claim ends after
        ``seconds`` even if it is never released. Return whether it is held.
        """
        ...

    def release(self, sandbox_id: str, token: str) -> None:
        """Give the claim back (only the holder's ``token`` can)."""
        ...

    def share(self, sandbox_id: str) -> str | None:
        """Return the sandbox's share token, making one if it has none.

        ``None`` when the sandbox is not live.
        """
        ...

    def revoke_share(self, sandbox_id: str) -> bool:
        """Forget the sandbox's share token; return whether it had a live one."""
        ...

    def shared(self, token: str) -> str | None:
        """Return the id of the live sandbox shared under ``token``, or ``None``."""
        ...

    def purge_expired(self) -> int:
        """Delete every expired sandbox; return how many."""
        ...

    def count(self) -> int:
        """Return how many sandboxes are stored (live or not yet purged)."""
        ...

    def total_bytes(self) -> int:
        """Return the bytes of account JSON stored, all sandboxes together."""
        ...

    def ping(self) -> bool:
        """Return whether the store answers (for the readiness check)."""
        ...

    def close(self) -> None:
        """Release what the current thread holds."""
        ...


def new_id() -> str:
    """Return a fresh sandbox id (192 random bits)."""
    return secrets.token_urlsafe(24)


def new_share_token() -> str:
    """Return a fresh share token (256 random bits, longer than any sandbox id)."""
    return secrets.token_urlsafe(32)


def valid_share_token(token: object) -> bool:
    """Return whether ``token`` has the form of a share token."""
    return isinstance(token, str) and SHARE_TOKEN.fullmatch(token) is not None


def valid_id(sandbox_id: object) -> bool:
    """Return whether ``sandbox_id`` has the form of a sandbox id."""
    return isinstance(sandbox_id, str) and SANDBOX_ID.fullmatch(sandbox_id) is not None


def dumps(account: dict[str, Any]) -> str:
    """Return account JSON as the stores keep it (compact, UTF-8 as is)."""
    return json.dumps(account, ensure_ascii=False, separators=(",", ":"))


def _size(*texts: str) -> int:
    return sum(len(text.encode("utf-8")) for text in texts)


@dataclass(frozen=True)
class StoreLimits:
    """How long sandboxes live and how many, and how large in all, a store keeps."""

    ttl_seconds: float
    max_count: int
    max_bytes: int


# --- SQLite ------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id TEXT PRIMARY KEY,
    initial TEXT NOT NULL,
    account TEXT NOT NULL,
    version INTEGER NOT NULL,
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sandboxes_last_used ON sandboxes (last_used);
CREATE TABLE IF NOT EXISTS sandbox_shares (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS sandbox_claims (
    id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    until REAL NOT NULL
);
"""
# Share tokens of sandboxes that are gone (expired, purged, evicted).
_FORGET_ORPHAN_SHARES = (
    "DELETE FROM sandbox_shares WHERE id NOT IN (SELECT id FROM sandboxes)"
)
_COLUMNS = {"id", "initial", "account", "version", "size", "created", "last_used"}


def _prepare(conn: sqlite3.Connection) -> None:
    """Create the tables, reclaiming space by itself (``auto_vacuum``)."""
    # auto_vacuum must be chosen before the first table exists; an older file
    # without it is switched over once by VACUUM.
    conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
    (mode,) = conn.execute("PRAGMA auto_vacuum").fetchone()
    columns = {row[1] for row in conn.execute("PRAGMA table_info(sandboxes)")}
    if columns and columns != _COLUMNS:
        # Sandboxes are disposable practice accounts: an older layout is dropped
        # rather than migrated.
        conn.execute("DROP TABLE sandboxes")
    conn.executescript(_SCHEMA)
    if mode != 2:
        conn.execute("VACUUM")


class SQLiteSandboxStore:
    """Sandboxes in one SQLite file (WAL), a connection per thread, made lazily.

    A commit is one ``UPDATE … WHERE id = ? AND version = ?``: the write lock is
    held for that statement only. ``timeout`` bounds how long a statement waits
    for a busy database before the store answers busy. Space freed by purges and
    evictions is returned to the file system (``auto_vacuum = INCREMENTAL``).
    """

    def __init__(
        self,
        path: str,
        limits: StoreLimits,
        *,
        timeout: float = 2.0,
        clock: Clock = time.time,
    ) -> None:
        self.path = path
        self.limits = limits
        self.clock = clock
        self.database = SQLiteDatabase(path, timeout=timeout)
        self.database.add_schema(_prepare)

    # --- connections ---------------------------------------------------------------

    def close(self) -> None:
        """Close this thread's connection, if it has one."""
        self.database.close()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection; a busy or broken database is the 503 refusal."""
        try:
            with self.database.read() as conn:
                yield conn
        except StoreUnavailable as error:
            raise store_busy(error.retry_after) from error

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            with self.database.write() as conn:
                yield conn
        except StoreUnavailable as error:
            raise store_busy(error.retry_after) from error

    def _cutoff(self, now: float) -> float:
        return now - self.limits.ttl_seconds

    # --- the protocol --------------------------------------------------------------

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox; evict the least recently used ones to make room."""
        initial_text, account_text = dumps(initial), dumps(account)
        size = _size(initial_text, account_text)
        sandbox_id = new_id()
        evicted = False
        with self._write() as conn:
            now = self.clock()
            cursor = conn.execute(
                "DELETE FROM sandboxes WHERE last_used < ?", (self._cutoff(now),)
            )
            evicted = cursor.rowcount > 0
            count, total = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM sandboxes"
            ).fetchone()
            doomed: list[tuple[str]] = []
            if count >= self.limits.max_count or total + size > self.limits.max_bytes:
                for old_id, old_size in conn.execute(
                    "SELECT id, size FROM sandboxes ORDER BY last_used"
                ):
                    if (
                        count < self.limits.max_count
                        and total + size <= self.limits.max_bytes
                    ):
                        break
                    doomed.append((old_id,))
                    count -= 1
                    total -= old_size
                conn.executemany("DELETE FROM sandboxes WHERE id = ?", doomed)
                evicted = evicted or bool(doomed)
            conn.execute(
                "INSERT INTO sandboxes "
                "(id, initial, account, version, size, created, last_used) "
                "VALUES (?, ?, ?, 1, ?, ?, ?)",
                (sandbox_id, initial_text, account_text, size, now, now),
            )
            if evicted:
                conn.execute(_FORGET_ORPHAN_SHARES)
        if evicted:
            self._reclaim()
        return sandbox_id

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox, touching it, or ``None`` (also for a bad id)."""
        if not valid_id(sandbox_id):
            return None
        with self._db() as conn:
            now = self.clock()
            row = conn.execute(
                "SELECT account, initial, version, created, last_used "
                "FROM sandboxes WHERE id = ? AND last_used >= ?",
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
            sandbox_id,
            json.loads(row[0]),
            row[1],
            row[2],
            row[3],
            max(row[4], now),
        )

    def commit(
        self,
        sandbox_id: str,
        account: dict[str, Any],
        version: int,
        claim: str | None = None,
    ) -> bool:
        """Save ``account`` if the sandbox is live, at ``version`` and not claimed."""
        if not valid_id(sandbox_id):
            return False
        text = dumps(account)
        with self._db() as conn:
            now = self.clock()
            cursor = conn.execute(
                "UPDATE sandboxes SET account = ?, version = version + 1, "
                "size = length(CAST(initial AS BLOB)) + ?, last_used = ? "
                "WHERE id = ? AND version = ? AND last_used >= ? AND NOT EXISTS "
                "(SELECT 1 FROM sandbox_claims c WHERE c.id = sandboxes.id "
                "AND c.until >= ? AND c.token IS NOT ?)",
                (
                    text,
                    _size(text),
                    now,
                    sandbox_id,
                    version,
                    self._cutoff(now),
                    now,
                    claim,
                ),
            )
            return cursor.rowcount == 1

    def claim(self, sandbox_id: str, token: str, seconds: float) -> bool:
        """Take the sandbox's writer claim for ``token`` if nobody else holds it."""
        with self._db() as conn:
            now = self.clock()
            cursor = conn.execute(
                "INSERT INTO sandbox_claims (id, token, until) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET token = excluded.token, "
                "until = excluded.until "
                "WHERE sandbox_claims.until < ? OR sandbox_claims.token = ?",
                (sandbox_id, token, now + seconds, now, token),
            )
            return cursor.rowcount == 1

    def release(self, sandbox_id: str, token: str) -> None:
        """Give the claim back (only the holder's ``token`` can)."""
        with self._db() as conn:
            conn.execute(
                "DELETE FROM sandbox_claims WHERE id = ? AND token = ?",
                (sandbox_id, token),
            )

    def share(self, sandbox_id: str) -> str | None:
        """Return the sandbox's share token, making one if it has none."""
        if not valid_id(sandbox_id):
            return None
        with self._db() as conn:
            cutoff = self._cutoff(self.clock())
            conn.execute(
                "INSERT INTO sandbox_shares (id, token) SELECT ?, ? WHERE EXISTS "
                "(SELECT 1 FROM sandboxes WHERE id = ? AND last_used >= ?) "
                "ON CONFLICT (id) DO NOTHING",
                (sandbox_id, new_share_token(), sandbox_id, cutoff),
            )
            row = conn.execute(
                "SELECT s.token FROM sandbox_shares s JOIN sandboxes b "
                "ON b.id = s.id WHERE s.id = ? AND b.last_used >= ?",
                (sandbox_id, cutoff),
            ).fetchone()
        return None if row is None else str(row[0])

    def revoke_share(self, sandbox_id: str) -> bool:
        """Forget the sandbox's share token; return whether it had one."""
        if not valid_id(sandbox_id):
            return False
        with self._db() as conn:
            cursor = conn.execute(
                "DELETE FROM sandbox_shares WHERE id = ?", (sandbox_id,)
            )
            return cursor.rowcount > 0

    def shared(self, token: str) -> str | None:
        """Return the id of the live sandbox shared under ``token``, or ``None``."""
        if not valid_share_token(token):
            return None
        with self._db() as conn:
            row = conn.execute(
                "SELECT s.id FROM sandbox_shares s JOIN sandboxes b ON b.id = s.id "
                "WHERE s.token = ? AND b.last_used >= ?",
                (token, self._cutoff(self.clock())),
            ).fetchone()
        return None if row is None else str(row[0])

    def purge_expired(self) -> int:
        """Delete every sandbox idle for longer than the TTL; return how many."""
        with self._db() as conn:
            now = self.clock()
            cursor = conn.execute(
                "DELETE FROM sandboxes WHERE last_used < ?", (self._cutoff(now),)
            )
            removed = cursor.rowcount
            conn.execute("DELETE FROM sandbox_claims WHERE until < ?", (now,))
            conn.execute(_FORGET_ORPHAN_SHARES)
        if removed:
            self._reclaim()
        return removed

    def _reclaim(self) -> None:
        with self._db() as conn:
            # The pragma frees one page per step, and execute() steps once:
            # executescript runs it to the end.
            conn.executescript("PRAGMA incremental_vacuum;")

    def count(self) -> int:
        """Return how many sandboxes are stored (live or not yet purged)."""
        with self._db() as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM sandboxes").fetchone()
        return int(count)

    def ping(self) -> bool:
        """Return whether the database answers a query."""
        try:
            with self._db() as conn:
                conn.execute("SELECT 1").fetchone()
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
        return True

    def total_bytes(self) -> int:
        """Return the bytes of account JSON stored, all sandboxes together."""
        with self._db() as conn:
            (total,) = conn.execute(
                "SELECT COALESCE(SUM(size), 0) FROM sandboxes"
            ).fetchone()
        return int(total)


# --- in memory ---------------------------------------------------------------------


class MemorySandboxStore:
    """Sandboxes in a dict behind a lock: the fake the service tests run on.

    Records are kept as JSON text, so a caller never shares state with the store.
    """

    def __init__(self, limits: StoreLimits, *, clock: Clock = time.time) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[str, str, int, float, float]] = {}
        self._claims: dict[str, tuple[str, float]] = {}
        self._shares: dict[str, str] = {}  # sandbox id -> its share token

    def _forget_orphan_shares(self) -> None:
        for gone in [i for i in self._shares if i not in self._rows]:
            del self._shares[gone]

    def _live(self, sandbox_id: str, now: float) -> bool:
        row = self._rows.get(sandbox_id)
        return row is not None and row[4] >= now - self.limits.ttl_seconds

    def _size(self, sandbox_id: str) -> int:
        initial, account, *_ = self._rows[sandbox_id]
        return _size(initial, account)

    def create(self, initial: dict[str, Any], account: dict[str, Any]) -> str:
        """Store a new sandbox; evict the least recently used ones to make room."""
        initial_text, account_text = dumps(initial), dumps(account)
        size = _size(initial_text, account_text)
        sandbox_id = new_id()
        with self._lock:
            now = self.clock()
            for old in [i for i in self._rows if not self._live(i, now)]:
                del self._rows[old]
            by_age = sorted(self._rows, key=lambda i: self._rows[i][4])
            total = sum(self._size(i) for i in by_age)
            for old in by_age:
                if (
                    len(self._rows) < self.limits.max_count
                    and total + size <= self.limits.max_bytes
                ):
                    break
                total -= self._size(old)
                del self._rows[old]
            self._rows[sandbox_id] = (initial_text, account_text, 1, now, now)
            self._forget_orphan_shares()
        return sandbox_id

    def get(self, sandbox_id: str) -> SandboxRecord | None:
        """Return the live sandbox, touching it, or ``None``."""
        if not valid_id(sandbox_id):
            return None
        with self._lock:
            now = self.clock()
            if not self._live(sandbox_id, now):
                return None
            initial, account, version, created, last_used = self._rows[sandbox_id]
            last_used = max(last_used, now)
            self._rows[sandbox_id] = (initial, account, version, created, last_used)
        return SandboxRecord(
            sandbox_id,
            json.loads(account),
            initial,
            version,
            created,
            last_used,
        )

    def _claimed_by_other(self, sandbox_id: str, token: str | None, now: float) -> bool:
        held = self._claims.get(sandbox_id)
        return held is not None and held[1] >= now and held[0] != token

    def commit(
        self,
        sandbox_id: str,
        account: dict[str, Any],
        version: int,
        claim: str | None = None,
    ) -> bool:
        """Save ``account`` if the sandbox is live, at ``version`` and not claimed."""
        text = dumps(account)
        with self._lock:
            now = self.clock()
            if not valid_id(sandbox_id) or not self._live(sandbox_id, now):
                return False
            if self._claimed_by_other(sandbox_id, claim, now):
                return False
            initial, _, current, created, _ = self._rows[sandbox_id]
            if current != version:
                return False
            self._rows[sandbox_id] = (initial, text, version + 1, created, now)
            return True

    def claim(self, sandbox_id: str, token: str, seconds: float) -> bool:
        """Take the sandbox's writer claim for ``token`` if nobody else holds it."""
        with self._lock:
            now = self.clock()
            if self._claimed_by_other(sandbox_id, token, now):
                return False
            self._claims[sandbox_id] = (token, now + seconds)
            return True

    def release(self, sandbox_id: str, token: str) -> None:
        """Give the claim back (only the holder's ``token`` can)."""
        with self._lock:
            if self._claims.get(sandbox_id, ("", 0.0))[0] == token:
                del self._claims[sandbox_id]

    def share(self, sandbox_id: str) -> str | None:
        """Return the sandbox's share token, making one if it has none."""
        with self._lock:
            if not valid_id(sandbox_id) or not self._live(sandbox_id, self.clock()):
                return None
            return self._shares.setdefault(sandbox_id, new_share_token())

    def revoke_share(self, sandbox_id: str) -> bool:
        """Forget the sandbox's share token; return whether it had one."""
        with self._lock:
            return self._shares.pop(sandbox_id, None) is not None

    def shared(self, token: str) -> str | None:
        """Return the id of the live sandbox shared under ``token``, or ``None``."""
        if not valid_share_token(token):
            return None
        with self._lock:
            now = self.clock()
            for sandbox_id, held in self._shares.items():
                if secrets.compare_digest(held, token):
                    return sandbox_id if self._live(sandbox_id, now) else None
        return None

    def purge_expired(self) -> int:
        """Delete every sandbox idle for longer than the TTL; return how many."""
        with self._lock:
            now = self.clock()
            for claimed in [i for i, (_, t) in self._claims.items() if t < now]:
                del self._claims[claimed]
            expired = [i for i in self._rows if not self._live(i, now)]
            for sandbox_id in expired:
                del self._rows[sandbox_id]
            self._forget_orphan_shares()
        return len(expired)

    def count(self) -> int:
        """Return how many sandboxes are stored (live or not yet purged)."""
        with self._lock:
            return len(self._rows)

    def total_bytes(self) -> int:
        """Return the bytes of account JSON stored, all sandboxes together."""
        with self._lock:
            return sum(self._size(i) for i in self._rows)

    def ping(self) -> bool:
        """The dict always answers."""
        return True

    def close(self) -> None:
        """Nothing to release."""
