"""Queues: durable, at-least-once work queues with a dead letter."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link
from portable.model.monitoring import QueueAlarms
from portable.model.triggers import QueueTrigger


class Queue(PortableModel):
    """A work queue. A message that fails ``dead_letter_after`` receives moves to the dead letter.

    ``visibility_timeout`` (seconds) is how long a received message stays hidden before it is
    delivered again; providers raise it to 6 times the consumer's timeout
    (:meth:`Stack.visibility_timeout`). ``retention`` (seconds) is how long an unconsumed message is
    kept. ``dead_letter_after=None`` turns the dead letter off (failed messages then expire).

    >>> Queue(name="jobs").trigger(batch_size=5).batch_size
    5
    """

    label: ClassVar[str] = "Queue"
    units: ClassVar[dict[str, str]] = {"visibility_timeout": "seconds", "retention": "seconds"}
    is_named: ClassVar[bool] = True

    kind: ClassVar[str] = "queue"
    name: Name
    """The queue's name, unique among queues."""
    visibility_timeout: int = Field(default=30, ge=1, le=43200)
    """Seconds a received message stays hidden (at least; see :meth:`Stack.visibility_timeout`)."""
    retention: int = Field(default=345600, ge=600, le=1209600)
    """Seconds an unconsumed message is kept (default 4 days, at most 14)."""
    dead_letter_after: int | None = Field(default=5, ge=1, le=1000)
    """Failed deliveries before a message moves to the dead letter; ``None``: no dead letter."""
    alarms: QueueAlarms | None = None
    """This queue's alarm settings, where they differ from the stack's ``monitoring``."""
    options: Options = {}
    """Per provider, arguments merged into the native queue resource."""

    def send(self) -> Link:
        return Link(kind="queue", name=self.name, access="send")

    def consume(self) -> Link:
        return Link(kind="queue", name=self.name, access="consume")

    def trigger(self, *, batch_size: int = 10, max_concurrency: int | None = None) -> QueueTrigger:
        return QueueTrigger(queue=self.name, batch_size=batch_size, max_concurrency=max_concurrency)
