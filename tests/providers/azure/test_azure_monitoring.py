"""Monitoring on Azure: a log alert on Application Insights for every function and every poison queue, a
metric alert for Service Bus dead letters, one action group for the declared targets, and a workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synth import synth

from portable.model import Monitoring, Notify, Schedule, Stack

RULE = "azure-native:monitor:ScheduledQueryRule"
METRIC_ALERT = "azure-native:monitor:MetricAlert"


def _stack(**monitoring: Any) -> Stack:
    stack = Stack("shop", monitoring=Monitoring(**monitoring))
    jobs = stack.queue("jobs")
    events = stack.topic("events")
    uploads = stack.bucket("uploads")
    stack.function("api", handler="app.api:handle", timeout=10, triggers=[jobs.trigger()])
    stack.function("audit", handler="app.audit:handle", triggers=[events.trigger()])
    stack.function("thumbs", handler="app.thumbs:handle", triggers=[uploads.on_created()])
    stack.function("nightly", handler="app.nightly:run", triggers=[Schedule.cron("0 2 * * *")])
    return stack


def _queries(planned: Any) -> dict[str, str]:
    return {name.removeprefix("shop-monitoring-"): inputs["criteria"]["allOf"][0]["query"]
            for name, inputs in planned.of_type(RULE).items()}


def test_every_function_and_poison_queue_has_an_alert_sent_to_the_action_group(tmp_path: Path) -> None:
    planned = synth(_stack(notify=Notify(emails=["ops@example.com"], webhooks=["https://hooks.example.com/a"],
                                         existing={"azure": ("/subscriptions/0/actionGroups/pager",)})), tmp_path)
    queries = _queries(planned)
    assert set(queries) == {f"{f}-{a}" for f in ("api", "audit", "thumbs", "nightly")
                            for a in ("errors", "duration", "throttles")} | {
        "thumbs-failed-events", "nightly-failed-runs", "jobs-dead-letters"}
    group = planned.one("azure-native:monitor:ActionGroup", "shop-monitoring-actions")
    assert group["emailReceivers"] == [{"name": "email-0", "emailAddress": "ops@example.com", "useCommonAlertSchema": True}]
    assert group["webhookReceivers"] == [{"name": "webhook-0", "serviceUri": "https://hooks.example.com/a",
                                          "useCommonAlertSchema": True}]
    for inputs in planned.of_type(RULE).values():
        assert inputs["actions"]["actionGroups"][1] == "/subscriptions/0/actionGroups/pager"
        assert inputs["scopes"][0].endswith("/providers/Microsoft.Insights/components/shop-insights")
    bus = planned.one(METRIC_ALERT, "shop-monitoring-audit-failed-events-bus")
    criterion = bus["criteria"]["allOf"][0]
    assert (criterion["metricName"], criterion["dimensions"][0]["values"]) == ("DeadletteredMessages", ["shop-events"])


def test_each_query_fires_on_what_the_alarm_names(tmp_path: Path) -> None:
    queries = _queries(synth(_stack(), tmp_path))
    assert queries["api-errors"].startswith('requests | where cloud_RoleName =~ "shop-api')
    assert queries["api-errors"].endswith(
        "| summarize total = count(), failed = countif(success == false) "
        "| where total >= 10 and todouble(failed) / total > 0.05")
    assert queries["api-duration"].endswith("| summarize p95 = percentile(duration, 95) | where p95 > 8000")
    assert queries["api-throttles"].endswith('| where resultCode == "429"')
    assert queries["jobs-dead-letters"].endswith('| where poison in ("shop-jobs-poison")')
    assert 'where poison in ("shop-thumbs-events-0-poison")' in queries["thumbs-failed-events"]
    assert '| where name == "schedule_nightly" | where success == false' in queries["nightly-failed-runs"]


def test_the_workbook_and_the_plan_notes(tmp_path: Path) -> None:
    planned = synth(_stack(), tmp_path)
    workbook = next(iter(planned.of_type("azure-native:applicationinsights:Workbook").values()))
    titles = [item.get("name") for item in json.loads(workbook["serializedData"])["items"] if item["type"] == 3]
    assert titles[:3] == ["api: invocations and failures", "api: p95 duration (ms)", "api: cold starts"]
    assert (workbook["kind"], workbook["category"]) == ("shared", "workbook")
    assert ("Monitoring: alarm 'jobs-oldest-message' is not made on Azure: Azure Storage queues publish no "
            "per-queue age metric; the dead-letter alarm and the consumer's error-rate alarm watch the queue "
            "instead") in planned.notes
    cost = next(n for n in planned.notes if n.startswith("Monitoring: 16 Azure Monitor alarms"))
    assert cost.startswith("Monitoring: 16 Azure Monitor alarms, about $22.60 a month:")


def test_monitoring_off_makes_nothing(tmp_path: Path) -> None:
    planned = synth(_stack(enabled=False), tmp_path)
    assert planned.of_type(RULE) == {} and "monitoring" not in planned.components
