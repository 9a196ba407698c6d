"""SQLite databases for local state: WAL mode, pooled connections, explicit transactions.

WAL lets readers run beside one writer, and a commit survives a killed process (``synchronous=NORMAL``
syncs at checkpoints, so only a power loss may drop the last commits). Several processes may share a
file: writers take the lock with ``BEGIN IMMEDIATE`` and wait up to ``BUSY_TIMEOUT``. Connections are
borrowed from a pool, so short-lived threads (one per HTTP connection) do not each keep one open.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUSY_TIMEOUT = 30.0
"""Seconds a writer waits for another process or thread holding the write lock."""


def private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), or make it so; SQLite gives its -wal and -shm
    files the same mode."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


class Database:
    """One SQLite file with a schema: ``read()`` lends a connection, ``transaction()`` one inside BEGIN/COMMIT."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        private_file(path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        with self.read() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(schema)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (autocommit), returned to the pool afterwards."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"database {self.path} is closed")
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = self._open()
        try:
            yield connection
        finally:
            with self._lock:
                if self._closed:
                    connection.close()
                else:
                    self._idle.append(connection)

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first row of a read query, or None."""
        with self.read() as connection:
            return connection.execute(sql, args).fetchone()

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """Every row of a read query."""
        with self.read() as connection:
            return connection.execute(sql, args).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed on exit, rolled back on an exception."""
        with self.read() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def close(self) -> None:
        """Close the idle connections now, and each lent one when it comes back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
