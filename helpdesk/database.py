"""One embedded SQLite file shared by the content-loop stores (no Flask).

Feedback, search counts and staff accounts are small tables in one file in the
instance folder (``content_loop.sqlite3``). :class:`SQLiteDatabase` keeps a
connection per thread (WAL, autocommit, explicit transactions) and creates each
store's tables once; a busy or broken database raises :class:`StoreUnavailable`,
which the web shell answers with 503 (or, for search counts, logs and ignores).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: What a client is told to wait when the store is busy or unreachable.
RETRY_AFTER_SECONDS = 2


class StoreUnavailable(Exception):
    """The store is busy or cannot be reached; try again in ``retry_after`` s."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(f"store unavailable, retry after {retry_after}s")
        self.retry_after = retry_after


#: A schema step: a ``CREATE … IF NOT EXISTS`` script, or a function run on the
#: connection (for steps a script cannot take, such as dropping an old layout).
Schema = str | Callable[[sqlite3.Connection], None]


class SQLiteDatabase:
    """A SQLite file with a connection per thread, made lazily.

    Each schema step runs once per database object, in the order added, the
    first time a connection is made after it was added.
    """

    def __init__(self, path: str, *, timeout: float = 2.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._schemas: list[Schema] = []
        self._applied = 0

    def add_schema(self, script: Schema) -> None:
        """Ask for the tables of ``script`` (applied before the next statement)."""
        with self._lock:
            if script not in self._schemas:
                self._schemas.append(script)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        with self._lock:
            for script in self._schemas[self._applied :]:
                if isinstance(script, str):
                    conn.executescript(script)
                else:
                    script(conn)
            self._applied = len(self._schemas)
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection; a busy or broken database is StoreUnavailable."""
        try:
            yield self._connection()
        except sqlite3.Error as error:
            raise StoreUnavailable() from error

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection inside one ``BEGIN IMMEDIATE`` transaction."""
        with self.read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection, if it has one."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()
