"""Meters: the quantities portable counts for each function and resource in a month.

A price (``providers/<name>/prices.yaml``) names one meter; the meter says how much of it one object
uses, given the price's parameters (``chunk_kb``, ``unit_kb``, ``round_ms``, ...). ``None`` means the
meter does not apply to that object (an ``http.requests`` meter on a queue worker). The same meters
serve every cloud; what differs is only which ones a cloud prices and at what rate.

| meter | counts |
|---|---|
| ``function.invocations`` | invocations |
| ``function.memory_gb_seconds`` / ``function.vcpu_seconds`` | invocations x duration (rounded up to ``round_ms``) x memory GB / vCPUs |
| ``function.warm_memory_gb_seconds`` / ``function.warm_vcpu_seconds`` | ``min_instances`` x memory / vCPUs x the month |
| ``http.requests`` | invocations of a function with an HTTP trigger |
| ``schedule.runs`` / ``schedule.jobs`` | runs of its schedules / the schedules |
| ``queue.requests`` | sends (one per started ``chunk_kb``) + receives (``receive_max`` a request) + deletes (``delete_max``) |
| ``queue.consumers`` | functions the queue triggers (each polls it all month) |
| ``queue.throughput_gb`` / ``topic.throughput_gb`` | GiB published and delivered, each message at least ``min_kb`` |
| ``topic.publishes`` / ``topic.operations`` | publishes / publishes + a receive and a complete per subscriber |
| ``topic.namespace_hours`` | the month's hours, once per stack with topics |
| ``bucket.stored_gb`` / ``bucket.writes`` / ``bucket.reads`` / ``bucket.events`` | GB-months / writes / reads / writes seen by object triggers |
| ``table.reads`` / ``table.writes`` | operations, or units of ``unit_kb`` per operation |
| ``table.stored_gb`` | GB-months |
| ``secret.count`` / ``secret.reads`` | secrets / reads |
| ``logs.ingested_gb`` / ``logs.stored_gb`` | log GB written / GB kept on average |
| ``egress.internet_gb`` | GB sent out to the internet (priced only by ``portable migrate plan``, for the copy) |
| ``baseline.*`` | the always-on container of a function (:func:`baseline`) |
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from portable.cost.month import MONTH_HOURS, MONTH_SECONDS, FunctionMonth, Month, runs_per_month
from portable.cost.prices import Price
from portable.cost.usage import BucketUsage, MessageUsage, SecretUsage, TableUsage

GIB = 1024**3

ALWAYS_ON = frozenset({"function.warm_memory_gb_seconds", "function.warm_vcpu_seconds"})
"""Meters billed whether or not anything runs, caused by ``min_instances``."""
MONTHLY = frozenset({"queue.consumers", "topic.namespace_hours", "secret.count", "schedule.jobs"})
"""Meters billed per object per month, whatever the traffic."""


def basis(meter: str) -> str:
    """``always-on``, ``monthly`` or ``usage``: how a meter's cost behaves when traffic changes."""
    return "always-on" if meter in ALWAYS_ON else "monthly" if meter in MONTHLY else "usage"


@dataclass(frozen=True)
class Subject:
    """What a line is about: ``kind`` (function, bucket, ..., stack) and ``name``."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


def _billed_seconds(f: FunctionMonth, price: Price) -> float:
    duration = f.duration_ms
    if price.round_ms:
        duration = math.ceil(duration / price.round_ms) * price.round_ms
    return f.invocations * duration / 1000


def _function_meters(f: FunctionMonth) -> dict[str, Callable[[Price], float | None]]:
    fn = f.function
    memory_gb = fn.memory / 1024
    schedules = fn.schedules()
    return {
        "function.invocations": lambda p: f.invocations,
        "function.memory_gb_seconds": lambda p: _billed_seconds(f, p) * memory_gb,
        "function.vcpu_seconds": lambda p: _billed_seconds(f, p) * p.vcpu(fn.memory),
        "function.warm_memory_gb_seconds": lambda p: fn.min_instances * memory_gb * MONTH_SECONDS or None,
        "function.warm_vcpu_seconds": lambda p: fn.min_instances * p.vcpu(fn.memory) * MONTH_SECONDS or None,
        "http.requests": lambda p: f.invocations if fn.http_triggers else None,
        "schedule.runs": lambda p: sum(runs_per_month(s) for _, s in schedules) if schedules else None,
        "schedule.jobs": lambda p: len(schedules) or None,
    }


def function_quantity(f: FunctionMonth, price: Price) -> float | None:
    if price.architecture is not None and price.architecture != f.function.architecture:
        return None
    meter = _function_meters(f).get(price.meter)
    return meter(price) if meter else None


def _chunks(kb: float, price: Price) -> int:
    return math.ceil(kb / price.chunk_kb) if price.chunk_kb else 1


def _throughput(m: MessageUsage, deliveries: int, price: Price) -> float:
    size_kb = max(m.message_kb, price.min_kb or 0)
    return (m.messages or 0) * size_kb * 1000 * (1 + deliveries) / GIB


def queue_quantity(month: Month, name: str, price: Price) -> float | None:
    m = month.queues[name]
    messages = m.messages or 0
    consumers = month.stack.consumers("queue", name)
    if price.meter == "queue.requests":
        if not consumers:
            return messages * _chunks(m.message_kb, price)
        batch = min(min(t.batch_size for f in consumers for t in f.triggers if t.kind == "queue"),
                    price.receive_max or 1)
        receives = math.ceil(messages / batch)
        deletes = math.ceil(messages / min(batch, price.delete_max or 1))
        return messages * _chunks(m.message_kb, price) + receives + deletes
    if price.meter == "queue.consumers":
        return len(consumers) or None
    if price.meter == "queue.throughput_gb":
        return _throughput(m, 1 if consumers else 0, price)
    return None


def topic_quantity(month: Month, name: str, price: Price) -> float | None:
    m = month.topics[name]
    messages = m.messages or 0
    subscribers = len(month.stack.consumers("topic", name))
    if price.meter == "topic.publishes":
        return messages * _chunks(m.message_kb, price)
    if price.meter == "topic.operations":
        return messages * _chunks(m.message_kb, price) + 2 * messages * subscribers
    if price.meter == "topic.throughput_gb":
        return _throughput(m, subscribers, price)
    return None


def bucket_quantity(month: Month, name: str, price: Price) -> float | None:
    b: BucketUsage = month.buckets[name]
    if price.meter == "bucket.events":
        triggered = len(month.stack.consumers("bucket", name))
        return b.writes * triggered or None
    return {"bucket.stored_gb": b.stored_gb, "bucket.writes": b.writes, "bucket.reads": b.reads}.get(price.meter)


def table_quantity(month: Month, name: str, price: Price) -> float | None:
    t: TableUsage = month.tables[name]
    units = math.ceil(t.item_kb / price.unit_kb) if price.unit_kb else 1
    return {"table.reads": t.reads * units, "table.writes": t.writes * units, "table.stored_gb": t.stored_gb}.get(
        price.meter
    )


def secret_quantity(month: Month, name: str, price: Price) -> float | None:
    s: SecretUsage = month.secrets[name]
    return {"secret.count": 1, "secret.reads": s.reads}.get(price.meter)


def stack_quantity(month: Month, price: Price) -> float | None:
    if price.meter == "topic.namespace_hours":
        return MONTH_HOURS if month.stack.topics else None
    if price.meter == "logs.ingested_gb":
        return month.log_gb
    if price.meter == "logs.stored_gb":
        return month.log_gb * month.usage.logs.retention_days / 30
    return None


def quantities(month: Month, price: Price) -> list[tuple[Subject, float]]:
    """Every object of ``month`` that uses ``price``'s meter, with how much (zero quantities kept)."""
    found: list[tuple[Subject, float | None]] = []
    kind = price.meter.split(".", 1)[0]
    if kind in ("function", "http", "schedule"):
        found += [(Subject("function", n), function_quantity(f, price)) for n, f in month.functions.items()]
    per_resource: dict[str, tuple[str, Callable[[Month, str, Price], float | None]]] = {
        "queue": ("queues", queue_quantity), "topic": ("topics", topic_quantity),
        "bucket": ("buckets", bucket_quantity), "table": ("tables", table_quantity),
        "secret": ("secrets", secret_quantity),
    }
    if kind in per_resource:
        collection, quantity = per_resource[kind]
        found += [(Subject(kind, n), quantity(month, n, price)) for n in getattr(month, collection)]
    found.append((Subject("stack", month.stack.name), stack_quantity(month, price)))
    return [(subject, q) for subject, q in found if q is not None]


# -- the always-on container baseline ----------------------------------------------------------


def container_size(memory_mb: int) -> tuple[float, float]:
    """The container a function would get instead: (vCPUs, memory GB) — its memory, at least 0.5 GB,
    and one vCPU per 2 GB, at least a quarter (the smallest size Fargate and Container Apps sell).

    >>> container_size(512), container_size(4096)
    ((0.25, 0.5), (2.0, 4.0))
    """
    memory_gb = max(0.5, memory_mb / 1024)
    return max(0.25, memory_gb / 2), memory_gb


def baseline_quantity(f: FunctionMonth, price: Price) -> float | None:
    """How much of a ``baseline.*`` meter one always-on container for ``f`` uses in the month."""
    vcpus, memory_gb = container_size(f.function.memory)
    return {
        "baseline.vcpu_seconds": vcpus * MONTH_SECONDS,
        "baseline.vcpu_hours": vcpus * MONTH_HOURS,
        "baseline.memory_gb_seconds": memory_gb * MONTH_SECONDS,
        "baseline.memory_gb_hours": memory_gb * MONTH_HOURS,
        "baseline.requests": f.invocations if f.function.http_triggers else None,
    }.get(price.meter)


def baseline_stack_quantity(month: Month, price: Price) -> float | None:
    """Stack-wide baseline meters: one load balancer in front of the containers serving HTTP."""
    if price.meter == "baseline.http_hours":
        return MONTH_HOURS if any(f.function.http_triggers for f in month.functions.values()) else None
    return None
