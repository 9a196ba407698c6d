"""The alarms a stack's monitoring policy asks for, once for every cloud.

Each cloud's deploy side maps every :class:`Alarm` to its native alarm (CloudWatch, Azure Monitor,
Cloud Monitoring); the list, its thresholds and its wording are decided here, so the three agree.

>>> from portable.model import Stack
>>> stack = Stack("shop")
>>> jobs = stack.queue("jobs")
>>> _ = stack.function("worker", "app:run", timeout=60, triggers=[jobs.trigger()])
>>> [a.id for a in alarms(stack)]
['worker-errors', 'worker-duration', 'worker-throttles', 'jobs-dead-letters', 'jobs-oldest-message']
>>> alarms(stack)[1].threshold
48000.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from portable.model import Function, Queue, Stack
    from portable.model.monitoring import Monitoring

AlarmKind = Literal["error_rate", "duration", "throttles", "dead_letters", "oldest_message", "failed_events",
                    "failed_schedule"]


@dataclass(frozen=True)
class Alarm:
    """One alarm: what it watches, its threshold and window, and the sentence it is sent with.

    ``threshold`` is in the alarm's unit: a fraction for ``error_rate``, milliseconds for ``duration``,
    seconds for ``oldest_message``, a count for the others (alarm when above it).
    """

    id: str
    """Stable and unique in the stack: ``<subject>-<what>``; clouds derive their alarm names from it."""
    kind: AlarmKind
    subject_kind: Literal["function", "queue", "schedule"]
    subject: str
    """The portable name of the function, the queue or the schedule watched."""
    function: str | None
    """The function involved (the consumer of a queue, the owner of a schedule), if any."""
    threshold: float
    window: int
    """Seconds the metric is evaluated over."""
    min_invocations: int | None
    description: str


def alarms(stack: Stack) -> list[Alarm]:
    """Every alarm ``stack.monitoring`` asks for, functions first, in declaration order."""
    policy = stack.monitoring
    if not policy.enabled:
        return []
    found: list[Alarm] = []
    for function in stack.functions:
        found += _function_alarms(policy, function)
    for queue in stack.queues:
        found += _queue_alarms(policy, stack, queue)
    for function in stack.functions:
        for name, _ in function.schedules():
            if policy.failed_schedules and _function_on(function):
                found.append(Alarm(
                    f"{name}-failed-runs", "failed_schedule", "schedule", name, function.name, 0, 300, None,
                    f"Schedule {name!r} of function {function.name!r}: a run failed after its retries",
                ))
    return found


def _function_on(function: Function) -> bool:
    return function.alarms is None or function.alarms.enabled is not False


def _function_alarms(policy: Monitoring, function: Function) -> list[Alarm]:
    if not _function_on(function):
        return []
    override = function.alarms

    def setting(field: str) -> object:
        value = getattr(override, field, None) if override is not None else None
        return getattr(policy, field) if value is None else value

    name = function.name
    window = int(setting("window"))  # type: ignore[call-overload]
    minutes = window // 60
    span = f"{minutes} minute{'s' if minutes != 1 else ''}"
    found: list[Alarm] = []
    rate = setting("error_rate")
    if isinstance(rate, float):
        least = int(setting("min_invocations"))  # type: ignore[call-overload]
        found.append(Alarm(
            f"{name}-errors", "error_rate", "function", name, name, rate, window, least,
            f"Function {name!r}: more than {rate:.0%} of invocations failed over {span} "
            f"(counted from {least} invocations)",
        ))
    duration = setting("duration")
    if isinstance(duration, float):
        limit = duration * function.timeout * 1000
        found.append(Alarm(
            f"{name}-duration", "duration", "function", name, name, limit, window, None,
            f"Function {name!r}: p95 duration above {limit:.0f} ms over {span} "
            f"({duration:.0%} of its {function.timeout} s timeout)",
        ))
    if setting("throttles"):
        found.append(Alarm(
            f"{name}-throttles", "throttles", "function", name, name, 0, window, None,
            f"Function {name!r}: invocations were throttled (the platform refused to run them)",
        ))
    if policy.dead_letters and any(t.kind in ("topic", "object") for t in function.triggers):
        found.append(Alarm(
            f"{name}-failed-events", "failed_events", "function", name, name, 0, 300, None,
            f"Function {name!r}: a topic or object event failed every retry and is in its dead letter",
        ))
    return found


def _queue_alarms(policy: Monitoring, stack: Stack, declared: Queue) -> list[Alarm]:
    override, queue = declared.alarms, declared.name
    if override is not None and override.enabled is False:
        return []
    consumers = stack.consumers("queue", queue)
    consumer = consumers[0].name if consumers else None
    found: list[Alarm] = []
    dead_letters = policy.dead_letters if override is None or override.dead_letters is None else override.dead_letters
    if dead_letters and declared.dead_letter_after is not None:
        found.append(Alarm(
            f"{queue}-dead-letters", "dead_letters", "queue", queue, consumer, 0, 300, None,
            f"Queue {queue!r}: a message failed every retry and is in the dead letter",
        ))
    age = policy.oldest_message_age if override is None or override.oldest_message_age is None \
        else override.oldest_message_age
    if age is not None:
        found.append(Alarm(
            f"{queue}-oldest-message", "oldest_message", "queue", queue, consumer, float(age), 300, None,
            f"Queue {queue!r}: the oldest waiting message is older than {age} s (consumers are behind or failing)",
        ))
    return found


def cost_note(found: list[Alarm], service: str, monthly: Mapping[str, float]) -> str:
    """The plan note that lists the alarms per function and what they cost a month (``monthly``: USD by
    alarm id, as the cloud prices them).

    >>> from portable.model import Stack
    >>> stack = Stack("shop")
    >>> _ = stack.function("api", "app:api")
    >>> found = alarms(stack)
    >>> print(cost_note(found, "CloudWatch", {a.id: 0.1 for a in found}))
    Monitoring: 3 CloudWatch alarms, about $0.30 a month: function 'api' 3 (errors, duration, throttles; $0.30)
    """
    groups: dict[str, list[Alarm]] = {}
    for alarm in found:
        owner = f"function {alarm.function!r}" if alarm.function else f"{alarm.subject_kind} {alarm.subject!r}"
        groups.setdefault(owner, []).append(alarm)
    total = sum(monthly.get(a.id, 0.0) for a in found)
    parts = [
        f"{owner} {len(group)} ({', '.join(_short(a) for a in group)}; ${sum(monthly.get(a.id, 0.0) for a in group):.2f})"
        for owner, group in groups.items()
    ]
    return f"Monitoring: {len(found)} {service} alarms, about ${total:.2f} a month: " + "; ".join(parts)


def _short(alarm: Alarm) -> str:
    return alarm.id.removeprefix(f"{alarm.subject}-").replace("-", " ")
