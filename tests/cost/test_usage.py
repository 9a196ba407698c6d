"""The usage model: its JSON Schema, its defaults, and how a month is resolved against a stack."""

from __future__ import annotations

import jsonschema
import pytest

from portable.cost.estimate import CostReport
from portable.cost.month import resolve, runs_per_month
from portable.cost.usage import parse_usage, usage_schema
from portable.errors import StackInvalid
from portable.model import Function, QueueTrigger, Schedule, Stack
from portable.model.queues import Queue


def test_the_schema_is_valid_and_rejects_what_the_model_rejects() -> None:
    schema = usage_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator.check_schema(CostReport.model_json_schema())
    jsonschema.validate({"functions": {"api": {"invocations": 5, "duration_ms": 10}}}, schema)
    for bad in ({"functions": {"api": {"duration_ms": 0}}}, {"functions": {"api": {"invocatons": 1}}},
                {"tables": {"t": {"reads": -1}}}, {"logs": {"retention_days": 0}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        with pytest.raises(StackInvalid):
            parse_usage(bad)


def test_the_defaults_are_visible_in_the_schema() -> None:
    defs = usage_schema()["$defs"]
    assert defs["Defaults"]["properties"]["invocations"]["default"] == 100_000
    assert defs["Defaults"]["properties"]["duration_ms"]["default"] == 200.0
    assert defs["TableUsage"]["properties"]["item_kb"]["default"] == 1.0
    assert "Average run time" in defs["FunctionUsage"]["properties"]["duration_ms"]["description"]


def test_runs_per_month() -> None:
    assert runs_per_month(Schedule.cron("0 0 1 * *")) == 1  # the first of every month
    assert runs_per_month(Schedule.cron("0 9 * * 1-5")) == pytest.approx(261 / 12)  # 2027 has 261 weekdays
    assert runs_per_month(Schedule.every(1, "hour")) == 730
    assert runs_per_month(Schedule.cron("* * * * *")) == pytest.approx(43_800)


def test_a_month_fills_gaps_from_the_stack_and_says_so() -> None:
    stack = Stack("shop", queues=[Queue(name="jobs")], functions=[
        Function(name="worker", handler="a:b", triggers=[QueueTrigger(queue="jobs")]),
        Function(name="report", handler="a:b", triggers=[Schedule.cron("0 2 * * *")]),
        Function(name="manual", handler="a:b"),
    ])
    month = resolve(stack, parse_usage({"queues": {"jobs": {"messages": 7000}}, "defaults": {"duration_ms": 50}}))
    assert {n: f.invocations for n, f in month.functions.items()} == {"worker": 7000, "report": 30, "manual": 100_000}
    assert {a.field: a.reason for a in month.assumptions} == {
        "functions.worker.invocations": "one per message of queue 'jobs'",
        "functions.worker.duration_ms": "defaults.duration_ms",
        "functions.report.invocations": "its schedule's runs in a 730-hour month",
        "functions.report.duration_ms": "defaults.duration_ms",
        "functions.manual.invocations": "defaults.invocations",
        "functions.manual.duration_ms": "defaults.duration_ms",
    }
    # and the other way round: a queue's messages follow its consumer's invocations
    month = resolve(stack, parse_usage({"functions": {"worker": {"invocations": 123}}}))
    assert month.queues["jobs"].messages == 123
