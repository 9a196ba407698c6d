"""The generated function_app.py and host.json, validated offline with the azure-functions library."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from portable.errors import PortableError
from portable.model import Function, Http, Queue, Schedule, Stack
from providers.azure.deploy.function_app import Sources, azure_route, render_function_app, render_host_json

ROOT = Path(__file__).resolve().parents[3]


def _orders() -> Stack:
    spec = importlib.util.spec_from_file_location("orders_stack_for_azure", ROOT / "examples/orders/stack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stack  # type: ignore[no-any-return]


SOURCES = Sources(
    queues={"receipt-jobs": "orders-receipt-jobs"},
    subscriptions={"order-events": ("orders-order-events", "audit-log")},
    object_queues={0: "orders-receipts-ev-receipt-indexer"},
    schedules={"nightly-report": "0 0 2 * * *"},
)


@pytest.fixture
def fake_shim(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """A stand-in for providers.azure.runtime that records the calls the generated app makes."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    module = types.ModuleType("providers.azure.runtime")
    for entry in ("http", "queue", "blob_event", "service_bus", "timer"):
        setattr(module, entry, lambda *args, _entry=entry: calls.append((_entry, args)) or "ok")
    monkeypatch.setitem(sys.modules, "providers.azure.runtime", module)
    return calls


def _load(text: str, tmp_path: Path, name: str) -> Any:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _functions(module: Any) -> dict[str, Any]:
    """The app's functions by name (``get_functions()`` may be called once per app: it checks names)."""
    return {fn.get_function_name(): fn for fn in module.app.get_functions()}


def _bindings(functions: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: json.loads(fn.get_function_json())["bindings"] for name, fn in functions.items()}


def test_http_routes_become_one_azure_function_each(fake_shim: list[Any], tmp_path: Path) -> None:
    stack = _orders()
    api = stack.get_function("api")
    assert api is not None
    functions = _functions(_load(render_function_app("orders", api, SOURCES), tmp_path, "app_api"))
    assert _bindings(functions) == {
        "http_post_orders": [
            {"direction": "IN", "type": "httpTrigger", "name": "req", "methods": ["POST"],
             "authLevel": "ANONYMOUS", "route": "orders"},
            {"direction": "OUT", "type": "http", "name": "$return"}],
        "http_get_orders_order_id": [
            {"direction": "IN", "type": "httpTrigger", "name": "req", "methods": ["GET"],
             "authLevel": "ANONYMOUS", "route": "orders/{order_id}"},
            {"direction": "OUT", "type": "http", "name": "$return"}],
    }
    user_function = functions["http_post_orders"].get_user_function()
    assert user_function("request", "context") == "ok"
    assert fake_shim == [("http", ("request", "context"))]


def test_private_any_and_greedy_routes() -> None:
    function = Function(name="files", handler="app:h", triggers=[Http("ANY", "/files/{key+}"), Http("GET", "/")])
    text = render_function_app("s", function, Sources())
    assert "route='files/{*key}', methods=None, auth_level=func.AuthLevel.FUNCTION" in text
    assert "@app.function_name(name='http_get_root')" in text
    assert azure_route("/a/{b}/c") == "a/{b}/c"


def test_queue_object_topic_and_timer_triggers(fake_shim: list[Any], tmp_path: Path) -> None:
    stack = _orders()
    bindings: dict[str, list[dict[str, Any]]] = {}
    for name in ("receipt-worker", "receipt-indexer", "audit-log", "nightly-report"):
        function = stack.get_function(name)
        assert function is not None
        module = _load(render_function_app("orders", function, SOURCES), tmp_path, f"app_{name.replace('-', '_')}")
        functions = _functions(module)
        bindings.update(_bindings(functions))
        for fn in functions.values():
            fn.get_user_function()("event", "context")
    assert bindings == {
        "queue_receipt_jobs": [{"direction": "IN", "type": "queueTrigger", "name": "msg",
                                "queueName": "orders-receipt-jobs", "connection": "PORTABLE_STORAGE"}],
        "objects_receipts": [{"direction": "IN", "type": "queueTrigger", "name": "msg",
                              "queueName": "orders-receipts-ev-receipt-indexer", "connection": "PORTABLE_STORAGE"}],
        "topic_order_events": [{"direction": "IN", "type": "serviceBusTrigger", "name": "msg",
                                "topicName": "orders-order-events", "subscriptionName": "audit-log",
                                "connection": "PORTABLE_SERVICEBUS"}],
        "schedule_nightly_report": [{"direction": "IN", "type": "timerTrigger", "name": "timer",
                                     "schedule": "0 0 2 * * *", "useMonitor": True}],
    }
    assert fake_shim == [("queue", ("event", "receipt-jobs", "context")),
                         ("blob_event", ("event", "receipts", "context")),
                         ("service_bus", ("event", "order-events", "context")),
                         ("timer", ("event", "nightly-report", "context"))]


def test_host_json_carries_the_queue_settings() -> None:
    stack = _orders()
    worker = stack.get_function("receipt-worker")
    assert worker is not None
    host = json.loads(render_host_json(stack, worker))
    assert host["version"] == "2.0"
    assert host["extensionBundle"] == {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}
    assert host["functionTimeout"] == "00:01:00"
    assert host["extensions"]["http"] == {"routePrefix": ""}
    assert host["extensions"]["queues"] == {"batchSize": 10, "newBatchThreshold": 10, "maxDequeueCount": 5,
                                            "visibilityTimeout": "00:00:30", "messageEncoding": "base64"}
    api = stack.get_function("api")
    assert api is not None
    assert "queues" not in json.loads(render_host_json(stack, api))["extensions"]


def test_two_queues_with_different_settings_are_refused() -> None:
    stack = Stack("shop", queues=[Queue(name="qa", dead_letter_after=3), Queue(name="qb")])
    stack.function("worker", handler="app:h", triggers=[stack.queues[0].trigger(), stack.queues[1].trigger()])
    with pytest.raises(PortableError, match="Function 'worker' consumes queue 'qa' and queue 'qb' with different settings"):
        render_host_json(stack, stack.functions[0])


def test_a_missing_physical_name_is_a_clear_error() -> None:
    function = Function(name="cron", handler="app:h", triggers=[Schedule.cron("0 3 * * *")])
    with pytest.raises(PortableError, match="Function 'cron': no physical name was given for the NCRONTAB"):
        render_function_app("s", function, Sources())


class _WorkerContext:
    """What the Functions worker passes as ``context``: the invocation id and the W3C trace context."""

    def __init__(self, invocation_id: str, traceparent: str) -> None:
        self.invocation_id = invocation_id
        self.function_name = "http_get_orders_order_id"
        self.trace_context = types.SimpleNamespace(trace_parent=traceparent, trace_state="", attributes={})


def test_generated_http_function_runs_the_handler_through_the_real_shim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (ROOT / "providers/azure/runtime.py").exists():
        pytest.fail("providers/azure/runtime.py (the Azure shim) does not exist yet")
    import azure.functions as func

    (tmp_path / "azure_http_handler.py").write_text(
        "seen = []\n"
        "def handle(request, ctx):\n"
        "    seen.append((ctx.invocation_id, ctx.trace_id))\n"
        "    return {'order_id': request.path_params['order_id'], 'q': request.query.get('q')}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    function = Function(name="api", handler="azure_http_handler:handle", triggers=[Http("GET", "/orders/{order_id}")])
    for name, value in {"PORTABLE_PROVIDER": "azure", "PORTABLE_FUNCTION": "api",
                        "PORTABLE_HANDLER": "azure_http_handler:handle", "PORTABLE_LOG": "off",
                        "PORTABLE_ROUTES": json.dumps([["GET", "/orders/{order_id}"]]), "PORTABLE_LINKS": "{}"}.items():
        monkeypatch.setenv(name, value)
    module = _load(render_function_app("shop", function, Sources()), tmp_path, "app_http_real")
    from azure_http_handler import seen  # type: ignore[import-not-found]

    user_function = _functions(module)["http_get_orders_order_id"].get_user_function()
    request = func.HttpRequest(method="GET", url="https://app.azurewebsites.net/orders/42?q=x", headers={},
                               params={"q": "x"}, route_params={"order_id": "42"}, body=b"")
    response = user_function(request, _WorkerContext("inv-42", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    assert isinstance(response, func.HttpResponse)
    assert response.status_code == 200
    assert json.loads(response.get_body()) == {"order_id": "42", "q": "x"}
    assert seen == [("inv-42", "4bf92f3577b34da6a3ce929d0e0e4736")]  # the worker's invocation id and trace


def test_object_events_queue_settings_and_always_ready_groups() -> None:
    from providers.azure.deploy.function_app import OBJECT_EVENT_QUEUE, always_ready_groups

    stack = _orders()
    indexer = stack.get_function("receipt-indexer")
    worker = stack.get_function("receipt-worker")
    api = stack.get_function("api")
    assert indexer is not None and worker is not None and api is not None
    assert json.loads(render_host_json(stack, indexer))["extensions"]["queues"] == OBJECT_EVENT_QUEUE
    assert always_ready_groups(api, SOURCES) == ["http"]
    assert always_ready_groups(worker, SOURCES) == ["function:queue_receipt_jobs"]
