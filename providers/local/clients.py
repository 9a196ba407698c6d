"""Runtime client backends for the local provider (the factories ``portable.runtime.clients`` calls).

Each backend finds its engines through the ``state`` folder named in its link (see
:mod:`providers.local.contract`), so a function served by ``portable dev``, run by ``portable invoke``
or driven by a test in another process all share the same queues, tables and buckets. Permissions
are checked by the front-end before a backend is called.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portable.runtime.context import current_context
from providers.local import notifications, objects, secrets
from providers.local.contract import queue_name
from providers.local.state import State
from providers.local.tables import TableSchema


class _Backend:
    __slots__ = ("_link", "_name", "_state")

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        self._name = name
        self._link = link
        self._state = str(link.get("state") or "")

    def state(self) -> State:
        return State.open(self._state)


class LocalBucket(_Backend):
    """A bucket folder; writes and deletes enqueue the object events its triggers ask for."""

    __slots__ = ()

    def put(self, key: str, data: bytes | str, *, content_type: str | None = None) -> None:
        payload = data.encode() if isinstance(data, str) else bytes(data)
        objects.put(self.state(), self._name, key, payload, self._targets("created", key), _trace())

    def get(self, key: str) -> bytes:
        return self.state().buckets.get(self._name, key)

    def delete(self, key: str) -> None:
        objects.delete(self.state(), self._name, key, self._targets("deleted", key), _trace())

    def list(self, prefix: str = "") -> list[str]:
        return self.state().buckets.list(self._name, prefix)

    def exists(self, key: str) -> bool:
        return self.state().buckets.exists(self._name, key)

    def _targets(self, action: str, key: str) -> builtins.list[str]:
        return notifications.targets(self._link.get("notify") or (), action, key)


def _trace() -> dict[str, str]:
    ctx = current_context()
    return {"traceparent": ctx.traceparent} if ctx is not None else {}


class LocalTable(_Backend):
    """A table in the state folder's SQLite file."""

    __slots__ = ("_schema",)

    def __init__(self, name: str, link: Mapping[str, Any]) -> None:
        super().__init__(name, link)
        self._schema = TableSchema(name, link.get("key") or "id", link.get("sort_key"), link.get("ttl_attribute"))

    def put(self, item: dict[str, Any], *, if_not_exists: bool = False) -> None:
        self.state().tables.put(self._schema, item, if_not_exists=if_not_exists)

    def get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        return self.state().tables.get(self._schema, key)

    def delete(self, key: dict[str, Any]) -> None:
        self.state().tables.delete(self._schema, key)

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        return self.state().tables.query(self._schema, partition_value, sort_prefix=sort_prefix)


class LocalQueue(_Backend):
    """A durable queue."""

    __slots__ = ()

    def send(self, body: bytes | str, attributes: dict[str, str] | None = None) -> str:
        data = body.encode() if isinstance(body, str) else body
        return self.state().queues.send(queue_name(self._name), data, attributes)


class LocalTopic(_Backend):
    """A topic: each publish lands once on every subscriber's own queue (one transaction)."""

    __slots__ = ()

    def publish(self, body: bytes | str, attributes: dict[str, str] | None = None) -> str:
        data = body.encode() if isinstance(body, str) else body
        return self.state().queues.send_many(list(self._link.get("subscribers") or ()), data, attributes)


class LocalSecret(_Backend):
    """A secret from the environment or the project's secrets file."""

    __slots__ = ()

    def value(self) -> str:
        return secrets.lookup(self._name, str(self._link.get("env")), Path(str(self._link.get("file"))))


BACKENDS = {"bucket": LocalBucket, "table": LocalTable, "queue": LocalQueue, "topic": LocalTopic,
            "secret": LocalSecret}
"""The backend class of each kind; portable.runtime.clients builds one with (portable name, PORTABLE_LINKS entry)."""
