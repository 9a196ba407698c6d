"""The durable queue engine: at-least-once delivery from one SQLite file, shared by threads and processes.

A message stays in the ``messages`` table until it is acknowledged. Receiving it hides it for a
visibility timeout and counts the receive; a consumer that dies mid-message (even SIGKILL) simply
never acknowledges it, and it is delivered again when the timeout runs out. A failed message comes
back after a backoff; once it has been received ``max_receives`` times it moves, body intact, to the
``dead_letters`` table. Topics and object events use the same engine: one queue per subscriber.

>>> import tempfile, pathlib
>>> store = QueueStore(pathlib.Path(tempfile.mkdtemp()) / "queues.sqlite3")
>>> _ = store.send("jobs", b"hello", {"tenant": "acme"})
>>> [m] = store.receive("jobs", visibility_timeout=30)
>>> m.body, m.attributes, m.receives
(b'hello', {'tenant': 'acme'}, 1)
>>> store.ack([m]); store.depth("jobs")
0
>>> store.close()
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from providers.local.sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    queue TEXT NOT NULL,
    body BLOB NOT NULL,
    attributes TEXT NOT NULL,
    sent_at REAL NOT NULL,
    visible_at REAL NOT NULL,
    receives INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    queue TEXT NOT NULL,
    body BLOB NOT NULL,
    attributes TEXT NOT NULL,
    sent_at REAL NOT NULL,
    receives INTEGER NOT NULL,
    error TEXT,
    died_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_queue ON dead_letters (queue, seq);
CREATE TABLE IF NOT EXISTS object_writes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staged TEXT,
    target TEXT NOT NULL,
    events TEXT NOT NULL,
    at REAL NOT NULL
);
"""

HELD = 1e12
"""The ``visible_at`` of a message held back until the object write it announces is done."""

_TO_DEAD = (
    "INSERT INTO dead_letters (id, queue, body, attributes, sent_at, receives, error, died_at) "
    "SELECT id, queue, body, attributes, sent_at, receives, ?, ? FROM messages WHERE seq = ? AND receives = ?"
)


@dataclass(frozen=True, slots=True)
class Received:
    """A received message. ``receives`` counts deliveries (1 the first time); ``seq`` and ``receives``
    together are the receipt that acknowledges this delivery and no later one."""

    seq: int
    id: str
    queue: str
    body: bytes
    attributes: dict[str, str]
    sent_at: float
    receives: int


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that failed ``receives`` times; ``error`` is the last failure."""

    id: str
    queue: str
    body: bytes
    attributes: dict[str, str]
    sent_at: float
    receives: int
    error: str | None
    died_at: float


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before a failed message is delivered again: ``base * 2 ** (receives - 1)``, at most ``cap``.

    >>> [Backoff(base=1.0, cap=5.0).delay(n) for n in (1, 2, 3, 4)]
    [1.0, 2.0, 4.0, 5.0]
    """

    base: float = 0.5
    cap: float = 30.0

    def delay(self, receives: int) -> float:
        return float(min(self.cap, self.base * 2 ** max(0, receives - 1)))


class QueueStore:
    """Every queue of one stack, in one SQLite file.

    ``changed`` is notified after each send in this process (``sends`` counts them), so consumers here
    wake at once; consumers in other processes poll.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = Database(path, SCHEMA)
        self.changed = threading.Condition()
        self.sends = 0
        self._dead_listeners: list[DeadLetterListener] = []

    def close(self) -> None:
        self._db.close()

    # -- producing --

    def send(self, queue: str, body: bytes, attributes: dict[str, str] | None = None, *, delay: float = 0.0) -> str:
        """Enqueue one message; returns its id."""
        return self.send_many([queue], body, attributes, delay=delay)

    def send_many(
        self, queues: Sequence[str], body: bytes, attributes: dict[str, str] | None = None, *, delay: float = 0.0
    ) -> str:
        """Enqueue the same message (same id) on each of ``queues`` in one transaction: a topic's fan-out."""
        message_id = os.urandom(16).hex()
        now = time.time()
        encoded = json.dumps(attributes or {}, separators=(",", ":"))
        rows = [(message_id, queue, body, encoded, now, now + delay) for queue in queues]
        with self._db.transaction() as db:
            db.executemany(
                "INSERT INTO messages (id, queue, body, attributes, sent_at, visible_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        self._notify()
        return message_id

    def hold(self, queues: Sequence[str], body: bytes, attributes: dict[str, str] | None, *,
             staged: str | None, target: str) -> int:
        """Journal an object write (``staged`` file to move to ``target``, or None to delete ``target``)
        with the events that announce it, held back, in one transaction; returns the journal id for
        :meth:`release_held`. See :mod:`providers.local.objects`."""
        message_id = os.urandom(16).hex()
        now = time.time()
        encoded = json.dumps(attributes or {}, separators=(",", ":"))
        with self._db.transaction() as db:
            seqs = [
                db.execute(
                    "INSERT INTO messages (id, queue, body, attributes, sent_at, visible_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (message_id, queue, body, encoded, now, HELD),
                ).lastrowid
                for queue in queues
            ]
            journal = db.execute(
                "INSERT INTO object_writes (staged, target, events, at) VALUES (?, ?, ?, ?)",
                (staged, target, json.dumps(seqs), now),
            ).lastrowid
        return int(journal or 0)

    def release_held(self, journal: int) -> None:
        """The journaled write is done: its events become visible, the journal entry goes."""
        with self._db.transaction() as db:
            row = db.execute("SELECT events FROM object_writes WHERE id = ?", (journal,)).fetchone()
            if row is None:
                return  # released already (by a recovery)
            seqs = json.loads(row[0])
            db.executemany("UPDATE messages SET visible_at = ? WHERE seq = ? AND visible_at = ?",
                           [(time.time(), seq, HELD) for seq in seqs])
            db.execute("DELETE FROM object_writes WHERE id = ?", (journal,))
        self._notify()

    def drop_held(self, journal: int) -> None:
        """The journaled write failed before it was done: forget it and its events."""
        with self._db.transaction() as db:
            row = db.execute("SELECT events FROM object_writes WHERE id = ?", (journal,)).fetchone()
            if row is not None:
                db.executemany("DELETE FROM messages WHERE seq = ? AND visible_at = ?",
                               [(seq, HELD) for seq in json.loads(row[0])])
                db.execute("DELETE FROM object_writes WHERE id = ?", (journal,))

    def journal(self, older_than: float = 0.0) -> list[tuple[int, str | None, str]]:
        """Journaled object writes begun more than ``older_than`` seconds ago: (id, staged, target)."""
        rows = self._db.all("SELECT id, staged, target FROM object_writes WHERE at <= ? ORDER BY id",
                            (time.time() - older_than,))
        return [(int(r[0]), r[1], str(r[2])) for r in rows]

    def _notify(self) -> None:
        with self.changed:
            self.sends += 1
            self.changed.notify_all()

    # -- consuming --

    def receive(
        self,
        queue: str,
        max_messages: int = 10,
        *,
        visibility_timeout: float = 30.0,
        max_receives: int | None = None,
    ) -> list[Received]:
        """Up to ``max_messages`` visible messages, hidden for ``visibility_timeout`` seconds.

        A visible message already received ``max_receives`` times (its consumer died or timed out
        each time) goes to the dead letters instead of being delivered again.
        """
        now = time.time()
        delivered: list[Received] = []
        probe = self._db.one("SELECT 1 FROM messages WHERE queue = ? AND visible_at <= ? LIMIT 1", (queue, now))
        if probe is None:  # nothing to take: no write lock needed
            return delivered
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT seq, id, body, attributes, sent_at, receives, last_error FROM messages "
                "WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?",
                (queue, now, max_messages),
            ).fetchall()
            updates = []
            buried = []
            for seq, message_id, body, attributes, sent_at, receives, last_error in rows:
                if max_receives is not None and receives >= max_receives:
                    error = last_error or f"not acknowledged within the visibility timeout, {receives} times"
                    if (dead := _bury(db, seq, receives, error, now)) is not None:
                        buried.append(dead)
                    continue
                updates.append((now + visibility_timeout, seq))
                delivered.append(
                    Received(seq, message_id, queue, bytes(body), json.loads(attributes), sent_at, receives + 1)
                )
            db.executemany("UPDATE messages SET visible_at = ?, receives = receives + 1 WHERE seq = ?", updates)
        self._buried(buried)
        return delivered

    def ack(self, messages: Iterable[Received]) -> None:
        """Delete delivered messages (a receipt from an earlier delivery deletes nothing)."""
        rows = [(m.seq, m.receives) for m in messages]
        if rows:
            with self._db.transaction() as db:
                db.executemany("DELETE FROM messages WHERE seq = ? AND receives = ?", rows)

    def fail(self, message: Received, error: str, *, max_receives: int | None, delay: float) -> bool:
        """Record a failed delivery: retry after ``delay``, or move to the dead letters once the message
        has been received ``max_receives`` times. True if it went to the dead letters."""
        now = time.time()
        with self._db.transaction() as db:
            if max_receives is not None and message.receives >= max_receives:
                dead = _bury(db, message.seq, message.receives, error, now)
            else:
                dead = None
                db.execute(
                    "UPDATE messages SET visible_at = ?, last_error = ? WHERE seq = ? AND receives = ?",
                    (now + delay, error, message.seq, message.receives),
                )
        if dead is None:
            return False  # retried, or a stale receipt
        self._buried([dead])
        return True

    def release(self, messages: Iterable[Received], *, delay: float = 0.0) -> None:
        """Give back messages received but not handled (on shutdown, or while their function cannot be
        loaded): visible again after ``delay``, the receive uncounted."""
        rows = [(time.time() + delay, m.seq, m.receives) for m in messages]
        if rows:
            with self._db.transaction() as db:
                db.executemany(
                    "UPDATE messages SET visible_at = ?, receives = receives - 1 WHERE seq = ? AND receives = ?",
                    rows,
                )

    def expire(self, queue: str, retention: float) -> int:
        """Drop messages older than ``retention`` seconds; returns how many."""
        with self._db.transaction() as db:
            cursor = db.execute("DELETE FROM messages WHERE queue = ? AND sent_at < ?", (queue, time.time() - retention))
            return cursor.rowcount

    # -- looking --

    def depth(self, queue: str) -> int:
        """Messages not yet acknowledged (visible, in flight or waiting for a retry)."""
        row = self._db.one("SELECT count(*) FROM messages WHERE queue = ?", (queue,))
        return int(row[0])

    def stats(self, queue: str) -> dict[str, int]:
        """What ``queue`` holds: ``ready`` (visible now), ``in_flight`` (received, not yet acknowledged),
        ``delayed`` (waiting for a retry or a delay) and ``dead_letters``."""
        now = time.time()
        ready, in_flight, delayed = self._db.one(
            "SELECT coalesce(sum(visible_at <= ?), 0), "
            "coalesce(sum(visible_at > ? AND receives > 0 AND last_error IS NULL), 0), "
            "coalesce(sum(visible_at > ? AND (receives = 0 OR last_error IS NOT NULL)), 0) "
            "FROM messages WHERE queue = ?",
            (now, now, now, queue),
        )
        dead = self._db.one("SELECT count(*) FROM dead_letters WHERE queue = ?", (queue,))[0]
        return {"ready": int(ready), "in_flight": int(in_flight), "delayed": int(delayed), "dead_letters": int(dead)}

    def pending(self, queues: Iterable[str]) -> int:
        """Messages not yet acknowledged on any of ``queues``."""
        names = list(queues)
        if not names:
            return 0
        marks = ",".join("?" * len(names))
        row = self._db.one(f"SELECT count(*) FROM messages WHERE queue IN ({marks})", names)
        return int(row[0])

    def next_visible(self, queue: str) -> float | None:
        """When the next message of ``queue`` becomes visible (epoch seconds), or None if it is empty."""
        row = self._db.one("SELECT min(visible_at) FROM messages WHERE queue = ?", (queue,))
        return None if row[0] is None else float(row[0])

    def dead_letters(self, queue: str, ids: Sequence[str] | None = None) -> list[DeadLetter]:
        """The dead letters of ``queue`` (only those with a message id in ``ids`` when given), oldest first."""
        where, args = _dead_where(queue, ids)
        rows = self._db.all(
            f"SELECT id, queue, body, attributes, sent_at, receives, error, died_at FROM dead_letters {where} ORDER BY seq",
            args,
        )
        return [DeadLetter(r[0], r[1], bytes(r[2]), json.loads(r[3]), r[4], r[5], r[6], r[7]) for r in rows]

    def dead_letter_counts(self) -> dict[str, int]:
        """How many dead letters each engine queue holds (queues without any left out)."""
        rows = self._db.all("SELECT queue, count(*) FROM dead_letters GROUP BY queue ORDER BY queue")
        return {str(queue): int(count) for queue, count in rows}

    def redrive(self, queue: str, ids: Sequence[str] | None = None, *, to: str | None = None) -> int:
        """Move the dead letters of ``queue`` (those in ``ids``, or all) onto ``to`` (default: ``queue``
        itself), receive counts reset, in one transaction; returns how many moved."""
        where, args = _dead_where(queue, ids)
        now = time.time()
        with self._db.transaction() as db:
            moved = db.execute(
                "INSERT INTO messages (id, queue, body, attributes, sent_at, visible_at) "
                f"SELECT id, ?, body, attributes, sent_at, ? FROM dead_letters {where} ORDER BY seq",
                (to or queue, now, *args),
            ).rowcount
            db.execute(f"DELETE FROM dead_letters {where}", args)
        self._notify()
        return moved

    def purge_dead_letters(self, queue: str, ids: Sequence[str] | None = None) -> int:
        """Delete the dead letters of ``queue`` (those in ``ids``, or all); returns how many."""
        where, args = _dead_where(queue, ids)
        with self._db.transaction() as db:
            return db.execute(f"DELETE FROM dead_letters {where}", args).rowcount

    def on_dead_letter(self, listener: DeadLetterListener) -> None:
        """Call ``listener`` with each message this process moves to the dead letters (after the commit)."""
        self._dead_listeners.append(listener)

    def forget_listener(self, listener: DeadLetterListener) -> None:
        with contextlib.suppress(ValueError):
            self._dead_listeners.remove(listener)

    def _buried(self, dead: list[DeadLetter]) -> None:
        for letter in dead:
            for listener in list(self._dead_listeners):
                listener(letter)


DeadLetterListener = Callable[[DeadLetter], None]


def _dead_where(queue: str, ids: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    if ids is None:
        return "WHERE queue = ?", (queue,)
    marks = ",".join("?" * len(ids)) or "NULL"
    return f"WHERE queue = ? AND id IN ({marks})", (queue, *ids)

def _bury(db: sqlite3.Connection, seq: int, receives: int, error: str, now: float) -> DeadLetter | None:
    """Move one message to the dead letters; None if this receipt is stale (another delivery owns it)."""
    row = db.execute(
        "SELECT id, queue, body, attributes, sent_at FROM messages WHERE seq = ? AND receives = ?", (seq, receives)
    ).fetchone()
    if row is None:
        return None
    db.execute(_TO_DEAD, (error, now, seq, receives))
    db.execute("DELETE FROM messages WHERE seq = ? AND receives = ?", (seq, receives))
    return DeadLetter(row[0], row[1], bytes(row[2]), json.loads(row[3]), row[4], receives, error, now)
