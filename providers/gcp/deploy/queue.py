"""``portable:gcp:Queue``: a Pub/Sub topic and the subscription that feeds its consumer
(``portable:gcp:QueueTrigger``).

A queue is a topic with a dead-letter topic. Its consumer receives it through a push subscription
(created by :class:`QueueTrigger`, an authenticated POST with an OIDC token of the stack's trigger
identity; Pub/Sub pushes one message per request, so ``batch_size`` has no effect and a non-2xx
answer retries that message alone); a queue no function consumes gets
a pull subscription instead, so that sent messages are kept and a ``consume`` link can read them.
The dead-letter topic has a pull subscription of its own that keeps dead letters for 7 days. The
Pub/Sub service agent may publish to the dead-letter topic and subscribe to the source
subscription: without these two grants dead-lettering silently does nothing.

Subscriptions never expire (Pub/Sub deletes an idle subscription after 31 days by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_gcp as gcp

from portable.model import Queue as QueueModel
from portable.model import QueueTrigger as QueueTriggerModel
from portable.native import native_args
from providers.gcp import contract
from providers.gcp.deploy.component import GcpComponent, LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project

if TYPE_CHECKING:
    from providers.gcp.deploy.function import Function

NEVER_EXPIRE = gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl="")
MAX_RETENTION = 7 * 24 * 3600
"""Pub/Sub keeps unacknowledged messages at most 7 days."""
RETRY = gcp.pubsub.SubscriptionRetryPolicyArgs(minimum_backoff="10s", maximum_backoff="600s")


class DeadLetter:
    """A dead-letter topic (``topic``), the pull subscription that keeps its messages 7 days
    (``subscription``) and the Pub/Sub service agent's grant to publish to it (``publisher``),
    created under ``owner``. Queues and topic subscriptions end in one."""

    def __init__(self, owner: GcpComponent, name: str, *, names: Names, project: Project) -> None:
        settings = project.settings
        self.project = project
        self.topic = gcp.pubsub.Topic(f"{name}-dead-letter", name=names.of(f"{name}-dead-letter"),
                                      project=settings.project, opts=owner.child())
        self.subscription = gcp.pubsub.Subscription(
            f"{name}-dead-letter", name=names.of(f"{name}-dead-letter"), project=settings.project,
            topic=self.topic.id, message_retention_duration=retention(MAX_RETENTION),
            expiration_policy=NEVER_EXPIRE, opts=owner.child())
        self.publisher = gcp.pubsub.TopicIAMMember(
            f"{name}-dead-letter-agent", project=settings.project, topic=self.topic.name,
            role="roles/pubsub.publisher", member=project.pubsub_agent, opts=owner.child())

    def policy(self, attempts: int) -> gcp.pubsub.SubscriptionDeadLetterPolicyArgs:
        return gcp.pubsub.SubscriptionDeadLetterPolicyArgs(dead_letter_topic=self.topic.id,
                                                           max_delivery_attempts=attempts)

    def allow_forwarding(self, owner: GcpComponent, name: str, subscription: gcp.pubsub.Subscription) -> None:
        """The service agent's grant to take dead letters off ``subscription``."""
        gcp.pubsub.SubscriptionIAMMember(
            f"{name}-agent", project=self.project.settings.project, subscription=subscription.name,
            role="roles/pubsub.subscriber", member=self.project.pubsub_agent, opts=owner.child())


def retention(seconds: int) -> str:
    return f"{min(seconds, MAX_RETENTION)}s"


def ack_deadline(*seconds: int) -> int:
    """Pub/Sub's ack deadline (for push: how long it waits for the answer): the longest of ``seconds``
    (the queue's visibility timeout, the consumer's timeout), between Pub/Sub's 10 and 600 seconds.
    Never below the consumer's timeout, or a message is delivered again while it is being handled."""
    return max(10, min(max(seconds), 600))


class Queue(LinkedResource):
    """``portable:gcp:Queue``: ``topic``, ``dead_letter_topic`` and ``dead_letter_subscription`` (or
    ``None``), and ``pull`` (the pull subscription of a queue no function consumes, or ``None``)."""

    concept = "Queue"

    def __init__(self, name: str, model: QueueModel, *, names: Names, project: Project, consumed: bool,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        self.model = model
        self.project = project
        self.subscription_name = names.of(model.name)
        self.topic = gcp.pubsub.Topic(model.name, opts=self.child(), **native_args(
            "gcp", f"Queue {model.name!r}", gcp.pubsub.Topic, {"name": names.of(model.name), "project": settings.project}, model.options))
        self.dead_letter = None if model.dead_letter_after is None else DeadLetter(
            self, model.name, names=names, project=project)
        self.dead_letter_topic = self.dead_letter.topic if self.dead_letter else None
        self.dead_letter_subscription = self.dead_letter.subscription if self.dead_letter else None
        self.pull: gcp.pubsub.Subscription | None = None
        if not consumed:
            self.pull = self.subscription(self, model.name)
        self.link = {"id": self.topic.id,
                     "subscription": f"projects/{settings.project}/subscriptions/{self.subscription_name}"}
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
        if self.dead_letter is not None and model.dead_letter_after is not None:
            dead_letter = self.dead_letter.policy(model.dead_letter_after)
        subscription = gcp.pubsub.Subscription(
            name, name=self.subscription_name, project=settings.project, topic=self.topic.id,
            ack_deadline_seconds=ack_deadline(model.visibility_timeout, consumer_timeout),
            message_retention_duration=retention(model.retention), expiration_policy=NEVER_EXPIRE,
            retry_policy=RETRY, dead_letter_policy=dead_letter, push_config=push, opts=owner.child(*self._needs))
        if self.dead_letter is not None:
            self.dead_letter.allow_forwarding(owner, name, subscription)
        return subscription


class QueueTrigger(GcpComponent):
    """``portable:gcp:QueueTrigger``: ``subscription``, the queue's push subscription to ``function``."""

    concept = "QueueTrigger"

    def __init__(self, name: str, model: QueueTriggerModel, *, names: Names, project: Project,
                 function: Function, queue: Queue, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        push = function.push_config(contract.event_path("queue", queue.portable_name))
        self.subscription = queue.subscription(self, self.portable_name, push, function.model.timeout)
        self.finish({"subscription": self.subscription.id})
