"""``portable:gcp:Topic``: a Pub/Sub topic, and one push subscription per subscribing function
(``portable:gcp:TopicTrigger``, authenticated like a queue's; see :mod:`providers.gcp.deploy.queue`).

Subscriptions never expire (Pub/Sub deletes an idle subscription after 31 days by default). A
message a subscriber fails :data:`DEAD_LETTER_AFTER` times goes to the topic's dead-letter topic
(``<topic>-dead-letter``, kept 7 days by its pull subscription), shared by the topic's subscriptions,
with the Pub/Sub service agent's grants, as for a queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
import pulumi_gcp as gcp

from portable.model import Topic as TopicModel
from portable.model import TopicTrigger as TopicTriggerModel
from portable.native import native_args
from providers.gcp import contract
from providers.gcp.deploy.component import GcpComponent, LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project
from providers.gcp.deploy.queue import NEVER_EXPIRE, RETRY, DeadLetter, ack_deadline

if TYPE_CHECKING:
    from providers.gcp.deploy.function import Function

DEAD_LETTER_AFTER = 5
"""Deliveries of a message to one subscriber before it is dead-lettered (Pub/Sub allows 5-100)."""


class Topic(LinkedResource):
    """``portable:gcp:Topic``: ``topic`` (``gcp.pubsub.Topic``) and ``dead_letter`` (a
    :class:`~providers.gcp.deploy.queue.DeadLetter`); its push subscriptions belong to the
    ``TopicTrigger`` of each subscribing function."""

    concept = "Topic"

    def __init__(self, name: str, model: TopicModel, *, names: Names, project: Project,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        self.names = names
        self.settings = settings
        self.topic = gcp.pubsub.Topic(model.name, opts=self.child(), **native_args(
            "gcp", f"Topic {model.name!r}", gcp.pubsub.Topic, {"name": names.of(model.name), "project": settings.project}, model.options))
        self.dead_letter = DeadLetter(self, model.name, names=names, project=project)
        self.link = {"id": self.topic.id}
        self.finish({"topic": self.topic.id, "dead_letter_topic": self.dead_letter.topic.id})

    def subscription(self, owner: GcpComponent, name: str, subscriber: str,
                     push: gcp.pubsub.SubscriptionPushConfigArgs, consumer_timeout: int) -> gcp.pubsub.Subscription:
        """A push subscription for one subscriber function, created under ``owner``, ending in the
        topic's dead letter."""
        subscription = gcp.pubsub.Subscription(
            name, name=self.names.of(f"{self.portable_name}-{subscriber}"), project=self.settings.project,
            topic=self.topic.id, ack_deadline_seconds=ack_deadline(consumer_timeout), expiration_policy=NEVER_EXPIRE,
            retry_policy=RETRY, dead_letter_policy=self.dead_letter.policy(DEAD_LETTER_AFTER), push_config=push,
            opts=owner.child(*self._needs))
        self.dead_letter.allow_forwarding(owner, name, subscription)
        return subscription


class TopicTrigger(GcpComponent):
    """``portable:gcp:TopicTrigger``: ``subscription``, one push subscription for the subscribing function."""

    concept = "TopicTrigger"

    def __init__(self, name: str, model: TopicTriggerModel, *, names: Names, project: Project,
                 function: Function, topic: Topic, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        push = function.push_config(contract.event_path("topic", topic.portable_name))
        self.subscription = topic.subscription(self, self.portable_name, function.portable_name, push,
                                               function.model.timeout)
        self.finish({"subscription": self.subscription.id})
