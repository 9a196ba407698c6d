"""Dollar amounts worked out by hand from the published prices (the arithmetic is written out), on
each cloud, including the free-tier boundaries. The rates are those of providers/<cloud>/prices.yaml."""

from __future__ import annotations

import pytest

from portable.cost.month import MONTH_SECONDS
from portable.model import Function, Http, QueueTrigger, Stack
from portable.model.queues import Queue
from portable.model.tables import Table
from tests.cost.conftest import charged, free, priced


def _http_stack(memory: int = 512, min_instances: int = 0, architecture: str = "x86_64") -> Stack:
    return Stack("shop", functions=[Function(
        name="api", handler="app:run", memory=memory, min_instances=min_instances, architecture=architecture,
        triggers=[Http("GET", "/")],
    )])


def _api(invocations: int, duration_ms: float) -> dict[str, object]:
    return {"functions": {"api": {"invocations": invocations, "duration_ms": duration_ms}}}


# -- AWS -----------------------------------------------------------------------------------------


def test_aws_lambda_http_function_without_free_tier() -> None:
    cost = priced(_http_stack(), "aws", _api(3_000_000, 100), free_tier=False)
    # requests: 3,000,000 x $0.20 / 1,000,000
    assert charged(cost, "lambda.requests") == pytest.approx(0.60)
    # duration: 3,000,000 x 0.1 s x 0.5 GB = 150,000 GB-s x $0.0000166667
    assert charged(cost, "lambda.duration.x86_64") == pytest.approx(150_000 * 0.0000166667)
    # HTTP API: 3,000,000 x $1.00 / 1,000,000
    assert charged(cost, "apigateway.http.requests") == pytest.approx(3.00)
    assert cost.free_tier == []
    assert cost.usd == pytest.approx(0.60 + 2.500005 + 3.00)


def test_aws_free_tier_takes_a_million_requests_and_400000_gb_seconds() -> None:
    cost = priced(_http_stack(), "aws", _api(3_000_000, 100))
    assert free(cost, "lambda.requests") == pytest.approx(-0.20)  # 1,000,000 x $0.20 / 1,000,000
    assert free(cost, "lambda.duration") == pytest.approx(-2.500005)  # all 150,000 GB-s are under 400,000
    assert cost.usd == pytest.approx(0.40 + 0 + 3.00)


def test_aws_free_tier_boundary() -> None:
    # 1,000,000 invocations x 0.8 s x 0.5 GB = exactly 400,000 GB-s: everything but the HTTP API is free
    at = priced(_http_stack(), "aws", _api(1_000_000, 800))
    assert at.usd == pytest.approx(1.00)
    # one more invocation: $0.20 / 1,000,000 for its request, 0.4 GB-s x $0.0000166667 for its duration
    past = priced(_http_stack(), "aws", _api(1_000_001, 800))
    assert past.usd - at.usd == pytest.approx(0.0000002 + 0.4 * 0.0000166667 + 0.000001)


def test_aws_arm64_is_priced_as_arm64() -> None:
    cost = priced(_http_stack(architecture="arm64"), "aws", _api(1_000_000, 1000), free_tier=False)
    # 1,000,000 x 1 s x 0.5 GB = 500,000 GB-s x $0.0000133334
    assert charged(cost, "lambda.duration.arm64") == pytest.approx(500_000 * 0.0000133334)
    assert charged(cost, "lambda.duration.x86_64") == 0


def test_aws_min_instances_is_provisioned_concurrency() -> None:
    cost = priced(_http_stack(memory=1024, min_instances=2), "aws", _api(0, 100))
    # 2 instances x 1 GB x 730 h x 3600 s = 5,256,000 GB-s x $0.0000041667
    assert charged(cost, "lambda.provisioned.x86_64") == pytest.approx(5_256_000 * 0.0000041667)
    assert cost.always_on_usd == pytest.approx(21.9001752)


def test_aws_sqs_counts_64kb_chunks_and_batched_receives() -> None:
    stack = Stack("shop", queues=[Queue(name="jobs")], functions=[
        Function(name="worker", handler="app:run", triggers=[QueueTrigger(queue="jobs", batch_size=10)]),
    ])
    cost = priced(stack, "aws", {"queues": {"jobs": {"messages": 1_000_000, "message_kb": 100}},
                                 "functions": {"worker": {"duration_ms": 100}}})
    # sends: 1,000,000 x 2 chunks of 64 KB; receives and deletes: 1,000,000 / 10 each
    # (2,000,000 + 100,000 + 100,000) x $0.40 / 1,000,000 = $0.88, less 1,000,000 free = $0.40
    assert charged(cost, "sqs.requests") == pytest.approx(0.88)
    assert free(cost, "sqs.requests") == pytest.approx(-0.40)
    # the event source mapping's empty long polls, all month
    assert charged(cost, "sqs.polling") == pytest.approx(0.2592)


def test_aws_dynamodb_units_round_up_per_item() -> None:
    stack = Stack("shop", tables=[Table(name="orders")])
    cost = priced(stack, "aws", {"tables": {"orders": {
        "reads": 1_000_000, "writes": 1_000_000, "stored_gb": 30, "item_kb": 2.5}}})
    assert charged(cost, "dynamodb.writes") == pytest.approx(3 * 0.625)  # 3 WRU of 1 KB per 2.5 KB write
    assert charged(cost, "dynamodb.reads") == pytest.approx(1 * 0.125)  # 1 RRU of 4 KB per read
    assert charged(cost, "dynamodb.storage") == pytest.approx(30 * 0.25)
    assert free(cost, "dynamodb.storage") == pytest.approx(-25 * 0.25)  # 25 GB free


# -- Azure ---------------------------------------------------------------------------------------


def test_azure_flex_consumption_with_free_grant() -> None:
    cost = priced(_http_stack(memory=2048), "azure", _api(1_000_000, 500))
    # executions: 1,000,000 x $0.40 / 1,000,000 = $0.40, less 250,000 free = $0.30
    assert charged(cost, "flex.executions") + free(cost, "flex.executions") == pytest.approx(0.30)
    # execution time: 1,000,000 x 0.5 s x 2 GB = 1,000,000 GB-s x $0.000026 = $26.00, less 100,000 free
    assert charged(cost, "flex.execution_time") == pytest.approx(26.00)
    assert charged(cost, "flex.execution_time") + free(cost, "flex.execution_time") == pytest.approx(23.40)
    assert cost.usd == pytest.approx(23.70)


def test_azure_free_grant_boundary() -> None:
    # 250,000 executions x 0.2 s x 2 GB = 100,000 GB-s: exactly the free grant
    assert priced(_http_stack(memory=2048), "azure", _api(250_000, 200)).usd == pytest.approx(0)
    past = priced(_http_stack(memory=2048), "azure", _api(250_001, 200))
    assert past.usd == pytest.approx(0.0000004 + 0.4 * 0.000026)  # one execution, 0.4 GB-s


def test_azure_min_instances_is_always_ready() -> None:
    cost = priced(_http_stack(memory=2048, min_instances=1), "azure", _api(0, 100))
    # 1 instance x 2 GB x 2,628,000 s = 5,256,000 GB-s x $0.000004
    assert cost.always_on_usd == pytest.approx(21.024)


def test_azure_topics_bring_the_service_bus_base_charge() -> None:
    from portable.model.topics import Topic

    cost = priced(Stack("shop", topics=[Topic(name="events")]), "azure", {"topics": {"events": {"messages": 1000}}})
    assert charged(cost, "servicebus.base") == pytest.approx(730 * 0.0135)  # $9.855 a month
    assert charged(cost, "servicebus.operations") + free(cost, "servicebus.operations") == 0  # 13 M included
    # included in the base charge, so still taken off without the free tiers: 1,000 publishes, no subscriber
    plain = priced(Stack("shop", topics=[Topic(name="events")]), "azure", {"topics": {"events": {"messages": 1000}}},
                   free_tier=False)
    assert plain.usd == pytest.approx(730 * 0.0135)
    assert [line.subject for line in plain.free_tier] == ["included"]


# -- Google Cloud --------------------------------------------------------------------------------


def test_gcp_cloud_run_rounds_to_100ms_and_gives_1_vcpu_at_512mb() -> None:
    cost = priced(_http_stack(), "gcp", _api(2_000_000, 250), free_tier=False)
    # requests: 2,000,000 x $0.40 / 1,000,000
    assert charged(cost, "run.requests") == pytest.approx(0.80)
    # 250 ms bills as 300 ms: 2,000,000 x 0.3 s x 1 vCPU = 600,000 vCPU-s x $0.000024
    assert charged(cost, "run.cpu") == pytest.approx(14.40)
    # 600,000 s x 0.5 GiB = 300,000 GiB-s x $0.0000025
    assert charged(cost, "run.memory") == pytest.approx(0.75)
    assert cost.usd == pytest.approx(15.95)


def test_gcp_free_tier() -> None:
    cost = priced(_http_stack(), "gcp", _api(2_000_000, 250))
    # 2,000,000 requests free; 180,000 vCPU-s free: 420,000 x $0.000024; 360,000 GiB-s free covers 300,000
    assert cost.usd == pytest.approx(420_000 * 0.000024)


def test_gcp_free_tier_boundary() -> None:
    # 1,800,000 x 0.1 s x 1 vCPU = 180,000 vCPU-s, 90,000 GiB-s, 1,800,000 requests: all free
    assert priced(_http_stack(), "gcp", _api(1_800_000, 100)).usd == pytest.approx(0)
    past = priced(_http_stack(), "gcp", _api(1_800_001, 100))
    assert past.usd == pytest.approx(0.1 * 0.000024)  # only the one invocation's 0.1 vCPU-s


def test_gcp_min_instances_idle_billing() -> None:
    cost = priced(_http_stack(min_instances=1), "gcp", _api(0, 100))
    # 1 vCPU x 2,628,000 s x $0.0000025 + 0.5 GiB x 2,628,000 s x $0.0000025
    assert cost.always_on_usd == pytest.approx(6.57 + 3.285)


def test_gcp_pubsub_bills_at_least_1kb_per_message_both_ways() -> None:
    stack = Stack("shop", queues=[Queue(name="jobs")], functions=[
        Function(name="worker", handler="app:run", triggers=[QueueTrigger(queue="jobs")]),
    ])
    cost = priced(stack, "gcp", {"queues": {"jobs": {"messages": 1_000_000, "message_kb": 0.5}}}, free_tier=False)
    # 1,000,000 x 1,000 bytes x (publish + delivery) = 2e9 bytes = 1.8626 GiB x $40 / 1,024 GiB
    assert charged(cost, "pubsub.queue.throughput") == pytest.approx(2e9 / 1024**3 * 40 / 1024)


# -- baseline and break-even ---------------------------------------------------------------------


def test_aws_baseline_and_break_even() -> None:
    cost = priced(_http_stack(), "aws", _api(1_000_000, 100))
    # one container of 0.25 vCPU and 0.5 GB: 0.25 x 730 x $0.04048 + 0.5 x 730 x $0.004445 = $9.010025,
    # plus an ALB: 730 x $0.0225 = $16.425
    assert cost.baseline.usd == pytest.approx(9.010025 + 16.425)
    point = cost.break_even[0]
    # per invocation: $0.20/M + 0.05 GB-s x $0.0000166667 + $1.00/M (HTTP API); no fixed cost
    per_call = 0.0000002 + 0.05 * 0.0000166667 + 0.000001
    assert point.invocations_per_month == pytest.approx(9.010025 / per_call)
    assert point.requests_per_second == pytest.approx(9.010025 / per_call / MONTH_SECONDS)


def test_break_even_is_zero_when_always_on_costs_exceed_the_container() -> None:
    cost = priced(_http_stack(memory=1024, min_instances=4), "aws", _api(0, 100))
    # 4 x 1 GB warm = $43.80 a month; the 0.5 vCPU / 1 GB container = $17.02
    point = cost.break_even[0]
    assert point.invocations_per_month == 0
    assert point.note == "its always-on costs alone reach the container's: a container is cheaper at any traffic"
