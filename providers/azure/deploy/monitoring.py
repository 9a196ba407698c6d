"""Monitoring: the stack's alarms as Azure Monitor alerts, one action group for the declared targets, and
an Application Insights workbook. Every Function App of the stack reports to the foundation's
Application Insights, so most alarms are log alerts over its ``requests`` and ``traces``; Service Bus
dead letters are a metric alert on the namespace. Cold starts are the host's own start-up traces: no
agent and nothing on the hot path.

The alarms are :func:`portable.monitoring.alarms`; this module only maps each one to its query.
"""

from __future__ import annotations

import json
import uuid

import pulumi
from pulumi_azure_native import applicationinsights, monitor

from portable.model import ObjectTrigger, Stack, TopicTrigger
from portable.monitoring import Alarm, alarms, cost_note
from portable.naming import physical_name
from providers.azure.deploy.component import AzureComponent
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.function_app import schedule_function_name
from providers.azure.deploy.names import Names

RULE_NAME_MAX_LENGTH = 260
PRICE_PER_LOG_ALERT = 1.50
"""USD a month per log alert rule evaluated every 5 minutes (Azure Monitor pricing)."""
PRICE_PER_METRIC_SERIES = 0.10
"""USD a month per time series a metric alert watches."""
_NOT_MADE = {
    "oldest_message": "Azure Storage queues publish no per-queue age metric; the dead-letter alarm and the "
                      "consumer's error-rate alarm watch the queue instead",
}


class Monitoring(AzureComponent):
    """``portable:azure:Monitoring``: ``action_group`` (``monitor.ActionGroup``), ``alerts`` by alarm id
    (``monitor.ScheduledQueryRule`` or ``monitor.MetricAlert``) and ``workbook``."""

    concept = "Monitoring"

    def __init__(self, name: str, stack: Stack, *, names: Names, foundation: Foundation,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        policy, group = stack.monitoring, foundation.resource_group
        self.action_group = monitor.ActionGroup(
            f"{name}-actions", resource_group_name=group.name, action_group_name=physical_name(stack.name, "alarms", RULE_NAME_MAX_LENGTH),
            group_short_name=stack.name[:12], location="Global", enabled=True,
            email_receivers=[{"name": f"email-{i}", "email_address": e, "use_common_alert_schema": True}
                             for i, e in enumerate(policy.notify.emails)],
            webhook_receivers=[{"name": f"webhook-{i}", "service_uri": u, "use_common_alert_schema": True}
                               for i, u in enumerate(policy.notify.webhooks)],
            opts=self.child())
        groups: list[pulumi.Input[str]] = [self.action_group.id, *policy.notify.existing.get("azure", ())]
        self.alerts: dict[str, pulumi.CustomResource] = {}
        monthly: dict[str, float] = {}
        found = alarms(stack)
        for alarm in found:
            if alarm.kind in _NOT_MADE:
                pulumi.log.warn(f"Monitoring: alarm {alarm.id!r} is not made on Azure: {_NOT_MADE[alarm.kind]}")
                continue
            description = alarm.description
            if alarm.kind == "failed_events" and _subscribes(stack, alarm.subject) and foundation.service_bus:
                self.alerts[f"{alarm.id}-bus"] = self._dead_letters_on_the_bus(name, stack, alarm, names, foundation,
                                                                               groups)
                monthly[alarm.id] = PRICE_PER_METRIC_SERIES
                if not _object_events(stack, alarm.subject):
                    continue
            self.alerts[alarm.id] = monitor.ScheduledQueryRule(
                f"{name}-{alarm.id}", resource_group_name=group.name, location=group.location,
                rule_name=physical_name(stack.name, alarm.id, RULE_NAME_MAX_LENGTH), display_name=f"{stack.name} {alarm.id}", description=description,
                kind="LogAlert", severity=2, enabled=True, scopes=[foundation.insights.id],
                evaluation_frequency="PT5M", window_size=f"PT{alarm.window // 60}M",
                criteria={"all_of": [{
                    "query": _query(stack, alarm, names), "time_aggregation": "Count", "operator": "GreaterThan",
                    "threshold": 0, "failing_periods": {"number_of_evaluation_periods": 1,
                                                        "min_failing_periods_to_alert": 1},
                }]},
                actions={"action_groups": groups}, opts=self.child())
            monthly[alarm.id] = monthly.get(alarm.id, 0.0) + PRICE_PER_LOG_ALERT
        made = [a for a in found if a.id in monthly]
        pulumi.log.warn(cost_note(made, "Azure Monitor", monthly))
        self.workbook: applicationinsights.Workbook | None = None
        if policy.dashboard:
            self.workbook = applicationinsights.Workbook(
                f"{name}-workbook", resource_group_name=group.name, location=group.location,
                resource_name_=str(uuid.uuid5(uuid.NAMESPACE_URL, f"portable:{stack.name}:workbook")),
                display_name=f"portable {stack.name}", kind="shared", category="workbook",
                source_id=foundation.insights.id, serialized_data=json.dumps(_workbook(stack, names)),
                opts=self.child())
        self.finish({"action_group": self.action_group.id})

    def _dead_letters_on_the_bus(self, name: str, stack: Stack, alarm: Alarm, names: Names, foundation: Foundation,
                                 groups: list[pulumi.Input[str]]) -> monitor.MetricAlert:
        """Service Bus dead-letters a topic subscription's message itself: a metric of the namespace."""
        assert foundation.service_bus is not None
        function = stack.get_function(alarm.subject)
        topics = [names.topic(t.topic) for t in (function.triggers if function else ()) if isinstance(t, TopicTrigger)]
        return monitor.MetricAlert(
            f"{name}-{alarm.id}-bus", resource_group_name=foundation.resource_group.name, location="global",
            rule_name=physical_name(stack.name, f"{alarm.id}-bus", RULE_NAME_MAX_LENGTH), description=alarm.description, severity=2, enabled=True,
            scopes=[foundation.service_bus.id], evaluation_frequency="PT5M", window_size="PT5M", auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[monitor.MetricCriteriaArgs(
                    criterion_type="StaticThresholdCriterion", name="dead-letters", metric_name="DeadletteredMessages",
                    metric_namespace="Microsoft.ServiceBus/namespaces", operator="GreaterThan", threshold=0,
                    time_aggregation="Maximum",
                    dimensions=[monitor.MetricDimensionArgs(name="EntityName", operator="Include", values=topics)],
                )]),
            actions=[{"action_group_id": g} for g in groups], opts=self.child())


def _subscribes(stack: Stack, function: str) -> bool:
    found = stack.get_function(function)
    return found is not None and any(isinstance(t, TopicTrigger) for t in found.triggers)


def _object_events(stack: Stack, function: str) -> list[int]:
    found = stack.get_function(function)
    return [i for i, t in enumerate(found.triggers if found else ()) if isinstance(t, ObjectTrigger)]


def _requests(app: str) -> str:
    return f'requests | where cloud_RoleName =~ "{app}"'


def _moved_to(queues: list[str]) -> str:
    """The Functions host's warning when a message reaches maxDequeueCount and moves to a poison queue."""
    wanted = ", ".join(f'"{q}"' for q in queues)
    return (f'traces | where message has "Moving message to queue" '
            f'| extend poison = extract("Moving message to queue \'([^\']+)\'", 1, message) | where poison in ({wanted})')


def _query(stack: Stack, alarm: Alarm, names: Names) -> str:
    """The KQL of one log alert: it returns a row when the alarm should fire."""
    if alarm.kind == "dead_letters":
        return _moved_to([names.poison_queue(names.queue(alarm.subject))])
    if alarm.kind == "failed_events":
        return _moved_to([names.poison_queue(names.events_queue(alarm.subject, i))
                          for i in _object_events(stack, alarm.subject)])
    if alarm.kind == "failed_schedule":
        app = names.function_app(alarm.function or alarm.subject)
        return (f'{_requests(app)} | where name == "{schedule_function_name(alarm.subject)}" '
                f'| where success == false')
    requests = _requests(names.function_app(alarm.subject))
    if alarm.kind == "error_rate":
        return (f"{requests} | summarize total = count(), failed = countif(success == false) "
                f"| where total >= {alarm.min_invocations or 1} and todouble(failed) / total > {alarm.threshold}")
    if alarm.kind == "duration":
        return f"{requests} | summarize p95 = percentile(duration, 95) | where p95 > {alarm.threshold:g}"
    return f'{requests} | where resultCode == "429"'  # throttles: Flex answers 429 at its instance limit


def _workbook(stack: Stack, names: Names) -> dict[str, object]:
    """Per function: invocations and failures, p95 duration and cold starts (host start-ups)."""
    items: list[dict[str, object]] = [{"type": 1, "content": {"json": f"## portable stack `{stack.name}`"}}]
    for function in stack.functions:
        app = names.function_app(function.name)
        for title, query in (
            ("invocations and failures", f"{_requests(app)} | summarize invocations = count(), "
                                         "failures = countif(success == false) by bin(timestamp, 5m)"),
            ("p95 duration (ms)", f"{_requests(app)} | summarize p95 = percentile(duration, 95) by bin(timestamp, 5m)"),
            ("cold starts", f'traces | where cloud_RoleName =~ "{app}" and message startswith "Host started" '
                            "| summarize cold_starts = count() by bin(timestamp, 5m)"),
        ):
            items.append({"type": 3, "name": f"{function.name}: {title}", "content": {
                "version": "KqlItem/1.0", "title": f"{function.name}: {title}", "query": query,
                "queryType": 0, "resourceType": "microsoft.insights/components", "visualization": "timechart"}})
    return {"version": "Notebook/1.0", "items": items, "isLocked": False}

