"""The data plane: what ``portable migrate`` asks of a provider, and the lossless neutral item form.

A provider's ``data_plane(stack, side)`` returns a :class:`DataPlane` over the physical resources of
one deployed stack (``side`` carries the stack outputs and the stack's Pulumi config). Objects are
streamed as chunks (never whole in memory); items are scanned and written in batches; secrets are
read and written as values that nothing may print.

**The neutral item form.** An item is a ``dict`` whose values are ``None``, ``bool``, ``str``,
``int`` (any size), :class:`~decimal.Decimal` (any precision; floats become the Decimal of their
shortest repr), ``bytes``, ``dict``, ``list``, or a ``set``/``frozenset`` of strings, numbers or
bytes. Its text form is DynamoDB's typed JSON (``{"S": "x"}``, ``{"N": "12.5"}``, ``{"B": base64}``,
``{"M": {...}}``, ``{"L": [...]}``, ``{"SS"|"NS"|"BS": [...]}``, ``{"BOOL": true}``, ``{"NULL": true}``),
which :func:`encode_value` and :func:`decode_value` convert both ways without loss. Numbers compare
by value (``5`` and ``Decimal("5.0")`` are equal, as in DynamoDB). :func:`item_hash` hashes the
canonical text, so two clouds holding the same item give the same hash.

A target that cannot hold a value natively says why through :meth:`DataPlane.unstorable` and the
item goes to the bad-items file; nothing is altered silently.

>>> item = {"id": "a", "n": 2**80, "d": Decimal("3.141592653589793238462643383279"), "b": b"\\x00",
...         "tags": {"x", "y"}, "m": {"l": [1, None, True]}}
>>> decode_item(encode_item(item)) == item
True
>>> item_hash({"n": 5}) == item_hash({"n": Decimal("5.0")})
True
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portable.errors import PortableError

if TYPE_CHECKING:
    from portable.model import Stack

CHUNK = 1024 * 1024
"""Bytes per streamed chunk."""


class DataPlaneError(PortableError):
    """A data-plane operation failed in a way the user can fix (names the resource, the value, the fix)."""


# -- the neutral item form --------------------------------------------------------------------------


def number(value: int | float | Decimal) -> int | Decimal:
    """A number in neutral form: an int when integral, else a Decimal (floats by their shortest repr)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return value
    decimal = Decimal(repr(value)) if isinstance(value, float) else value
    if decimal.is_finite() and decimal == decimal.to_integral_value():
        return int(decimal)
    return decimal


def number_text(value: int | Decimal) -> str:
    """The canonical text of a number: ``5``, ``-0.25``, ``1.5E+40``."""
    if isinstance(value, int):
        return str(value)
    if value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize(Context(prec=max(1, len(value.as_tuple().digits)))))


def encode_value(value: Any) -> dict[str, Any]:
    """One neutral value as typed JSON (DynamoDB's attribute-value form)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float | Decimal):
        return {"N": number_text(number(value))}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"B": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, Mapping):
        return {"M": {str(k): encode_value(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [encode_value(v) for v in value]}
    if isinstance(value, set | frozenset):
        return _encode_set(value)
    raise TypeError(f"{type(value).__name__} values have no neutral form")


def _encode_set(values: set[Any] | frozenset[Any]) -> dict[str, Any]:
    if all(isinstance(v, str) for v in values):
        return {"SS": sorted(values)}
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        return {"NS": sorted(number_text(number(v)) for v in values)}
    if all(isinstance(v, bytes) for v in values):
        return {"BS": sorted(base64.b64encode(v).decode() for v in values)}
    raise TypeError("a set must hold only strings, only numbers or only bytes")


def decode_value(typed: Mapping[str, Any]) -> Any:
    """The neutral value of one typed-JSON value."""
    ((tag, raw),) = typed.items()
    if tag == "NULL":
        return None
    if tag in ("BOOL", "S"):
        return raw
    if tag == "N":
        return parse_number(raw)
    if tag == "B":
        return base64.b64decode(raw)
    if tag == "M":
        return {k: decode_value(v) for k, v in raw.items()}
    if tag == "L":
        return [decode_value(v) for v in raw]
    if tag == "SS":
        return set(raw)
    if tag == "NS":
        return {parse_number(v) for v in raw}
    if tag == "BS":
        return {base64.b64decode(v) for v in raw}
    raise ValueError(f"unknown typed-JSON tag {tag!r}")


def parse_number(text: str) -> int | Decimal:
    try:
        return number(Decimal(text))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def encode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): encode_value(v) for k, v in item.items()}


def decode_item(typed: Mapping[str, Any]) -> dict[str, Any]:
    return {k: decode_value(v) for k, v in typed.items()}


def canonical(item: Mapping[str, Any]) -> str:
    """The canonical text of an item: typed JSON, keys sorted, no spaces."""
    return json.dumps(encode_item(item), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def item_hash(item: Mapping[str, Any]) -> str:
    """sha256 of the item's canonical text: equal on every cloud that holds the same item."""
    return hashlib.sha256(canonical(item).encode()).hexdigest()


def key_of(item: Mapping[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(item.get(name) for name in names)


def key_text(key: tuple[Any, ...]) -> str:
    """A key as stable text, for manifests and reports: ``["ada", 7]``."""
    return json.dumps([encode_value(v) for v in key], sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def key_label(names: tuple[str, ...], key: tuple[Any, ...]) -> str:
    """A key for people: ``order_id='o-1'`` or ``customer='ada', order_id=7``."""
    return ", ".join(f"{n}={v!r}" for n, v in zip(names, key, strict=True))


def walk(value: Any) -> Iterator[Any]:
    """``value`` and every value nested in it (map values, list elements, set members)."""
    yield value
    if isinstance(value, Mapping):
        for inner in value.values():
            yield from walk(inner)
    elif isinstance(value, list | tuple | set | frozenset):
        for inner in value:
            yield from walk(inner)


# -- JSON with exact numbers (the text the local and Azure tables keep) -------------------------------


def json_unstorable(item: Mapping[str, Any], where: str) -> str | None:
    """Why ``item`` cannot be kept as JSON text (``where`` names the target), or None."""
    for value in walk(item):
        if isinstance(value, bytes | bytearray):
            return f"{where} keeps items as JSON, which has no binary values (a bytes value of {len(value)} bytes)"
        if isinstance(value, set | frozenset):
            return f"{where} keeps items as JSON, which has no sets (a set of {len(value)} members)"
        if isinstance(value, Decimal) and not value.is_finite():
            return f"{where} keeps items as JSON, which has no {value} number"
    return None


def to_json(item: Mapping[str, Any]) -> str:
    """An item (checked by :func:`json_unstorable`) as JSON text, every number written exactly."""
    return _json(item)


def _json(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return number_text(number(value))
    return json.dumps(value, ensure_ascii=False)


def from_json(text: str) -> dict[str, Any]:
    """JSON item text in neutral form (non-integral numbers as exact Decimals)."""
    item: dict[str, Any] = json.loads(text, parse_float=lambda t: number(Decimal(t)))
    return item


# -- the interface ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectInfo:
    """An object as a listing shows it. ``content_type``/``metadata`` are None where the listing
    does not carry them (they come with :meth:`DataPlane.read_object`)."""

    key: str
    size: int
    content_type: str | None = None
    metadata: Mapping[str, str] | None = None
    version: str = ""
    """What changes when the object changes (an ETag, an MD5, a generation, a file's mtime): a
    resumed or repeated copy skips an object whose size and version it already copied."""


@dataclass
class ObjectStream:
    """An object being read: its details and an iterator of chunks (close it when done)."""

    info: ObjectInfo
    chunks: Iterator[bytes]
    _close: Any = None

    def close(self) -> None:
        if self._close is not None:
            self._close()


@dataclass(frozen=True)
class TableInfo:
    """A table's physical name and key attributes (from the model)."""

    name: str
    physical: str
    key: str
    sort_key: str | None = None
    ttl_attribute: str | None = None

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.key, self.sort_key) if self.sort_key else (self.key,)


@dataclass(frozen=True)
class QueuedMessage:
    """A message taken from a queue: body, attributes and the receipt that deletes it at the source."""

    body: bytes
    attributes: Mapping[str, str] = field(default_factory=dict)
    receipt: Any = None


@dataclass(frozen=True)
class Side:
    """Where one side of a migration lives: the provider, the stack root, the parsed stack outputs
    (``pulumi stack output --json``; None when not given) and the stack's Pulumi config."""

    provider: str
    root: Path
    outputs: Mapping[str, Any] | None = None
    config: Mapping[str, str] = field(default_factory=dict)

    def output(self, collection: str, name: str, field_name: str) -> str | None:
        """``outputs[collection][name][field_name]``, or None."""
        entry = ((self.outputs or {}).get(collection) or {}).get(name) or {}
        value = entry.get(field_name) if isinstance(entry, Mapping) else None
        return None if value is None else str(value)


class DataPlane:
    """The data-plane operations of one provider on one deployed stack.

    Every method names resources by their *portable* name; the provider maps them to physical
    ones (``physical(kind, name)``). The base class only declares the contract; a provider that
    lacks an operation raises :class:`DataPlaneError` saying so.
    """

    provider: str = ""
    keeps_content_type: bool = True
    """False where objects carry no content type or metadata (the local provider's folders)."""

    def __init__(self, stack: Stack, side: Side) -> None:
        self.stack = stack
        self.side = side

    def table(self, name: str) -> TableInfo:
        """The table ``name`` of the stack, with its physical name on this side."""
        model = next(t for t in self.stack.tables if t.name == name)
        return TableInfo(name, self.physical("table", name), model.key, model.sort_key, model.ttl_attribute)

    output_fields: Mapping[str, str] = {}
    """Per kind, the field of the stack outputs (``pulumi stack output --json``) that holds the
    physical name of a resource of that kind."""

    def physical(self, kind: str, name: str) -> str:
        """The physical name of ``kind`` ``name``: from the stack outputs when they hold it, else as the
        provider's deploy side derives it (:meth:`derived_name`)."""
        field_name = self.output_fields.get(kind)
        found = self.side.output(f"{kind}s", name, field_name) if field_name else None
        return found or self.derived_name(kind, name)

    def derived_name(self, kind: str, name: str) -> str:
        """The physical name the deploy side gives ``kind`` ``name`` when no stack outputs say it."""
        raise NotImplementedError

    def runtime_link(self, kind: str, name: str) -> dict[str, Any]:
        """The PORTABLE_LINKS entry the provider's runtime client for ``name`` needs (for verify's sample)."""
        raise NotImplementedError

    def managed_transfer(self, source: DataPlane, credential: str | None, start: date) -> Callable[[], None]:
        """A Pulumi program creating this cloud's managed transfer of ``source``'s buckets into this
        side's (``migrate copy --engine cloud``), run once on ``start``; ``credential`` is what the
        service reads the source with. A DataPlaneError when this cloud has no service for the pair."""
        raise DataPlaneError(
            f"--engine cloud: {self.provider!r} has no managed transfer service from {source.provider!r}",
            hint="Only Google Cloud Storage targets have one (Storage Transfer Service, from aws or azure); "
                 "use the streaming copy (--engine stream, the default).")

    def check_reachable(self) -> None:
        """Raise DataPlaneError naming the endpoint and the fix when the side cannot be reached."""

    # objects
    def list_objects(self, bucket: str) -> Iterator[ObjectInfo]:
        raise self._missing("list objects")

    def read_object(self, bucket: str, key: str) -> ObjectStream:
        raise self._missing("read objects")

    def write_object(self, bucket: str, info: ObjectInfo, chunks: Iterable[bytes]) -> None:
        """Write ``chunks`` at ``info.key`` with its content type and metadata, replacing what is there;
        a reader never sees a half-written object."""
        raise self._missing("write objects")

    def delete_object(self, bucket: str, key: str) -> None:
        raise self._missing("delete objects")

    # items
    def scan_items(self, table: TableInfo) -> Iterator[dict[str, Any]]:
        raise self._missing("scan items")

    def unstorable(self, table: TableInfo, item: Mapping[str, Any]) -> str | None:
        """Why this target cannot store ``item`` unchanged, or None."""
        return None

    def write_items(self, table: TableInfo, items: list[dict[str, Any]]) -> None:
        """Write a batch (each item checked by :meth:`unstorable`), retrying throttled writes."""
        raise self._missing("write items")

    # secrets
    def read_secret(self, name: str) -> str | None:
        raise self._missing("read secrets")

    def write_secret(self, name: str, value: str) -> None:
        raise self._missing("write secrets")

    # queues
    def receive_messages(self, queue: str, *, dead_letters: bool = False) -> list[QueuedMessage]:
        """Up to a batch of messages, hidden from other consumers until deleted; [] when empty."""
        raise self._missing("receive messages")

    def delete_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        raise self._missing("delete messages")

    def send_message(self, queue: str, message: QueuedMessage, *, dead_letters: bool = False) -> None:
        raise self._missing("send messages")

    def _missing(self, what: str) -> DataPlaneError:
        return DataPlaneError(f"The {self.provider} data plane cannot {what} yet")


def read_all(stream: ObjectStream) -> bytes:
    """The whole object (for tests and small samples only)."""
    try:
        return b"".join(stream.chunks)
    finally:
        stream.close()


def rechunk(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """``chunks`` regrouped into pieces of exactly ``size`` bytes (the last may be shorter, or empty
    when there is nothing at all)."""
    buffer = bytearray()
    sent = False
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
            sent = True
    if buffer or not sent:
        yield bytes(buffer)
