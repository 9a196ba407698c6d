"""What each target can run, as data, and the one check that compares a stack with it.

Each provider describes its target in ``providers/<name>/limits.py`` as a :class:`ProviderLimits`
(pure data, no SDK) and returns it from ``Provider.limits()``. :func:`check` turns every difference
into a :class:`~portable.errors.Problem` that names the target, the object, the value, the rule and
the fix. Problems with ``severity="warning"`` are things the target does differently (a long HTTP
function served by a Function URL), not errors.

>>> from portable.model import Function, Stack
>>> limits = ProviderLimits(name="tiny", title="Tiny Cloud", memory=(512, 1024), timeout_max=60)
>>> stack = Stack("shop", functions=[Function(name="api", handler="app:run", memory=768, timeout=90)])
>>> for problem in check(stack, limits):
...     print(problem)
Function 'api': Tiny Cloud allows memory 512 or 1024 MB; got 768
Function 'api': Tiny Cloud allows a timeout of at most 60 s; got 90
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from portable.errors import PortableError, Problem, Severity
from portable.naming import Charset, physical_name

if TYPE_CHECKING:
    from portable.model import Function, Stack

@dataclass(frozen=True)
class Limit:
    """An upper bound with its reason. ``hard=False``: going past it is allowed, ``reason`` says what
    the target then does differently (reported as a warning)."""

    max: int
    reason: str
    hard: bool = True


@dataclass(frozen=True)
class NameRule:
    """How one kind of resource is named on a target: the physical name ``{stack}-{name}`` written
    in ``charset``, cut with a hash past ``max_length`` (see :mod:`portable.naming`), must match
    ``pattern`` and none of the ``forbidden`` (regex, reason) pairs.

    >>> rule = NameRule("Cloud Run service", 49, pattern=r"^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$")
    >>> rule.physical("orders", "api"), rule.room("orders")
    ('orders-api', 42)
    """

    resource: str
    max_length: int
    charset: Charset = "lower"
    pattern: str | None = None
    forbidden: tuple[tuple[str, str], ...] = ()

    def physical(self, stack: str, name: str) -> str:
        return physical_name(stack, name, self.max_length, self.charset)

    def room(self, stack: str) -> int:
        """How long a portable name may be before its physical name in ``stack`` gets cut."""
        return self.max_length - len(stack) - (0 if self.charset == "alnum" else 1)

    def problem(self, physical: str) -> str | None:
        """Why ``physical`` is not allowed, or ``None``."""
        for regex, reason in self.forbidden:
            if re.search(regex, physical):
                return reason
        if self.pattern is not None and not re.match(self.pattern, physical):
            return f"it must match {self.pattern}"
        return None


@dataclass(frozen=True)
class ProviderLimits:
    """What one target can run. ``None`` means "no limit worth checking".

    ``memory`` is a ``range`` (``range(128, 10241)``) or the allowed sizes (``(512, 2048, 4096)``), in
    MB. ``python`` lists the runtimes offered; ``python_retired`` explains, per version the model
    accepts but the target no longer runs, why and since when. ``names`` maps a kind (``function``,
    ``identity``, ``bucket``, ``queue``, ``topic``, ``table``, ``secret``, ``schedule``) to its rule.
    ``event_timeout`` bounds functions run by a queue, topic or object trigger; ``schedule_timeout``
    those run by a schedule. ``schedules`` names the translation used (:mod:`portable.schedules`).
    """

    name: str
    title: str
    memory: range | tuple[int, ...] | None = None
    timeout_max: int | None = None
    http_timeout: Limit | None = None
    event_timeout: Limit | None = None
    schedule_timeout: Limit | None = None
    python: tuple[str, ...] = ("3.11", "3.12", "3.13", "3.14")
    python_retired: Mapping[str, str] = field(default_factory=dict)
    architectures: tuple[str, ...] = ("x86_64", "arm64")
    names: Mapping[str, NameRule] = field(default_factory=dict)
    batch_size: Limit | None = None
    queue_concurrency: range | None = None
    dead_letter: range | None = None
    max_instances: int | None = None
    environment_bytes: int | None = None
    lacks: Mapping[str, str] = field(default_factory=dict)
    schedules: str = "local"
    notes: tuple[str, ...] = ()


def check(stack: Stack, limits: ProviderLimits) -> list[Problem]:
    """Every way ``stack`` does not fit ``limits``: errors first, in declaration order, then warnings."""
    found = [
        *(p for function in stack.functions for p in _function(function, limits)),
        *_queues(stack, limits),
        *_names(stack, limits),
        *_features(stack, limits),
    ]
    return [p for p in found if p.severity == "error"] + [p for p in found if p.severity != "error"]



# -- functions ---------------------------------------------------------------------------------


def _problem(function: Function, field_: str, message: str, severity: Severity = "error") -> Problem:
    return Problem(f"functions.{function.name}.{field_}", f"Function {function.name!r}: {message}", severity)


def _function(function: Function, limits: ProviderLimits) -> Iterator[Problem]:
    def problem(field_: str, message: str, severity: Severity = "error") -> Problem:
        return _problem(function, field_, message, severity)

    title = limits.title
    if limits.memory is not None and function.memory not in limits.memory:
        yield problem("memory", f"{title} allows memory {_sizes(limits.memory)} MB; got {function.memory}")
    if limits.timeout_max is not None and function.timeout > limits.timeout_max:
        yield problem("timeout", f"{title} allows a timeout of at most {limits.timeout_max} s; got {function.timeout}")
    kinds = {trigger.kind for trigger in function.triggers}
    bounds = (
        (limits.http_timeout, {"http"}, "an HTTP trigger", "hand the long work to a queue-triggered function"),
        (limits.event_timeout, {"queue", "topic", "object"}, "a queue, topic or object trigger",
         "split the work into smaller messages"),
        (limits.schedule_timeout, {"schedule"}, "a schedule", "have the schedule send work to a queue"),
    )
    for bound, triggered_by, what, fix in bounds:
        if bound is None or not kinds & triggered_by or function.timeout <= bound.max:
            continue
        if bound.hard:
            yield problem("timeout", (
                f"{title} allows a timeout of at most {bound.max} s for a function run by {what} "
                f"({bound.reason}); got {function.timeout}. Lower the timeout, or {fix}"
            ))
        else:
            yield problem("timeout", f"timeout {function.timeout} s is above {bound.max} s: {bound.reason}", "warning")
    if function.runtime in limits.python_retired:
        yield problem("runtime", (
            f"{title} no longer runs Python {function.runtime} ({limits.python_retired[function.runtime]}); "
            f"use runtime {_choices(limits.python)}"
        ))
    elif function.runtime not in limits.python:
        yield problem("runtime", f"{title} runs Python {_choices(limits.python)}; got {function.runtime!r}")
    if function.architecture not in limits.architectures:
        yield problem("architecture", (
            f"{title} runs on {_choices(limits.architectures)} only; got {function.architecture!r}"
        ))
    if limits.max_instances is not None:
        for field_ in ("min_instances", "max_instances"):
            value = getattr(function, field_)
            if value is not None and value > limits.max_instances:
                yield problem(field_, f"{title} allows {field_} up to {limits.max_instances}; got {value}")
    if limits.environment_bytes is not None:
        size = sum(len(k.encode()) + len(v.encode()) for k, v in function.environment.items())
        if size > limits.environment_bytes:
            yield problem("environment", (
                f"{title} allows {limits.environment_bytes} bytes of environment variables; these take {size}. "
                "Keep large values in a bucket or a secret"
            ))
    yield from _triggers(function, limits)


def _triggers(function: Function, limits: ProviderLimits) -> Iterator[Problem]:
    from portable.schedules import translate

    def problem(field_: str, message: str, severity: Severity = "error") -> Problem:
        return _problem(function, field_, message, severity)

    title = limits.title
    for index, trigger in enumerate(function.triggers):
        where = f"triggers.{index}"
        if trigger.kind == "queue":
            batch = limits.batch_size
            if batch is not None and trigger.batch_size > batch.max and batch.hard:
                yield problem(f"{where}.batch_size", (
                    f"{title} delivers at most {batch.max} messages per batch ({batch.reason}); "
                    f"got batch_size {trigger.batch_size}. Set batch_size to {batch.max} or less"
                ))
            elif batch is not None and trigger.batch_size > batch.max:
                yield problem(
                    f"{where}.batch_size", f"batch_size {trigger.batch_size} is above {batch.max}: {batch.reason}",
                    "warning",
                )
            allowed = limits.queue_concurrency
            if allowed is not None and trigger.max_concurrency is not None and trigger.max_concurrency not in allowed:
                yield problem(f"{where}.max_concurrency", (
                    f"{title} allows max_concurrency {allowed.start}-{allowed.stop - 1} for a queue trigger; "
                    f"got {trigger.max_concurrency}"
                ))
        if trigger.kind == "schedule":
            try:
                translate(trigger, limits.schedules)
            except PortableError as error:
                hint = f" {error.hint}" if error.hint else ""
                yield problem(f"{where}.expression", f"{error.message}.{hint}")


# -- queues ------------------------------------------------------------------------------------


def _queues(stack: Stack, limits: ProviderLimits) -> Iterator[Problem]:
    allowed = limits.dead_letter
    if allowed is None:
        return
    for queue in stack.queues:
        if queue.dead_letter_after is not None and queue.dead_letter_after not in allowed:
            yield Problem(f"queues.{queue.name}.dead_letter_after", (
                f"Queue {queue.name!r}: {limits.title} moves a message to the dead letter after "
                f"{allowed.start}-{allowed.stop - 1} failed deliveries; got dead_letter_after {queue.dead_letter_after}"
            ))


# -- names -------------------------------------------------------------------------------------


_LABELS = {"function": "Function", "identity": "Function", "schedule": "Function", "bucket": "Bucket",
           "queue": "Queue", "topic": "Topic", "table": "Table", "secret": "Secret"}


def _names(stack: Stack, limits: ProviderLimits) -> Iterator[Problem]:
    for kind, rule in limits.names.items():
        for owner, name in _named(stack, kind):
            physical = rule.physical(stack.name, name)
            reason = rule.problem(physical)
            if reason is not None:
                label = _LABELS.get(kind, kind.capitalize())
                yield Problem(f"{_collection(kind)}.{owner}", (
                    f"{label} {owner!r}: its {rule.resource} name would be {physical!r}, but {reason}. "
                    f"Rename the {label.lower()} or the stack"
                ))


def _named(stack: Stack, kind: str) -> Iterator[tuple[str, str]]:
    """(owner name, name to derive the physical name from) for each resource of ``kind``."""
    if kind in ("function", "identity"):
        yield from ((f.name, f.name) for f in stack.functions)
    elif kind == "schedule":
        yield from ((f.name, name) for f in stack.functions for name, _ in f.schedules())
    else:
        yield from ((r.name, r.name) for r in getattr(stack, _collection(kind)))


def _collection(kind: str) -> str:
    return "functions" if kind in ("function", "identity", "schedule") else f"{kind}s"


# -- features ----------------------------------------------------------------------------------


def _features(stack: Stack, limits: ProviderLimits) -> Iterator[Problem]:
    if "object.overlapping_filters" in limits.lacks:
        yield from _overlapping_object_triggers(stack, limits)


def _overlapping_object_triggers(stack: Stack, limits: ProviderLimits) -> Iterator[Problem]:
    seen: list[tuple[str, str, set[str], str, str]] = []
    for function in stack.functions:
        for trigger in function.triggers:
            if trigger.kind != "object":
                continue
            events: set[str] = set(trigger.events)
            for owner, bucket, other_events, prefix, suffix in seen:
                overlap = (
                    bucket == trigger.bucket and events & other_events
                    and (prefix.startswith(trigger.prefix) or trigger.prefix.startswith(prefix))
                    and (suffix.endswith(trigger.suffix) or trigger.suffix.endswith(suffix))
                )
                if overlap and owner != function.name:
                    yield Problem(f"functions.{function.name}", (
                        f"Function {function.name!r}: {limits.title} cannot send the same object events of bucket "
                        f"{trigger.bucket!r} to functions {owner!r} and {function.name!r}: their prefix/suffix "
                        f"filters overlap ({limits.lacks['object.overlapping_filters']}). Give them prefixes or "
                        "suffixes that do not overlap, or publish to a topic from one function"
                    ))
            seen.append((function.name, trigger.bucket, events, trigger.prefix, trigger.suffix))


# -- wording -----------------------------------------------------------------------------------


def _sizes(memory: range | tuple[int, ...]) -> str:
    if isinstance(memory, range):
        step = f" in steps of {memory.step}" if memory.step != 1 else ""
        return f"{memory.start}-{memory.stop - 1}{step}"
    return _choices(memory, quote=False)


def _choices(values: tuple[str, ...] | tuple[int, ...] | range, *, quote: bool = True) -> str:
    shown = [repr(v) if quote else str(v) for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"

