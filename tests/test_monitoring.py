"""The alarms a monitoring policy asks for: the same list for every cloud."""

from __future__ import annotations

from portable.model import FunctionAlarms, Monitoring, Notify, QueueAlarms, Stack
from portable.monitoring import alarms


def test_the_orders_example_gets_an_alarm_for_every_function_and_every_dead_letter(orders_stack: Stack) -> None:
    found = {a.id: a for a in alarms(orders_stack)}
    for function in ("api", "receipt-worker", "receipt-indexer", "audit-log", "nightly-report"):
        assert {f"{function}-errors", f"{function}-duration", f"{function}-throttles"} <= set(found)
    # topic and object events have a dead letter of their own, watched per consuming function
    assert found["receipt-indexer-failed-events"].kind == "failed_events"
    assert found["audit-log-failed-events"].kind == "failed_events"
    assert "api-failed-events" not in found
    assert found["receipt-jobs-dead-letters"].function == "receipt-worker"
    assert found["receipt-jobs-oldest-message"].threshold == 900
    assert found["nightly-report-failed-runs"].subject_kind == "schedule"


def test_default_thresholds_follow_the_function() -> None:
    stack = Stack("shop")
    stack.function("slow", "app:run", timeout=120)
    errors, duration, throttles = alarms(stack)
    assert (errors.threshold, errors.window, errors.min_invocations) == (0.05, 300, 10)
    assert errors.description == (
        "Function 'slow': more than 5% of invocations failed over 5 minutes (counted from 10 invocations)"
    )
    assert duration.threshold == 0.8 * 120 * 1000
    assert duration.description == "Function 'slow': p95 duration above 96000 ms over 5 minutes (80% of its 120 s timeout)"
    assert throttles.kind == "throttles"


def test_overrides_replace_only_what_they_name() -> None:
    stack = Stack("shop", monitoring=Monitoring(window=600))
    jobs = stack.queue("jobs", alarms=QueueAlarms(oldest_message_age=60, dead_letters=False))
    stack.function("api", "app:api", triggers=[jobs.trigger()],
                   alarms=FunctionAlarms(error_rate=0.01, throttles=False))
    stack.function("cron", "app:cron", alarms=FunctionAlarms(enabled=False))
    found = {a.id: a for a in alarms(stack)}
    assert found["api-errors"].threshold == 0.01
    assert found["api-errors"].window == 600
    assert found["api-errors"].min_invocations == 10
    assert "api-throttles" not in found
    assert not [a for a in found.values() if a.subject == "cron"]
    assert "jobs-dead-letters" not in found
    assert found["jobs-oldest-message"].threshold == 60


def test_monitoring_can_be_turned_off_and_alarms_off_one_by_one() -> None:
    off = Stack("shop", monitoring=Monitoring(enabled=False))
    off.function("api", "app:api")
    assert alarms(off) == []
    quiet = Stack("shop", monitoring=Monitoring(error_rate=None, duration=None, throttles=False,
                                               oldest_message_age=None))
    quiet.queue("jobs", dead_letter_after=None)
    quiet.function("api", "app:api")
    assert alarms(quiet) == []


def test_notify_targets_round_trip_through_yaml() -> None:
    stack = Stack("shop", monitoring=Monitoring(notify=Notify(
        emails=["ops@example.com"], webhooks=["https://hooks.example.com/alarms"],
        existing={"aws": ("arn:aws:sns:eu-west-1:123456789012:pager",)},
    )))
    again = Stack.from_yaml(stack.to_yaml())
    assert again == stack
    assert again.monitoring.notify.existing["aws"] == ("arn:aws:sns:eu-west-1:123456789012:pager",)
    assert not again.monitoring.notify.empty
    assert Notify().empty
