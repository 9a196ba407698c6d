"""Bucket: S3 with public access blocked, owner-enforced objects, encryption and optional versioning.

Object triggers of all functions on one bucket become ONE ``aws.s3.BucketNotification`` (S3 keeps a
single notification configuration per bucket), created by :meth:`Bucket.notify` once the functions
exist, after the permissions that let S3 invoke them. Overlapping filters, which S3 refuses, are
reported by ``stack.check`` (``LIMITS.lacks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from portable.model import Bucket as BucketModel
from portable.model import ObjectTrigger
from portable.native import native_args
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.names import Names
from providers.aws.deploy.permissions import tls_only_policy

if TYPE_CHECKING:
    from providers.aws.deploy.function import Function

S3_EVENTS = {"created": "s3:ObjectCreated:*", "deleted": "s3:ObjectRemoved:*"}

_RESERVED = {
    "bucket": "Bucket names are global to AWS: portable sets a bucket_prefix from the stack and bucket names.",
    "bucket_prefix": "The prefix is derived from the stack and bucket names.",
}


@dataclass(frozen=True)
class Subscription:
    """A function's object trigger on this bucket."""

    function: Function
    trigger: ObjectTrigger


class Bucket(LinkedResource):
    """``portable:aws:Bucket``: ``bucket`` (``aws.s3.Bucket``), ``public_access_block``, ``ownership``,
    ``encryption``, ``policy`` (TLS only), ``versioning`` (or ``None``); after :meth:`notify`, ``notification`` and
    ``permissions`` (function name -> ``aws.lambda_.Permission``)."""

    concept = "Bucket"

    def __init__(
        self, name: str, bucket: BucketModel, *, names: Names, versioned: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        args = native_args(
            "aws", f"Bucket {name!r}", aws.s3.Bucket, {"bucket_prefix": names.bucket_prefix(name), "force_destroy": False},
            bucket.options, reserved=_RESERVED,
        )
        self.bucket = aws.s3.Bucket(name, **args, opts=self.child())
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=self.child(),
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership", bucket=self.bucket.id, rule={"object_ownership": "BucketOwnerEnforced"},
            opts=self.child(),
        )
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=self.bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}], opts=self.child(),
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-tls-only", bucket=self.bucket.id,
            policy=tls_only_policy("s3", self.bucket.arn, ("{arn}", "{arn}/*")),
            opts=self.child(self.public_access_block),
        )
        self.versioning: aws.s3.BucketVersioning | None = None
        if versioned:  # Stack.keeps_versions: asked for, or holding data a function is triggered by
            self.versioning = aws.s3.BucketVersioning(
                f"{name}-versioning", bucket=self.bucket.id,
                versioning_configuration={"status": "Enabled"}, opts=self.child(),
            )
        self.notification: aws.s3.BucketNotification | None = None
        self.permissions: dict[str, aws.lambda_.Permission] = {}
        self.arn = self.bucket.arn
        self.link = {"id": self.bucket.bucket, "arn": self.bucket.arn}
        self.exports = {"name": self.bucket.bucket}
        self.finish()

    def notify(self, subscriptions: Sequence[Subscription], account_id: pulumi.Input[str]) -> None:
        """Let S3 invoke each subscribed function (only from this bucket, in this account) and write the
        bucket's single notification configuration. The one child created after the constructor:
        it needs the functions, which need the bucket."""
        if not subscriptions:
            return
        name = self.portable_name
        for subscription in subscriptions:
            function = subscription.function
            if function.portable_name not in self.permissions:
                self.permissions[function.portable_name] = function.allow_invoke(
                    f"{name}-{function.portable_name}-invoke", principal="s3.amazonaws.com",
                    source_arn=self.bucket.arn, source_account=account_id, parent=self,
                )
        self.notification = aws.s3.BucketNotification(
            f"{name}-notification", bucket=self.bucket.id,
            lambda_functions=[_notification(s) for s in subscriptions],
            opts=self.child(*self.permissions.values()),
        )


def _notification(subscription: Subscription) -> dict[str, Any]:
    trigger = subscription.trigger
    entry: dict[str, Any] = {
        "lambda_function_arn": subscription.function.target_arn,
        "events": [S3_EVENTS[event] for event in trigger.events],
    }
    if trigger.prefix:
        entry["filter_prefix"] = trigger.prefix
    if trigger.suffix:
        entry["filter_suffix"] = trigger.suffix
    return entry
