"""Valid stacks: built in Python or read from YAML/JSON, they are the same object and round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portable.model import (
    Bucket,
    Function,
    Http,
    Link,
    ObjectTrigger,
    Queue,
    QueueTrigger,
    Schedule,
    Secret,
    Stack,
    Table,
    Topic,
    TopicTrigger,
)


def test_yaml_twin_equals_the_python_example(orders_stack: Stack, orders_dir: Path) -> None:
    from_yaml = Stack.from_yaml((orders_dir / "stack.yaml").read_text())
    assert from_yaml == orders_stack


def test_example_round_trips_through_yaml(orders_stack: Stack) -> None:
    assert Stack.from_yaml(orders_stack.to_yaml()) == orders_stack


def test_example_round_trips_through_json(orders_stack: Stack) -> None:
    assert Stack.from_json(orders_stack.to_json()) == orders_stack
    assert Stack.from_json(orders_stack.to_json(indent=None)) == orders_stack


def test_builders_and_constructors_give_the_same_stack() -> None:
    built = Stack("shop")
    uploads = built.bucket("uploads", versioned=True)
    jobs = built.queue("jobs", dead_letter_after=3)
    events = built.topic("events")
    orders = built.table("orders", key="order_id", sort_key="created_at")
    key = built.secret("api-key", description="payment provider")
    built.function("api", "app.api:handle", source="src", triggers=[Http("POST", "/orders")],
                   links=[orders.read_write(), jobs.send(), key.read()])
    built.function("worker", "app.worker:run", triggers=[jobs.trigger(batch_size=5)], links=[events.publish()])
    built.function("thumbs", "app.thumbs:run", triggers=[uploads.on_created(suffix=".jpg")], memory=1024)
    built.function("audit", "app.audit:run", triggers=[events.trigger()])
    built.function("nightly", "app.report:run", triggers=[Schedule.cron("0 3 * * *")], links=[orders.read()])

    declared = Stack(
        name="shop",
        buckets=[Bucket(name="uploads", versioned=True)],
        queues=[Queue(name="jobs", dead_letter_after=3)],
        topics=[Topic(name="events")],
        tables=[Table(name="orders", key="order_id", sort_key="created_at")],
        secrets=[Secret(name="api-key", description="payment provider")],
        functions=[
            Function(name="api", handler="app.api:handle", source="src", triggers=[Http("POST", "/orders")],
                     links=[Link(kind="table", name="orders", access="read_write"),
                            Link(kind="queue", name="jobs", access="send"),
                            Link(kind="secret", name="api-key", access="read")]),
            Function(name="worker", handler="app.worker:run", triggers=[QueueTrigger(queue="jobs", batch_size=5)],
                     links=[Link(kind="topic", name="events", access="publish")]),
            Function(name="thumbs", handler="app.thumbs:run", memory=1024,
                     triggers=[ObjectTrigger(bucket="uploads", suffix=".jpg")]),
            Function(name="audit", handler="app.audit:run", triggers=[TopicTrigger(topic="events")]),
            Function(name="nightly", handler="app.report:run", triggers=[Schedule(expression="0 3 * * *")],
                     links=[Link(kind="table", name="orders", access="read")]),
        ],
    )
    assert built == declared
    assert Stack.from_yaml(built.to_yaml()) == declared


def test_minimal_yaml_fills_in_defaults() -> None:
    stack = Stack.from_yaml("name: shop\nfunctions:\n  - {name: api, handler: 'app:run'}\n")
    function = stack.functions[0]
    assert (function.source, function.runtime, function.memory, function.timeout) == (".", "3.12", 512, 30)
    assert function.architecture == "x86_64"


@pytest.mark.parametrize("expression", [
    "0 3 * * *", "*/15 9-17 * * 1-5", "0 0 * * 7", "0 0 * * mon-fri", "0 0 1 jan,jul *", "5-59/15 * * * *",
    "0   3 * * *", "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 days)",
])
def test_valid_schedules(expression: str) -> None:
    assert Schedule.cron(expression).expression == " ".join(expression.split())


def test_http_method_is_upper_cased() -> None:
    assert Http("get", "/").method == "GET"


def test_lookups() -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs", visibility_timeout=30)
    stack.function("worker", "app:run", timeout=120, triggers=[jobs.trigger()])
    stack.function("nightly", "app:report", triggers=[Schedule.cron("0 3 * * *"), Schedule.every(1, "hour")])
    assert [f.name for f in stack.consumers("queue", "jobs")] == ["worker"]
    assert stack.visibility_timeout("jobs") == 720
    assert stack.resource("queue", "jobs") == jobs
    assert stack.get_function("nope") is None
    assert [name for name, _ in stack.get_function("nightly").schedules()] == ["nightly", "nightly-2"]  # type: ignore[union-attr]


def test_lookups_follow_the_stack_as_it_grows() -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs")
    stack.function("worker", "app:run", timeout=60, triggers=[jobs.trigger()])
    assert stack.visibility_timeout("jobs") == 360 and stack.resource("topic", "events") is None
    events = stack.topic("events")
    stack.function("audit", "app:run", triggers=[events.trigger()])
    stack.function("mailer", "app:run", triggers=[events.trigger()])
    assert [f.name for f in stack.consumers("topic", "events")] == ["audit", "mailer"]
    assert stack.resource("topic", "events") == events


def test_visibility_timeout_keeps_a_longer_setting_and_needs_a_queue() -> None:
    stack = Stack("shop")
    jobs = stack.queue("jobs", visibility_timeout=43000)
    stack.function("worker", "app:run", timeout=3600, triggers=[jobs.trigger()])
    assert stack.visibility_timeout("jobs") == 43000
    with pytest.raises(KeyError):
        stack.visibility_timeout("nope")


_names = st.from_regex(r"[a-z][a-z0-9]{1,12}", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(
    stack_name=_names,
    memory=st.integers(128, 32768),
    timeout=st.integers(1, 3600),
    batch=st.integers(1, 1000),
    public=st.booleans(),
    env=st.dictionaries(st.from_regex(r"APP_[A-Z0-9_]{1,10}", fullmatch=True), st.text(max_size=20), max_size=3),
)
def test_any_valid_stack_round_trips(
    stack_name: str, memory: int, timeout: int, batch: int, public: bool, env: dict[str, str]
) -> None:
    stack = Stack(stack_name)
    jobs = stack.queue("jobs")
    stack.function("api", "app.api:handle", memory=memory, timeout=timeout, environment=env,
                   triggers=[Http("GET", "/items/{item_id}", public=public)], links=[jobs.send()])
    stack.function("worker", "app.worker:run", triggers=[jobs.trigger(batch_size=batch)])
    assert Stack.from_yaml(stack.to_yaml()) == stack
    assert Stack.from_json(stack.to_json()) == stack
