"""The usage model: how much a stack is used in a month, the input of ``portable cost``.

A usage file (YAML or JSON; its JSON Schema is ``portable cost --usage-schema``) names functions and
resources of the stack and says how busy each is. Everything is optional: a missing value takes the
default shown here (and printed by ``portable cost`` as an assumption), a scheduled function runs as
often as its schedule says, a queue- or topic-triggered function runs once per message.

>>> usage = Usage.model_validate({"functions": {"api": {"invocations": 2_000_000, "duration_ms": 120}}})
>>> usage.functions["api"].invocations, usage.defaults.duration_ms
(2000000, 200.0)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from portable.errors import Problem, StackInvalid


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class FunctionUsage(_Strict):
    """One function's month."""

    invocations: int | None = Field(default=None, ge=0)
    """Invocations a month (default: the schedule's runs, the messages of its queue or topic, the
    writes of its bucket, else ``defaults.invocations``)."""
    duration_ms: float | None = Field(default=None, gt=0)
    """Average run time of one invocation in milliseconds (default ``defaults.duration_ms``)."""
    peak_memory_mb: float | None = Field(default=None, gt=0)
    """Peak memory one invocation needs, if known (``portable check`` compares it with ``memory``)."""


class BucketUsage(_Strict):
    """One bucket's month."""

    stored_gb: float = Field(default=1.0, ge=0)
    """Gigabytes stored on average."""
    writes: int = Field(default=10_000, ge=0)
    """Objects written (PUT) a month."""
    reads: int = Field(default=100_000, ge=0)
    """Objects read (GET) a month."""


class TableUsage(_Strict):
    """One table's month."""

    reads: int = Field(default=100_000, ge=0)
    """Items read a month."""
    writes: int = Field(default=10_000, ge=0)
    """Items written a month."""
    stored_gb: float = Field(default=1.0, ge=0)
    """Gigabytes stored on average."""
    item_kb: float = Field(default=1.0, gt=0)
    """Average item size in KB."""


class MessageUsage(_Strict):
    """One queue's or topic's month."""

    messages: int | None = Field(default=None, ge=0)
    """Messages sent a month (default: what its consumers' invocations imply, else ``defaults.messages``)."""
    message_kb: float = Field(default=1.0, gt=0)
    """Average message size in KB."""


class SecretUsage(_Strict):
    """One secret's month."""

    reads: int = Field(default=10_000, ge=0)
    """Reads of the secret's value a month (functions cache it per instance)."""


class LogUsage(_Strict):
    """The stack's logs."""

    kb_per_invocation: float = Field(default=0.5, ge=0)
    """Log written per invocation, in KB (portable's line and the platform's own)."""
    retention_days: int = Field(default=30, ge=1)
    """Days logs are kept (portable's default log retention)."""


class Defaults(_Strict):
    """What a function or message resource not named in the file is assumed to do."""

    invocations: int = Field(default=100_000, ge=0)
    """Invocations a month of a function with no schedule, queue or topic to go by."""
    duration_ms: float = Field(default=200.0, gt=0)
    """Average run time in milliseconds."""
    messages: int = Field(default=100_000, ge=0)
    """Messages a month of a queue or topic nobody consumes."""


class Usage(_Strict):
    """A month of use of one stack (every section optional)."""

    functions: dict[str, FunctionUsage] = {}
    """By function name."""
    buckets: dict[str, BucketUsage] = {}
    tables: dict[str, TableUsage] = {}
    queues: dict[str, MessageUsage] = {}
    topics: dict[str, MessageUsage] = {}
    secrets: dict[str, SecretUsage] = {}
    logs: LogUsage = LogUsage()
    defaults: Defaults = Defaults()


def usage_schema() -> dict[str, Any]:
    """The JSON Schema of a usage file."""
    schema = Usage.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "portable usage"
    return schema


def parse_usage(data: Any, origin: str = "usage") -> Usage:
    """Validate usage data; every impossible value is a Problem naming the field, the value and the rule."""
    if data is None:
        return Usage()
    try:
        return Usage.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(
                ".".join(str(p) for p in detail["loc"]),
                f"{'.'.join(str(p) for p in detail['loc'])}: {_reason(detail['msg'])}; got {detail.get('input')!r}",
            )
            for detail in error.errors(include_url=False)
        ]
        raise StackInvalid(problems, subject=f"Usage file {origin}") from None


def _reason(message: str) -> str:
    reason = message[0].lower() + message[1:]
    reason = reason.replace("input should be", "must be")
    return reason.replace("extra inputs are not permitted", "is not a usage field")


def load_usage(path: Path) -> Usage:
    """Read a usage file (``.yaml``, ``.yml`` or ``.json``)."""
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return parse_usage(data, str(path))
