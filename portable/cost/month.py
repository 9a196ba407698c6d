"""A month of one stack: the usage file resolved against the stack, every number known and where it came from.

``resolve(stack, usage, measured)`` checks that the file names only objects the stack declares
(an error names the field and the choices), fills each gap with its default, and records an
:class:`Assumption` for every value the file did not give, so ``portable cost`` can print them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from croniter import croniter

from portable.cost.measured import Measured
from portable.cost.usage import BucketUsage, MessageUsage, SecretUsage, TableUsage, Usage
from portable.errors import Problem, StackInvalid
from portable.model import Function, Stack
from portable.model.triggers import Schedule

T = TypeVar("T", BucketUsage, TableUsage, SecretUsage)

MONTH_HOURS = 730
"""The hours in a billing month, as the clouds' price pages count them."""
MONTH_SECONDS = MONTH_HOURS * 3600


@dataclass(frozen=True)
class Assumption:
    """A value the usage file did not give: ``field`` (``functions.api.duration_ms``), the value and why."""

    field: str
    value: float
    reason: str


@dataclass(frozen=True)
class FunctionMonth:
    function: Function
    invocations: int
    duration_ms: float
    peak_memory_mb: float | None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def memory_mb(self) -> int:
        return self.function.memory

    @property
    def compute_seconds(self) -> float:
        return self.invocations * self.duration_ms / 1000


@dataclass(frozen=True)
class Month:
    """The resolved usage of a stack for one month."""

    stack: Stack
    functions: dict[str, FunctionMonth]
    buckets: dict[str, BucketUsage]
    tables: dict[str, TableUsage]
    queues: dict[str, MessageUsage]
    topics: dict[str, MessageUsage]
    secrets: dict[str, SecretUsage]
    usage: Usage
    assumptions: list[Assumption] = field(default_factory=list)

    @property
    def log_gb(self) -> float:
        invocations = sum(f.invocations for f in self.functions.values())
        return invocations * self.usage.logs.kb_per_invocation / 1e6


def runs_per_month(schedule: Schedule) -> float:
    """How often ``schedule`` runs in a 730-hour month (a cron is counted over a year, divided by 12).

    >>> runs_per_month(Schedule.cron("0 2 * * *")), runs_per_month(Schedule.every(5, "minutes"))
    (30.416666666666668, 8760.0)
    """
    rate = schedule.rate
    if rate is not None:
        seconds = {"minutes": 60, "hours": 3600, "days": 86400}[rate[1]] * rate[0]
        return MONTH_SECONDS / seconds
    start = datetime(2027, 1, 1, tzinfo=UTC)
    week = _count(schedule.expression, start, start + timedelta(days=7))
    if week > 2000:
        return week * MONTH_HOURS / (7 * 24)
    return _count(schedule.expression, start, start + timedelta(days=365)) / 12


def _count(expression: str, start: datetime, end: datetime) -> int:
    runs = croniter(expression, start - timedelta(seconds=1))  # a run at ``start`` itself counts
    count = 0
    while runs.get_next(datetime) < end:
        count += 1
    return count


def resolve(stack: Stack, usage: Usage, measured: Measured | None = None) -> Month:
    """The usage of ``stack``: the file's values, the dev measurements, then the defaults."""
    _check_names(stack, usage)
    assumptions: list[Assumption] = []
    defaults = usage.defaults
    functions: dict[str, FunctionMonth] = {}
    for function in stack.functions:
        given = usage.functions.get(function.name)
        where = f"functions.{function.name}"
        invocations = given.invocations if given else None
        if invocations is None:
            invocations, reason = _implied_invocations(stack, usage, function)
            assumptions.append(Assumption(f"{where}.invocations", invocations, reason))
        duration = given.duration_ms if given else None
        peak = given.peak_memory_mb if given else None
        seen = measured.functions.get(function.name) if measured else None
        if seen is not None:
            duration = seen.duration_ms
            peak = seen.peak_memory_mb
            assumptions.append(Assumption(
                f"{where}.duration_ms", duration, f"measured by portable dev over {seen.invocations} invocations",
            ))
        if duration is None:
            duration = defaults.duration_ms
            assumptions.append(Assumption(f"{where}.duration_ms", duration, "defaults.duration_ms"))
        functions[function.name] = FunctionMonth(function, invocations, duration, peak)
    queues = {q.name: _messages(stack, usage, "queue", q.name, functions, assumptions) for q in stack.queues}
    topics = {t.name: _messages(stack, usage, "topic", t.name, functions, assumptions) for t in stack.topics}
    return Month(
        stack=stack,
        functions=functions,
        buckets={b.name: _given(usage.buckets, "buckets", b.name, BucketUsage, assumptions) for b in stack.buckets},
        tables={t.name: _given(usage.tables, "tables", t.name, TableUsage, assumptions) for t in stack.tables},
        queues=queues,
        topics=topics,
        secrets={s.name: _given(usage.secrets, "secrets", s.name, SecretUsage, assumptions) for s in stack.secrets},
        usage=usage,
        assumptions=assumptions,
    )


def _implied_invocations(stack: Stack, usage: Usage, function: Function) -> tuple[int, str]:
    schedules = function.schedules()
    if schedules:
        runs = round(sum(runs_per_month(s) for _, s in schedules))
        return runs, "its schedule's runs in a 730-hour month"
    for trigger in function.triggers:
        if trigger.kind in ("queue", "topic"):
            name = trigger.queue if trigger.kind == "queue" else trigger.topic
            section = usage.queues if trigger.kind == "queue" else usage.topics
            given = section.get(name)
            if given is not None and given.messages is not None:
                return given.messages, f"one per message of {trigger.kind} {name!r}"
        if trigger.kind == "object" and trigger.bucket in usage.buckets:
            writes = usage.buckets[trigger.bucket].writes
            return writes, f"one per object written to bucket {trigger.bucket!r}"
    return usage.defaults.invocations, "defaults.invocations"


def _messages(stack: Stack, usage: Usage, kind: str, name: str, functions: Mapping[str, FunctionMonth],
              assumptions: list[Assumption]) -> MessageUsage:
    section = usage.queues if kind == "queue" else usage.topics
    given = section.get(name, MessageUsage())
    if given.messages is not None:
        return given
    consumers = stack.consumers(kind, name)
    where = f"{kind}s.{name}.messages"
    if consumers:
        messages = max(functions[f.name].invocations for f in consumers)
        reason = f"the invocations of {', '.join(repr(f.name) for f in consumers)}"
    else:
        messages, reason = usage.defaults.messages, "defaults.messages"
    assumptions.append(Assumption(where, messages, reason))
    return given.model_copy(update={"messages": messages})


def _given(
    section: Mapping[str, T], collection: str, name: str, model: type[T], assumptions: list[Assumption],
) -> T:
    given = section.get(name)
    if given is not None:
        return given
    default = model()
    for key, value in default.model_dump().items():
        assumptions.append(Assumption(f"{collection}.{name}.{key}", value, "default"))
    return default


def _check_names(stack: Stack, usage: Usage) -> None:
    declared = {
        "functions": [f.name for f in stack.functions],
        "buckets": [b.name for b in stack.buckets],
        "tables": [t.name for t in stack.tables],
        "queues": [q.name for q in stack.queues],
        "topics": [t.name for t in stack.topics],
        "secrets": [s.name for s in stack.secrets],
    }
    problems = []
    for collection, names in declared.items():
        for name in getattr(usage, collection):
            if name not in names:
                choices = ", ".join(repr(n) for n in names) or "none"
                problems.append(Problem(f"{collection}.{name}", (
                    f"{collection}.{name}: stack {stack.name!r} declares no {collection[:-1]} named {name!r}. "
                    f"Declared {collection}: {choices}"
                )))
    for name, given in usage.functions.items():
        function = stack.get_function(name)
        if function is not None and given.duration_ms is not None and given.duration_ms > function.timeout * 1000:
            problems.append(Problem(f"functions.{name}.duration_ms", (
                f"functions.{name}.duration_ms: {given.duration_ms:g} ms is longer than the function's timeout "
                f"of {function.timeout} s"
            )))
    if problems:
        raise StackInvalid(problems, subject="Usage file")
