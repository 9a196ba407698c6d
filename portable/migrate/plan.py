"""``portable migrate plan``: before anything moves, what moves where, what behaves differently, how
long it takes, and the cut-over runbook.

The behaviour differences are rules over the two providers' facts (:mod:`portable.facts`, one table
per provider, ``Provider.facts()``); each rule applies only to the kinds of resource the stack
declares, and says what portable does about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from portable.dataplane import DataPlane, DataPlaneError, canonical
from portable.facts import ProviderFacts, Section
from portable.migrate.cost import CopyCost, copy_cost
from portable.model import Stack
from portable.registry import check_stack, get_provider


@dataclass(frozen=True)
class ResourceMapping:
    kind: str
    name: str
    source: str
    target: str
    count: int | None = None
    bytes: int | None = None


@dataclass(frozen=True)
class Difference:
    """One behaviour that changes for a declared resource kind."""

    kind: str
    topic: str
    source: str
    target: str
    action: str


@dataclass
class MigrationPlan:
    stack: str
    source: str
    target: str
    warnings: list[str] = field(default_factory=list)
    resources: list[ResourceMapping] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    duration: str = ""
    cost: CopyCost = field(default_factory=CopyCost)
    runbook: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"stack": self.stack, "from": self.source, "to": self.target, "warnings": self.warnings,
                "resources": [asdict(r) for r in self.resources],
                "differences": [asdict(d) for d in self.differences], "duration": self.duration,
                "cost": self.cost.as_dict(), "runbook": [{"step": s, "command": c} for s, c in self.runbook]}


def plan_migration(stack: Stack, source: DataPlane, target: DataPlane, target_text: str,
                   throughput: float | None = None) -> MigrationPlan:
    """The plan for moving ``stack``'s data; ``throughput`` (bytes/s) is what an earlier copy measured."""
    problems = check_stack(stack, target.provider)  # raises StackInvalid: nothing to plan
    plan = MigrationPlan(stack.name, source.provider, target.provider,
                         warnings=[p.message for p in problems])
    plan.resources = list(_mappings(stack, source, target, plan.warnings))
    plan.differences = differences(stack, get_provider(source.provider).facts(), get_provider(target.provider).facts())
    plan.cost = copy_cost(plan.resources, source.provider, target.provider)
    total = sum(r.bytes or 0 for r in plan.resources if r.kind == "bucket")
    if throughput:
        plan.duration = f"about {max(1, round(total / throughput))} s for {total} bytes at {throughput / 1e6:.1f} MB/s (measured by the last copy)"
    else:
        plan.duration = f"{total} bytes to stream; no copy has run yet to measure the throughput"
    plan.runbook = runbook(stack, source.provider, target.provider, target_text)
    return plan


def _physical(plane: DataPlane, kind: str, name: str) -> str:
    try:
        return plane.physical(kind, name)
    except DataPlaneError as error:
        return f"unknown ({error.hint or error.message})"


def _mappings(stack: Stack, source: DataPlane, target: DataPlane, notes: list[str]) -> Iterator[ResourceMapping]:
    for bucket in stack.buckets:
        count = size = None
        try:
            listing = list(source.list_objects(bucket.name))
            count, size = len(listing), sum(o.size for o in listing)
        except Exception as error:  # the plan still shows the mapping when the source cannot be read
            notes.append(f"bucket {bucket.name!r}: not counted, the source cannot be read ({type(error).__name__})")
        yield ResourceMapping("bucket", bucket.name, _physical(source, "bucket", bucket.name),
                      _physical(target, "bucket", bucket.name), count, size)
    for table in stack.tables:
        count = size = None
        try:
            sizes = [len(canonical(item).encode()) for item in source.scan_items(source.table(table.name))]
            count, size = len(sizes), sum(sizes)
        except Exception as error:  # as above
            notes.append(f"table {table.name!r}: not counted, the source cannot be read ({type(error).__name__})")
        yield ResourceMapping("table", table.name, _physical(source, "table", table.name),
                      _physical(target, "table", table.name), count, size)
    for secret in stack.secrets:
        yield ResourceMapping("secret", secret.name, _physical(source, "secret", secret.name),
                      _physical(target, "secret", secret.name))
    for queue in stack.queues:
        yield ResourceMapping("queue", queue.name, _physical(source, "queue", queue.name), _physical(target, "queue", queue.name))


# -- behaviour differences ----------------------------------------------------------------------------

Rule = tuple[str, str, str, Callable[[Any, Any], bool], str]
"""(section, field, topic, applies(source value, target value), what portable does)."""


def _smaller(a: Any, b: Any) -> bool:
    return b is not None and (a is None or b < a)


def _differs(a: Any, b: Any) -> bool:
    return bool(a != b)


def _lost(a: Any, b: Any) -> bool:
    return bool(a and not b)


RULES: tuple[Rule, ...] = (
    ("queue", "message_bytes", "largest message", _smaller,
     "portable check flags producers that may exceed it; a larger message fails at send time"),
    ("queue", "delivery", "delivery guarantee", _differs, "handlers must stay idempotent"),
    ("queue", "ordering", "ordering", _differs, "nothing: portable promises no order on any cloud"),
    ("queue", "redelivery_max", "longest visibility / ack deadline", _smaller,
     "the target's cap applies to the function timeout"),
    ("topic", "message_bytes", "largest message", _smaller, "as for queues"),
    ("table", "item_bytes", "largest item", _smaller, "copy writes larger items to the bad-items file"),
    ("table", "properties_max", "attributes per item", _smaller,
     "Azure: portable stores the item as JSON text, so the cap does not apply; elsewhere bad-items file"),
    ("table", "key_types", "key types", _differs, "key values are checked; others go to the bad-items file"),
    ("table", "number_precision", "number precision", _differs,
     "numbers the target cannot hold exactly go to the bad-items file, never rounded"),
    ("table", "sets", "set values", _lost, "items holding sets go to the bad-items file"),
    ("table", "binary", "binary values", _lost, "items holding bytes go to the bad-items file"),
    ("table", "ttl", "TTL precision", _differs, "expired items are hidden on read by portable on every cloud"),
    ("bucket", "metadata_bytes", "user metadata size", _smaller, "copy fails the object and names it"),
    ("bucket", "event_ordering", "object event ordering", _differs, "nothing: portable promises no order"),
    ("schedule", "time_zones", "schedule time zones", _lost,
     "fixed offsets are converted to UTC; zones with daylight saving are refused by validate"),
    ("http", "timeout", "HTTP timeout", _smaller, "validate warns for functions with a longer timeout"),
)

_DECLARED: dict[str, Callable[[Stack], bool]] = {
    "queue": lambda s: bool(s.queues),
    "topic": lambda s: bool(s.topics),
    "table": lambda s: bool(s.tables),
    "bucket": lambda s: bool(s.buckets),
    "schedule": lambda s: any(t.kind == "schedule" for f in s.functions for t in f.triggers),
    "http": lambda s: any(t.kind == "http" for f in s.functions for t in f.triggers),
}


def differences(stack: Stack, source: ProviderFacts, target: ProviderFacts) -> list[Difference]:
    """Each rule whose section the stack uses and whose facts differ the way the rule names."""
    found = []
    for section, name, topic, applies, action in RULES:
        if not _DECLARED[section](stack):
            continue
        left: Section | None = getattr(source, section)
        right: Section | None = getattr(target, section)
        if left is None or right is None:
            continue
        a, b = getattr(left, name), getattr(right, name)
        if applies(a, b):
            found.append(Difference(section, topic, _text(a), _text(b), action))
    return found


def _text(value: Any) -> str:
    if value is None:
        return "no limit"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


# -- the runbook ------------------------------------------------------------------------------------


def runbook(stack: Stack, source: str, target: str, target_text: str) -> list[tuple[str, str]]:
    sides = f"{target_text} --from {source} --to {target}"
    if source != "local":
        sides += f" --from-outputs {source}.json"
    if target != "local":
        sides += f" --to-outputs {target}.json"
    deploy = "portable dev (nothing to deploy)" if target == "local" else \
        f"pulumi up -s {target} && pulumi stack output -s {target} --json > {target}.json"
    steps = [
        ("deploy the target", deploy),
        ("copy", f"portable migrate copy {sides}"),
        ("verify", f"portable migrate verify {sides}"),
        ("switch traffic", "point DNS / clients at the target's URLs (pulumi stack output)"),
    ]
    if stack.queues:
        steps.append(("stop the source's consumers, move the queued messages and dead letters",
                      f"portable migrate copy {sides} --queues"))
    steps += [
        ("copy the delta", f"portable migrate copy {sides}"),
        ("verify again", f"portable migrate verify {sides}"),
        ("decommission the source", "portable dev: delete .portable/state" if source == "local"
         else f"pulumi destroy -s {source}"),
    ]
    return steps
