"""``portable:azure:Queue``: a Storage queue, and its poison queue when the model asks for a dead letter."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import storage

from portable.model import Queue as QueueModel
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class Queue(LinkedResource):
    """A Storage queue, and its poison queue when the model asks for a dead letter."""

    concept = "Queue"

    def __init__(self, name: str, queue: QueueModel, *, names: Names, foundation: Foundation,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        physical = names.queue(queue.name)
        args = native_args("azure", f"Queue {queue.name!r}", storage.Queue, {
            "resource_group_name": foundation.resource_group.name,
            "account_name": foundation.data_account.name,
            "queue_name": physical,
        }, queue.options)
        self.queue = storage.Queue(f"{name}-queue", **args, opts=self.child())
        self.poison_queue: storage.Queue | None = None
        if queue.dead_letter_after is not None:
            self.poison_queue = storage.Queue(
                f"{name}-poison", resource_group_name=foundation.resource_group.name,
                account_name=foundation.data_account.name, queue_name=names.poison_queue(physical), opts=self.child(),
            )
        self.scope = self.queue.id
        self.link = {"id": self.queue.name, "url": foundation.endpoint("queue"), "ttl": queue.retention}
        self.exports = {"queue": self.queue.name}
        self.finish()

    @property
    def trigger_scopes(self) -> list[pulumi.Output[str]]:
        """What a consumer's identity needs: the queue and its poison queue."""
        return [self.queue.id] + ([self.poison_queue.id] if self.poison_queue is not None else [])
