"""Table keys: every provider's table client checks an item or a key here before calling its backend,
so a missing key attribute, a key value of the wrong type or an existing item reads the same on every
cloud.

>>> key_values("orders", ("customer", "placed"), {"customer": "ada", "placed": "2026-11-01"}, "the key")
('ada', '2026-11-01')
>>> key_values("orders", ("customer", "placed"), {"customer": "ada"}, "the key")
Traceback (most recent call last):
portable.runtime.errors.BadKey: table 'orders': the key has no key attribute 'placed'; the table's key is 'customer' and 'placed'
"""

from __future__ import annotations

from portable.runtime.errors import BadKey, ItemExists

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

STRING_OR_NUMBER = ((str, int, float), "a string or a number")
STRING_OR_INTEGER = ((str, int), "a string or an integer")
"""What a backend can key on: the accepted types and how an error names them (bools never)."""


def key_names(key: str, sort_key: str | None) -> tuple[str, ...]:
    """A table's key attributes: its partition key, then its sort key if it has one."""
    return (key, sort_key) if sort_key else (key,)


def _listed(names: Sequence[str]) -> str:
    return " and ".join(map(repr, names))


def key_value(table: str, attribute: str, value: Any, accepted: tuple[tuple[type, ...], str] = STRING_OR_NUMBER) -> Any:
    """``value`` if the backend can key on it."""
    if isinstance(value, accepted[0]) and not isinstance(value, bool):
        return value
    raise BadKey(f"table {table!r}: key attribute {attribute!r} must be {accepted[1]}, not {type(value).__name__} {value!r}")


def key_values(
    table: str, names: Sequence[str], item: object, what: str,
    accepted: tuple[tuple[type, ...], str] = STRING_OR_NUMBER,
) -> tuple[Any, ...]:
    """The values of the key attributes ``names`` in ``item`` (``what`` is "the item" or "the key")."""
    if not isinstance(item, dict):
        raise BadKey(f"table {table!r}: {what} must be a dict like {{{names[0]!r}: ...}}, not {type(item).__name__}")
    missing = [name for name in names if item.get(name) is None]
    if missing:
        raise BadKey(f"table {table!r}: {what} has no key attribute {_listed(missing)}; the table's key is {_listed(names)}")
    return tuple(key_value(table, name, item[name], accepted) for name in names)


def item_exists(table: str, names: Sequence[str], item: Mapping[str, Any]) -> ItemExists:
    """The error for ``put(item, if_not_exists=True)`` meeting an item with the same key."""
    key = ", ".join(f"{name}={item[name]!r}" for name in names)
    return ItemExists(f"table {table!r} already has an item with key {key}")
