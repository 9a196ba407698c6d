"""Monitoring: the stack's alarms as CloudWatch metric alarms, an SNS topic that sends them, a dashboard,
and a cold-start metric read from Lambda's own REPORT lines (no agent, nothing on the hot path).

The alarms are :func:`portable.monitoring.alarms`; this module only maps each one to its metric.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from portable.model import Stack
from portable.monitoring import Alarm, alarms, cost_note
from portable.naming import physical_name
from providers.aws.deploy.component import AwsComponent
from providers.aws.deploy.function import Function
from providers.aws.deploy.permissions import tls_only_policy
from providers.aws.deploy.queue import Queue
from providers.aws.deploy.schedule import Schedule

ALARM_NAME_MAX_LENGTH = 255
METRIC_NAMESPACE = "portable"
PRICE_PER_ALARM_METRIC = 0.10
"""USD a month per metric in a standard-resolution alarm (CloudWatch pricing, us-east-1)."""
COLD_STARTS = '{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'
"""Lambda's JSON REPORT record of an invocation that began with an init phase."""


class Monitoring(AwsComponent):
    """``portable:aws:Monitoring``: ``topic`` (``aws.sns.Topic``) with ``subscriptions``, ``alarms`` by
    alarm id (``aws.cloudwatch.MetricAlarm``), ``cold_starts`` (a ``LogMetricFilter`` per function) and
    ``dashboard`` (``aws.cloudwatch.Dashboard``, unless the policy turns it off). Made when the stack has
    at least one alarm."""

    concept = "Monitoring"

    def __init__(
        self,
        name: str,
        stack: Stack,
        *,
        functions: Mapping[str, Function],
        queues: Mapping[str, Queue],
        schedules: Mapping[str, Schedule],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        policy = stack.monitoring
        self.stack_name = stack.name
        # CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key (its key policy
        # leaves CloudWatch out), so the alarm topic has its own key that lets CloudWatch encrypt.
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        self.key = aws.kms.Key(
            f"{name}-alarms-key", description=f"portable {stack.name}: encrypts the alarm topic",
            enable_key_rotation=True, policy=account.apply(_key_policy), opts=self.child())
        self.topic = aws.sns.Topic(
            f"{name}-alarms", name=physical_name(stack.name, "alarms", 256), kms_master_key_id=self.key.arn,
            opts=self.child(),
        )
        self.topic_policy = aws.sns.TopicPolicy(
            f"{name}-alarms-tls-only", arn=self.topic.arn, policy=tls_only_policy("sns", self.topic.arn),
            opts=self.child())
        self.subscriptions: dict[str, aws.sns.TopicSubscription] = {}
        for index, email in enumerate(policy.notify.emails):
            self.subscriptions[email] = aws.sns.TopicSubscription(
                f"{name}-email-{index}", topic=self.topic.arn, protocol="email", endpoint=email, opts=self.child()
            )
        for index, url in enumerate(policy.notify.webhooks):
            self.subscriptions[url] = aws.sns.TopicSubscription(
                f"{name}-webhook-{index}", topic=self.topic.arn, protocol="https", endpoint=url, opts=self.child()
            )
        actions: list[pulumi.Input[str]] = [self.topic.arn, *policy.notify.existing.get("aws", ())]
        found = alarms(stack)
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for alarm in found:
            metric = _metric(alarm, functions, queues, schedules)
            self.alarms[alarm.id] = aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm.id}",
                name=physical_name(stack.name, alarm.id, ALARM_NAME_MAX_LENGTH),
                alarm_description=alarm.description,
                comparison_operator="GreaterThanThreshold",
                threshold=alarm.threshold,
                evaluation_periods=1,
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
                **metric,
                opts=self.child(),
            )
        self.cold_starts = {
            fn: aws.cloudwatch.LogMetricFilter(
                f"{name}-{fn}-cold-starts", log_group_name=component.log_group.name, pattern=COLD_STARTS,
                metric_transformation={
                    "name": f"ColdStarts-{fn}", "namespace": f"{METRIC_NAMESPACE}/{stack.name}", "value": "1",
                    "default_value": "0",
                },
                opts=self.child(),
            )
            for fn, component in functions.items()
        }
        self.dashboard: aws.cloudwatch.Dashboard | None = None
        if policy.dashboard:
            body = pulumi.Output.all(
                {fn: c.function.name for fn, c in functions.items()},
                {q: c.queue.name for q, c in queues.items()},
                aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region,
            ).apply(lambda parts: json.dumps(_dashboard(stack.name, *parts)))
            self.dashboard = aws.cloudwatch.Dashboard(
                f"{name}-dashboard", dashboard_name=physical_name(stack.name, "dashboard", 255),
                dashboard_body=body, opts=self.child(),
            )
        pulumi.log.warn(cost_note(found, "CloudWatch", {a.id: PRICE_PER_ALARM_METRIC * _metrics_in(a) for a in found}))
        self.finish({"alarm_topic": self.topic.arn})


def _key_policy(account: str) -> str:
    """The account administers the key; CloudWatch may only encrypt for SNS with it."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"},
    ]})


def _metrics_in(alarm: Alarm) -> int:
    """CloudWatch bills each metric an alarm reads: the error rate reads two."""
    return 2 if alarm.kind == "error_rate" else 1


def _metric(alarm: Alarm, functions: Mapping[str, Function], queues: Mapping[str, Queue],
            schedules: Mapping[str, Schedule]) -> dict[str, Any]:
    """The metric (or metric math) an alarm watches, as MetricAlarm arguments."""
    if alarm.kind == "error_rate":
        name = functions[alarm.subject].function.name
        least = alarm.min_invocations or 1

        def lambda_metric(metric: str) -> dict[str, Any]:
            return {"metric": {"namespace": "AWS/Lambda", "metric_name": metric, "period": alarm.window,
                               "stat": "Sum", "dimensions": {"FunctionName": name}}}

        return {"metric_queries": [
            {"id": "errors", **lambda_metric("Errors"), "return_data": False},
            {"id": "invocations", **lambda_metric("Invocations"), "return_data": False},
            {"id": "rate", "expression": f"IF(invocations >= {least}, errors / invocations, 0)",
             "label": "error rate", "return_data": True},
        ]}
    if alarm.kind in ("duration", "throttles"):
        statistic = {"extended_statistic": "p95"} if alarm.kind == "duration" else {"statistic": "Sum"}
        return {"namespace": "AWS/Lambda", "metric_name": "Duration" if alarm.kind == "duration" else "Throttles",
                "period": alarm.window, "dimensions": {"FunctionName": functions[alarm.subject].function.name},
                **statistic}
    if alarm.kind == "oldest_message":
        return _queue_metric("ApproximateAgeOfOldestMessage", queues[alarm.subject].queue.name, alarm.window)
    dead_letter = {
        "dead_letters": lambda: queues[alarm.subject].dead_letter,
        "failed_events": lambda: functions[alarm.subject].failures,
        "failed_schedule": lambda: schedules[alarm.subject].dead_letter,
    }[alarm.kind]()
    if dead_letter is None:
        raise ValueError(f"alarm {alarm.id!r} watches a dead letter that {alarm.subject!r} does not have")
    return _queue_metric("ApproximateNumberOfMessagesVisible", dead_letter.name, alarm.window)


def _queue_metric(metric: str, queue_name: pulumi.Input[str], period: int) -> dict[str, Any]:
    return {"namespace": "AWS/SQS", "metric_name": metric, "period": period, "statistic": "Maximum",
            "dimensions": {"QueueName": queue_name}}


def _dashboard(stack: str, functions: Mapping[str, str], queues: Mapping[str, str], region: str) -> dict[str, Any]:
    """One row per function (invocations and errors, p95 duration, throttles and cold starts), then the queues."""
    widgets: list[dict[str, Any]] = []

    def widget(title: str, metrics: list[list[Any]], stat: str, y: int, x: int) -> None:
        widgets.append({"type": "metric", "x": x, "y": y, "width": 8, "height": 6, "properties": {
            "title": title, "region": region, "stat": stat, "period": 300, "view": "timeSeries", "metrics": metrics,
        }})

    for row, (portable_name, physical) in enumerate(functions.items()):
        y = row * 6
        widget(f"{portable_name}: invocations and errors", [
            ["AWS/Lambda", "Invocations", "FunctionName", physical], [".", "Errors", ".", "."]], "Sum", y, 0)
        widget(f"{portable_name}: duration p95 (ms)", [["AWS/Lambda", "Duration", "FunctionName", physical]],
               "p95", y, 8)
        widget(f"{portable_name}: throttles and cold starts", [
            ["AWS/Lambda", "Throttles", "FunctionName", physical],
            [f"{METRIC_NAMESPACE}/{stack}", f"ColdStarts-{portable_name}"]], "Sum", y, 16)
    base = len(functions) * 6
    for row, (portable_name, physical) in enumerate(queues.items()):
        widget(f"queue {portable_name}: waiting and oldest (s)", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", physical],
            [".", "ApproximateAgeOfOldestMessage", ".", "."]], "Maximum", base + row * 6, 0)
    return {"widgets": widgets}
