"""Function timeouts, enforced like the clouds enforce them: at the deadline the invocation has failed.

A Python thread cannot be stopped from outside, so a handler past its deadline keeps running, but
its invocation no longer counts: the watchdog fails the message (it is retried, or dead-lettered), a
replacement thread takes over its consumer's work, and whatever the late handler returns is ignored.

>>> import time
>>> deadlines = Deadlines()
>>> late = deadlines.watch(0.01, lambda: None); time.sleep(0.2); late.done()
True
>>> deadlines.watch(5, lambda: None).done()
False
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any


class Watch:
    """One watched call: ``done()`` when it returns tells whether the deadline had already passed."""

    __slots__ = ("_lock", "deadline", "expired", "finished", "on_expire")

    def __init__(self, deadline: float, on_expire: Callable[[], None], lock: threading.Lock) -> None:
        self.deadline = deadline
        self.on_expire = on_expire
        self.finished = False
        self.expired = False
        self._lock = lock

    def done(self) -> bool:
        """Mark the call finished; True if it had timed out (its outcome must be ignored)."""
        with self._lock:
            self.finished = True
            return self.expired


class Deadlines:
    """One watchdog thread (started on first use) for every watched call of a consumer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float, on_expire: Callable[[], None]) -> Watch:
        """Call ``on_expire`` (in the watchdog thread) if the call is not ``done()`` within ``seconds``."""
        watch = Watch(time.monotonic() + seconds, on_expire, self._lock)
        with self._wake:
            heap = self._heap
            while heap and heap[0][2].finished:  # calls end in about the order they start: the heap stays small
                heapq.heappop(heap)
            heapq.heappush(heap, (watch.deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="portable-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is watch:
                self._wake.notify()
        return watch

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].finished:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, _, watch = self._heap[0]
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._heap)
                watch.expired = True
            watch.on_expire()


def timeout_error(function: str, timeout: float) -> str:
    """The error of an invocation past its function's timeout.

    >>> timeout_error("worker", 30.0)
    "FunctionTimeout: function 'worker' did not finish within 30 s"
    """
    return f"FunctionTimeout: function {function!r} did not finish within {timeout:g} s"


def timeout_line(function: str, trigger: str, error: str, timeout: float, traceparent: str = "", **fields: Any) -> str:
    """The invocation log line of an invocation that ran past its function's timeout."""
    trace_id = traceparent.split("-")[1] if traceparent.count("-") == 3 else ""
    return json.dumps({
        "severity": "ERROR", "message": "invocation", "function": function, "trigger": trigger, "outcome": "timeout",
        "duration_ms": timeout * 1000, "cold_start": False, "invocation_id": fields.pop("invocation_id", ""),
        "trace_id": trace_id, **fields, "error": error,
    }, separators=(",", ":")) + "\n"
