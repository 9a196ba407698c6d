"""The ``table()`` client on Azure Table storage (azure-data-tables).

Why Table storage rather than Cosmos DB: a portable table is addressed by a partition key and an
optional sort key, which is exactly Table storage's ``PartitionKey``/``RowKey`` (a partition query
with a sort-key prefix is a native range scan); the table lives in the stack's data storage account
(no second global account, no serverless Cosmos minimums, no separate data-plane RBAC system); the
identity gets ``Storage Table Data Reader/Contributor`` scoped to that one table; and Azurite emulates
it, so the client is tested against a real wire protocol. Limits: an item is at most ~1 MiB, no
server-side TTL (expired items are filtered out on read) and no secondary indexes.

Items are stored whole as JSON, so every JSON type round-trips; the JSON text is split over string
properties ``d0``, ``d1``, ... (each under the 64 KiB property limit). Key values are written as
text with ``% / \\ # ?`` and control characters percent-escaped (Table storage forbids them in keys);
escaping is per character, so a sort-key prefix query stays a prefix query.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from portable.runtime.keys import item_exists, key_names, key_value, key_values

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_CHUNK = 16000  # characters: at most 32,000 UTF-16 code units, under the 64 KiB property limit
_FORBIDDEN = frozenset("%/\\#?")


def escape_key(value: Any) -> str:
    """A key value as Table storage key text.

    >>> escape_key("a/b#1")
    'a%2Fb%231'
    """
    text = value if isinstance(value, str) else json.dumps(value)
    if not any(c in _FORBIDDEN or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text):
        return text
    return "".join(
        f"%{ord(c):02X}" if c in _FORBIDDEN or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in text
    )


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class AzureTable:
    """A Storage table holding JSON items keyed by ``key`` (and ``sort_key``).

    ``connect`` opens the ``azure.data.tables.TableClient`` on first use (``providers.azure.clients``
    knows the credentials and the endpoint).
    """

    __slots__ = ("_client", "_connect", "key", "link", "name", "sort_key", "ttl_attribute")

    def __init__(self, name: str, link: Mapping[str, Any], connect: Callable[[], Any]) -> None:
        self.name = name
        self.link = link
        self._connect = connect
        self.key: str = link.get("key") or "id"
        self.sort_key: str | None = link.get("sort_key") or None
        self.ttl_attribute: str | None = link.get("ttl_attribute") or None
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The ``azure.data.tables.TableClient`` (escape hatch)."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _names(self) -> tuple[str, ...]:
        return key_names(self.key, self.sort_key)

    def _keys(self, item: Mapping[str, Any], what: str) -> tuple[str, str]:
        values = key_values(self.name, self._names(), item, what)
        return escape_key(values[0]), escape_key(values[1]) if self.sort_key else ""

    def _entity(self, item: Mapping[str, Any]) -> dict[str, Any]:
        partition, row = self._keys(item, "the item")
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        entity: dict[str, Any] = {"PartitionKey": partition, "RowKey": row}
        for index in range(0, max(len(text), 1), _CHUNK):
            entity[f"d{index // _CHUNK}"] = text[index:index + _CHUNK]
        return entity

    def _item(self, entity: Mapping[str, Any]) -> dict[str, Any] | None:
        parts = []
        index = 0
        while f"d{index}" in entity:
            parts.append(entity[f"d{index}"])
            index += 1
        item: dict[str, Any] = json.loads("".join(parts))
        if self.ttl_attribute:
            expires = item.get(self.ttl_attribute)
            if isinstance(expires, int | float) and expires <= time.time():
                return None
        return item

    def put(self, item: Mapping[str, Any], *, if_not_exists: bool = False) -> None:
        entity = self._entity(item)
        if not if_not_exists:
            from azure.data.tables import UpdateMode

            self.client.upsert_entity(entity, mode=UpdateMode.REPLACE)
            return
        from azure.core.exceptions import ResourceExistsError

        try:
            self.client.create_entity(entity)
        except ResourceExistsError:
            raise item_exists(self.name, self._names(), item) from None

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        from azure.core.exceptions import ResourceNotFoundError

        partition, row = self._keys(key, "the key")
        try:
            entity = self.client.get_entity(partition, row)
        except ResourceNotFoundError:
            return None
        return self._item(entity)

    def delete(self, key: Mapping[str, Any]) -> None:
        partition, row = self._keys(key, "the key")
        self.client.delete_entity(partition, row)

    def query(self, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        condition = f"PartitionKey eq {_quote(escape_key(key_value(self.name, self.key, partition_value)))}"
        if sort_prefix:
            low = escape_key(sort_prefix)
            high = low[:-1] + chr(ord(low[-1]) + 1)
            condition += f" and RowKey ge {_quote(low)} and RowKey lt {_quote(high)}"
        items = (self._item(entity) for entity in self.client.query_entities(condition))
        return [item for item in items if item is not None]
