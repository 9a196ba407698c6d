"""The serverless pitfalls (from the Ops guide, the AWS Serverless Lens and serverless-rules) found in a stack.

Each check is a generator of :class:`~portable.check.findings.Finding`; :func:`pitfalls` runs them all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from croniter import croniter

from portable.check.findings import Finding, finding
from portable.check.portability import Target
from portable.cost.measured import Measured
from portable.cost.usage import Usage
from portable.model import Function, Stack
from portable.model.triggers import Schedule

NEAR_CAP = 0.8
"""A timeout at or above this share of a cap is too close to it."""
OVER_PROVISIONED = 2.0
"""Memory at or above this multiple of the measured peak is over-provisioned."""
MAX_CAPABILITIES = 2
"""More distinct capabilities than this in one function is too many."""


def pitfalls(stack: Stack, targets: list[Target], root: Path | None = None, usage: Usage | None = None,
             measured: Measured | None = None) -> Iterator[Finding]:
    for function in stack.functions:
        yield from public_cold_start(function)
        yield from memory_over_provisioned(function, usage, measured)
        yield from timeout_near_cap(function, targets)
        yield from mixed_capabilities(function)
        if root is not None:
            yield from module_state(function, root)
        yield from frequent_schedule(function)


def public_cold_start(function: Function) -> Iterator[Finding]:
    public = [t.route for t in function.http_triggers if t.public]
    if public and function.min_instances == 0:
        yield finding("portable/public-cold-start", f"functions.{function.name}", (
            f"Function {function.name!r} serves public routes ({', '.join(public)}) with min_instances 0: "
            "the first request after an idle spell waits for a cold start"),
            fix="Set min_instances=1 if these routes are latency-sensitive (it is billed while idle: see portable cost).")


def memory_over_provisioned(function: Function, usage: Usage | None, measured: Measured | None) -> Iterator[Finding]:
    peak, where = None, ""
    seen = measured.functions.get(function.name) if measured else None
    if seen is not None and seen.peak_memory_mb:
        peak, where = seen.peak_memory_mb, "measured by portable dev"
    given = usage.functions.get(function.name) if usage else None
    if given is not None and given.peak_memory_mb:
        peak, where = given.peak_memory_mb, "from the usage file"
    if peak is not None and function.memory >= OVER_PROVISIONED * peak:
        yield finding("portable/memory-over-provisioned", f"functions.{function.name}.memory", (
            f"Function {function.name!r} has memory {function.memory} MB, {function.memory / peak:.1f} times its "
            f"peak of {peak:.0f} MB ({where})"),
            fix=f"Lower memory towards {max(128, int(peak * 1.5))} MB (1.5 times the peak), then measure again.")


def _caps(function: Function, target: Target) -> Iterator[tuple[int, str]]:
    facts = target.facts
    if facts.function and facts.function.timeout_max:
        yield facts.function.timeout_max, f"{facts.function.service}'s maximum"
    http = facts.http
    if function.http_triggers and http and http.timeout:
        if function.timeout > http.timeout and http.long_service and http.long_timeout:
            yield http.long_timeout, f"{http.long_service}'s maximum"
        else:
            yield http.timeout, f"{http.service}'s request timeout"
    schedule = facts.schedule
    if function.schedules() and schedule and schedule.attempt_timeout:
        yield schedule.attempt_timeout, f"{schedule.service}'s attempt deadline"


def timeout_near_cap(function: Function, targets: list[Target]) -> Iterator[Finding]:
    for target in targets:
        for cap, what in _caps(function, target):
            if NEAR_CAP * cap <= function.timeout <= cap:
                yield finding("portable/timeout-near-cap", f"functions.{function.name}.timeout", (
                    f"{target.title}: function {function.name!r} has timeout {function.timeout} s, "
                    f"{function.timeout / cap:.0%} of {what} ({cap} s)"), provider=target.name,
                    fix="Make the work shorter or hand it to a queue-triggered function.")


def capabilities(function: Function) -> list[str]:
    """What a function does, one entry per capability: the first segment of each route, and each event source.

    >>> from portable.model import Http
    >>> capabilities(Function(name="api", handler="a:b", triggers=[Http("GET", "/orders"), Http("GET", "/users/{id}")]))
    ['/orders', '/users']
    """
    found: list[str] = []
    for trigger in function.triggers:
        if trigger.kind == "http":
            segment = "/" + trigger.path.strip("/").split("/", 1)[0]
            name = segment if not segment.startswith("/{") else "/"
        elif trigger.kind == "schedule":
            name = "schedule"
        elif trigger.kind == "queue":
            name = f"queue {trigger.queue}"
        elif trigger.kind == "topic":
            name = f"topic {trigger.topic}"
        else:
            name = f"bucket {trigger.bucket}"
        if name not in found:
            found.append(name)
    return found


def mixed_capabilities(function: Function) -> Iterator[Finding]:
    found = capabilities(function)
    kinds = {t.kind for t in function.triggers}
    mixes_http_and_events = "http" in kinds and len(kinds) > 1
    if len(found) > MAX_CAPABILITIES or mixes_http_and_events:
        yield finding("portable/mixed-capabilities", f"functions.{function.name}", (
            f"Function {function.name!r} spans {len(found)} capabilities ({', '.join(found)})"
            + ("; it answers HTTP and consumes events" if mixes_http_and_events else "")),
            fix="Give each capability its own function: its own memory, timeout, scaling and permissions.")


# -- module state --------------------------------------------------------------------------------

_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem",
                       "remove", "discard", "clear", "appendleft", "extendleft"})
_CONTAINERS = frozenset({"list", "dict", "set", "defaultdict", "deque", "OrderedDict", "Counter"})


def _module_file(function: Function, root: Path) -> Path | None:
    base = root / function.source / Path(*function.module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _mutable_globals(tree: ast.Module) -> dict[str, int]:
    found: dict[str, int] = {}
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        mutable = isinstance(value, ast.List | ast.Dict | ast.Set) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _CONTAINERS
        )
        if mutable:
            found.update({t.id: node.lineno for t in targets if isinstance(t, ast.Name)})
    return found


def module_state(function: Function, root: Path) -> Iterator[Finding]:
    """Globals a handler module rebinds (``global x``) or whose containers it mutates inside a function."""
    path = _module_file(function, root)
    if path is None:
        return
    try:
        tree = ast.parse(path.read_text(), str(path))
    except SyntaxError:
        return
    containers = _mutable_globals(tree)
    seen: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Global):
                for name in inner.names:
                    seen.setdefault(name, inner.lineno)
            elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
                    and isinstance(inner.func.value, ast.Name) and inner.func.value.id in containers \
                    and inner.func.attr in _MUTATORS:
                seen.setdefault(inner.func.value.id, inner.lineno)
            elif isinstance(inner, ast.Assign | ast.AugAssign):
                for target in inner.targets if isinstance(inner, ast.Assign) else [inner.target]:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                            and target.value.id in containers:
                        seen.setdefault(target.value.id, inner.lineno)
    if seen:
        shown = ", ".join(f"{name!r} (line {line})" for name, line in sorted(seen.items(), key=lambda x: x[1]))
        first = min(seen.values())
        yield finding("portable/module-state", f"functions.{function.name}", (
            f"Function {function.name!r} keeps state in module globals between invocations: {shown} in "
            f"{path.relative_to(root)}"),
            fix="Keep state in a table, bucket or queue; module globals are per instance and vanish on a cold start.",
            file=str(path), line=first)


# -- schedules -----------------------------------------------------------------------------------


def shortest_interval(schedule: Schedule) -> float:
    """The shortest time between two runs, in seconds (a cron is looked at over one week).

    >>> shortest_interval(Schedule.cron("*/15 9-17 * * 1-5")), shortest_interval(Schedule.every(1, "minute"))
    (900.0, 60.0)
    """
    rate = schedule.rate
    if rate is not None:
        return float({"minutes": 60, "hours": 3600, "days": 86400}[rate[1]] * rate[0])
    start = datetime(2027, 1, 4, tzinfo=UTC)
    runs = croniter(schedule.expression, start)
    previous = runs.get_next(datetime)
    shortest = float("inf")
    while previous < start + timedelta(days=8):
        current = runs.get_next(datetime)
        shortest = min(shortest, (current - previous).total_seconds())
        previous = current
        if shortest <= 60:
            break
    return shortest


def frequent_schedule(function: Function) -> Iterator[Finding]:
    for name, schedule in function.schedules():
        if shortest_interval(schedule) <= 60:
            yield finding("portable/frequent-schedule", f"functions.{function.name}", (
                f"Function {function.name!r}: schedule {name!r} ({schedule.expression}) runs every minute, the "
                "shortest period any scheduler offers"),
                fix="Trigger the function from the event it waits for (a queue, a topic or an object), not a poll.")
