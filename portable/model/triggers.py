"""Triggers: what makes a function run. A tagged union on ``kind``."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import Field, field_validator, model_validator

from portable.model.base import Name, PortableModel

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
    path: str
    public: bool = False

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
    """Run on a 5-field cron expression or a rate, in a time zone.

    >>> Schedule.cron("0 3 * * *", timezone="Europe/Paris").expression
    '0 3 * * *'
    >>> Schedule.every(5, "minutes").expression
    'rate(5 minutes)'
    """

    label: ClassVar[str] = "Schedule trigger"

    kind: Literal["schedule"] = "schedule"
    expression: str
    timezone: str = "UTC"
    name: Name | None = None

    @classmethod
    def cron(cls, expression: str, *, timezone: str = "UTC", name: str | None = None) -> Schedule:
        return cls(expression=expression, timezone=timezone, name=name)

    @classmethod
    def every(cls, count: int, unit: str, *, name: str | None = None) -> Schedule:
        singular = unit.rstrip("s")
        return cls(expression=f"rate({count} {singular if count == 1 else singular + 's'})", name=name)

    @field_validator("expression")
    @classmethod
    def _parses(cls, expression: str) -> str:
        expression = " ".join(expression.split())
        if expression.startswith("rate("):
            match = _RATE.match(expression)
            if match is None:
                raise ValueError(
                    f"rate {expression!r} is not valid; use 'rate(N minutes|hours|days)' with N >= 1, "
                    "singular unit for 1, e.g. 'rate(1 hour)', 'rate(5 minutes)'"
                )
            if (match.group("n") == "1") != (not match.group("unit").endswith("s")):
                raise ValueError(f"rate {expression!r}: use the singular unit for 1 and the plural otherwise")
            return expression
        fields = expression.split(" ")
        if len(fields) != 5:
            raise ValueError(
                f"cron {expression!r} has {len(fields)} fields; use 5 fields 'minute hour day month weekday' "
                "(e.g. '0 3 * * *'), or 'rate(5 minutes)'"
            )
        if not croniter.is_valid(expression) or any(c in expression for c in "?LW#"):
            raise ValueError(
                f"cron {expression!r} does not parse; use 5 unix cron fields with numbers, '*', ',', '-' "
                "and '/' (e.g. '*/15 9-17 * * 1-5'); '?', 'L', 'W' and '#' are not portable"
            )
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


class QueueTrigger(PortableModel):
    """Run for each message of a queue, delivered in batches; a failed message is retried alone."""

    label: ClassVar[str] = "Queue trigger"

    kind: Literal["queue"] = "queue"
    queue: Name
    batch_size: int = Field(default=10, ge=1, le=1000)
    max_concurrency: int | None = Field(default=None, ge=1, le=1000)


class TopicTrigger(PortableModel):
    """Run for each message published to a topic (every subscriber gets every message)."""

    label: ClassVar[str] = "Topic trigger"

    kind: Literal["topic"] = "topic"
    topic: Name


class ObjectTrigger(PortableModel):
    """Run when an object is created or deleted in a bucket, optionally filtered by prefix and suffix."""

    label: ClassVar[str] = "Object trigger"

    kind: Literal["object"] = "object"
    bucket: Name
    events: tuple[ObjectEventKind, ...] = ("created",)
    prefix: str = ""
    suffix: str = ""

    @model_validator(mode="after")
    def _some_events(self) -> ObjectTrigger:
        if not self.events:
            raise ValueError(f"object trigger on bucket {self.bucket!r} lists no events; use 'created' and/or 'deleted'")
        if len(set(self.events)) != len(self.events):
            raise ValueError(f"object trigger on bucket {self.bucket!r} lists an event twice: {list(self.events)}")
        return self


Trigger = Annotated[Http | Schedule | QueueTrigger | TopicTrigger | ObjectTrigger, Field(discriminator="kind")]
