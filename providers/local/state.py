"""A state folder: the queue, table and bucket engines of one project, shared within a process.

``State.open(folder)`` returns the same engines to the serving side and to the runtime clients of
every function in the process (they find the folder in their links); ``close()`` forgets them.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import ClassVar

from providers.local.buckets import BucketStore
from providers.local.contract import BUCKETS_DIR, QUEUES_DB, TABLES_DB
from providers.local.queues import QueueStore
from providers.local.tables import TableStore


class State:
    """The engines of one state folder."""

    _open: ClassVar[dict[Path, State]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.users = 0
        folder.mkdir(parents=True, exist_ok=True)
        self.queues = QueueStore(folder / QUEUES_DB)
        self.tables = TableStore(folder / TABLES_DB)
        self.buckets = BucketStore(folder / BUCKETS_DIR)

    @classmethod
    def open(cls, folder: Path | str) -> State:
        """The engines of ``folder``, opened once per process."""
        path = Path(folder).resolve()
        state = cls._open.get(path)
        if state is None:
            with cls._lock:
                state = cls._open.get(path)
                if state is None:
                    state = cls._open[path] = cls(path)
        return state

    @classmethod
    def acquire(cls, folder: Path | str) -> State:
        """``open(folder)`` for a long-lived user (a LocalStack); ``release`` closes it after the last one."""
        state = cls.open(folder)
        with cls._lock:
            state.users += 1
        return state

    def release(self) -> None:
        with self._lock:
            self.users -= 1
            last = self.users <= 0
        if last:
            self.close()

    def close(self) -> None:
        """Close the databases; the next ``open`` of this folder starts afresh."""
        with self._lock:
            if self._open.get(self.folder) is self:
                del self._open[self.folder]
        self.queues.close()
        self.tables.close()

    @staticmethod
    def reset(folder: Path | str) -> None:
        """Delete everything in ``folder`` (queued messages, tables, objects)."""
        path = Path(folder).resolve()
        state = State._open.get(path)
        if state is not None:
            state.close()
        shutil.rmtree(path, ignore_errors=True)
