"""The portability report: for each resource and trigger on each target, native, emulated (and how)
or unsupported, and the behavioural differences that matter for this stack.

Everything here comes from the targets' limits (:mod:`portable.limits`) and behaviour facts
(:mod:`portable.facts`); nothing about a cloud is written in this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from portable.check.findings import Finding, Level, finding
from portable.cost.usage import Usage
from portable.facts import ProviderFacts, Section
from portable.limits import ProviderLimits
from portable.limits import check as check_limits
from portable.model import Stack

Mode = Literal["native", "emulated", "unsupported"]


@dataclass(frozen=True)
class Target:
    """One provider as ``check`` sees it: its name, limits and facts."""

    name: str
    limits: ProviderLimits
    facts: ProviderFacts

    @property
    def title(self) -> str:
        return self.facts.title


@dataclass(frozen=True)
class Placement:
    """Where one object of the stack lands on one target."""

    provider: str
    path: str
    what: str
    service: str
    mode: Mode
    how: str


def _size(value: int | None) -> str:
    if value is None:
        return "no limit"
    for unit, size in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    if value % 1_000_000 == 0:
        return f"{value // 1_000_000} MB"
    return f"{value} bytes"


def placements(stack: Stack, target: Target) -> Iterator[Placement]:
    """Each function, trigger and resource of ``stack`` on ``target``."""
    facts = target.facts
    unsupported = {p.path.rsplit(".expression", 1)[0] for p in check_limits(stack, target.limits)
                   if p.severity == "error" and p.path.endswith(".expression")}

    def place(path: str, what: str, section: Section | None, how: str | None = None) -> Placement:
        if section is None:
            return Placement(target.name, path, what, "-", "unsupported", f"{target.title} records no such service")
        emulated = how or section.emulated
        return Placement(target.name, path, what, section.service, "emulated" if emulated else "native", emulated or "")

    for function in stack.functions:
        yield place(f"functions.{function.name}", f"function {function.name}", facts.function)
        for index, trigger in enumerate(function.triggers):
            path = f"functions.{function.name}.triggers.{index}"
            if trigger.kind == "http":
                how = None
                if facts.http and facts.http.timeout and function.timeout > facts.http.timeout and facts.http.long_service:
                    how = f"served by {facts.http.long_service}: the timeout is above {facts.http.timeout} s"
                yield place(path, f"http {trigger.route}", facts.http, how)
            elif trigger.kind == "queue":
                yield place(path, f"queue trigger {trigger.queue}", facts.queue)
            elif trigger.kind == "topic":
                yield place(path, f"topic trigger {trigger.topic}", facts.topic)
            elif trigger.kind == "object":
                filtered = bool(trigger.prefix or trigger.suffix) and facts.bucket and facts.bucket.event_filters
                yield place(path, f"object trigger {trigger.bucket}", facts.bucket,
                            facts.bucket.event_filters if filtered and facts.bucket else None)
            elif trigger.kind == "schedule":
                if path in unsupported:
                    yield Placement(target.name, path, f"schedule {trigger.expression}", facts.schedule.service
                                    if facts.schedule else "-", "unsupported",
                                    f"{trigger.timezone} changes its UTC offset and the scheduler runs in UTC")
                    continue
                how = None
                if facts.schedule and not facts.schedule.time_zones and trigger.timezone != "UTC":
                    how = f"converted from {trigger.timezone} to UTC (a fixed offset)"
                yield place(path, f"schedule {trigger.expression}", facts.schedule, how)
    for resource in stack.resources():
        section = facts.sections().get(resource.kind)
        how = None
        ttl = getattr(resource, "ttl_attribute", None)
        if resource.kind == "table" and ttl and facts.table and not facts.table.ttl_native:
            how = f"{facts.table.emulated or 'stored natively'}; TTL emulated: {facts.table.ttl}"
        yield place(f"{resource.kind}s.{resource.name}", f"{resource.kind} {resource.name}", section, how)


def differences(stack: Stack, targets: list[Target], usage: Usage | None = None) -> Iterator[Finding]:
    """The findings that compare targets: limits problems, then behaviour that differs for this stack."""
    for target in targets:
        for problem in check_limits(stack, target.limits):
            level: Level = "error" if problem.severity == "error" else "warning"
            rule = "portable/limit" if level == "error" else "portable/behaviour"
            yield finding(rule, problem.path, f"{target.title}: {problem.message}", provider=target.name, level=level)
    for target in targets:
        yield from _queues(stack, target, targets, usage)
        yield from _tables(stack, target, targets, usage)
        yield from _schedules(stack, target)
    yield from _emulated(stack, targets)


def _largest(targets: list[Target], section: str, field: str) -> tuple[int | None, str]:
    """The most generous value of ``section.field`` among ``targets`` (``None``: unlimited) and its service."""
    best: tuple[int | None, str] = (0, "")
    for target in targets:
        facts = target.facts.sections().get(section)
        value = getattr(facts, field, None)
        if facts is not None and value is None:
            return None, facts.service
        if facts is not None and value is not None and best[0] is not None and value > best[0]:
            best = (value, facts.service)
    return best


def _queues(stack: Stack, target: Target, targets: list[Target], usage: Usage | None) -> Iterator[Finding]:
    queue = target.facts.queue
    if queue is None:
        return
    largest, where = _largest(targets, "queue", "message_bytes")
    for q in stack.queues:
        path = f"queues.{q.name}"
        size_kb = usage.queues[q.name].message_kb if usage and q.name in usage.queues else None
        limit = queue.message_bytes
        if limit is not None and size_kb is not None and size_kb * 1000 > limit:
            yield finding("portable/limit", path, (
                f"{target.title}: queue {q.name!r} carries {size_kb:g} KB messages, above the {_size(limit)} "
                f"{queue.service} takes"), provider=target.name, level="error",
                fix="Keep the body in a bucket and send its key.")
        elif limit is not None and (largest is None or limit < largest):
            yield finding("portable/behaviour", path, (
                f"{target.title}: queue {q.name!r} takes messages up to {_size(limit)} on {queue.service} "
                f"({_size(largest)} on {where})"), provider=target.name,
                fix=f"Keep messages under {_size(limit)}, or send a bucket key instead of a large body.")
        for consumer in stack.consumers("queue", q.name):
            if queue.redelivery_max is not None and consumer.timeout > queue.redelivery_max:
                yield finding("portable/behaviour", path, (
                    f"{target.title}: function {consumer.name!r} may run {consumer.timeout} s, but the "
                    f"{queue.redelivery} of {queue.service} is at most {queue.redelivery_max} s: a message still "
                    "being handled is delivered again"), provider=target.name,
                    fix=f"Keep the consumer's timeout at or under {queue.redelivery_max} s.")


def _tables(stack: Stack, target: Target, targets: list[Target], usage: Usage | None) -> Iterator[Finding]:
    table = target.facts.table
    if table is None:
        return
    largest, where = _largest(targets, "table", "item_bytes")
    for t in stack.tables:
        path = f"tables.{t.name}"
        item_kb = usage.tables[t.name].item_kb if usage and t.name in usage.tables else None
        if table.item_bytes is not None and item_kb is not None and item_kb * 1000 > table.item_bytes:
            yield finding("portable/limit", path, (
                f"{target.title}: table {t.name!r} holds {item_kb:g} KB items, above the {_size(table.item_bytes)} "
                f"{table.service} takes"), provider=target.name, level="error",
                fix="Keep large values in a bucket and store their keys.")
        elif table.item_bytes is not None and (largest is None or table.item_bytes < largest):
            yield finding("portable/behaviour", path, (
                f"{target.title}: table {t.name!r} takes items up to {_size(table.item_bytes)} on {table.service} "
                f"({_size(largest)} on {where})"), provider=target.name)
        yield from _value_types(t.name, path, target, targets)
        if t.ttl_attribute:
            ttl_level: Level = "warning" if not table.ttl_native or "days" in table.ttl else "note"
            yield finding("portable/behaviour", path, (
                f"{target.title}: table {t.name!r} expires items by {t.ttl_attribute!r}: {table.ttl}"),
                provider=target.name, level=ttl_level,
                fix="Check the TTL attribute when reading if an expired item must never be seen.")


def _value_types(name: str, path: str, target: Target, targets: list[Target]) -> Iterator[Finding]:
    """Key types, number precision and set support, where the targets compared do not agree."""
    table = target.facts.table
    others = [t.facts.table for t in targets if t.facts.table is not None and t is not target]
    if table is None or not others:
        return
    parts = []
    if any(set(o.key_types) != set(table.key_types) for o in others):
        kinds = list(table.key_types)
        parts.append(f"keys are {', '.join(kinds[:-1]) + ' or ' if len(kinds) > 1 else ''}{kinds[-1]}")
    if any(o.number_precision != table.number_precision for o in others):
        parts.append(f"numbers are {table.number_precision}")
    if not table.sets and any(o.sets for o in others):
        parts.append("there is no set type")
    if parts:
        yield finding("portable/behaviour", path, (
            f"{target.title}: table {name!r} on {table.service}: {'; '.join(parts)}"), provider=target.name,
            level="note", fix="Keep keys strings and numbers within 64-bit range to read the same items everywhere.")


def _schedules(stack: Stack, target: Target) -> Iterator[Finding]:
    schedule = target.facts.schedule
    if schedule is None:
        return
    for function in stack.functions:
        for name, trigger in function.schedules():
            path = f"functions.{function.name}"
            if trigger.timezone != "UTC" and not schedule.time_zones:
                yield finding("portable/behaviour", path, (
                    f"{target.title}: schedule {name!r} runs in UTC on {schedule.service}; portable converts "
                    f"{trigger.timezone} to a fixed UTC offset"), provider=target.name)
            if schedule.delivery == "at-most-once" and target.name != "local":
                yield finding("portable/behaviour", path, (
                    f"{target.title}: schedule {name!r}: {schedule.service} runs each occurrence at most once "
                    "(a failed run is not retried)"), provider=target.name, level="note",
                    fix="Make the scheduled work resumable, or have the schedule send a message to a queue.")


def _emulated(stack: Stack, targets: list[Target]) -> Iterator[Finding]:
    for target in targets:
        if target.name == "local":
            continue
        for placement in placements(stack, target):
            emulated_here = placement.path.startswith(("tables.", "queues.", "topics.")) or \
                placement.what.startswith("object trigger")
            if placement.mode == "emulated" and emulated_here:
                yield finding("portable/emulated", placement.path,
                              f"{target.title}: {placement.what} on {placement.service}: {placement.how}",
                              provider=target.name)


def delivery_notes(stack: Stack, targets: list[Target]) -> Iterator[Finding]:
    """Once per queue and topic: how each target delivers (all at least once: handlers must be idempotent)."""
    for kind in ("queue", "topic"):
        for resource in getattr(stack, f"{kind}s"):
            parts = []
            for target in targets:
                section = target.facts.sections().get(kind)
                if section is not None:
                    parts.append(f"{target.name} {section.delivery}, ordering {section.ordering}")  # type: ignore[attr-defined]
            yield finding("portable/behaviour", f"{kind}s.{resource.name}", (
                f"{kind} {resource.name!r} delivers: {'; '.join(parts)}"), level="note",
                fix="Make the handler idempotent: a message can arrive twice and out of order.")

