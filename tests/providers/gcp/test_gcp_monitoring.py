"""Monitoring on Google Cloud: an alert policy for every function and every dead letter, notification
channels for the declared targets, and a dashboard over Cloud Run's own metrics."""

from __future__ import annotations

import json
from typing import Any

from portable.model import Monitoring, Notify, Schedule, Stack

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"


def _stack(**monitoring: Any) -> Stack:
    stack = Stack("shop", monitoring=Monitoring(**monitoring))
    jobs = stack.queue("jobs")
    events = stack.topic("events")
    stack.function("api", handler="app.api:handle", timeout=10, triggers=[jobs.trigger()])
    stack.function("audit", handler="app.audit:handle", triggers=[events.trigger()])
    stack.function("nightly", handler="app.nightly:run", triggers=[Schedule.cron("0 2 * * *")])
    return stack


def _conditions(synth: Any, stack: Stack) -> dict[str, dict[str, Any]]:
    plan = synth(stack)
    return {r.name.removeprefix("monitoring-"): r.inputs["conditions"][0] for r in plan.all(POLICY)}


def test_every_function_and_dead_letter_has_a_policy_sent_to_the_channels(synth: Any) -> None:
    plan = synth(_stack(notify=Notify(emails=["ops@example.com"], webhooks=["https://hooks.example.com/a"],
                                      existing={"gcp": ("projects/acme-orders/notificationChannels/42",)})))
    policies = {r.name.removeprefix("monitoring-"): r.inputs for r in plan.all(POLICY)}
    assert set(policies) == {
        "api-errors", "api-duration", "api-throttles", "audit-errors", "audit-duration", "audit-throttles",
        "audit-failed-events", "nightly-errors", "nightly-duration", "nightly-throttles", "nightly-failed-runs",
        "jobs-dead-letters", "jobs-oldest-message",
    }
    channels = {r.inputs["type"]: r.inputs["labels"] for r in plan.all(CHANNEL)}
    assert channels == {"email": {"email_address": "ops@example.com"},
                        "webhook_tokenauth": {"url": "https://hooks.example.com/a"}}
    for inputs in policies.values():
        assert len(inputs["notificationChannels"]) == 3
        assert "projects/acme-orders/notificationChannels/42" in inputs["notificationChannels"]
    assert "monitoring.googleapis.com" in [r.inputs["service"] for r in plan.all("gcp:projects/service:Service")]


def test_each_policy_watches_the_metric_it_names(synth: Any) -> None:
    conditions = _conditions(synth, _stack())
    query = conditions["api-errors"]["conditionPrometheusQueryLanguage"]["query"]
    assert query == (
        '(sum(increase(run_googleapis_com:request_count{monitored_resource="cloud_run_revision",service_name="shop-api",'
        'response_code_class="5xx"}[5m])) / sum(increase(run_googleapis_com:request_count{monitored_resource='
        '"cloud_run_revision",service_name="shop-api"}[5m])) > 0.05) and (sum(increase(run_googleapis_com:'
        'request_count{monitored_resource="cloud_run_revision",service_name="shop-api"}[5m])) >= 10)'
    )
    duration = conditions["api-duration"]["conditionThreshold"]
    assert duration["thresholdValue"] == 8000
    assert 'metric.type = "run.googleapis.com/request_latencies"' in duration["filter"]
    assert duration["aggregations"][0]["perSeriesAligner"] == "ALIGN_PERCENTILE_95"
    assert 'metric.labels.response_code = "429"' in conditions["api-throttles"]["conditionThreshold"]["filter"]
    dead = conditions["jobs-dead-letters"]["conditionThreshold"]["filter"]
    assert 'resource.labels.subscription_id = "shop-jobs-dead-letter"' in dead
    assert "subscription/num_undelivered_messages" in dead
    oldest = conditions["jobs-oldest-message"]["conditionThreshold"]
    assert (oldest["thresholdValue"], "oldest_unacked_message_age" in oldest["filter"]) == (900, True)
    failed = conditions["audit-failed-events"]["conditionThreshold"]["filter"]
    assert 'resource.labels.subscription_id = "shop-events-audit"' in failed
    assert "subscription/dead_letter_message_count" in failed
    assert conditions["nightly-failed-runs"]["conditionMatchedLog"]["filter"] == (
        'resource.type = "cloud_scheduler_job" AND resource.labels.job_id = "shop-nightly" AND severity >= ERROR')


def test_dashboard_and_the_plan_note(synth: Any) -> None:
    stack = Stack("shop")
    stack.function("api", handler="app.api:handle")
    plan = synth(stack)
    dashboard = json.loads(plan.one("gcp:monitoring/dashboard:Dashboard", "monitoring-dashboard").inputs["dashboardJson"])
    titles = [t["widget"]["title"] for t in dashboard["mosaicLayout"]["tiles"]]
    assert titles == ["api: requests by response class", "api: p95 latency (ms)", "api: cold starts"]
    assert [n for n in plan.warnings if n.startswith("Monitoring:")] == [
        "Monitoring: 3 Cloud Monitoring alarms, about $0.30 a month: function 'api' 3 (errors, duration, "
        "throttles; $0.30)"
    ]


def test_object_events_through_eventarc_say_why_they_have_no_dead_letter_alarm(synth: Any) -> None:
    stack = Stack("shop")
    uploads = stack.bucket("uploads")
    stack.function("thumbs", handler="app.thumbs:handle", triggers=[uploads.on_created()])
    plan = synth(stack)
    assert "monitoring-thumbs-failed-events" not in plan.names(POLICY)
    assert ("Monitoring: alarm 'thumbs-failed-events' is not made on Google Cloud: object events through Eventarc "
            "have no dead letter subscription to watch; their failures show in the function's error-rate alarm"
            ) in plan.warnings


def test_monitoring_off_makes_nothing(synth: Any) -> None:
    plan = synth(_stack(enabled=False))
    assert plan.all(POLICY) == [] and plan.all("portable:gcp:Monitoring") == []
