"""Checks across the whole stack: unique names, references that resolve, routes that do not clash."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from portable.errors import Problem
from portable.model.triggers import Http

if TYPE_CHECKING:
    from portable.model.stack import Stack

COLLECTIONS = {"bucket": "buckets", "queue": "queues", "topic": "topics", "table": "tables", "secret": "secrets"}
TRIGGER_SOURCES = {"queue": "queue", "topic": "topic", "object": "bucket"}
"""Trigger kind -> the kind of resource it names (in the field of the same name)."""


def check_references(stack: Stack) -> list[Problem]:
    return [
        *_duplicates(stack),
        *_dangling(stack),
        *_route_clashes(stack),
        *_queue_consumers(stack),
        *_schedule_names(stack),
    ]


def _declared(stack: Stack, kind: str) -> list[Any]:
    items: list[Any] = getattr(stack, COLLECTIONS[kind])
    return items


def _choices(names: list[str]) -> str:
    return ", ".join(repr(n) for n in sorted(names)) if names else "none"


def _and(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _duplicates(stack: Stack) -> list[Problem]:
    problems = []
    for collection, label in (("functions", "function"), *((c, k) for k, c in COLLECTIONS.items())):
        seen: set[str] = set()
        for item in getattr(stack, collection):
            if item.name in seen:
                problems.append(Problem(
                    f"{collection}.{item.name}",
                    f"Stack {stack.name!r} declares {label} {item.name!r} twice; names must be unique per kind",
                ))
            seen.add(item.name)
    return problems


def _dangling(stack: Stack) -> list[Problem]:
    problems = []
    for function in stack.functions:
        for index, trigger in enumerate(function.triggers):
            kind = TRIGGER_SOURCES.get(trigger.kind)
            if kind is None:
                continue
            name = getattr(trigger, kind)
            declared = [r.name for r in _declared(stack, kind)]
            if name not in declared:
                problems.append(Problem(
                    f"functions.{function.name}.triggers.{index}",
                    f"Function {function.name!r} is triggered by {kind} {name!r}, but no {kind} named {name!r} "
                    f"is declared{_declared_as(stack, name, kind)}. Declared {COLLECTIONS[kind]}: {_choices(declared)}.",
                ))
        for index, link in enumerate(function.links):
            declared = [r.name for r in _declared(stack, link.kind)]
            if link.name not in declared:
                problems.append(Problem(
                    f"functions.{function.name}.links.{index}",
                    f"Function {function.name!r} links to {link.kind} {link.name!r}, but no {link.kind} named "
                    f"{link.name!r} is declared{_declared_as(stack, link.name, link.kind)}. "
                    f"Declared {COLLECTIONS[link.kind]}: {_choices(declared)}.",
                ))
    return problems


def _declared_as(stack: Stack, name: str, kind: str) -> str:
    """``; 'receipts' is a bucket, not a queue`` when ``name`` is declared under other kinds."""
    others = [other for other in COLLECTIONS if other != kind and name in (r.name for r in _declared(stack, other))]
    if any(f.name == name for f in stack.functions):
        others.append("function")
    if not others:
        return ""
    return f"; {name!r} is a {' and a '.join(others)}, not a {kind}"


def _route_clashes(stack: Stack) -> list[Problem]:
    problems = []
    owners: dict[tuple[str, str], tuple[str, Http]] = {}
    for function in stack.functions:
        for index, route in enumerate(function.http_triggers):
            methods = [route.method] if route.method != "ANY" else ["ANY"]
            for key in [(m, route.shape) for m in methods]:
                clash = owners.get(key) or _any_clash(owners, route)
                if clash:
                    owner, first = clash
                    problems.append(Problem(
                        f"functions.{function.name}.triggers.{index}",
                        f"Function {function.name!r}: route {route.route!r} clashes with {first.route!r} "
                        f"of function {owner!r}; each method and path may be declared once",
                    ))
                else:
                    owners[key] = (function.name, route)
    return problems


def _any_clash(owners: dict[tuple[str, str], tuple[str, Http]], route: Http) -> tuple[str, Http] | None:
    """``ANY /x`` clashes with every method on ``/x`` and the other way round."""
    for (method, shape), owner in owners.items():
        if shape == route.shape and (method == "ANY" or route.method == "ANY"):
            return owner
    return None


def _queue_consumers(stack: Stack) -> list[Problem]:
    problems = []
    consumers: dict[str, list[str]] = defaultdict(list)
    for function in stack.functions:
        for trigger in function.triggers:
            if trigger.kind == "queue":
                consumers[trigger.queue].append(function.name)
    for queue, functions in consumers.items():
        if len(functions) > 1:
            problems.append(Problem(
                f"functions.{functions[-1]}",
                f"Queue {queue!r} is consumed by functions {_and(functions)}; a queue gives each message to "
                "one consumer. Use a topic to deliver every message to several functions.",
            ))
    return problems


def _schedule_names(stack: Stack) -> list[Problem]:
    problems = []
    owners: dict[str, str] = {}
    for function in stack.functions:
        for name, _ in function.schedules():
            if name in owners:
                problems.append(Problem(
                    f"functions.{function.name}",
                    f"Function {function.name!r}: schedule name {name!r} is already used by function "
                    f"{owners[name]!r}; schedule names are unique in a stack, so give this Schedule another name (name=...)",
                ))
            owners[name] = function.name
    return problems
