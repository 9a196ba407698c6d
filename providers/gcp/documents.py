"""How a portable table item maps to a Firestore document (standard library only).

A table is one Firestore collection. An item is stored as a document whose fields are the item
itself; its document id is derived from the key values, so ``get``/``put``/``delete`` address one
document without a query:

- without a sort key: ``quote(partition)``;
- with a sort key: ``quote(partition) + "#" + quote(sort)``.

``quote`` percent-encodes everything but letters, digits and ``-._~``, so ``#`` and ``/`` never
appear inside a part, and two different keys never share an id. ``.``/``..`` and ``__x__`` (ids
Firestore reserves) are escaped too. Key values are strings or integers: ``1`` and ``"1"`` are
different items for the query (Firestore compares typed values) but would share a document id, so
a table must not mix them (the same rule as a DynamoDB key schema).

>>> document_id(("o-1",))
'o-1'
>>> document_id(("cust/7", "2026-11-28#1"))
'cust%2F7#2026-11-28%231'
"""

from __future__ import annotations

from urllib.parse import quote

SEPARATOR = "#"

EXPIRES_FIELD = "portable_expires_at"
"""A Timestamp copy of the table's ``ttl_attribute`` (epoch seconds): Firestore TTL policies only act
on Timestamp fields. Added on write, removed on read; the deploy side puts the TTL policy on it."""

PREFIX_END = "\uf8ff"
"""Appended to a prefix to make the exclusive upper bound of a string range query."""


def document_id(parts: tuple[object, ...]) -> str:
    """The document id of the key values ``parts`` (strings or integers; the table client checks them)."""
    encoded = SEPARATOR.join(quote(str(value), safe="") for value in parts)
    if encoded in (".", ".."):
        return encoded.replace(".", "%2E")
    if encoded.startswith("__") and encoded.endswith("__"):
        return "%5F" + encoded[1:]
    return encoded
