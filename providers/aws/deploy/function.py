"""Function: a Lambda function with its own role, its own log group and the wiring of its triggers.

Children: ``role``; ``log_group`` (created before the function, so Lambda never makes a log group
that keeps logs forever); ``policies`` (one ``RolePolicy`` per link or implied grant, from
:mod:`providers.aws.deploy.permissions`); ``tracing`` (X-Ray); ``function``; with ``min_instances``
an ``alias`` with provisioned ``concurrency`` that every trigger targets; ``event_source_mappings``
(queue triggers, reporting partial batch failures); ``subscriptions`` (topic triggers, with their
invoke ``permissions``); ``failures`` (a queue for failed asynchronous invocations, with its
``async_config``); ``url`` (a Function URL when the function serves HTTP longer than API Gateway
allows). Invoke permissions for the HTTP API and buckets belong to those components.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from portable.deploy import runtime_environment
from portable.errors import PortableError
from portable.model import Function as FunctionModel
from portable.model import QueueTrigger, Stack, TopicTrigger
from portable.native import native_args
from providers.aws.contract import LAMBDA_HANDLER, SQS_RESPONSE_TYPES
from providers.aws.deploy.component import AwsComponent, LinkedResource
from providers.aws.deploy.names import Names
from providers.aws.deploy.permissions import XRAY_POLICY_ARN, grant_policy, trust_policy
from providers.aws.deploy.queue import DEAD_LETTER_RETENTION, encrypted_queue
from providers.aws.limits import LIMITS

LOG_RETENTION_DAYS = 30
API_GATEWAY_TIMEOUT = LIMITS.http_timeout.max if LIMITS.http_timeout else 30
"""Seconds an API Gateway HTTP API waits for an integration: longer functions get a Function URL."""
ASYNC_RETRIES = 2
ASYNC_MAX_EVENT_AGE = 21_600
ALIAS = "live"
ASYNC_TRIGGERS = ("topic", "object", "schedule")
"""Trigger kinds that invoke asynchronously: their failures go to the function's ``failures`` queue."""

_RESERVED = {
    "name": "The function's physical name is derived from the stack and function names.",
    "role": "portable creates the function's role, with one policy per link; add links instead.",
    "code": "portable builds the code from Function(source=..., requirements=...).",
    "handler": "Every function runs the portable shim; set Function(handler=...) for your code.",
    "runtime": "Set Function(runtime=...) instead.",
    "memory_size": "Set Function(memory=...) instead.",
    "timeout": "Set Function(timeout=...) instead.",
    "environment": "Set Function(environment=...) instead.",
    "logging_config": "Logs go to the function's own log group, as JSON, with a retention.",
    "publish": "Versions are published when min_instances is above 0.",
    "reserved_concurrent_executions": "Set Function(max_instances=...) instead.",
}


def uses_function_url(function: FunctionModel) -> bool:
    """Whether the function's HTTP routes are served by a Function URL instead of the HTTP API."""
    return bool(function.http_triggers) and function.timeout > API_GATEWAY_TIMEOUT


class Function(AwsComponent):
    """``portable:aws:Function``. ``resources`` maps ``(kind, name)`` to the linked components.

    ``target_arn``/``invoke_arn``/``qualifier`` are what triggers invoke: the alias when there is one.
    """

    concept = "Function"

    def __init__(
        self,
        name: str,
        function: FunctionModel,
        *,
        names: Names,
        stack: Stack,
        code: pulumi.Archive,
        resources: Mapping[tuple[str, str], LinkedResource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        self.model = function
        self.stack = stack
        self.role = aws.iam.Role(
            f"{name}-role", assume_role_policy=trust_policy("lambda.amazonaws.com"), opts=self.child()
        )
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=names.log_group(name), retention_in_days=LOG_RETENTION_DAYS, opts=self.child()
        )
        # Active tracing writes to X-Ray, whose actions take no resource: AWS's managed write-only policy
        # is the one grant on "*" in this provider (see permissions.XRAY_POLICY_ARN).
        self.tracing = aws.iam.RolePolicyAttachment(
            f"{name}-xray", role=self.role.name, policy_arn=XRAY_POLICY_ARN, opts=self.child()
        )
        self.policies: dict[str, aws.iam.RolePolicy] = {}
        """Role policies by label: ``logs-write``, ``<kind>-<resource>-<access>``, ``failures-send``."""
        self._grant("logs", "log-group", "write", self.log_group.arn)
        self._grant_links(function, resources)
        self.failures: aws.sqs.Queue | None = None
        if any(t.kind in ASYNC_TRIGGERS for t in function.triggers):
            self.failures = encrypted_queue(
                f"{name}-failures", names.queue_of("function", name), self.child(),
                message_retention_seconds=DEAD_LETTER_RETENTION,
            )
            self._grant("failures", "queue", "send", self.failures.arn)

        self.function = aws.lambda_.Function(
            name, **self._arguments(function, names, code, resources), opts=self.child(self.log_group)
        )
        self.alias: aws.lambda_.Alias | None = None
        self.concurrency: aws.lambda_.ProvisionedConcurrencyConfig | None = None
        self.target_arn: pulumi.Output[str] = self.function.arn
        self.invoke_arn: pulumi.Output[str] = self.function.invoke_arn
        self.qualifier: pulumi.Output[str] | None = None
        if function.min_instances:
            self._provision(function.min_instances)

        self.async_config = self._send_failures(self.failures) if self.failures is not None else None
        self.event_source_mappings: dict[str, aws.lambda_.EventSourceMapping] = {}
        self.subscriptions: dict[str, aws.sns.TopicSubscription] = {}
        self.permissions: dict[str, aws.lambda_.Permission] = {}
        for trigger in function.triggers:
            if isinstance(trigger, QueueTrigger):
                self._consume(trigger, resources[("queue", trigger.queue)])
            elif isinstance(trigger, TopicTrigger):
                self._subscribe(trigger, resources[("topic", trigger.topic)])
        self.url = self._serve_url(function) if uses_function_url(function) else None

        self.exports = {"name": self.function.name, "arn": self.target_arn, "log_group": self.log_group.name}
        if self.url is not None:
            self.exports["url"] = self.url.function_url
        self.finish()

    def allow_invoke(
        self,
        name: str,
        *,
        principal: str,
        parent: pulumi.Resource,
        source_arn: pulumi.Input[str] | None = None,
        **extra: Any,
    ) -> aws.lambda_.Permission:
        """Let ``principal`` (a service, from ``source_arn`` only) invoke the function's target. The
        permission is a child of ``parent``: the component that owns the invoking side."""
        return aws.lambda_.Permission(
            name, action=extra.pop("action", "lambda:InvokeFunction"), function=self.function.name,
            qualifier=self.qualifier, principal=principal, source_arn=source_arn, **extra,
            opts=pulumi.ResourceOptions(parent=parent),
        )

    # -- pieces ---------------------------------------------------------------------------------------

    def _grant(self, label: str, kind: str, access: str, arn: pulumi.Input[str]) -> None:
        """One role policy: ``access`` on the ``kind`` resource ``arn``, named after ``label``."""
        key = f"{label}-{access}"
        self.policies[key] = aws.iam.RolePolicy(
            f"{self.portable_name}-{key}", role=self.role.id, policy=grant_policy(kind, access, arn), opts=self.child()
        )

    def _grant_links(self, function: FunctionModel, resources: Mapping[tuple[str, str], LinkedResource]) -> None:
        """A policy per link, and ``consume`` on each queue the function is triggered by (the event source
        mapping polls with the function's role) unless a link already grants it."""
        for link in function.links:
            self._grant(f"{link.kind}-{link.name}", link.kind, link.access, resources[(link.kind, link.name)].arn)
        for trigger in function.triggers:
            if isinstance(trigger, QueueTrigger) and f"queue-{trigger.queue}-consume" not in self.policies:
                self._grant(f"queue-{trigger.queue}", "queue", "consume", resources[("queue", trigger.queue)].arn)

    def _arguments(
        self,
        function: FunctionModel,
        names: Names,
        code: pulumi.Archive,
        resources: Mapping[tuple[str, str], LinkedResource],
    ) -> dict[str, Any]:
        derived: dict[str, Any] = {
            "name": names.of("function", function.name),
            "role": self.role.arn,
            "runtime": f"python{function.runtime}",
            "handler": LAMBDA_HANDLER,
            "code": code,
            "architectures": [function.architecture],
            "memory_size": function.memory,
            "timeout": function.timeout,
            "environment": {
                "variables": runtime_environment(self.stack, function, "aws", lambda kind, name: resources[(kind, name)].link)
            },
            "tracing_config": {"mode": "Active"},
            "logging_config": {
                "log_format": "JSON", "log_group": self.log_group.name,
                "application_log_level": "INFO", "system_log_level": "INFO",  # INFO keeps the REPORT line
            },
        }
        if function.max_instances is not None:
            derived["reserved_concurrent_executions"] = function.max_instances
        if function.min_instances:
            derived["publish"] = True
        subject = f"Function {function.name!r}"
        args = native_args("aws", subject, aws.lambda_.Function, derived, function.options, reserved=_RESERVED)
        if args["architectures"] != [function.architecture]:
            raise PortableError(
                f"{subject}: options['aws']['architectures'] is {args['architectures']!r}, but the function's "
                f"code is built for architecture {function.architecture!r}",
                hint="Set Function(architecture=...) instead: it picks the Lambda architecture and the wheels.",
            )
        return args

    def _provision(self, instances: int) -> None:
        name = self.portable_name
        self.alias = aws.lambda_.Alias(
            f"{name}-alias", name=ALIAS, function_name=self.function.name,
            function_version=self.function.version, opts=self.child(),
        )
        self.concurrency = aws.lambda_.ProvisionedConcurrencyConfig(
            f"{name}-concurrency", function_name=self.function.name, qualifier=self.alias.name,
            provisioned_concurrent_executions=instances, opts=self.child(),
        )
        self.target_arn, self.invoke_arn, self.qualifier = self.alias.arn, self.alias.invoke_arn, self.alias.name

    def _send_failures(self, failures: aws.sqs.Queue) -> aws.lambda_.FunctionEventInvokeConfig:
        """Failed asynchronous invocations (topics, buckets, schedules) go to the ``failures`` queue."""
        return aws.lambda_.FunctionEventInvokeConfig(
            f"{self.portable_name}-async", function_name=self.function.name, qualifier=self.qualifier,
            maximum_retry_attempts=ASYNC_RETRIES, maximum_event_age_in_seconds=ASYNC_MAX_EVENT_AGE,
            destination_config={"on_failure": {"destination": failures.arn}},
            opts=self.child(self.policies["failures-send"]),
        )

    def _consume(self, trigger: QueueTrigger, queue: LinkedResource) -> None:
        args: dict[str, Any] = {}
        if trigger.max_concurrency is not None:
            args["scaling_config"] = {"maximum_concurrency": trigger.max_concurrency}
        if trigger.batch_size > 10:
            args["maximum_batching_window_in_seconds"] = 1  # SQS requires a window above 10 messages
        self.event_source_mappings[trigger.queue] = aws.lambda_.EventSourceMapping(
            f"{self.portable_name}-{trigger.queue}-events", event_source_arn=queue.arn,
            function_name=self.target_arn, batch_size=trigger.batch_size,
            function_response_types=SQS_RESPONSE_TYPES, **args,
            opts=self.child(self.policies[f"queue-{trigger.queue}-consume"]),
        )

    def _subscribe(self, trigger: TopicTrigger, topic: LinkedResource) -> None:
        name = f"{self.portable_name}-{trigger.topic}"
        permission = self.permissions[trigger.topic] = self.allow_invoke(
            f"{name}-invoke", principal="sns.amazonaws.com", source_arn=topic.arn, parent=self
        )
        self.subscriptions[trigger.topic] = aws.sns.TopicSubscription(
            f"{name}-subscription", topic=topic.arn, protocol="lambda", endpoint=self.target_arn,
            opts=self.child(permission),
        )

    def _serve_url(self, function: FunctionModel) -> aws.lambda_.FunctionUrl:
        name = self.portable_name
        public = all(t.public for t in function.http_triggers)
        if not public and any(t.public for t in function.http_triggers):
            pulumi.log.warn(
                f"Function {name!r} serves public and private routes from one Function URL (its timeout "
                f"{function.timeout} s is above API Gateway's {API_GATEWAY_TIMEOUT} s): every route needs "
                "IAM authentication.",
                resource=self,
            )
        url = aws.lambda_.FunctionUrl(
            f"{name}-url", function_name=self.function.name, qualifier=self.qualifier,
            authorization_type="NONE" if public else "AWS_IAM", opts=self.child(),
        )
        if public:  # since October 2025 a public URL needs both statements
            self.permissions["url"] = self.allow_invoke(
                f"{name}-url-public", action="lambda:InvokeFunctionUrl", principal="*", parent=self,
                function_url_auth_type="NONE",
            )
            self.permissions["url-invoke"] = self.allow_invoke(
                f"{name}-url-invoke", principal="*", parent=self, invoked_via_function_url=True,
            )
        return url
