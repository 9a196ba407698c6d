"""Queue: an SQS queue with a dead-letter queue and a redrive policy, encrypted (SSE-SQS)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from portable.model import Queue as QueueModel
from portable.native import native_args
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.names import Names
from providers.aws.deploy.permissions import tls_only_policy

DEAD_LETTER_RETENTION = 1_209_600
"""Seconds a dead letter is kept: 14 days, SQS's maximum."""

_RESERVED = {
    "name": "The queue's physical name is derived from the stack and queue names.",
    "redrive_policy": "Set Queue(dead_letter_after=...) instead.",
    "visibility_timeout_seconds": "Set Queue(visibility_timeout=...) instead (it is raised to 6 times the consumer's timeout).",
    "message_retention_seconds": "Set Queue(retention=...) instead.",
}


def encrypted_queue(name: str, physical_name: str, opts: pulumi.ResourceOptions, **args: Any) -> aws.sqs.Queue:
    """An SQS queue encrypted with SQS-managed keys (unless ``args`` names a KMS key) that refuses
    requests without TLS: every queue of this provider, dead letters and failure destinations included,
    is made here."""
    encryption = {} if "kms_master_key_id" in args else {"sqs_managed_sse_enabled": True}
    queue = aws.sqs.Queue(name, **{"name": physical_name, **encryption, **args}, opts=opts)
    aws.sqs.QueuePolicy(f"{name}-tls-only", queue_url=queue.url, policy=tls_only_policy("sqs", queue.arn),
                        opts=opts)
    return queue


class Queue(LinkedResource):
    """``portable:aws:Queue``: ``queue`` (``aws.sqs.Queue``) and ``dead_letter`` (``None`` when
    ``dead_letter_after`` is ``None``). A message received ``dead_letter_after`` times moves to the
    dead letter. ``visibility_timeout`` comes from :meth:`portable.model.Stack.visibility_timeout`
    (raised to 6 times the consumer's timeout)."""

    concept = "Queue"

    def __init__(
        self,
        name: str,
        queue: QueueModel,
        *,
        names: Names,
        visibility_timeout: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        self.dead_letter: aws.sqs.Queue | None = None
        derived: dict[str, Any] = {
            "visibility_timeout_seconds": visibility_timeout,
            "message_retention_seconds": queue.retention,
        }
        if queue.dead_letter_after is not None:
            self.dead_letter = encrypted_queue(
                f"{name}-dead-letter", names.queue_of("queue", name), self.child(),
                message_retention_seconds=DEAD_LETTER_RETENTION,
            )
            receives = queue.dead_letter_after
            derived["redrive_policy"] = self.dead_letter.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": receives})
            )
        args = native_args("aws", f"Queue {name!r}", aws.sqs.Queue, derived, queue.options, reserved=_RESERVED)
        self.queue = encrypted_queue(name, names.of("queue", name), self.child(), **args)
        self.arn = self.queue.arn
        self.link = {"id": self.queue.url, "arn": self.queue.arn}
        self.exports = {"url": self.queue.url}
        if self.dead_letter is not None:
            self.exports["dead_letter_url"] = self.dead_letter.url
        self.finish()
