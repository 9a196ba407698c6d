"""The invocation feed: the dispatcher's log lines, passed through and kept as records for the console.

Every locally served function writes its one structured line per invocation into an
:class:`InvocationFeed` (its ``log_stream``). The feed writes the line on to its sink (stderr by
default, or nothing), keeps the recent ones as :class:`Invocation` records, and tells listeners
(the ``portable dev`` live table). It also logs, keeps and announces each message dead-lettered.
With a :class:`~providers.local.history.History` (``remember``) its events outlive the process.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TextIO

from providers.local.queues import DeadLetter

if TYPE_CHECKING:
    from providers.local.history import History


@dataclass(frozen=True, slots=True)
class Invocation:
    """One invocation, as its log line told it."""

    function: str
    trigger: str
    outcome: str
    duration_ms: float
    cold_start: bool
    invocation_id: str
    trace_id: str
    at: float
    fields: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def detail(self) -> str:
        """What the invocation was about: the status, message id, key or schedule; the error if any."""
        f = self.fields
        for name in ("status", "key", "schedule", "message_id"):
            if name in f:
                text = str(f[name])
                break
        else:
            text = ""
        error = f.get("error")
        return f"{text} {error}".strip() if error else text


Listener = Callable[[Invocation], None]
DeadLetterListener = Callable[[DeadLetter], None]


def dead_letter_line(letter: DeadLetter) -> str:
    """The log line telling that a message went to the dead letters."""
    return json.dumps({
        "severity": "WARNING", "message": "dead-lettered", "queue": letter.queue, "message_id": letter.id,
        "receives": letter.receives, "error": letter.error,
    }, separators=(",", ":")) + "\n"


class InvocationFeed:
    """A text stream for :class:`portable.runtime.log.InvocationLog` that also records invocations.

    Lines are kept as they came and parsed only when someone looks (``recent``, ``find``) or listens.
    """

    def __init__(self, sink: TextIO | Literal["stderr"] | None = None, keep: int = 500) -> None:
        self.sink = sink
        self._lines: deque[tuple[float, str]] = deque(maxlen=keep)
        self._listeners: list[Listener] = []
        self._dead_listeners: list[DeadLetterListener] = []
        self._lock = threading.Lock()
        self.dead: deque[DeadLetter] = deque(maxlen=keep)
        """The messages dead-lettered while this feed listened, oldest first."""
        self._events: deque[tuple[int, str, str]] = deque(maxlen=keep)
        self._seq = 0
        self._arrived = threading.Condition()
        self._history: History | None = None

    def remember(self, history: History) -> None:
        """Keep every event in ``history`` too, and start from the events it holds (their numbers go on)."""
        with self._arrived:
            for seq, kind, at, line in history.last(self._events.maxlen or 0):
                if kind == "invocation":
                    self._lines.append((at, line))
                self._events.append((seq, kind, _event_data(kind, line, at)))
                self._seq = seq
            self._history = history

    def close(self) -> None:
        """Write the events still on their way to the history, and let go of it."""
        history, self._history = self._history, None
        if history is not None:
            history.close()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def subscribe_dead_letters(self, listener: DeadLetterListener) -> None:
        self._dead_listeners.append(listener)

    def dead_lettered(self, letter: DeadLetter) -> None:
        """Log that ``letter`` went to the dead letters, keep it and tell the listeners."""
        line = dead_letter_line(letter)
        self._write(line)
        self.dead.append(letter)
        self._event("dead-letter", line, time.time())
        for listener in self._dead_listeners:
            listener(letter)

    def _write(self, line: str) -> None:
        sink = sys.stderr if self.sink == "stderr" else self.sink
        if sink is not None:
            with self._lock:
                sink.write(line)
                sink.flush()

    def write(self, line: str) -> int:
        self._write(line)
        if '"message":"invocation"' in line:
            at = time.time()
            self._lines.append((at, line))
            self._event("invocation", line, at)
            if self._listeners:
                record = _record(at, line)
                for listener in self._listeners:
                    listener(record)
        return len(line)

    def flush(self) -> None:
        pass

    def _event(self, kind: str, line: str, at: float) -> None:
        line = line.strip()
        with self._arrived:
            self._seq += 1
            self._events.append((self._seq, kind, _event_data(kind, line, at)))
            if self._history is not None:
                self._history.append((self._seq, kind, at, line))
            self._arrived.notify_all()

    @property
    def last_event(self) -> int:
        """The number of the latest event (0 before the first)."""
        return self._seq

    def events_after(self, seq: int, wait: float = 0.0) -> list[tuple[int, str, str]]:
        """The events numbered after ``seq`` as (number, kind, JSON): kind ``invocation`` or ``dead-letter``;
        waits up to ``wait`` seconds for one when there is none yet (for server-sent events)."""
        with self._arrived:
            if self._seq <= seq and wait > 0:
                self._arrived.wait_for(lambda: self._seq > seq, wait)
            return [event for event in self._events if event[0] > seq]

    @property
    def recent(self) -> list[Invocation]:
        """The last invocations, oldest first."""
        return [_record(at, line) for at, line in list(self._lines)]

    def find(self, **fields: Any) -> list[Invocation]:
        """Recent invocations whose attributes equal ``fields`` (e.g. ``function="api"``)."""
        return [i for i in self.recent if all(getattr(i, k) == v for k, v in fields.items())]


def _event_data(kind: str, line: str, at: float) -> str:
    """The JSON of a server-sent event: an invocation's log line with its time added."""
    if kind == "invocation" and line.endswith("}"):
        return line[:-1] + f',"at":{at}}}'
    return line


_KNOWN = {"severity", "message", "function", "trigger", "outcome", "duration_ms", "cold_start", "invocation_id", "trace_id"}


def _record(at: float, line: str) -> Invocation:
    data = json.loads(line)
    return Invocation(
        function=str(data.get("function", "")),
        trigger=str(data.get("trigger", "")),
        outcome=str(data.get("outcome", "")),
        duration_ms=float(data.get("duration_ms", 0.0)),
        cold_start=bool(data.get("cold_start", False)),
        invocation_id=str(data.get("invocation_id", "")),
        trace_id=str(data.get("trace_id", "")),
        at=at,
        fields={k: v for k, v in data.items() if k not in _KNOWN},
    )
