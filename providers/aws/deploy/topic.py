"""Topic: an SNS topic encrypted with the AWS-managed key. Subscriptions belong to the functions."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from portable.model import Topic as TopicModel
from portable.native import native_args
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.names import Names
from providers.aws.deploy.permissions import tls_only_policy

MANAGED_KEY = "alias/aws/sns"

_RESERVED = {"name": "The topic's physical name is derived from the stack and topic names."}


class Topic(LinkedResource):
    """``portable:aws:Topic``: ``topic`` (``aws.sns.Topic``) and ``policy`` (TLS only)."""

    concept = "Topic"

    def __init__(
        self, name: str, topic: TopicModel, *, names: Names, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        args = native_args(
            "aws", f"Topic {name!r}", aws.sns.Topic,
            {"name": names.of("topic", name), "kms_master_key_id": MANAGED_KEY}, topic.options, reserved=_RESERVED,
        )
        self.topic = aws.sns.Topic(name, **args, opts=self.child())
        self.policy = aws.sns.TopicPolicy(f"{name}-tls-only", arn=self.topic.arn,
                                          policy=tls_only_policy("sns", self.topic.arn), opts=self.child())
        self.arn = self.topic.arn
        self.link = {"id": self.topic.arn, "arn": self.topic.arn}
        self.exports = {"arn": self.topic.arn}
        self.finish()
