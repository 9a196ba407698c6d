"""``portable:azure:Topic``: a Service Bus topic with one subscription per consuming function."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import servicebus

from portable.errors import PortableError
from portable.model import Function
from portable.model import Topic as TopicModel
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class Topic(LinkedResource):
    """A Service Bus topic with one subscription per consuming function (each dead-letters alone)."""

    concept = "Topic"

    def __init__(self, name: str, topic: TopicModel, *, names: Names, foundation: Foundation,
                 consumers: Sequence[Function], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        if foundation.service_bus is None:
            raise PortableError("the Azure foundation has no Service Bus namespace although the stack has topics")
        group = foundation.resource_group.name
        args = native_args("azure", f"Topic {topic.name!r}", servicebus.Topic, {
            "resource_group_name": group,
            "namespace_name": foundation.service_bus.name,
            "topic_name": names.topic(topic.name),
            "default_message_time_to_live": "P14D",
        }, topic.options)
        self.topic = servicebus.Topic(f"{name}-topic", **args, opts=self.child())
        self.subscriptions: dict[str, servicebus.Subscription] = {}
        for function in consumers:
            self.subscriptions[function.name] = servicebus.Subscription(
                f"{name}-{function.name}", resource_group_name=group, namespace_name=foundation.service_bus.name,
                topic_name=self.topic.name, subscription_name=names.subscription(function.name),
                max_delivery_count=10, dead_lettering_on_message_expiration=True,
                lock_duration=_lock_duration(function.timeout), opts=self.child(),
            )
        self.scope = self.topic.id
        self.link = {"id": self.topic.name, "url": foundation.bus_host}
        self.exports = {"topic": self.topic.name}
        self.finish()


def _lock_duration(timeout: int) -> str:
    """A subscription's lock: the function's timeout, within Service Bus's 5 minutes (the Functions
    host renews the lock while the function runs)."""
    seconds = max(min(timeout, 300), 30)
    return f"PT{seconds // 60}M{seconds % 60}S" if seconds % 60 else f"PT{seconds // 60}M"
