"""The runtime contract, built once for every provider: the PORTABLE_* variables a function runs with
and the entries of its PORTABLE_LINKS (see ARCHITECTURE.md, "The runtime contract").

Pulumi-free: the local provider uses it directly, the clouds through :func:`portable.deploy.runtime_environment`,
which only wraps the values in Pulumi outputs. A provider adds what its runtime clients need to each
link entry with a ``describe(kind, name)`` callback (``id`` and per-cloud keys); everything that is the
same on every provider (``kind``, ``access``, the table fields, ``PORTABLE_TIMEOUT``...) is written here.

>>> from portable.model import Stack
>>> stack = Stack("shop")
>>> orders = stack.table("orders", key="order_id")
>>> api = stack.function("api", handler="app:handle", links=[orders.read()])
>>> link_entries(stack, api, lambda kind, name: {"id": f"{kind}/{name}"})
{'orders': {'kind': 'table', 'access': 'read', 'key': 'order_id', 'sort_key': None, 'ttl_attribute': None, 'id': 'table/orders'}}
>>> sorted(variables(api, "local", links="{}"))
['PORTABLE_FUNCTION', 'PORTABLE_HANDLER', 'PORTABLE_LINKS', 'PORTABLE_LOG', 'PORTABLE_PROVIDER', 'PORTABLE_TIMEOUT']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from portable.model.references import TRIGGER_SOURCES
from portable.runtime import env

if TYPE_CHECKING:
    from portable.model import Function, Stack

V = TypeVar("V")

TRIGGER_ACCESS = "trigger"
"""The PORTABLE_LINKS access of a trigger source the function has no link to."""

Describe = Callable[[str, str], Mapping[str, Any]]
"""``describe(kind, name)``: a provider's keys of a resource's PORTABLE_LINKS entry (``id`` and its own);
values may be anything the caller encodes later (Pulumi outputs on the clouds)."""


def link_accesses(function: Function) -> dict[str, tuple[str, str]]:
    """Portable name -> (kind, access) of every resource the function's runtime may meet: its links,
    then each trigger source it does not link (access ``"trigger"``), so the runtime can name the
    source of an event."""
    found: dict[str, tuple[str, str]] = {link.name: (link.kind, str(link.access)) for link in function.links}
    for trigger in function.triggers:
        kind = TRIGGER_SOURCES.get(trigger.kind)
        if kind is not None:
            found.setdefault(getattr(trigger, kind), (kind, TRIGGER_ACCESS))
    return found


def common_fields(stack: Stack, kind: str, name: str) -> dict[str, Any]:
    """The keys of a link entry that are the same on every provider, besides ``kind`` and ``access``:
    a table's ``key``, ``sort_key`` and ``ttl_attribute`` (``None`` when unset)."""
    if kind != "table":
        return {}
    table = stack.resource("table", name)
    return {
        "key": getattr(table, "key", None),
        "sort_key": getattr(table, "sort_key", None),
        "ttl_attribute": getattr(table, "ttl_attribute", None),
    }


def link_entry(stack: Stack, kind: str, name: str, access: str, describe: Describe) -> dict[str, Any]:
    """One PORTABLE_LINKS entry: ``kind``, ``access``, the common fields, then the provider's keys."""
    return {"kind": kind, "access": access, **common_fields(stack, kind, name), **describe(kind, name)}


def link_entries(stack: Stack, function: Function, describe: Describe) -> dict[str, dict[str, Any]]:
    """The function's PORTABLE_LINKS by portable name (sorted): its links and its trigger sources."""
    return {
        name: link_entry(stack, kind, name, access, describe)
        for name, (kind, access) in sorted(link_accesses(function).items())
    }


def variables(function: Function, provider: str, links: V | None) -> dict[str, str | V]:
    """The PORTABLE_* variables of ``function`` on ``provider``; ``links`` is its encoded PORTABLE_LINKS
    (see :func:`encode`), or ``None`` when it has none. ``PORTABLE_ROUTES`` is set for functions with
    Http triggers only."""
    found: dict[str, str | V] = {
        env.PROVIDER: provider,
        env.FUNCTION: function.name,
        env.HANDLER: function.handler,
        env.LOG: function.log_level,
        env.TIMEOUT: str(function.timeout),
    }
    if function.http_triggers:
        found[env.ROUTES] = encode([[t.method, t.path] for t in function.http_triggers])
    if links is not None:
        found[env.LINKS] = links
    return found


def encode(value: Any) -> str:
    """A variable's JSON value: compact, keys sorted (the same text for the same contract)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
