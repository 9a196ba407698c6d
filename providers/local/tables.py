"""The table engine: items (JSON objects) in SQLite, found by partition key and optional sort key.

Key values keep their type (``"1"`` and ``1`` are different keys) and sort keys sort like DynamoDB's:
numbers numerically, strings by code point. ``sort_prefix`` matches the start of string sort keys.
Items whose ``ttl_attribute`` (epoch seconds) is past are treated as gone.

>>> import tempfile, pathlib
>>> store = TableStore(pathlib.Path(tempfile.mkdtemp()) / "tables.sqlite3")
>>> orders = TableSchema("orders", key="customer", sort_key="order_id")
>>> store.put(orders, {"customer": "ada", "order_id": "2024-01", "total": 3})
>>> store.get(orders, {"customer": "ada", "order_id": "2024-01"})["total"]
3
>>> [i["order_id"] for i in store.query(orders, "ada", sort_prefix="2024")]
['2024-01']
>>> store.close()
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portable.runtime.keys import item_exists, key_names, key_value, key_values
from providers.local.sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    tbl TEXT NOT NULL,
    pk NOT NULL,
    sk NOT NULL,
    item TEXT NOT NULL,
    expires REAL,
    PRIMARY KEY (tbl, pk, sk)
) WITHOUT ROWID;
"""

_NO_SORT = ""


@dataclass(frozen=True, slots=True)
class TableSchema:
    """What the engine needs to know about a table: its name and key attributes."""

    name: str
    key: str = "id"
    sort_key: str | None = None
    ttl_attribute: str | None = None


class TableStore:
    """Every table of one stack, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = Database(path, SCHEMA)

    def close(self) -> None:
        self._db.close()

    def put(self, table: TableSchema, item: dict[str, Any], *, if_not_exists: bool = False) -> None:
        """Store ``item`` (replacing one with the same key unless ``if_not_exists``)."""
        pk, sk = _key_of(table, item, "the item")
        text = json.dumps(item, separators=(",", ":"), ensure_ascii=False)
        expires = _expiry(table, item)
        with self._db.transaction() as db:
            if if_not_exists:
                row = db.execute(
                    "SELECT expires FROM items WHERE tbl = ? AND pk = ? AND sk = ?", (table.name, pk, sk)
                ).fetchone()
                if row is not None and not _expired(row[0]):
                    raise item_exists(table.name, _names(table), item)
            db.execute(
                "INSERT OR REPLACE INTO items (tbl, pk, sk, item, expires) VALUES (?, ?, ?, ?, ?)",
                (table.name, pk, sk, text, expires),
            )

    def get(self, table: TableSchema, key: dict[str, Any]) -> dict[str, Any] | None:
        """The item with ``key``, or None."""
        pk, sk = _key_of(table, key, "the key")
        row = self._db.one("SELECT item, expires FROM items WHERE tbl = ? AND pk = ? AND sk = ?", (table.name, pk, sk))
        if row is None or _expired(row[1]):
            return None
        item: dict[str, Any] = json.loads(row[0])
        return item

    def delete(self, table: TableSchema, key: dict[str, Any]) -> None:
        """Delete the item with ``key`` (nothing happens if there is none)."""
        pk, sk = _key_of(table, key, "the key")
        with self._db.transaction() as db:
            db.execute("DELETE FROM items WHERE tbl = ? AND pk = ? AND sk = ?", (table.name, pk, sk))

    def query(self, table: TableSchema, partition_value: Any, *, sort_prefix: str | None = None) -> list[dict[str, Any]]:
        """Every item of the partition, by sort key; with ``sort_prefix`` only string sort keys starting with it."""
        pk = key_value(table.name, table.key, partition_value)
        sql = "SELECT item, expires FROM items WHERE tbl = ? AND pk = ?"
        args: list[Any] = [table.name, pk]
        if sort_prefix:
            sql += " AND typeof(sk) = 'text' AND substr(sk, 1, ?) = ?"
            args += [len(sort_prefix), sort_prefix]
        rows = self._db.all(sql + " ORDER BY sk", args)
        return [json.loads(text) for text, expires in rows if not _expired(expires)]

    def scan(self, table: TableSchema) -> list[dict[str, Any]]:
        """Every item of the table (for tests and the console, not part of the runtime API)."""
        rows = self._db.all("SELECT item, expires FROM items WHERE tbl = ? ORDER BY pk, sk", (table.name,))
        return [json.loads(text) for text, expires in rows if not _expired(expires)]


def _names(table: TableSchema) -> tuple[str, ...]:
    return key_names(table.key, table.sort_key)


def _key_of(table: TableSchema, item: object, what: str) -> tuple[Any, Any]:
    values = key_values(table.name, _names(table), item, what)
    return values[0], values[1] if table.sort_key else _NO_SORT


def _expiry(table: TableSchema, item: dict[str, Any]) -> float | None:
    if table.ttl_attribute is None:
        return None
    value = item.get(table.ttl_attribute)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _expired(expires: float | None) -> bool:
    return expires is not None and expires <= time.time()
