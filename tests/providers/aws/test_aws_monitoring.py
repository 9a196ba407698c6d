"""Monitoring on AWS: a CloudWatch alarm for every function and every dead letter, sent to one SNS topic
with the declared subscriptions, a dashboard and a cold-start metric from Lambda's REPORT lines."""

from __future__ import annotations

import json

from aws_helpers import function

from portable.model import FunctionAlarms, Monitoring, Notify, Stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def _stack(**monitoring: object) -> Stack:
    stack = Stack("shop", monitoring=Monitoring(**monitoring))  # type: ignore[arg-type]
    jobs = stack.queue("jobs")
    events = stack.topic("events")
    function(stack, "api", timeout=10, triggers=[jobs.trigger()])
    function(stack, "audit", triggers=[events.trigger()])
    return stack


def test_every_function_and_dead_letter_has_an_alarm_sent_to_the_topic(plan_for) -> None:  # type: ignore[no-untyped-def]
    plan = plan_for(_stack(notify=Notify(emails=["ops@example.com"], webhooks=["https://hooks.example.com/a"],
                                         existing={"aws": ("arn:aws:sns:eu-west-1:123456789012:pager",)})))
    alarms = {r.inputs["name"]: r.inputs for r in plan.of_type(ALARM)}
    assert set(alarms) == {
        "shop-api-errors", "shop-api-duration", "shop-api-throttles",
        "shop-audit-errors", "shop-audit-duration", "shop-audit-throttles", "shop-audit-failed-events",
        "shop-jobs-dead-letters", "shop-jobs-oldest-message",
    }
    topic = plan.get("aws:sns/topic:Topic", "monitoring-alarms")
    # its own key: CloudWatch cannot publish to a topic under the AWS-managed SNS key
    assert topic.inputs["kmsMasterKeyId"] == "arn:aws:kms:eu-west-1:123456789012:monitoring-alarms-key"
    key = json.loads(plan.get("aws:kms/key:Key", "monitoring-alarms-key").inputs["policy"])
    [cloudwatch] = [s for s in key["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    for inputs in alarms.values():
        assert inputs["alarmActions"] == ["arn:aws:sns:eu-west-1:123456789012:shop-alarms",
                                          "arn:aws:sns:eu-west-1:123456789012:pager"]
        assert inputs["treatMissingData"] == "notBreaching"
    subscriptions = {(r.inputs["protocol"], r.inputs["endpoint"]) for r in plan.of_type(SUBSCRIPTION)
                     if r.inputs["topic"].endswith("shop-alarms")}
    assert subscriptions == {("email", "ops@example.com"), ("https", "https://hooks.example.com/a")}


def test_each_alarm_reads_the_metric_it_names(plan_for) -> None:  # type: ignore[no-untyped-def]
    alarms = {r.inputs["name"]: r.inputs for r in plan_for(_stack()).of_type(ALARM)}
    rate = alarms["shop-api-errors"]
    assert rate["threshold"] == 0.05
    expression = next(q for q in rate["metricQueries"] if "expression" in q)
    assert expression["expression"] == "IF(invocations >= 10, errors / invocations, 0)"
    read = {q["id"]: q["metric"]["metricName"] for q in rate["metricQueries"] if "metric" in q}
    assert read == {"errors": "Errors", "invocations": "Invocations"}
    duration = alarms["shop-api-duration"]
    assert (duration["metricName"], duration["extendedStatistic"], duration["threshold"]) == ("Duration", "p95", 8000)
    assert duration["dimensions"] == {"FunctionName": "shop-api"}
    dead = alarms["shop-jobs-dead-letters"]
    assert (dead["namespace"], dead["metricName"], dead["threshold"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", 0)
    assert dead["dimensions"] == {"QueueName": "shop-jobs_dlq"}
    assert alarms["shop-audit-failed-events"]["dimensions"] == {"QueueName": "shop-audit_failures"}
    oldest = alarms["shop-jobs-oldest-message"]
    assert (oldest["metricName"], oldest["threshold"]) == ("ApproximateAgeOfOldestMessage", 900)


def test_a_schedule_failure_and_the_dashboard(plan_for) -> None:  # type: ignore[no-untyped-def]
    from portable.model import Schedule

    stack = Stack("shop")
    function(stack, "nightly", triggers=[Schedule.cron("0 2 * * *")])
    plan = plan_for(stack)
    failed = plan.get(ALARM, "monitoring-nightly-failed-runs").inputs
    assert failed["dimensions"] == {"QueueName": "shop-nightly_schedule_dlq"}
    body = json.loads(plan.get("aws:cloudwatch/dashboard:Dashboard", "monitoring-dashboard").inputs["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == ["nightly: invocations and errors", "nightly: duration p95 (ms)", "nightly: throttles and cold starts"]
    cold = plan.get("aws:cloudwatch/logMetricFilter:LogMetricFilter", "monitoring-nightly-cold-starts").inputs
    assert cold["logGroupName"] == "/aws/lambda/shop-nightly"
    assert cold["pattern"] == '{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'


def test_overrides_and_turning_monitoring_off(plan_for) -> None:  # type: ignore[no-untyped-def]
    stack = Stack("shop")
    function(stack, "api", alarms=FunctionAlarms(error_rate=0.5, throttles=False))
    alarms = {r.inputs["name"]: r.inputs for r in plan_for(stack).of_type(ALARM)}
    assert set(alarms) == {"shop-api-errors", "shop-api-duration"}
    assert alarms["shop-api-errors"]["threshold"] == 0.5

    off = Stack("shop", monitoring=Monitoring(enabled=False))
    function(off, "api")
    plan = plan_for(off)
    assert plan.of_type(ALARM) == []
    assert plan.of_type("aws:cloudwatch/dashboard:Dashboard") == []
    assert plan.of_type("portable:aws:Monitoring") == []


def test_plan_notes_the_alarms_per_function_and_their_monthly_cost(plan_for) -> None:  # type: ignore[no-untyped-def]
    notes = [n for n in plan_for(_stack()).notes if n.startswith("Monitoring:")]
    assert notes == [
        "Monitoring: 9 CloudWatch alarms, about $1.10 a month: function 'api' 5 (errors, duration, throttles, "
        "dead letters, oldest message; $0.60); function 'audit' 4 (errors, duration, throttles, failed events; $0.50)"
    ]
