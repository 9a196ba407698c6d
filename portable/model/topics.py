"""Topics: publish once, deliver to every subscribed function."""

from __future__ import annotations

from typing import ClassVar

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link
from portable.model.triggers import TopicTrigger


class Topic(PortableModel):
    """A fan-out topic.

    >>> Topic(name="events").publish().access
    'publish'
    """

    label: ClassVar[str] = "Topic"
    is_named: ClassVar[bool] = True

    kind: ClassVar[str] = "topic"
    name: Name
    options: Options = {}

    def publish(self) -> Link:
        return Link(kind="topic", name=self.name, access="publish")

    def trigger(self) -> TopicTrigger:
        return TopicTrigger(topic=self.name)
