"""What ``portable dev`` measures per function for ``portable cost --usage-from-dev`` and ``portable check``:
invocations, average duration and peak memory, kept in ``measurements.json`` in the state folder
(``.portable/state/measurements.json`` by default; the format is :mod:`portable.cost.measured`'s).

It listens to the invocation feed, so the functions' hot path is untouched. Peak memory is the dev
process's resident memory when an invocation ends, the most seen: every function shares the process,
so it is an upper bound of what one function needs. Reading it costs tens of microseconds, so it is
read at a function's first invocation and then at most every ``sample_every`` seconds (the process's
memory seldom shrinks). The file is written at most once a second and when the stack closes; earlier
sessions' figures are added to.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import threading
import time
from pathlib import Path
from typing import Any

from providers.local.feed import Invocation, InvocationFeed

FILE_NAME = "measurements.json"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb() -> float:
    """This process's resident memory now, in MB (its peak where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE / 1024 / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Measurements:
    """Running figures per function, saved to ``path``."""

    def __init__(self, path: Path, *, save_every: float = 1.0, sample_every: float = 0.25) -> None:
        self.path = path
        self.save_every = save_every
        self.sample_every = sample_every
        self._memory = 0.0
        self._memory_at = 0.0
        self._lock = threading.Lock()
        self._saved_at = 0.0
        self._functions: dict[str, dict[str, float]] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError):
            for name, m in json.loads(path.read_text()).get("functions", {}).items():
                count = int(m["invocations"])
                self._functions[name] = {"invocations": count, "total_ms": float(m["duration_ms"]) * count,
                                         "peak_memory_mb": float(m.get("peak_memory_mb") or 0)}

    @classmethod
    def attach(cls, feed: InvocationFeed, state_dir: Path) -> Measurements:
        measurements = cls(state_dir / FILE_NAME)
        feed.subscribe(measurements.record)
        return measurements

    def record(self, invocation: Invocation) -> None:
        now = time.monotonic()
        first = invocation.function not in self._functions
        if first or now - self._memory_at >= self.sample_every:
            self._memory, self._memory_at = resident_mb(), now
        memory = self._memory
        with self._lock:
            m = self._functions.setdefault(invocation.function, {"invocations": 0, "total_ms": 0.0,
                                                                 "peak_memory_mb": 0.0})
            m["invocations"] += 1
            m["total_ms"] += invocation.duration_ms
            m["peak_memory_mb"] = max(m["peak_memory_mb"], memory)
        if time.monotonic() - self._saved_at >= self.save_every:
            self.save()

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {"functions": {
                name: {"invocations": int(m["invocations"]), "duration_ms": round(m["total_ms"] / m["invocations"], 3),
                       "peak_memory_mb": round(m["peak_memory_mb"], 1)}
                for name, m in self._functions.items() if m["invocations"]
            }}

    def save(self) -> None:
        if not self._functions:
            return
        self._saved_at = time.monotonic()
        data = json.dumps(self.as_dict(), indent=2)
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(data)
            os.replace(partial, self.path)
