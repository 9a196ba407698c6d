"""Object events: which object triggers a write or delete concerns, and how the event travels.

A bucket client enqueues one small JSON message per matching trigger (on that trigger's own queue);
the consumer turns it back into an :class:`~portable.runtime.objects.ObjectEvent`.

>>> notify = {"queue": "object:receipts:indexer", "events": ["created"], "prefix": "receipts/", "suffix": ".json"}
>>> targets([notify], "created", "receipts/1.json"), targets([notify], "created", "reports/1.json")
(['object:receipts:indexer'], [])
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from portable.runtime.objects import ObjectEvent, takes
from providers.local.contract import OBJECT_EVENT_VERSION


def targets(notifications: Iterable[Mapping[str, Any]], action: str, key: str) -> list[str]:
    """The queues that get an event for ``action`` on ``key``."""
    return [n["queue"] for n in notifications if takes(n, action, key)]


def encode(bucket: str, key: str, action: str, size: int | None = None, etag: str | None = None) -> bytes:
    """The queued form of one object event."""
    event = {"v": OBJECT_EVENT_VERSION, "bucket": bucket, "key": key, "action": action,
             "size": size, "etag": etag, "time": int(time.time() * 1000)}
    return json.dumps(event, separators=(",", ":")).encode()


def decode(body: bytes, message_id: str) -> ObjectEvent:
    """The ObjectEvent a queued event stands for."""
    data = json.loads(body)
    return ObjectEvent(
        data["bucket"], data["key"], data["action"], size=data.get("size"), etag=data.get("etag"),
        time=data.get("time"), id=message_id, raw=data,
    )
