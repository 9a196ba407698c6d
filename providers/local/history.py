"""The invocation history: the feed's events kept in the state folder, so a restart keeps them.

Each event (an invocation line or a dead-letter line) is stored with its number, so the dashboard's
pages and its server-sent events go on where they were after ``portable dev`` restarts. Writes are
batched by one thread, off the functions' path; ``close()`` writes what is pending. Only the last
``keep`` events are kept.
"""

from __future__ import annotations

import threading
from pathlib import Path

from providers.local.sqlite import Database

HISTORY_DB = "history.sqlite3"
KEEP = 5000
"""Events kept in the state folder, the newest."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    line TEXT NOT NULL
);
"""

Event = tuple[int, str, float, str]
"""(number, kind, time, log line without its newline)."""


class History:
    """The events of one state folder in ``history.sqlite3`` (0600)."""

    def __init__(self, folder: Path, *, keep: int = KEEP, flush_every: float = 0.2) -> None:
        self.keep = keep
        self.flush_every = flush_every
        self._db = Database(folder / HISTORY_DB, _SCHEMA)
        self._pending: list[Event] = []
        self._wake = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    def last(self, count: int) -> list[Event]:
        """The newest ``count`` stored events, oldest first."""
        rows = self._db.all("SELECT seq, kind, at, line FROM events ORDER BY seq DESC LIMIT ?", (count,))
        return [(int(seq), str(kind), float(at), str(line)) for seq, kind, at, line in reversed(rows)]

    def append(self, event: Event) -> None:
        """Store ``event`` soon (within ``flush_every`` seconds), in the writer thread."""
        with self._wake:
            if self._closing:
                return
            self._pending.append(event)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="portable-history", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._closing:
                    self._wake.wait(self.flush_every)
                closing = self._closing
            self._flush()
            if closing:
                return

    def _flush(self) -> None:
        with self._wake:
            batch, self._pending = self._pending, []
        if not batch:
            return
        with self._db.transaction() as connection:
            connection.executemany("INSERT OR IGNORE INTO events (seq, kind, at, line) VALUES (?, ?, ?, ?)", batch)
            connection.execute("DELETE FROM events WHERE seq <= ?", (batch[-1][0] - self.keep,))

    def close(self) -> None:
        """Write the pending events and close the database."""
        with self._wake:
            self._closing = True
            thread = self._thread
            self._wake.notify_all()
        if thread is not None:
            thread.join(10)
        self._flush()
        self._db.close()
