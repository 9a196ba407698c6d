"""The resumable manifest of a copy: one SQLite file under ``<root>/.portable/migrate/``.

Each object, item and secret the copy writes is recorded ``writing`` before the write and ``done``
(with its size, source version and checksum) after it, each in its own committed transaction. After
a ``kill -9`` a rerun skips what is ``done``; what was ``writing`` is the copy's own (the target may or
may not hold it) and is written again, which is harmless because every write replaces whole objects
and items by key. Nothing is written to a target without a manifest entry first.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    kind TEXT NOT NULL,
    resource TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    size INTEGER,
    version TEXT,
    checksum TEXT,
    PRIMARY KEY (kind, resource, key)
) WITHOUT ROWID;
"""

FOLDER = ".portable/migrate"


def manifest_path(root: Path, stack: str, source: str, target: str) -> Path:
    return root / FOLDER / f"{stack}-{source}-to-{target}.sqlite3"


@dataclass(frozen=True)
class Entry:
    state: str
    size: int | None
    version: str | None
    checksum: str | None


class Manifest:
    """What one source → target copy of one stack has written so far (safe to share between threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def entries(self, kind: str, resource: str) -> dict[str, Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, state, size, version, checksum FROM entries WHERE kind = ? AND resource = ?",
                (kind, resource)).fetchall()
        return {key: Entry(*rest) for key, *rest in rows}

    def writing(self, kind: str, resource: str, keys: Iterable[str]) -> None:
        """Record that ``keys`` are about to be written (kept ``done`` entries are not downgraded
        in the manifest's view: a rewrite of a changed source overwrites them)."""
        self._write("INSERT INTO entries (kind, resource, key, state) VALUES (?, ?, ?, 'writing') "
                    "ON CONFLICT (kind, resource, key) DO UPDATE SET state = 'writing'",
                    [(kind, resource, key) for key in keys])

    def done(self, kind: str, resource: str, rows: Iterable[tuple[str, int | None, str | None, str | None]]) -> None:
        """Record ``(key, size, version, checksum)`` rows as written."""
        self._write("INSERT OR REPLACE INTO entries (kind, resource, key, state, size, version, checksum) "
                    "VALUES (?, ?, ?, 'done', ?, ?, ?)",
                    [(kind, resource, *row) for row in rows])

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
