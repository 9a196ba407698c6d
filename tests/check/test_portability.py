"""The portability report: placements and the differences that matter, from each target's facts."""

from __future__ import annotations

from portable.check.portability import Target, differences, placements
from portable.cost.usage import parse_usage
from portable.model import Function, Http, QueueTrigger, Schedule, Stack
from portable.model.queues import Queue
from portable.model.tables import Table
from portable.registry import get_provider


def _targets(*names: str) -> list[Target]:
    return [Target(n, get_provider(n).limits(), get_provider(n).facts()) for n in names]


def _placement(stack: Stack, cloud: str, path: str) -> tuple[str, str, str]:
    found = next(p for p in placements(stack, _targets(cloud)[0]) if p.path == path)
    return found.mode, found.service, found.how


def test_schedule_zones_native_converted_or_unsupported() -> None:
    def stack(zone: str) -> Stack:
        return Stack("shop", functions=[Function(name="report", handler="a:b",
                                                 triggers=[Schedule.cron("0 3 * * *", timezone=zone)])])

    path = "functions.report.triggers.0"
    assert _placement(stack("Europe/Paris"), "gcp", path) == ("native", "Cloud Scheduler", "")
    assert _placement(stack("Asia/Tokyo"), "azure", path) == (
        "emulated", "Azure Functions timer trigger", "converted from Asia/Tokyo to UTC (a fixed offset)")
    assert _placement(stack("Europe/Paris"), "azure", path) == (
        "unsupported", "Azure Functions timer trigger",
        "Europe/Paris changes its UTC offset and the scheduler runs in UTC")


def test_long_http_function_is_served_by_the_function_url_on_aws() -> None:
    stack = Stack("shop", functions=[Function(name="api", handler="a:b", timeout=120, triggers=[Http("GET", "/")])])
    assert _placement(stack, "aws", "functions.api.triggers.0") == (
        "emulated", "API Gateway HTTP API", "served by Lambda Function URL: the timeout is above 30 s")
    assert _placement(stack, "gcp", "functions.api.triggers.0") == ("native", "Cloud Run URL", "")


def test_table_ttl_is_emulated_where_the_service_has_none() -> None:
    stack = Stack("shop", tables=[Table(name="sessions", ttl_attribute="expires")])
    mode, _, how = _placement(stack, "azure", "tables.sessions")
    assert mode == "emulated" and how.endswith(
        "TTL emulated: no server-side TTL: portable hides expired items on read; they stay stored (and billed) "
        "until deleted")
    messages = [f.message for f in differences(stack, _targets("aws", "gcp")) if f.path == "tables.sessions"]
    assert "AWS Lambda: table 'sessions' expires items by 'expires': deleted by a background process, typically " \
           "within a few days of expiry; expired items can be read until then" in messages


def test_ack_deadline_shorter_than_the_consumer_timeout() -> None:
    stack = Stack("shop", queues=[Queue(name="jobs")], functions=[
        Function(name="worker", handler="a:b", timeout=900, triggers=[QueueTrigger(queue="jobs")]),
    ])
    found = [f for f in differences(stack, _targets("gcp")) if "delivered again" in f.message]
    assert [f.message for f in found] == [
        "Google Cloud Run: function 'worker' may run 900 s, but the ack deadline of Pub/Sub topic + push "
        "subscription is at most 600 s: a message still being handled is delivered again"
    ]
    assert [f for f in differences(stack, _targets("aws")) if "delivered again" in f.message] == []


def test_message_and_item_sizes_from_the_usage_file_are_errors_where_they_do_not_fit() -> None:
    stack = Stack("shop", queues=[Queue(name="jobs")], tables=[Table(name="orders")])
    usage = parse_usage({"queues": {"jobs": {"message_kb": 200}}, "tables": {"orders": {"item_kb": 500}}})
    errors = [(f.provider, f.message) for f in differences(stack, _targets("aws", "azure", "gcp"), usage)
              if f.level == "error"]
    assert errors == [
        ("aws", "AWS Lambda: table 'orders' holds 500 KB items, above the 400 KiB Amazon DynamoDB (on-demand) takes"),
        ("azure", "Azure Flex Consumption: queue 'jobs' carries 200 KB messages, above the 64 KiB Azure Queue "
                  "Storage takes"),
    ]


def test_limits_problems_are_findings_of_the_target() -> None:
    stack = Stack("shop", functions=[Function(name="api", handler="a:b", memory=768)])
    found = [f for f in differences(stack, _targets("azure")) if f.rule.id == "portable/limit"]
    assert [(f.level, f.path, f.message) for f in found] == [(
        "error", "functions.api.memory",
        "Azure Flex Consumption: Function 'api': Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got 768",
    )]


def test_key_types_and_numbers_are_noted_where_targets_disagree() -> None:
    stack = Stack("shop", tables=[Table(name="orders")])
    notes = [f.message for f in differences(stack, _targets("aws", "gcp")) if f.level == "note"]
    assert notes == [
        "AWS Lambda: table 'orders' on Amazon DynamoDB (on-demand): keys are string, number or binary; numbers are "
        "decimal, up to 38 significant digits",
        "Google Cloud Run: table 'orders' on Firestore (native mode): keys are string; numbers are 64-bit signed "
        "integers and IEEE 754 doubles; there is no set type",
    ]
    assert [f for f in differences(stack, _targets("gcp")) if f.level == "note"] == []


def test_object_trigger_filters_are_emulated_where_the_service_cannot_filter() -> None:
    from portable.model import ObjectTrigger
    from portable.model.buckets import Bucket

    stack = Stack("shop", buckets=[Bucket(name="uploads")], functions=[
        Function(name="resize", handler="a:b", triggers=[ObjectTrigger(bucket="uploads", suffix=".jpg")]),
    ])
    path = "functions.resize.triggers.0"
    assert _placement(stack, "aws", path) == ("native", "Amazon S3", "")
    mode, service, how = _placement(stack, "gcp", path)
    assert (mode, service) == ("emulated", "Cloud Storage + Eventarc")
    assert how.startswith("Eventarc matches the bucket only: the function receives every object event")
    unfiltered = Stack("shop", buckets=[Bucket(name="uploads")], functions=[
        Function(name="resize", handler="a:b", triggers=[ObjectTrigger(bucket="uploads")]),
    ])
    assert _placement(unfiltered, "gcp", path)[0] == "native"
