"""Matching a request's method and path against a function's Http routes (``PORTABLE_ROUTES``).

Route paths use the model's syntax: literal segments, ``{name}`` for one segment and ``{name+}`` (last
segment only) for the rest of the path (one segment or more). Method ``ANY`` matches every method;
``HEAD`` also matches ``GET`` routes. A trailing slash is ignored.
"""

from __future__ import annotations

import re

from portable.runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    Match = tuple[str | None, dict[str, str], tuple[str, ...]]
    # a method's routes as one regex: route group name -> (template, parameter names, first group index)
    Compiled = tuple[re.Pattern[str], dict[str, tuple[str, tuple[str, ...], int]]]

_NONE: tuple[str, ...] = ()


def _segments(path: str) -> list[str]:
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []


def _methods_for(method: str) -> tuple[str, ...]:
    return (method, "ANY", "GET") if method == "HEAD" else (method, "ANY")


class Router:
    """Routes compiled once: a dict lookup for static paths, one regex per method for the others.

    ``match`` returns ``(route, params, allowed)``: the matched route ("GET /orders/{order_id}") and its
    parameters, or ``(None, {}, allowed)`` where ``allowed`` lists the methods of the routes matching
    the path (a 405 when not empty, else a 404). ``templates`` holds every route's "METHOD /path".

    >>> Router([["GET", "/orders/{order_id}"]]).match("GET", "/orders/42")
    ('GET /orders/{order_id}', {'order_id': '42'}, ())
    """

    __slots__ = ("_dynamic", "_patterns", "_static", "routes", "templates")

    def __init__(self, routes: Iterable[Sequence[str]]) -> None:
        self.routes: list[tuple[str, str]] = []
        self._static: dict[str, dict[str, str]] = {}
        dynamic: dict[str, list[tuple[str, list[str]]]] = {}
        for entry in routes:
            if (
                not isinstance(entry, (list, tuple))
                or len(entry) != 2
                or not all(isinstance(x, str) for x in entry)
                or not entry[1].startswith("/")
            ):
                raise ConfigError(f"PORTABLE_ROUTES entry {entry!r} is not a [method, '/path'] pair")
            method, path = entry[0].upper(), entry[1]
            self.routes.append((method, path))
            segments = _segments(path)
            if any(s.startswith("{") for s in segments):
                dynamic.setdefault(method, []).append((f"{method} {path}", segments))
            else:
                self._static.setdefault("/" + "/".join(segments), {})[method] = f"{method} {path}"
        self.templates = frozenset(f"{m} {p}" for m, p in self.routes)
        self._dynamic: dict[str, Compiled] = {m: self._compile(rs) for m, rs in dynamic.items()}
        self._patterns: dict[str, tuple[Compiled, ...]] = {}

    @staticmethod
    def _compile(routes: list[tuple[str, list[str]]]) -> Compiled:
        alternatives = []
        groups: dict[str, tuple[str, tuple[str, ...], int]] = {}
        index = 1
        for number, (template, segments) in enumerate(routes):
            names: list[str] = []
            parts = []
            for segment in segments:
                if segment.startswith("{") and segment.endswith("+}"):
                    parts.append("/(.+?)")
                    names.append(segment[1:-2])
                elif segment.startswith("{"):
                    parts.append("/([^/]+)")
                    names.append(segment[1:-1])
                else:
                    parts.append("/" + re.escape(segment))
            alternatives.append(f"(?P<r{number}>{''.join(parts)})")
            groups[f"r{number}"] = (template, tuple(names), index + 1)
            index += 1 + len(names)
        return re.compile("(?:" + "|".join(alternatives) + ")/?"), groups

    def __bool__(self) -> bool:
        return bool(self.routes)

    def _compiled(self, method: str) -> tuple[Compiled, ...]:
        found = self._patterns.get(method)
        if found is None:
            found = self._patterns[method] = tuple(
                self._dynamic[m] for m in _methods_for(method) if m in self._dynamic
            )
        return found

    def match(self, method: str, path: str) -> Match:
        by_method = self._static.get(path if len(path) < 2 or path[-1] != "/" else path.rstrip("/") or "/")
        if by_method is None and "//" in path:
            by_method = self._static.get("/" + "/".join(_segments(path)))
        if by_method is not None:
            for m in _methods_for(method):
                template = by_method.get(m)
                if template is not None:
                    return template, {}, _NONE
        for pattern, groups in self._compiled(method):
            found = pattern.fullmatch(path)
            if found is not None:
                template, names, first = groups[found.lastgroup]  # type: ignore[index]
                if not names:
                    return template, {}, _NONE
                return template, dict(zip(names, found.groups()[first - 1:first - 1 + len(names)], strict=True)), _NONE
        allowed = set(by_method or ())
        for other, (pattern, _) in self._dynamic.items():
            if pattern.fullmatch(path) is not None:
                allowed.add(other)
        return None, {}, tuple(sorted(allowed))
