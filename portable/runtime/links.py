"""From a cloud's physical resource identifiers back to portable names, through PORTABLE_LINKS.

A trigger's source (the bucket of an object event, the queue of a message) arrives under its physical
name or ARN/URL. The deploy side lists every trigger source in PORTABLE_LINKS (with access ``"trigger"``
when the function has no other link to it); a link matches a physical identifier equal to its ``id``,
its optional ``name`` or ``aliases``, or the last ``/``- or ``:``-separated part of any of those.
"""

from __future__ import annotations

from portable.runtime import env
from portable.runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_Index = dict[tuple[str, str], str]
_indexes: dict[int, tuple[object, _Index, _Index]] = {}  # id(links) -> (links, identifiers, resolved)


def _tail(identifier: str) -> str:
    tail = identifier.rstrip("/")
    for sep in ("/", ":"):
        tail = tail.rpartition(sep)[2]
    return tail


def _indexed(links: Mapping[str, Mapping[str, Any]]) -> tuple[object, _Index, _Index]:
    cached = _indexes.get(id(links))
    if cached is not None and cached[0] is links:
        return cached
    index: _Index = {}
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
    cached = _indexes[id(links)] = (links, index, {})
    return cached


def portable_name(
    kind: str, *physical: str | None, links: Mapping[str, Mapping[str, Any]] | None = None
) -> str | None:
    """The portable name of the ``kind`` resource known by any of ``physical``, or None (``links``:
    PORTABLE_LINKS parsed, default the current configuration's)."""
    index = _indexed(env.links() if links is None else links)[1]
    for ident in physical:
        if ident:
            name = index.get((kind, ident)) or index.get((kind, _tail(ident)))
            if name is not None:
                return name
    return None


def resolve(kind: str, physical: str, *more: str | None, links: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """``portable_name(kind, physical, *more)``, falling back to the physical name (the last part of an
    ARN, URL or path). Remembered per ``links``: a trigger's source is resolved once per process."""
    if links is None:
        links = env.links()
    resolved = _indexed(links)[2]
    key = (kind, physical)
    name = resolved.get(key)
    if name is None:
        name = portable_name(kind, physical, *more, links=links) or _tail(physical) or physical
        if not more:
            if len(resolved) > 256:  # sources are few; this bounds what odd events can add
                resolved.clear()
            resolved[key] = name
    return name


def link_field(name: str, link: Mapping[str, Any], field: str) -> Any:
    """A field runtime clients need from the PORTABLE_LINKS entry of ``name``; its absence is a
    deployment mistake, explained as one."""
    value = link.get(field)
    if value is None or value == "":
        raise ConfigError(
            f"PORTABLE_LINKS entry for {link.get('kind', 'resource')} {name!r} has no {field!r}; redeploy the function"
        )
    return value
