"""``portable:gcp:Queue`` and ``portable:gcp:Topic``: Pub/Sub topics, and the subscriptions that feed them.

A queue is a topic with a dead-letter topic. Its consumer receives it through a push subscription
(created by :class:`~providers.gcp.deploy.triggers.QueueTrigger`); a queue no function consumes gets
a pull subscription instead, so that sent messages are kept and a ``consume`` link can read them.
The dead-letter topic has a pull subscription of its own that keeps dead letters for 7 days. The
Pub/Sub service agent may publish to the dead-letter topic and subscribe to the source
subscription: without these two grants dead-lettering silently does nothing.

Subscriptions never expire (Pub/Sub deletes an idle subscription after 31 days by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.model import Queue as QueueModel
from portable.model import Topic as TopicModel
from portable.native import native_args
from providers.gcp.deploy import names
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.project import Project
from providers.gcp.deploy.settings import GcpSettings

NEVER_EXPIRE = gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl="")
MAX_RETENTION = 7 * 24 * 3600
"""Pub/Sub keeps unacknowledged messages at most 7 days."""
RETRY = gcp.pubsub.SubscriptionRetryPolicyArgs(minimum_backoff="10s", maximum_backoff="600s")


def retention(seconds: int) -> str:
    return f"{min(seconds, MAX_RETENTION)}s"


def ack_deadline(*seconds: int) -> int:
    """Pub/Sub's ack deadline (for push: how long it waits for the answer): the longest of ``seconds``
    (the queue's visibility timeout, the consumer's timeout), between Pub/Sub's 10 and 600 seconds.
    Never below the consumer's timeout, or a message is delivered again while it is being handled."""
    return max(10, min(max(seconds), 600))


class Queue(GcpComponent):
    concept = "Queue"

    def __init__(self, model: QueueModel, *, stack: str, settings: GcpSettings, project: Project, consumed: bool,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(model.name, opts, needs=apis)
        self.model = model
        self.project = project
        self.subscription_name = names.physical(stack, model.name)
        self.topic = gcp.pubsub.Topic(model.name, opts=self.child(), **native_args(
            "gcp", f"Queue {model.name!r}", gcp.pubsub.Topic, {"name": names.physical(stack, model.name), "project": settings.project}, model.options))
        self.dead_letter_topic = self.dead_letter_subscription = None
        if model.dead_letter_after is not None:
            self.dead_letter_topic = gcp.pubsub.Topic(
                f"{model.name}-dead-letter", name=names.physical(stack, f"{model.name}-dead-letter"),
                project=settings.project, opts=self.child())
            self.dead_letter_subscription = gcp.pubsub.Subscription(
                f"{model.name}-dead-letter", name=names.physical(stack, f"{model.name}-dead-letter"),
                project=settings.project, topic=self.dead_letter_topic.id, message_retention_duration=retention(MAX_RETENTION),
                expiration_policy=NEVER_EXPIRE, opts=self.child())
            self.dead_letter_publisher = gcp.pubsub.TopicIAMMember(
                f"{model.name}-dead-letter-agent", project=settings.project, topic=self.dead_letter_topic.name,
                role="roles/pubsub.publisher", member=project.pubsub_agent, opts=self.child())
        self.pull: gcp.pubsub.Subscription | None = None
        if not consumed:
            self.pull = self.subscription(self, model.name)
        self.finish({
            "topic": self.topic.id,
            "dead_letter_topic": self.dead_letter_topic.id if self.dead_letter_topic else None,
        })

    def subscription(self, owner: GcpComponent, name: str, push: gcp.pubsub.SubscriptionPushConfigArgs | None = None,
                     consumer_timeout: int = 0) -> gcp.pubsub.Subscription:
        """The queue's one subscription (push to its consumer, or pull), created under ``owner``,
        with its dead-letter policy and the service agent's grant to forward dead letters."""
        model, settings = self.model, self.project.settings
        dead_letter = None
        if self.dead_letter_topic is not None:
            dead_letter = gcp.pubsub.SubscriptionDeadLetterPolicyArgs(
                dead_letter_topic=self.dead_letter_topic.id, max_delivery_attempts=model.dead_letter_after)
        subscription = gcp.pubsub.Subscription(
            name, name=self.subscription_name, project=settings.project, topic=self.topic.id,
            ack_deadline_seconds=ack_deadline(model.visibility_timeout, consumer_timeout),
            message_retention_duration=retention(model.retention), expiration_policy=NEVER_EXPIRE,
            retry_policy=RETRY, dead_letter_policy=dead_letter, push_config=push, opts=owner.child(*self._needs))
        if dead_letter is not None:
            gcp.pubsub.SubscriptionIAMMember(
                f"{name}-agent", project=settings.project, subscription=subscription.name,
                role="roles/pubsub.subscriber", member=self.project.pubsub_agent, opts=owner.child())
        return subscription

    def link(self) -> dict[str, Any]:
        project = self.project.settings.project
        return {"id": self.topic.id, "subscription": f"projects/{project}/subscriptions/{self.subscription_name}"}


class Topic(GcpComponent):
    concept = "Topic"

    def __init__(self, model: TopicModel, *, stack: str, settings: GcpSettings,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(model.name, opts, needs=apis)
        self.stack = stack
        self.settings = settings
        self.topic = gcp.pubsub.Topic(model.name, opts=self.child(), **native_args(
            "gcp", f"Topic {model.name!r}", gcp.pubsub.Topic, {"name": names.physical(stack, model.name), "project": settings.project}, model.options))
        self.finish({"topic": self.topic.id})

    def subscription(self, owner: GcpComponent, name: str, subscriber: str,
                     push: gcp.pubsub.SubscriptionPushConfigArgs, consumer_timeout: int) -> gcp.pubsub.Subscription:
        """A push subscription for one subscriber function, created under ``owner``."""
        return gcp.pubsub.Subscription(
            name, name=names.physical(self.stack, f"{self.portable_name}-{subscriber}"), project=self.settings.project,
            topic=self.topic.id, ack_deadline_seconds=ack_deadline(consumer_timeout), expiration_policy=NEVER_EXPIRE,
            retry_policy=RETRY, push_config=push, opts=owner.child(*self._needs))

    def link(self) -> dict[str, Any]:
        return {"id": self.topic.id}
