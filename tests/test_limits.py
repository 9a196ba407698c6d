"""Provider limits: each target's data, the one check, Stack.check, and physical naming."""

from __future__ import annotations

import re
import sys
import types
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portable import registry
from portable.errors import ProviderNotFound, StackInvalid
from portable.limits import Limit, NameRule, ProviderLimits, check
from portable.model import Function, Http, ObjectTrigger, Queue, QueueTrigger, Schedule, Stack
from portable.naming import physical_name
from providers.aws.limits import LIMITS as AWS
from providers.azure.limits import LIMITS as AZURE
from providers.gcp.limits import LIMITS as GCP
from providers.local.limits import LIMITS as LOCAL

ALL = {"aws": AWS, "azure": AZURE, "gcp": GCP, "local": LOCAL}


def _one(*functions: Function, **resources: Any) -> Stack:
    return Stack(name="shop", functions=list(functions), **resources)


def _messages(stack: Stack, limits: ProviderLimits) -> list[tuple[str, str]]:
    return [(p.severity, p.message) for p in check(stack, limits)]


def test_titles_and_names() -> None:
    assert {name: limits.title for name, limits in ALL.items()} == {
        "aws": "AWS Lambda", "azure": "Azure Flex Consumption", "gcp": "Google Cloud Run",
        "local": "local (this machine)",
    }
    assert all(limits.name == name and limits.schedules == name for name, limits in ALL.items())


@pytest.mark.parametrize("name", ["aws", "gcp", "local"])
def test_the_example_fits(orders_stack: Stack, name: str) -> None:
    assert check(orders_stack, ALL[name]) == []


def test_a_daylight_saving_zone_cannot_run_on_azure() -> None:
    stack = _one(Function(name="nightly-report", handler="app:run",
                          triggers=[Schedule.cron("0 3 * * *", timezone="Europe/Paris")]))
    assert _messages(stack, AZURE) == [("error", (
        "Function 'nightly-report': Azure Functions timers run in UTC, and 'Europe/Paris' changes its UTC offset "
        "during the year (daylight saving time), so '0 3 * * *' cannot be translated exactly. Use timezone 'UTC' "
        "and write the times in UTC: 03:00 in Europe/Paris is 02:00 UTC in January and 01:00 UTC in July. Or "
        "deploy to AWS or Google Cloud, whose schedulers keep time zones."
    ))]


def test_the_example_fits_every_provider(orders_stack: Stack) -> None:
    for limits in (AWS, AZURE, GCP):
        assert _messages(orders_stack, limits) == []


# -- memory, timeouts, runtimes, architectures ---------------------------------------------------


def test_azure_memory_sizes() -> None:
    stack = _one(Function(name="resize", handler="app:run", memory=1024))
    assert _messages(stack, AZURE) == [
        ("error", "Function 'resize': Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got 1024"),
    ]
    assert check(_one(Function(name="resize", handler="app:run", memory=2048)), AZURE) == []


@pytest.mark.parametrize(("name", "memory", "expected"), [
    ("aws", 20000, "AWS Lambda allows memory 128-10240 MB; got 20000"),
    ("aws", 10240, None),
    ("gcp", 32768, None),
    ("local", 32768, None),
])
def test_memory_ranges(name: str, memory: int, expected: str | None) -> None:
    found = _messages(_one(Function(name="api", handler="app:run", memory=memory)), ALL[name])
    assert found == ([("error", f"Function 'api': {expected}")] if expected else [])


def test_timeouts() -> None:
    stack = _one(Function(name="batch", handler="app:run", timeout=1800))
    assert _messages(stack, AWS) == [
        ("error", "Function 'batch': AWS Lambda allows a timeout of at most 900 s; got 1800"),
    ]
    assert check(stack, GCP) == check(stack, AZURE) == check(stack, LOCAL) == []


def test_aws_serves_long_http_functions_through_a_function_url() -> None:
    stack = _one(Function(name="api", handler="app:run", timeout=60, triggers=[Http("POST", "/export")]))
    assert _messages(stack, AWS) == [("warning", (
        "Function 'api': timeout 60 s is above 30 s: API Gateway HTTP APIs end a request after 30 s, so portable "
        "serves this function's routes through a Lambda Function URL (up to 900 s) instead of the stack's HTTP API"
    ))]
    assert registry.check_stack(stack, "aws") == check(stack, AWS)  # a warning does not raise


def test_azure_http_responses_start_within_230_seconds() -> None:
    stack = _one(Function(name="api", handler="app:run", timeout=300, triggers=[Http("POST", "/export")]))
    assert _messages(stack, AZURE) == [("error", (
        "Function 'api': Azure Flex Consumption allows a timeout of at most 230 s for a function run by an HTTP "
        "trigger (Azure ends an HTTP request whose response has not started within 230 s); got 300. Lower the "
        "timeout, or hand the long work to a queue-triggered function"
    ))]


def test_gcp_event_and_schedule_timeouts() -> None:
    jobs = Queue(name="jobs")
    stack = _one(
        Function(name="worker", handler="app:run", timeout=900, triggers=[QueueTrigger(queue="jobs")]),
        Function(name="nightly", handler="app:run", timeout=3600, triggers=[Schedule.cron("0 3 * * *")]),
        queues=[jobs],
    )
    assert _messages(stack, GCP) == [
        ("error", "Function 'worker': Google Cloud Run allows a timeout of at most 600 s for a function run by a "
                  "queue, topic or object trigger (Pub/Sub push subscriptions, which deliver queue, topic and object "
                  "events, wait at most 600 s); got 900. Lower the timeout, or split the work into smaller messages"),
        ("error", "Function 'nightly': Google Cloud Run allows a timeout of at most 1800 s for a function run by a "
                  "schedule (Cloud Scheduler waits at most 30 minutes for an HTTP target); got 3600. Lower the "
                  "timeout, or have the schedule send work to a queue"),
    ]


def test_aws_rejects_python_311_with_a_fix() -> None:
    stack = _one(Function(name="api", handler="app:run", runtime="3.11"))
    assert _messages(stack, AWS) == [("error", (
        "Function 'api': AWS Lambda no longer runs Python 3.11 (python3.11 runs on Amazon Linux 2, which reached "
        "end of life on 2026-06-30); use runtime '3.12', '3.13' or '3.14'"
    ))]
    assert check(stack, AZURE) == check(stack, GCP) == []


@pytest.mark.parametrize("name", ["azure", "gcp"])
def test_arm64_runs_on_aws_only(name: str) -> None:
    stack = _one(Function(name="api", handler="app:run", architecture="arm64"))
    assert _messages(stack, ALL[name]) == [
        ("error", f"Function 'api': {ALL[name].title} runs on 'x86_64' only; got 'arm64'"),
    ]
    assert check(stack, AWS) == []


def test_aws_environment_size() -> None:
    stack = _one(Function(name="api", handler="app:run", environment={"BLOB": "x" * 5000}))
    assert _messages(stack, AWS) == [("error", (
        "Function 'api': AWS Lambda allows 4096 bytes of environment variables; these take 5004. Keep large values "
        "in a bucket or a secret"
    ))]


# -- queues and triggers -------------------------------------------------------------------------


def test_aws_queue_concurrency_starts_at_two() -> None:
    stack = _one(Function(name="worker", handler="app:run", triggers=[QueueTrigger(queue="jobs", max_concurrency=1)]),
                 queues=[Queue(name="jobs")])
    assert _messages(stack, AWS) == [
        ("error", "Function 'worker': AWS Lambda allows max_concurrency 2-1000 for a queue trigger; got 1"),
    ]


def test_azure_batches_of_at_most_32() -> None:
    stack = _one(Function(name="worker", handler="app:run", triggers=[QueueTrigger(queue="jobs", batch_size=100)]),
                 queues=[Queue(name="jobs")])
    assert _messages(stack, AZURE) == [("warning", (
        "Function 'worker': batch_size 100 is above 32: the Azure Storage queue trigger fetches at most 32 messages "
        "at a time, so portable asks for 32"
    ))]


def test_a_hard_batch_limit_is_an_error() -> None:
    limits = ProviderLimits(name="tiny", title="Tiny Cloud", batch_size=Limit(10, "its queues say so"))
    stack = _one(Function(name="worker", handler="app:run", triggers=[QueueTrigger(queue="jobs", batch_size=11)]),
                 queues=[Queue(name="jobs")])
    assert _messages(stack, limits) == [("error", (
        "Function 'worker': Tiny Cloud delivers at most 10 messages per batch (its queues say so); got batch_size 11. "
        "Set batch_size to 10 or less"
    ))]


def test_gcp_dead_letter_range() -> None:
    stack = _one(queues=[Queue(name="jobs", dead_letter_after=2), Queue(name="mail", dead_letter_after=None)])
    assert _messages(stack, GCP) == [("error", (
        "Queue 'jobs': Google Cloud Run moves a message to the dead letter after 5-100 failed deliveries; got "
        "dead_letter_after 2"
    ))]
    assert check(stack, AWS) == []


def test_aws_overlapping_object_triggers() -> None:
    from portable.model import Bucket

    stack = _one(
        Function(name="thumbs", handler="app:run", triggers=[ObjectTrigger(bucket="uploads", prefix="img/")]),
        Function(name="index", handler="app:run", triggers=[ObjectTrigger(bucket="uploads", suffix=".jpg")]),
        Function(name="cleanup", handler="app:run", triggers=[ObjectTrigger(bucket="uploads", events=("deleted",))]),
        buckets=[Bucket(name="uploads")],
    )
    assert _messages(stack, AWS) == [("error", (
        "Function 'index': AWS Lambda cannot send the same object events of bucket 'uploads' to functions 'thumbs' "
        "and 'index': their prefix/suffix filters overlap (S3 keeps one notification configuration per bucket and "
        "rejects overlapping rules). Give them prefixes or suffixes that do not overlap, or publish to a topic from "
        "one function"
    ))]
    assert check(stack, GCP) == check(stack, AZURE) == []


def test_azure_schedule_translation_errors_are_problems() -> None:
    stack = _one(Function(name="sync", handler="app:run", triggers=[Schedule.every(7, "minutes")]))
    assert _messages(stack, AZURE) == [("error", (
        "Function 'sync': 'rate(7 minutes)' cannot run on Azure Functions timers, which take cron expressions only: "
        "the rate does not divide an hour or a day evenly, so no cron runs it exactly. Use a rate of 1, 2, 3, 4, 5, "
        "6, 10, 12, 15, 20 or 30 minutes, of 1, 2, 3, 4, 6, 8 or 12 hours, or of 1 day, or a cron expression."
    ))]
    assert check(stack, AWS) == check(stack, LOCAL) == []


# -- names -------------------------------------------------------------------------------------


def test_gcp_names_may_not_start_with_goog() -> None:
    from portable.model import Bucket

    stack = Stack(name="google-shop", buckets=[Bucket(name="uploads")])
    assert _messages(stack, GCP) == [("error", (
        "Bucket 'uploads': its Cloud Storage bucket name would be 'google-shop-uploads', but it may not start with "
        "'goog'. Rename the bucket or the stack"
    ))]


def test_aws_bucket_prefixes() -> None:
    from portable.model import Bucket

    stack = Stack(name="sthree", buckets=[Bucket(name="logs")])
    assert _messages(stack, AWS) == [("error", (
        "Bucket 'logs': its S3 bucket name would be 'sthree-logs', but it may not start with 'sthree-'. Rename the "
        "bucket or the stack"
    ))]


_safe_names = st.from_regex(r"[b-fh-rt-wyz](?:[b-fh-rt-wyz0-9]|-(?=[b-fh-rt-wyz0-9])){1,29}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(stack=_safe_names, name=_safe_names)
def test_physical_names_follow_every_rule(stack: str, name: str) -> None:
    """Any portable names (avoiding words some clouds reserve) give physical names each cloud accepts."""
    for limits in ALL.values():
        for kind, rule in limits.names.items():
            physical = rule.physical(stack, name)
            assert len(physical) <= rule.max_length, (limits.name, kind, physical)
            assert rule.problem(physical) is None, (limits.name, kind, physical)


def test_name_rule_room() -> None:
    assert NameRule("x", 63).room("orders") == 56
    assert NameRule("x", 24, charset="alnum").room("orders") == 18


# -- naming ------------------------------------------------------------------------------------


def test_physical_name_is_deterministic_and_cut_with_a_hash() -> None:
    long = "receipt-signing-key-for-europe"
    assert physical_name("orders", long, 80) == f"orders-{long}"
    cut = physical_name("orders", long, 30)
    assert cut == physical_name("orders", long, 30)
    assert re.fullmatch(r"orders-receipt-signin-[0-9a-f]{8}", cut), cut
    assert physical_name("orders", "receipt-signing-key-for-asia", 30) != cut


@pytest.mark.parametrize(("charset", "expected"), [
    ("lower", "orders-receipt-jobs"), ("alnum", "ordersreceiptjobs"), ("underscore", "orders_receipt_jobs"),
])
def test_physical_name_charsets(charset: Any, expected: str) -> None:
    assert physical_name("orders", "receipt-jobs", 63, charset) == expected


def test_a_cut_name_never_doubles_its_separator() -> None:
    assert re.fullmatch(r"ab-[0-9a-f]{8}", physical_name("ab", "c-" + "d" * 20, 12))
    assert re.fullmatch(r"abc[0-9a-f]{8}", physical_name("ab", "c-" + "d" * 20, 11, "alnum"))


def test_physical_name_needs_room_for_the_hash() -> None:
    with pytest.raises(ValueError, match="leaves no room"):
        physical_name("orders", "jobs", 9)


# -- registry.check_stack -------------------------------------------------------------------------------


def test_stack_check_raises_with_the_provider_in_the_subject() -> None:
    stack = _one(Function(name="resize", handler="app:run", memory=1024, timeout=60, triggers=[Http("GET", "/")]))
    with pytest.raises(StackInvalid) as caught:
        registry.check_stack(stack, "azure")
    assert str(caught.value) == (
        "Stack 'shop' on Azure Flex Consumption has 1 problem:\n"
        "  - Function 'resize': Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got 1024"
    )


def test_errors_come_before_warnings() -> None:
    stack = _one(Function(name="api", handler="app:run", timeout=60, triggers=[Http("GET", "/")]),
                 Function(name="old", handler="app:run", runtime="3.11"))
    assert [p.severity for p in check(stack, AWS)] == ["error", "warning"]


class _FakeProvider(registry.Provider):
    name: ClassVar[str] = "fake"
    title: ClassVar[str] = "Fake"

    def limits(self) -> ProviderLimits:
        return ProviderLimits(name="fake", title="Fake Cloud", memory=(256,))


def test_a_provider_found_by_name_checks_against_its_own_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("fake_portable_provider")
    module.FakeProvider = _FakeProvider  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_portable_provider", module)
    monkeypatch.setitem(registry.BUILT_IN, "fake", "fake_portable_provider:FakeProvider")
    with pytest.raises(StackInvalid) as caught:
        registry.check_stack(_one(Function(name="api", handler="app:run")), "fake")
    assert str(caught.value) == (
        "Stack 'shop' on Fake Cloud has 1 problem:\n  - Function 'api': Fake Cloud allows memory 256 MB; got 512"
    )


def test_an_unknown_provider_is_refused_with_the_known_names() -> None:
    with pytest.raises(ProviderNotFound, match=r"No provider named 'ibm'\. Known providers: 'aws'"):
        registry.get_provider("ibm")


def test_local_accepts_whatever_the_model_accepts() -> None:
    stack = _one(
        Function(name="big", handler="app:run", memory=32768, timeout=3600, runtime="3.11", architecture="arm64",
                 triggers=[Http("GET", "/"), QueueTrigger(queue="jobs", batch_size=1000, max_concurrency=1),
                           Schedule.every(7, "minutes")]),
        queues=[Queue(name="jobs", dead_letter_after=1)],
    )
    assert check(stack, LOCAL) == []
