"""The registry entry for AWS. Imports nothing heavy: Pulumi and the deploy side load on use."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from portable.provider import ClientFactory, Provider
from portable.registry import missing_sdk

if TYPE_CHECKING:
    import pulumi

    from portable.limits import ProviderLimits
    from portable.model import Function, Stack
    from portable.native import NativeType
    from providers.aws.mocks import AwsCloud


class AwsProvider(Provider):
    """Functions on AWS Lambda, with API Gateway, SQS, SNS, S3, DynamoDB, EventBridge Scheduler and
    Secrets Manager (see :mod:`providers.aws.deploy`)."""

    name: ClassVar[str] = "aws"
    title: ClassVar[str] = "AWS Lambda"
    extra: ClassVar[str | None] = "aws"

    bundle_excludes: ClassVar[tuple[str, ...]] = ("boto3", "botocore", "s3transfer")
    """Provided by the Lambda Python runtime: left out of bundles even when a requirement pulls them in."""

    def limits(self) -> ProviderLimits:
        from providers.aws.limits import LIMITS

        return LIMITS

    def requires(self) -> None:
        missing_sdk(self.name, "pulumi", "pulumi_aws")

    def deploy(self, stack: Stack, root: Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, Any]:
        from portable.deploy import build_bundles
        from providers.aws.deploy.program import deploy_stack

        return deploy_stack(stack, build_bundles(stack, root, self), opts=opts)

    def plan_mocks(self, config: Mapping[str, str]) -> AwsCloud:
        """The fake AWS that ``portable plan`` runs the deploy program against."""
        from providers.aws.mocks import AwsCloud

        return AwsCloud(region=config.get("aws:region") or "us-east-1")

    def recognise(self, payload: Any) -> bool:
        from providers.aws.invoke import recognise

        return recognise(payload)

    def native_events(self, payload: Any, function: Function) -> list[Any]:
        from providers.aws.invoke import native_events

        return native_events(payload)

    def runtime_clients(self) -> Mapping[str, ClientFactory]:
        from providers.aws.clients import BACKENDS

        return BACKENDS

    def native_types(self) -> Mapping[str, NativeType]:
        """The classes (and reserved arguments) the deploy modules pass ``options["aws"]`` to."""
        import pulumi_aws as aws

        from portable.native import NativeType
        from providers.aws.deploy import bucket, function, queue, secret, table, topic

        return {
            "function": NativeType(aws.lambda_.Function, function._RESERVED),
            "bucket": NativeType(aws.s3.Bucket, bucket._RESERVED),
            "queue": NativeType(aws.sqs.Queue, queue._RESERVED),
            "table": NativeType(aws.dynamodb.Table, table._RESERVED),
            "topic": NativeType(aws.sns.Topic, topic._RESERVED),
            "secret": NativeType(aws.secretsmanager.Secret, secret._RESERVED),
        }
