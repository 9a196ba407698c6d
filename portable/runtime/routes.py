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
    # a method's routes without {name+}, by segment count: (template, literal segments, parameters)
    BySegments = dict[int, list[tuple[str, tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]]]

_NONE: tuple[str, ...] = ()


def _segments(path: str) -> list[str]:
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []


def _methods_for(method: str) -> tuple[str, ...]:
    return (method, "ANY", "GET") if method == "HEAD" else (method, "ANY")


def _by_length(routes: list[tuple[str, list[str]]]) -> BySegments:
    out: BySegments = {}
    for template, segments in routes:
        literals = tuple((i, s) for i, s in enumerate(segments, 1) if not s.startswith("{"))
        params = tuple((i, s[1:-1]) for i, s in enumerate(segments, 1) if s.startswith("{"))
        out.setdefault(len(segments) + 1, []).append((template, literals, params))
    return out


class Router:
    """Routes compiled once: a dict lookup for static paths, one regex per method for the others.

    ``match`` returns ``(route, params, allowed)``: the matched route ("GET /orders/{order_id}") and its
    parameters, or ``(None, {}, allowed)`` where ``allowed`` lists the methods of the routes matching
    the path (a 405 when not empty, else a 404). ``templates`` holds every route's "METHOD /path".

    >>> Router([["GET", "/orders/{order_id}"]]).match("GET", "/orders/42")
    ('GET /orders/{order_id}', {'order_id': '42'}, ())
    """

    __slots__ = ("_by_length", "_dynamic", "_patterns", "_segment_routes", "_static", "routes", "templates")

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
        self._by_length: dict[str, BySegments] = {
            m: _by_length(rs) for m, rs in dynamic.items() if not any(s.endswith("+}") for _, ss in rs for s in ss)
        }
        self._segment_routes: dict[str, tuple[BySegments, ...] | None] = {}

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
        segment_routes = self._segment_routes
        by_segments = segment_routes[method] if method in segment_routes else self._segments_for(method)
        if by_segments is not None:  # no {name+} route: compare segments (what the regex would match)
            parts = path.split("/")
            if parts[0]:  # not an absolute path
                return self._not_found(path, by_method)
            if len(parts) > 2 and not parts[-1]:
                del parts[-1]  # a trailing slash
            for routes in by_segments:
                for template, literals, params in routes.get(len(parts), ()):
                    for i, literal in literals:
                        if parts[i] != literal:
                            break
                    else:
                        values = {}
                        for i, name in params:
                            value = values[name] = parts[i]
                            if not value:
                                break
                        else:
                            return template, values, _NONE
            return self._not_found(path, by_method)
        for pattern, groups in self._compiled(method):
            found = pattern.fullmatch(path)
            if found is not None:
                template, names, first = groups[found.lastgroup]  # type: ignore[index]
                if not names:
                    return template, {}, _NONE
                return template, dict(zip(names, found.groups()[first - 1:first - 1 + len(names)], strict=True)), _NONE
        return self._not_found(path, by_method)

    def _segments_for(self, method: str) -> tuple[BySegments, ...] | None:
        """The segment tables of ``method``'s routes in match order, or None when one has a ``{name+}``
        (computed once per method)."""
        methods = [m for m in _methods_for(method) if m in self._dynamic]
        found = None if any(m not in self._by_length for m in methods) else tuple(self._by_length[m] for m in methods)
        self._segment_routes[method] = found
        return found

    def _not_found(self, path: str, by_method: dict[str, str] | None) -> Match:
        allowed = set(by_method or ())
        for other, (pattern, _) in self._dynamic.items():
            if pattern.fullmatch(path) is not None:
                allowed.add(other)
        return None, {}, tuple(sorted(allowed))
