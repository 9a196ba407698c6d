"""An object write (or delete) and its object events as one durable step.

Without care, a crash between writing an object and queueing its events loses the events (or the
reverse announces an object that is not there). So a write that triggers functions goes through a
journal in the queue database: the object is staged beside the buckets, then one transaction records
"move this file to that key" together with its events, held back; then the file is moved and the
events released. A crash before the transaction leaves nothing (a stray staged file); after it,
:func:`recover` (run when a stack opens the state) finishes the move and releases the events, so
both or neither happen. Writes that trigger nothing skip the journal.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from providers.local import notifications
from providers.local.buckets import ObjectInfo
from providers.local.state import State


def put(state: State, bucket: str, key: str, data: bytes, queues: list[str], attributes: dict[str, str]) -> ObjectInfo:
    """Write an object and enqueue its ``created`` events on ``queues``."""
    staged = state.buckets.stage(bucket, key, data)
    if not queues:
        state.buckets.commit(staged)
        return staged.info
    body = notifications.encode(bucket, key, "created", staged.info.size, staged.info.etag)
    try:
        journal = state.queues.hold(queues, body, attributes, staged=str(staged.tmp), target=str(staged.path))
    except BaseException:
        staged.tmp.unlink(missing_ok=True)
        raise
    try:
        state.buckets.commit(staged)
    except Exception:
        state.queues.drop_held(journal)
        staged.tmp.unlink(missing_ok=True)
        raise
    state.queues.release_held(journal)
    return staged.info


def delete(state: State, bucket: str, key: str, queues: list[str], attributes: dict[str, str]) -> bool:
    """Delete an object and enqueue its ``deleted`` events on ``queues``; True if it existed."""
    path = state.buckets.path(bucket, key)
    if not queues or not path.is_file():
        return state.buckets.remove(path)
    body = notifications.encode(bucket, key, "deleted")
    journal = state.queues.hold(queues, body, attributes, staged=None, target=str(path))
    state.buckets.remove(path)
    state.queues.release_held(journal)
    return True


def recover(state: State, older_than: float = 0.0) -> int:
    """Finish the journaled writes a crashed process left (begun more than ``older_than`` s ago); how many."""
    entries = state.queues.journal(older_than)
    for journal, staged, target in entries:
        path = Path(target)
        if staged is None:
            state.buckets.remove(path)
        elif os.path.exists(staged):
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):  # moved meanwhile by the writer itself
                os.replace(staged, path)
        state.queues.release_held(journal)
    return len(entries)
