"""Triggers: what makes a function run. A tagged union on ``kind``."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from portable.model.base import Name, PortableModel
from portable.model.cron import CronFields, parse_cron

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]
ObjectEventKind = Literal["created", "deleted"]

_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}|\{[A-Za-z_][A-Za-z0-9_]*\+\})$")
_PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\+?\}$")
_RATE = re.compile(r"^rate\((?P<n>[1-9][0-9]*) (?P<unit>minutes?|hours?|days?)\)$")


class Http(PortableModel):
    """An HTTP route. Private (authenticated) unless ``public=True``.

    >>> Http("GET", "/orders/{order_id}").params
    ('order_id',)
    """

    label: ClassVar[str] = "Http trigger"
    positional: ClassVar[tuple[str, ...]] = ("method", "path")

    kind: Literal["http"] = "http"
    method: HttpMethod
    """``GET``, ``POST``, ... or ``ANY``."""
    path: str
    """``/orders/{order_id}``: literal segments and whole-segment parameters; ``{rest+}`` last."""
    public: bool = False
    """Whether anyone may call the route; private routes need the cloud's own authentication."""

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("path")
    @classmethod
    def _path_syntax(cls, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError(f"path {path!r} must start with '/'")
        segments = [s for s in path.split("/")[1:]]
        if path != "/" and any(s == "" for s in segments):
            raise ValueError(f"path {path!r} has an empty segment ('//' or a trailing '/')")
        names: list[str] = []
        for index, segment in enumerate(segments if path != "/" else []):
            if not _SEGMENT.match(segment):
                raise ValueError(
                    f"path {path!r} has a bad segment {segment!r}; use letters, digits, '-._~', "
                    "or a parameter like '{order_id}' (a whole segment)"
                )
            param = _PARAM.match(segment)
            if param:
                if segment.endswith("+}") and index != len(segments) - 1:
                    raise ValueError(f"path {path!r}: the greedy parameter {segment!r} must be the last segment")
                if param.group(1) in names:
                    raise ValueError(f"path {path!r} names the parameter {param.group(1)!r} twice")
                names.append(param.group(1))
        return path

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(m.group(1) for s in self.path.split("/") if (m := _PARAM.match(s)))

    @property
    def shape(self) -> str:
        """The path with parameter names erased: two routes with the same shape clash."""
        return "/".join("{}" if _PARAM.match(s) else s for s in self.path.split("/"))

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


class Schedule(PortableModel):
    """Run on a 5-field unix cron expression or a rate, in a time zone (a tz database name).

    Cron fields are ``minute hour day-of-month month weekday`` with numbers, ``*``, lists ``,``,
    ranges ``-``, steps ``/`` and English month and weekday names; weekdays count from Sunday = 0.
    A rate is ``rate(N minutes|hours|days)``, singular for 1. ``name`` names the cloud schedule
    (default: the function's name).

    >>> Schedule.cron("0 3 * * *", timezone="Europe/Paris").expression
    '0 3 * * *'
    >>> Schedule.every(5, "minutes").expression
    'rate(5 minutes)'
    >>> Schedule.every(1, "hours").expression
    'rate(1 hour)'
    """

    label: ClassVar[str] = "Schedule trigger"

    kind: Literal["schedule"] = "schedule"
    expression: str
    """A 5-field unix cron (``0 3 * * *``) or a rate (``rate(5 minutes)``)."""
    timezone: str = "UTC"
    """A tz database name (``Europe/Paris``); Azure timers run in UTC (see portable.schedules)."""
    name: Name | None = None
    """The cloud schedule's name; default: the function's."""

    @classmethod
    def cron(cls, expression: str, *, timezone: str = "UTC", name: str | None = None) -> Schedule:
        return cls(expression=expression, timezone=timezone, name=name)

    @classmethod
    def every(cls, count: int, unit: str, *, timezone: str = "UTC", name: str | None = None) -> Schedule:
        singular = unit.rstrip("s")
        return cls(
            expression=f"rate({count} {singular if count == 1 else singular + 's'})", timezone=timezone, name=name
        )

    @field_validator("expression")
    @classmethod
    def _parses(cls, expression: str) -> str:
        expression = " ".join(expression.split())
        if expression.startswith("rate("):
            rate = _RATE.match(expression)
            if rate is None:
                raise ValueError(
                    f"rate {expression!r} is not valid; use 'rate(N minutes|hours|days)' with N >= 1, "
                    "singular unit for 1, e.g. 'rate(1 hour)', 'rate(5 minutes)'"
                )
            count, unit = rate.group("n"), rate.group("unit").rstrip("s")
            if (count == "1") != (rate.group("unit") == unit):
                fixed = f"rate({count} {unit if count == '1' else unit + 's'})"
                raise ValueError(f"rate {expression!r} is not valid; write {fixed!r} (singular for 1, plural otherwise)")
            return expression
        parse_cron(expression)
        return expression

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"timezone {timezone!r} is not a tz database name; use e.g. 'UTC', 'Europe/Paris', 'America/New_York'"
            ) from None
        return timezone

    @property
    def is_rate(self) -> bool:
        return self.expression.startswith("rate(")

    @property
    def rate(self) -> tuple[int, str] | None:
        """``(5, "minutes")`` for ``rate(5 minutes)`` (the unit always plural); ``None`` for a cron.

        >>> Schedule.every(1, "day").rate
        (1, 'days')
        """
        match = _RATE.match(self.expression)
        if match is None:
            return None
        return int(match.group("n")), match.group("unit").rstrip("s") + "s"

    def fields(self) -> CronFields:
        """The parsed cron (a ValueError for a rate)."""
        if self.is_rate:
            raise ValueError(f"{self.expression!r} is a rate, not a cron expression")
        return parse_cron(self.expression)


class QueueTrigger(PortableModel):
    """Run for each message of a queue, delivered in batches; a failed message is retried alone.

    >>> QueueTrigger(queue="jobs").batch_size
    10
    """

    label: ClassVar[str] = "Queue trigger"

    kind: Literal["queue"] = "queue"
    queue: Name
    """The queue's name."""
    batch_size: int = Field(default=10, ge=1, le=1000)
    """Messages fetched at a time (the handler still gets one message per call)."""
    max_concurrency: int | None = Field(default=None, ge=1, le=1000)
    """At most this many batches in flight; ``None``: the cloud's default."""


class TopicTrigger(PortableModel):
    """Run for each message published to a topic (every subscriber gets every message).

    >>> TopicTrigger(topic="events").kind
    'topic'
    """

    label: ClassVar[str] = "Topic trigger"

    kind: Literal["topic"] = "topic"
    topic: Name
    """The topic's name."""


class ObjectTrigger(PortableModel):
    """Run when an object is created or deleted in a bucket, optionally filtered by prefix and suffix.

    >>> ObjectTrigger(bucket="uploads", suffix=".jpg").events
    ('created',)
    """

    label: ClassVar[str] = "Object trigger"

    kind: Literal["object"] = "object"
    bucket: Name
    """The bucket's name."""
    events: tuple[ObjectEventKind, ...] = ("created",)
    """``created`` and/or ``deleted``."""
    prefix: str = ""
    """Only keys starting with this."""
    suffix: str = ""
    """Only keys ending with this."""

    def as_filter(self) -> dict[str, Any]:
        """This trigger as the runtime reads it where the platform cannot filter object names itself
        (see ``portable.runtime.objects.takes``).

        >>> ObjectTrigger(bucket="uploads", prefix="in/").as_filter()
        {'events': ['created'], 'prefix': 'in/', 'suffix': ''}
        """
        return {"events": list(self.events), "prefix": self.prefix, "suffix": self.suffix}

    @model_validator(mode="after")
    def _some_events(self) -> ObjectTrigger:
        if not self.events:
            raise ValueError(f"object trigger on bucket {self.bucket!r} lists no events; use 'created' and/or 'deleted'")
        if len(set(self.events)) != len(self.events):
            raise ValueError(f"object trigger on bucket {self.bucket!r} lists an event twice: {list(self.events)}")
        return self


Trigger = Annotated[Http | Schedule | QueueTrigger | TopicTrigger | ObjectTrigger, Field(discriminator="kind")]
