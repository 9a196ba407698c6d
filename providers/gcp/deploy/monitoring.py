"""Monitoring: the stack's alarms as Cloud Monitoring alert policies, notification channels for the
declared targets, and a dashboard. Cold starts and durations are Cloud Run's own metrics
(``container/startup_latencies``, ``request_latencies``): no agent and nothing on the hot path.

The alarms are :func:`portable.monitoring.alarms`; this module only maps each one to its condition.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.model import Stack
from portable.monitoring import Alarm, alarms, cost_note
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project

PRICE_PER_CONDITION = 0.10
"""USD a month per alert-policy condition (Cloud Monitoring pricing)."""
_RUN = 'resource.type = "cloud_run_revision" AND resource.labels.service_name = "{service}"'
_SUBSCRIPTION = 'resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "{subscription}"'


class Monitoring(GcpComponent):
    """``portable:gcp:Monitoring``: ``channels`` (``gcp.monitoring.NotificationChannel`` per e-mail and
    webhook), ``policies`` by alarm id (``gcp.monitoring.AlertPolicy``) and ``dashboard``.

    ``subscriptions`` maps a function to the Pub/Sub subscription ids whose dead letters its
    ``failed_events`` alarm watches (its topic triggers' subscriptions)."""

    concept = "Monitoring"

    def __init__(self, name: str, stack: Stack, *, names: Names, project: Project,
                 subscriptions: Mapping[str, list[pulumi.Input[str]]], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        policy, gcp_project = stack.monitoring, project.settings.project
        self.channels: dict[str, gcp.monitoring.NotificationChannel] = {}
        for index, email in enumerate(policy.notify.emails):
            self.channels[email] = gcp.monitoring.NotificationChannel(
                f"{name}-email-{index}", project=gcp_project, type="email", display_name=f"{stack.name}: {email}",
                labels={"email_address": email}, opts=self.child())
        for index, url in enumerate(policy.notify.webhooks):
            self.channels[url] = gcp.monitoring.NotificationChannel(
                f"{name}-webhook-{index}", project=gcp_project, type="webhook_tokenauth",
                display_name=f"{stack.name}: webhook {index + 1}", labels={"url": url}, opts=self.child())
        targets: list[pulumi.Input[str]] = [c.name for c in self.channels.values()]
        targets += list(policy.notify.existing.get("gcp", ()))
        self.policies: dict[str, gcp.monitoring.AlertPolicy] = {}
        found = alarms(stack)
        for alarm in found:
            condition = _condition(alarm, names, subscriptions)
            if condition is None:
                project.notes.add(f"Monitoring: alarm {alarm.id!r} is not made on Google Cloud: "
                                  f"{_NOT_MADE[alarm.kind]}")
                continue
            strategy = {"alert_strategy": {"notification_rate_limit": {"period": "300s"}}} \
                if "condition_matched_log" in condition else {}
            self.policies[alarm.id] = gcp.monitoring.AlertPolicy(
                f"{name}-{alarm.id}", project=gcp_project, display_name=f"{stack.name} {alarm.id}", combiner="OR",
                conditions=[{"display_name": alarm.description[:512], **condition}],
                documentation={"content": alarm.description, "mime_type": "text/markdown"},
                notification_channels=targets, **strategy, opts=self.child())
        made = [a for a in found if a.id in self.policies]
        project.notes.add(cost_note(made, "Cloud Monitoring", {a.id: PRICE_PER_CONDITION for a in made}))
        self.dashboard: gcp.monitoring.Dashboard | None = None
        if policy.dashboard:
            self.dashboard = gcp.monitoring.Dashboard(
                f"{name}-dashboard", project=gcp_project,
                dashboard_json=json.dumps(_dashboard(stack, names)), opts=self.child())
        self.finish({"policies": [p.name for p in self.policies.values()]})


_NOT_MADE = {
    "failed_events": "object events through Eventarc have no dead letter subscription to watch; their failures "
                     "show in the function's error-rate alarm",
}


def _threshold(filter_: pulumi.Input[str], threshold: float, window: int, aligner: str,
               reducer: str | None = None, **extra: Any) -> dict[str, Any]:
    aggregation: dict[str, Any] = {"alignment_period": f"{window}s", "per_series_aligner": aligner}
    if reducer:
        aggregation["cross_series_reducer"] = reducer
    return {"condition_threshold": {
        "filter": filter_, "comparison": "COMPARISON_GT", "threshold_value": threshold, "duration": "0s",
        "aggregations": [aggregation], **extra,
    }}


def _condition(alarm: Alarm, names: Names, subscriptions: Mapping[str, list[pulumi.Input[str]]]) -> dict[str, Any] | None:
    """The alert-policy condition of one alarm, or ``None`` where Google Cloud has nothing to watch."""
    if alarm.subject_kind == "function":
        run = _RUN.format(service=names.service(alarm.subject))
        requests = f'{run} AND metric.type = "run.googleapis.com/request_count"'
        if alarm.kind == "error_rate":
            return {"condition_prometheus_query_language": {
                "query": _error_rate_query(names.service(alarm.subject), alarm), "duration": "0s",
                "evaluation_interval": "60s"}}
        if alarm.kind == "duration":
            return _threshold(f'{run} AND metric.type = "run.googleapis.com/request_latencies"', alarm.threshold,
                              alarm.window, "ALIGN_PERCENTILE_95", "REDUCE_MAX")
        if alarm.kind == "throttles":
            # Cloud Run answers 429 when no instance can take the request (max_instances reached).
            return _threshold(f'{requests} AND metric.labels.response_code = "429"', 0, alarm.window,
                              "ALIGN_DELTA", "REDUCE_SUM")
        watched = subscriptions.get(alarm.subject, [])
        if not watched:
            return None
        return _threshold(pulumi.Output.all(*watched).apply(lambda ids: (
            'metric.type = "pubsub.googleapis.com/subscription/dead_letter_message_count" AND '
            'resource.type = "pubsub_subscription" AND ('
            + " OR ".join(f'resource.labels.subscription_id = "{i}"' for i in ids) + ")")),
            0, alarm.window, "ALIGN_DELTA", "REDUCE_SUM")
    if alarm.kind == "dead_letters":
        dead = _SUBSCRIPTION.format(subscription=names.of(f"{alarm.subject}-dead-letter"))
        return _threshold(f'{dead} AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"',
                          0, alarm.window, "ALIGN_MAX")
    if alarm.kind == "oldest_message":
        queue = _SUBSCRIPTION.format(subscription=names.of(alarm.subject))
        return _threshold(f'{queue} AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"',
                          alarm.threshold, alarm.window, "ALIGN_MAX")
    # failed_schedule: Cloud Scheduler logs each failed attempt of the job at ERROR
    return {"condition_matched_log": {"filter": (
        f'resource.type = "cloud_scheduler_job" AND resource.labels.job_id = "{names.of(alarm.subject)}" '
        'AND severity >= ERROR')}}


def _error_rate_query(service: str, alarm: Alarm) -> str:
    """PromQL: the share of 5xx answers over the window, once the window holds ``min_invocations``."""
    window = f"{alarm.window // 60}m"
    selector = f'monitored_resource="cloud_run_revision",service_name="{service}"'
    total = f"sum(increase(run_googleapis_com:request_count{{{selector}}}[{window}]))"
    failed = f'sum(increase(run_googleapis_com:request_count{{{selector},response_code_class="5xx"}}[{window}]))'
    return f"({failed} / {total} > {alarm.threshold}) and ({total} >= {alarm.min_invocations or 1})"


def _dashboard(stack: Stack, names: Names) -> dict[str, Any]:
    """One row per function (requests by response class, p95 latency, cold starts), then the queues."""
    tiles: list[dict[str, Any]] = []

    def chart(title: str, filter_: str, aligner: str, y: int, x: int) -> None:
        tiles.append({"xPos": x, "yPos": y, "width": 4, "height": 4, "widget": {"title": title, "xyChart": {
            "dataSets": [{"timeSeriesQuery": {"timeSeriesFilter": {
                "filter": filter_, "aggregation": {"alignmentPeriod": "60s", "perSeriesAligner": aligner}}}}],
        }}})

    for row, function in enumerate(stack.functions):
        run, y = _RUN.format(service=names.service(function.name)), row * 4
        chart(f"{function.name}: requests by response class",
              f'{run} AND metric.type = "run.googleapis.com/request_count"', "ALIGN_RATE", y, 0)
        chart(f"{function.name}: p95 latency (ms)",
              f'{run} AND metric.type = "run.googleapis.com/request_latencies"', "ALIGN_PERCENTILE_95", y, 4)
        chart(f"{function.name}: cold starts",
              f'{run} AND metric.type = "run.googleapis.com/container/startup_latencies"', "ALIGN_COUNT", y, 8)
    base = len(stack.functions) * 4
    for row, queue in enumerate(stack.queues):
        chart(f"queue {queue.name}: oldest unacked message (s)",
              f'{_SUBSCRIPTION.format(subscription=names.of(queue.name))} AND '
              'metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"', "ALIGN_MAX",
              base + row * 4, 0)
    return {"displayName": f"portable {stack.name}", "mosaicLayout": {"columns": 12, "tiles": tiles}}
