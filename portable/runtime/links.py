"""From a cloud's physical resource identifiers back to portable names, through PORTABLE_LINKS.

A trigger's source (the bucket of an object event, the queue of a message) arrives under its physical
name or ARN/URL. The deploy side lists every trigger source in PORTABLE_LINKS (with access ``"trigger"``
when the function has no other link to it); a link matches a physical identifier equal to its ``id``,
its optional ``name`` or ``aliases``, or the last ``/``- or ``:``-separated part of any of those.
"""

from __future__ import annotations

from portable.runtime import env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_indexes: dict[int, tuple[object, dict[tuple[str, str], str]]] = {}


def _tail(identifier: str) -> str:
    tail = identifier.rstrip("/")
    for sep in ("/", ":"):
        tail = tail.rpartition(sep)[2]
    return tail


def _index(links: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    cached = _indexes.get(id(links))
    if cached is not None and cached[0] is links:
        return cached[1]
    index: dict[tuple[str, str], str] = {}
    for name, link in links.items():
        if not isinstance(link, dict):
            continue
        kind = str(link.get("kind", ""))
        idents = [link.get("id"), link.get("name"), *(link.get("aliases") or ())]
        for ident in idents:
            if isinstance(ident, str) and ident:
                index.setdefault((kind, ident), name)
        for ident in idents:
            if isinstance(ident, str) and ident:
                index.setdefault((kind, _tail(ident)), name)
    if len(_indexes) > 64:
        _indexes.clear()
    _indexes[id(links)] = (links, index)
    return index


def portable_name(
    kind: str, *physical: str | None, links: Mapping[str, Mapping[str, Any]] | None = None
) -> str | None:
    """The portable name of the ``kind`` resource known by any of ``physical``, or None (``links``:
    PORTABLE_LINKS parsed, default the current configuration's)."""
    index = _index(env.links() if links is None else links)
    for ident in physical:
        if ident:
            name = index.get((kind, ident)) or index.get((kind, _tail(ident)))
            if name is not None:
                return name
    return None


def resolve(kind: str, physical: str, *more: str | None, links: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """``portable_name(kind, physical, *more)``, falling back to the physical name (the last part of an
    ARN, URL or path)."""
    if links is None:
        links = env.links()
    cached = _indexes.get(id(links))
    index = cached[1] if cached is not None and cached[0] is links else _index(links)
    name = index.get((kind, physical))
    if name is not None:
        return name
    return portable_name(kind, physical, *more, links=links) or _tail(physical) or physical
