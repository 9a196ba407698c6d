"""Invalid stacks fail with the exact message a user reads.

Each file in ``invalid/`` starts with the expected message, one ``# error: `` line per line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portable.errors import StackInvalid
from portable.model import Bucket, Function, Http, Link, Queue, QueueTrigger, Schedule, Stack, Table

INVALID = Path(__file__).parent / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


def _expected(text: str) -> str:
    return "\n".join(line.removeprefix("# error: ") for line in text.splitlines() if line.startswith("# error: "))


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_yaml_stack(case: Path) -> None:
    text = case.read_text()
    expected = _expected(text)
    assert expected, f"{case.name} has no '# error: ' header"
    with pytest.raises(StackInvalid) as caught:
        Stack.from_yaml(text)
    assert str(caught.value) == expected


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_json_stack_says_the_same(case: Path) -> None:
    """JSON goes through the same validation as YAML."""
    import json

    import yaml

    data = yaml.safe_load(case.read_text())
    with pytest.raises(StackInvalid) as caught:
        Stack.from_json(json.dumps(data))
    assert str(caught.value) == _expected(case.read_text())


def _builder_duplicate() -> Any:
    stack = Stack("shop")
    stack.queue("jobs")
    return stack.queue("jobs")


def _builder_dangling_trigger() -> Any:
    stack = Stack("shop")
    stack.queue("emails")
    return stack.function("worker", "app.worker:run", triggers=[QueueTrigger(queue="jobs")])


def _builder_route_clash() -> Any:
    stack = Stack("shop")
    stack.function("api", "app.api:handle", triggers=[Http("GET", "/orders")])
    return stack.function("admin", "app.admin:handle", triggers=[Http("get", "/orders")])


def _builder_unknown_setting() -> Any:
    return Stack("shop").function("api", "app.api:handle", timout=60)


PYTHON_CASES: dict[str, tuple[Callable[[], Any], str]] = {
    "handler_without_function": (
        lambda: Stack("shop").function("api", "app.api"),
        "Function 'api' has 1 problem:\n"
        "  - Function 'api': handler 'app.api' must look like 'module.path:function' (e.g. 'app.orders:create')",
    ),
    "builder_duplicate_queue": (
        _builder_duplicate,
        "Stack 'shop' has 1 problem:\n"
        "  - Stack 'shop' declares queue 'jobs' twice; names must be unique per kind",
    ),
    "builder_dangling_trigger": (
        _builder_dangling_trigger,
        "Stack 'shop' has 1 problem:\n"
        "  - Function 'worker' is triggered by queue 'jobs', but no queue named 'jobs' is declared. "
        "Declared queues: 'emails'.",
    ),
    "builder_route_clash": (
        _builder_route_clash,
        "Stack 'shop' has 1 problem:\n"
        "  - Function 'admin': route 'GET /orders' clashes with 'GET /orders' of function 'api'; "
        "each method and path may be declared once",
    ),
    "builder_unknown_setting": (
        _builder_unknown_setting,
        "Function 'api' has 1 problem:\n"
        "  - Function 'api': unknown field 'timout' (did you mean 'timeout'?). Allowed fields: 'alarms', 'architecture', "
        "'environment', 'handler', 'links', 'log_level', 'max_instances', 'memory', 'min_instances', 'name', 'options', "
        "'requirements', 'runtime', 'source', 'timeout', 'triggers'",
    ),
    "http_without_path": (
        lambda: Http("GET"),
        "Http trigger has 1 problem:\n  - Http trigger: path is required",
    ),
    "rate_of_zero": (
        lambda: Schedule.every(0, "minutes"),
        "Schedule trigger has 1 problem:\n"
        "  - Schedule trigger: rate 'rate(0 minutes)' is not valid; use 'rate(N minutes|hours|days)' with N >= 1, "
        "singular unit for 1, e.g. 'rate(1 hour)', 'rate(5 minutes)'",
    ),
    "rate_in_weeks": (
        lambda: Schedule.every(2, "weeks", name="fortnightly"),
        "Schedule trigger 'fortnightly' has 1 problem:\n"
        "  - Schedule trigger 'fortnightly': rate 'rate(2 weeks)' is not valid; use 'rate(N minutes|hours|days)' "
        "with N >= 1, singular unit for 1, e.g. 'rate(1 hour)', 'rate(5 minutes)'",
    ),
    "unknown_time_zone": (
        lambda: Schedule.cron("0 3 * * *", timezone="Mars/Olympus"),
        "Schedule trigger has 1 problem:\n"
        "  - Schedule trigger: timezone 'Mars/Olympus' is not a tz database name; use e.g. 'UTC', 'Europe/Paris', "
        "'America/New_York'",
    ),
    "secret_written": (
        lambda: Link(kind="secret", name="api-key", access="write"),
        "Link 'api-key' has 1 problem:\n"
        "  - Link 'api-key': link to secret 'api-key' has access 'write'; a secret allows 'read'",
    ),
    "object_event_unknown": (
        lambda: Bucket(name="uploads").on("updated"),  # type: ignore[arg-type]
        "Object trigger has 1 problem:\n"
        "  - Object trigger: events.0 must be 'created' or 'deleted'; got 'updated'",
    ),
    "trigger_dict_without_queue": (
        lambda: Function(name="worker", handler="app:run", triggers=[{"kind": "queue"}]),
        "Function 'worker' has 1 problem:\n  - Function 'worker': triggers.0.queue is required",
    ),
    "visibility_timeout_zero": (
        lambda: Queue(name="jobs", visibility_timeout=0),
        "Queue 'jobs' has 1 problem:\n  - Queue 'jobs': visibility_timeout must be at least 1; got 0",
    ),
    "sort_key_starting_with_digit": (
        lambda: Table(name="orders", sort_key="1st"),
        "Table 'orders' has 1 problem:\n"
        "  - Table 'orders': attribute name '1st' is not allowed; use 1-64 letters, digits and '_', not starting "
        "with a digit",
    ),
    "runtime_as_number": (
        lambda: Function(name="api", handler="app:run", runtime=3.1),
        "Function 'api' has 1 problem:\n"
        "  - Function 'api': runtime must be a string such as '3.12'; got the number 3.1 (in YAML write runtime: "
        "'3.12' with quotes: unquoted 3.10 reads as 3.1)",
    ),
    "json_document_not_a_mapping": (
        lambda: Stack.from_json('"orders"'),
        "Stack has 1 problem:\n"
        "  - Stack: a stack is a mapping with a 'name' and lists of 'functions', 'buckets', 'queues', 'topics', "
        "'tables' and 'secrets'; got a str",
    ),
    "empty_yaml": (
        lambda: Stack.from_yaml(""),
        "Stack has 1 problem:\n"
        "  - Stack: a stack is a mapping with a 'name' and lists of 'functions', 'buckets', 'queues', 'topics', "
        "'tables' and 'secrets'; got nothing",
    ),
}


@pytest.mark.parametrize("name", list(PYTHON_CASES))
def test_invalid_python_stack(name: str) -> None:
    build, expected = PYTHON_CASES[name]
    with pytest.raises(StackInvalid) as caught:
        build()
    assert str(caught.value) == expected


def test_problems_point_at_named_objects_and_fields() -> None:
    """Paths name objects by name and skip pydantic's union tags: functions.resize.triggers.0.batch_size."""
    data = {"name": "shop", "queues": [{"name": "jobs"}], "functions": [
        {"name": "resize", "handler": "app:run", "triggers": [{"kind": "queue", "queue": "jobs", "batch_size": 0}]},
    ]}
    with pytest.raises(StackInvalid) as caught:
        Stack.from_dict(data)
    assert [p.path for p in caught.value.problems] == ["functions.resize.triggers.0.batch_size"]


def test_a_failed_builder_call_leaves_the_stack_unchanged() -> None:
    stack = Stack("shop")
    stack.queue("jobs")
    with pytest.raises(StackInvalid):
        stack.queue("jobs")
    assert [q.name for q in stack.queues] == ["jobs"]


def test_too_many_positional_arguments_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"Http\(\) takes at most 2 positional arguments"):
        Http("GET", "/", True)  # type: ignore[misc]


def test_models_are_frozen() -> None:
    function = Function(name="api", handler="app:run")
    with pytest.raises(Exception, match="frozen"):
        function.memory = 1024  # type: ignore[misc]
