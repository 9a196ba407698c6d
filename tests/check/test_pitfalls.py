"""Each pitfall rule: found where it applies, quiet where it does not, with its exact message."""

from __future__ import annotations

from pathlib import Path

from portable.check.pitfalls import (
    frequent_schedule,
    memory_over_provisioned,
    mixed_capabilities,
    module_state,
    public_cold_start,
    timeout_near_cap,
)
from portable.check.portability import Target
from portable.cost.measured import Measured
from portable.cost.usage import parse_usage
from portable.model import Function, Http, QueueTrigger, Schedule
from portable.registry import get_provider


def _target(name: str) -> Target:
    provider = get_provider(name)
    return Target(name, provider.limits(), provider.facts())


def _messages(findings: object) -> list[str]:
    return [f.message for f in findings]  # type: ignore[attr-defined]


def test_public_route_without_min_instances() -> None:
    cold = Function(name="api", handler="a:b", triggers=[Http("GET", "/", public=True)])
    assert _messages(public_cold_start(cold)) == [
        "Function 'api' serves public routes (GET /) with min_instances 0: the first request after an idle "
        "spell waits for a cold start"
    ]
    assert list(public_cold_start(cold.model_copy(update={"min_instances": 1}))) == []
    assert list(public_cold_start(Function(name="api", handler="a:b", triggers=[Http("GET", "/")]))) == []


def test_memory_well_above_the_measured_peak() -> None:
    function = Function(name="api", handler="a:b", memory=1024)
    measured = Measured.from_dict({"functions": {"api": {"invocations": 5, "duration_ms": 3, "peak_memory_mb": 80}}})
    found = list(memory_over_provisioned(function, None, measured))
    assert _messages(found) == [
        "Function 'api' has memory 1024 MB, 12.8 times its peak of 80 MB (measured by portable dev)"
    ]
    assert found[0].fix == "Lower memory towards 128 MB (1.5 times the peak), then measure again."
    usage = parse_usage({"functions": {"api": {"peak_memory_mb": 600}}})
    assert list(memory_over_provisioned(function, usage, None)) == []  # 1024 < 2 x 600
    assert list(memory_over_provisioned(function, None, None)) == []  # nothing measured: nothing said


def test_timeout_at_80_percent_of_the_front_door_cap() -> None:
    api = Function(name="api", handler="a:b", timeout=24, triggers=[Http("GET", "/")])
    assert _messages(timeout_near_cap(api, [_target("aws")])) == [
        "AWS Lambda: function 'api' has timeout 24 s, 80% of API Gateway HTTP API's request timeout (30 s)"
    ]
    assert list(timeout_near_cap(api.model_copy(update={"timeout": 23}), [_target("aws")])) == []
    # past 30 s AWS serves the routes from a Function URL, whose cap is Lambda's 900 s
    long = api.model_copy(update={"timeout": 800})
    assert _messages(timeout_near_cap(long, [_target("aws")])) == [
        "AWS Lambda: function 'api' has timeout 800 s, 89% of AWS Lambda's maximum (900 s)",
        "AWS Lambda: function 'api' has timeout 800 s, 89% of Lambda Function URL's maximum (900 s)",
    ]
    assert _messages(timeout_near_cap(api.model_copy(update={"timeout": 200}), [_target("azure")])) == [
        "Azure Flex Consumption: function 'api' has timeout 200 s, 87% of Azure Functions HTTP trigger's "
        "request timeout (230 s)"
    ]


def test_a_function_spanning_capabilities() -> None:
    wide = Function(name="api", handler="a:b", triggers=[
        Http("GET", "/orders"), Http("GET", "/users"), Http("POST", "/admin/reset"),
    ])
    assert _messages(mixed_capabilities(wide)) == ["Function 'api' spans 3 capabilities (/orders, /users, /admin)"]
    mixed = Function(name="api", handler="a:b", triggers=[Http("GET", "/orders"), QueueTrigger(queue="jobs")])
    assert _messages(mixed_capabilities(mixed)) == [
        "Function 'api' spans 2 capabilities (/orders, queue jobs); it answers HTTP and consumes events"
    ]
    narrow = Function(name="api", handler="a:b", triggers=[Http("GET", "/orders"), Http("GET", "/orders/{id}")])
    assert list(mixed_capabilities(narrow)) == []


def test_module_state_is_found_in_the_handler_source(tmp_path: Path) -> None:
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("")
    (tmp_path / "src" / "app" / "api.py").write_text(
        "SEEN = []\n"
        "COUNTS: dict = {}\n"
        "total = 0\n"
        "LIMITS = {'a': 1}\n"
        "\n"
        "def handle(request):\n"
        "    global total\n"
        "    total += 1\n"
        "    SEEN.append(request)\n"
        "    COUNTS[request] = LIMITS['a']\n"
    )
    function = Function(name="api", handler="app.api:handle", source="src")
    found = list(module_state(function, tmp_path))
    assert _messages(found) == [
        "Function 'api' keeps state in module globals between invocations: 'total' (line 7), 'SEEN' (line 9), "
        "'COUNTS' (line 10) in src/app/api.py"
    ]
    assert found[0].line == 7 and found[0].file == str(tmp_path / "src" / "app" / "api.py")


def test_a_stateless_handler_is_not_flagged(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("TABLE = {'a': 1}\n\ndef handle(request):\n    return TABLE.get('a')\n")
    assert list(module_state(Function(name="api", handler="app:handle"), tmp_path)) == []


def test_schedules_every_minute() -> None:
    for schedule in (Schedule.every(1, "minute"), Schedule.cron("* 9-17 * * 1-5")):
        function = Function(name="poll", handler="a:b", triggers=[schedule])
        assert _messages(frequent_schedule(function)) == [
            f"Function 'poll': schedule 'poll' ({schedule.expression}) runs every minute, the shortest period "
            "any scheduler offers"
        ]
    quiet = Function(name="poll", handler="a:b", triggers=[Schedule.cron("*/2 * * * *")])
    assert list(frequent_schedule(quiet)) == []
