"""The Azure Functions shim (providers.azure.runtime): every Azure payload fixture -> neutral events,
HTTP round trips with real azure.functions objects, handler failures and malformed input."""

from __future__ import annotations

import base64
import doctest
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import azure.functions as func
import pytest
from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequest

from portable.runtime import HttpResponse, Message, ObjectEvent, ScheduleEvent
from portable.runtime.dispatch import Function
from portable.runtime.errors import HandlerFailed, MalformedEvent, UnsupportedEvent
from providers.azure import runtime
from providers.azure.clients import encode_queue_message
from providers.azure.contract import decode_queue_message
from providers.azure.runtime import AzureShim, blob_events, queue_message, service_bus_message

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "events" / "azure"
LINKS = {"receipts": {"kind": "bucket", "access": "trigger", "id": "testcontainer", "url": "https://a.blob"},
         "uploads": {"kind": "bucket", "access": "read", "id": "test-container"},
         "jobs": {"kind": "queue", "access": "trigger", "id": "shop-jobs"},
         "events": {"kind": "topic", "access": "trigger", "id": "shop-events"}}
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def as_queue_message(payload: object, **fields: Any) -> QueueMessage:
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return QueueMessage(body=body, **fields)


class Recorder:
    """A handler recording what it was called with (raising ``error`` if set)."""

    def __init__(self, result: object = None, error: Exception | None = None) -> None:
        self.calls: list[tuple[Any, Any]] = []
        self.result = result
        self.error = error

    def __call__(self, event: Any, ctx: Any) -> object:
        self.calls.append((event, ctx))
        if self.error is not None:
            raise self.error
        return self.result


def make_shim(handler: Any, routes: list[list[str]] | None = None) -> AzureShim:
    return AzureShim(Function("fn", handler, provider="azure", links=LINKS, routes=routes, log_level="off"))


# ----------------------------------------------------------------------------- Event Grid blobs ----
def test_event_grid_schema_blob_created() -> None:
    [event] = blob_events(as_queue_message(fixture("eventgrid-blob-created-eventgrid-schema.json")[0]), LINKS)
    assert (event.bucket, event.physical_bucket, event.key, event.action) == (
        "uploads", "test-container", "new-file.txt", "created")
    assert (event.size, event.etag, event.id) == (524288, "0x8D4BCC2E4835CD0", "831e1650-001e-001b-66ab-eeb76e069631")
    assert event.time == datetime(2017, 6, 26, 18, 41, 0, 958410, tzinfo=UTC)


def test_cloudevents_schema_blob_created() -> None:
    [event] = blob_events(as_queue_message(fixture("eventgrid-blob-created-cloudevents-schema.json")[0]), LINKS)
    assert (event.bucket, event.key, event.action, event.size) == ("uploads", "new-file.txt", "created", 524288)
    assert event.etag == "0x8D4BCC2E4835CD0"
    assert event.id == "831e1650-001e-001b-66ab-eeb76e069631"
    assert event.time == datetime(2017, 6, 26, 18, 41, 0, 958410, tzinfo=UTC)


def test_adls_gen2_cloudevents_blob_created_falls_back_to_the_container_name() -> None:
    [event] = blob_events(as_queue_message(fixture("eventgrid-blob-created-adls-gen2-cloudevents-schema.json")[0]),
                          LINKS)
    assert (event.bucket, event.physical_bucket, event.key, event.size) == (
        "my-file-system", "my-file-system", "new-file.txt", 0)


@pytest.mark.parametrize("name", ["eventgrid-blob-deleted-eventgrid-schema.json",
                                  "eventgrid-blob-deleted-cloudevents-schema.json"])
def test_blob_deleted_in_both_schemas(name: str) -> None:
    [event] = blob_events(as_queue_message(fixture(name)[0]), LINKS)
    assert (event.bucket, event.physical_bucket, event.key, event.action) == (
        "receipts", "testcontainer", "file-to-delete.txt", "deleted")
    assert event.deleted and event.size is None and event.etag is None
    assert event.id == "4c2359fe-001e-00ba-0e04-58586806d298"
    assert event.time == datetime(2017, 11, 7, 20, 9, 22, 567400, tzinfo=UTC)


def test_a_json_array_of_events_gives_one_event_each() -> None:
    events = fixture("eventgrid-blob-created-eventgrid-schema.json") + fixture(
        "eventgrid-blob-deleted-cloudevents-schema.json")
    assert [(e.bucket, e.action) for e in blob_events(as_queue_message(events), LINKS)] == [
        ("uploads", "created"), ("receipts", "deleted")]


def test_a_key_with_slashes_is_kept_whole() -> None:
    event = dict(fixture("eventgrid-blob-created-eventgrid-schema.json")[0],
                 subject="/blobServices/default/containers/testcontainer/blobs/r/2024/a b.json")
    assert blob_events(as_queue_message(event), LINKS)[0].key == "r/2024/a b.json"


@pytest.mark.parametrize("name", ["custom-handler-eventgrid-trigger-eventgrid-schema.json",
                                  "custom-handler-eventgrid-trigger-cloudevent-schema.json"])
def test_non_blob_event_grid_events_are_unsupported(name: str) -> None:
    event = fixture(name)["Data"]["event"]
    with pytest.raises(UnsupportedEvent, match="'created' is not a portable trigger"):
        blob_events(as_queue_message(event), LINKS)


@pytest.mark.parametrize(("body", "field"), [
    (b"not json", "body"),
    (b"[]", "body"),
    (b"42", "event"),
    (json.dumps({"eventType": "Microsoft.Storage.BlobCreated", "subject": "/elsewhere"}), "subject"),
    (json.dumps({"eventType": "Microsoft.Storage.BlobCreated",
                 "subject": "/blobServices/default/containers/c/blobs/"}), "subject"),
    (json.dumps({"specversion": "1.0", "subject": "x"}), "type"),
    (json.dumps({"eventType": "Microsoft.Storage.BlobDeleted",
                 "subject": "/blobServices/default/containers/c/blobs/k", "data": "x"}), "data"),
])
def test_malformed_event_grid_messages(body: bytes | str, field: str) -> None:
    with pytest.raises(MalformedEvent) as info:
        blob_events(as_queue_message(body), LINKS)
    assert info.value.field == field


def test_blob_event_entry_runs_the_handler_and_raises_on_failure() -> None:
    recorder = Recorder()
    shim = make_shim(recorder)
    shim.blob_event(as_queue_message(fixture("eventgrid-blob-deleted-eventgrid-schema.json")[0]))
    [(event, ctx)] = recorder.calls
    assert isinstance(event, ObjectEvent) and event.key == "file-to-delete.txt"
    assert ctx.provider == "azure" and ctx.invocation_id == "4c2359fe-001e-00ba-0e04-58586806d298"
    failing = make_shim(Recorder(error=RuntimeError("boom")))
    with pytest.raises(HandlerFailed, match="boom"):
        failing.blob_event(as_queue_message(fixture("eventgrid-blob-created-eventgrid-schema.json")[0]))
    with pytest.raises(MalformedEvent):
        failing.blob_event(as_queue_message(b"{"))


# --------------------------------------------------------------------------------- Storage queue ----
def test_custom_handler_queue_payload_values() -> None:
    payload = fixture("custom-handler-queue-trigger-payload.json")
    meta = payload["Metadata"]
    msg = QueueMessage(id=json.loads(meta["Id"]), body=payload["Data"]["queue"], dequeue_count=meta["DequeueCount"],
                       insertion_time=meta["InsertionTime"], pop_receipt=json.loads(meta["PopReceipt"]))
    message = queue_message(msg, "jobs")
    assert message.id == "4e773554-f6b7-4ea2-b07d-4c5fd5aba741"
    assert message.json() == {"message": "hello", "number": 2}
    assert (message.delivery_attempt, message.source, dict(message.attributes)) == (1, "jobs", {})
    assert message.enqueued_time == datetime(2023, 10, 12, 20, 13, 49, 640002, tzinfo=UTC)


def test_custom_handler_queue_docs_payload_values() -> None:
    payload = fixture("custom-handler-queue-trigger-payload-docs.json")
    meta = payload["Metadata"]
    msg = QueueMessage(id=meta["Id"], body=payload["Data"]["myQueueItem"], dequeue_count=meta["DequeueCount"],
                       insertion_time=datetime.fromisoformat(meta["InsertionTime"]))
    message = queue_message(msg)
    assert (message.id, message.text, message.delivery_attempt) == (
        "800ae4b3-bdd2-4c08-badd-f08e5a34b865", '{ message: "Message sent" }', 1)
    assert message.enqueued_time == datetime(2019, 10, 9, 17, 58, 31, tzinfo=UTC)
    with pytest.raises(MalformedEvent, match="valid JSON"):
        message.json()  # the docs' example body is not JSON


def test_envelopes_written_by_the_client_are_unwrapped() -> None:
    text = encode_queue_message({"order_id": "42"}, {"traceparent": TRACEPARENT, "tenant": "acme"})
    message = queue_message(QueueMessage(id="m-1", body=text, dequeue_count=3))
    assert message.json() == {"order_id": "42"}
    assert dict(message.attributes) == {"traceparent": TRACEPARENT, "tenant": "acme"}
    assert message.delivery_attempt == 3
    binary = queue_message(QueueMessage(id="m-2", body=encode_queue_message(b"\x00\xff", {"a": "1"})))
    assert (binary.body, dict(binary.attributes)) == (b"\x00\xff", {"a": "1"})
    assert queue_message(QueueMessage(body=b"\xff\xfe")).body == b"\xff\xfe"
    assert decode_queue_message(b'{"portable": "not ours"}') == (b'{"portable": "not ours"}', {})


@pytest.mark.parametrize("body", ['{"portable":1,"base64":"%%%"}', '{"portable":1,"attributes":[1],"text":"x"}',
                                  '{"portable":1,"attributes":{"a":"1"},"base64":7}'])
def test_a_malformed_envelope_is_a_malformed_event(body: str) -> None:
    with pytest.raises(MalformedEvent, match="portable envelope"):
        queue_message(QueueMessage(id="m", body=body))


def test_queue_entry_passes_the_trace_and_source_and_raises_for_a_retry() -> None:
    recorder = Recorder()
    make_shim(recorder).queue(QueueMessage(id="m-1", body=encode_queue_message("hi", {"traceparent": TRACEPARENT}),
                                           dequeue_count=1))
    [(message, ctx)] = recorder.calls
    assert isinstance(message, Message) and (message.text, message.source) == ("hi", "jobs")
    assert ctx.invocation_id == "m-1" and ctx.trace_id == TRACEPARENT[3:35] and ctx.parent_traceparent == TRACEPARENT
    with pytest.raises(HandlerFailed, match="ValueError: nope") as info:
        make_shim(Recorder(error=ValueError("nope"))).queue(QueueMessage(id="m-2", body="x"), "other")
    assert isinstance(info.value.original, ValueError)


# ----------------------------------------------------------------------------------- Service Bus ----
def _bus_message(payload: dict[str, Any], **overrides: Any) -> SimpleNamespace:
    meta = payload["Metadata"]
    body = payload["Data"]["queue"].encode()
    fields = {"message_id": json.loads(meta["MessageId"]), "delivery_count": int(meta["DeliveryCount"]),
              "enqueued_time_utc": datetime.fromisoformat(meta["EnqueuedTime"]),
              "content_type": json.loads(meta["ContentType"]),
              "application_properties": meta["ApplicationProperties"], "get_body": lambda: body}
    return SimpleNamespace(**{**fields, **overrides})


def test_custom_handler_service_bus_payload_values() -> None:
    message = service_bus_message(_bus_message(fixture("custom-handler-service-bus-trigger-payload.json")), "events")
    assert message.id == "4e773554-f6b7-4ea2-b07d-4c5fd5aba741"
    assert message.json() == {"message": "hello", "number": 2}
    assert (message.delivery_attempt, message.source) == (1, "events")
    assert dict(message.attributes) == {"content-type": "application/json"}
    assert message.enqueued_time == datetime(2023, 10, 12, 20, 13, 49, tzinfo=UTC)


def test_service_bus_entry_reads_application_properties_and_raises_on_failure() -> None:
    payload = fixture("custom-handler-service-bus-trigger-payload.json")
    recorder = Recorder()
    make_shim(recorder).service_bus(_bus_message(payload, delivery_count=2,
                                                 application_properties={"traceparent": TRACEPARENT, "n": 7}))
    [(message, ctx)] = recorder.calls
    assert (message.source, message.delivery_attempt, message.attributes["n"]) == ("events", 2, "7")
    assert ctx.parent_traceparent == TRACEPARENT
    with pytest.raises(HandlerFailed):
        make_shim(Recorder(error=KeyError("k"))).service_bus(_bus_message(payload))
    with pytest.raises(MalformedEvent, match="application_properties"):
        make_shim(recorder).service_bus(_bus_message(payload, application_properties=["x"]))
    with pytest.raises(MalformedEvent, match="delivery attempt"):
        service_bus_message(_bus_message(payload, delivery_count="many")).delivery_attempt  # noqa: B018


def test_a_real_service_bus_message_without_metadata() -> None:
    message = service_bus_message(func.ServiceBusMessage(body=b"hi", content_type="text/plain"))
    assert (message.text, message.id, message.delivery_attempt, message.attributes["content-type"]) == (
        "hi", "", None, "text/plain")


# ------------------------------------------------------------------------------------------ timer ----
def test_custom_handler_timer_payload_values() -> None:
    data = fixture("custom-handler-timer-trigger-payload.json")["Data"]["timer"]
    timer = TimerRequest(past_due=data["IsPastDue"], schedule_status=data["ScheduleStatus"], schedule=data["Schedule"])
    recorder = Recorder()
    make_shim(recorder).timer(timer, "nightly-report")
    [(event, ctx)] = recorder.calls
    assert isinstance(event, ScheduleEvent) and event.name == "nightly-report" and event.raw is timer
    assert event.time.tzinfo is not None and ctx.provider == "azure"
    with pytest.raises(HandlerFailed):
        make_shim(Recorder(error=RuntimeError("x"))).timer(timer, "nightly-report")
    with pytest.raises(MalformedEvent, match="schedule name"):
        make_shim(recorder).timer(timer, "")


# ------------------------------------------------------------------------------------------- HTTP ----
def test_custom_handler_http_payload_values() -> None:
    req = fixture("custom-handler-http-trigger-payload.json")["Data"]["req"]
    request = runtime.http_request(func.HttpRequest(
        method=req["Method"], url=req["Url"], headers={k: v[0] for k, v in req["Headers"].items()},
        params=req["Query"], route_params=req["Params"], body=req["Body"].encode()))
    assert (request.method, request.path, request.content_type) == ("POST", "/api/endpoint", "application/json")
    assert request.json() == {"message": "hello", "number": 2}
    assert dict(request.query) == {} and request.path_params == {}


def test_custom_handler_http_docs_request_values() -> None:
    outer = fixture("custom-handler-http-trigger-request-docs.json")
    req = json.loads(outer["body"])["Data"]["req"]
    request = runtime.http_request(func.HttpRequest(
        method=req["Method"], url=req["Url"], headers={k: v[0] for k, v in req["Headers"].items()},
        params=json.loads(req["Query"]), route_params=req["Params"], body=req["Body"].encode()))
    assert (request.method, request.path) == ("POST", "/api/order")
    assert request.json() == {"id": 1005, "quantity": 2, "color": "black"}


def test_http_round_trip_with_real_azure_objects() -> None:
    def handle(request: Any, ctx: Any) -> HttpResponse:
        response = HttpResponse.json({"id": request.path_params["order_id"], "tags": request.query.get_all("tag"),
                                      "ip": request.source_ip, "trace": ctx.trace_id,
                                      "name": request.json()["name"]}, 201, {"Location": "/orders/42"})
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    shim = make_shim(handle, [["POST", "/orders/{order_id}"]])
    req = func.HttpRequest(method="POST", url="https://app.azurewebsites.net/orders/42?tag=x&tag=y",
                           headers={"Content-Type": "application/json", "traceparent": TRACEPARENT,
                                    "X-Forwarded-For": "203.0.113.7:50123, 10.0.0.1"},
                           params={"tag": "y"}, route_params={"order_id": "42"}, body=b'{"name": "ada"}')
    response = shim.http(req)
    assert isinstance(response, func.HttpResponse) and response.status_code == 201
    assert json.loads(response.get_body()) == {"id": "42", "tags": ["x", "y"], "ip": "203.0.113.7",
                                               "trace": TRACEPARENT[3:35], "name": "ada"}
    assert response.mimetype == "application/json" and response.headers["Location"] == "/orders/42"
    assert response.headers.getlist("set-cookie") == ["a=1; Path=/; Secure; HttpOnly; SameSite=Lax",
                                                      "b=2; Path=/; Secure; HttpOnly; SameSite=Lax"]


def test_http_binary_text_and_encoded_paths() -> None:
    shim = make_shim(lambda request: HttpResponse(b"\x89PNG", headers={"content-type": "image/png"}))
    response = shim.http(func.HttpRequest("GET", "https://h/files/a%20b", body=b""))
    assert (response.status_code, response.get_body(), response.mimetype) == (200, b"\x89PNG", "image/png")
    seen = make_shim(lambda request: request.path + "|" + request.text)
    response = seen.http(func.HttpRequest("PUT", "https://h/files/a%20b.txt", body="é".encode()))
    assert response.get_body().decode() == "/files/a b.txt|é"
    assert (response.mimetype, response.charset) == ("text/plain", "utf-8")


def test_http_handler_failure_is_a_500_without_a_traceback() -> None:
    shim = make_shim(Recorder(error=RuntimeError("secret detail")))
    response = shim.http(func.HttpRequest("GET", "https://h/x", body=b""))
    assert response.status_code == 500
    body = json.loads(response.get_body())
    assert body["error"] == "internal error" and "secret" not in response.get_body().decode()
    assert "Traceback" not in response.get_body().decode()


def test_http_malformed_input_is_a_4xx_and_never_raises() -> None:
    shim = make_shim(lambda request: request.json())
    assert shim.http(func.HttpRequest("POST", "https://h/x", body=b"{not json")).status_code == 400
    assert shim.http(SimpleNamespace(method=None, url="https://h/", headers={})).status_code == 400
    assert shim.http(SimpleNamespace(method="GET", url=5, headers={})).status_code == 400
    broken = SimpleNamespace(method="GET", url="https://h/", headers={}, params={}, route_params={},
                             get_body=lambda: 1 / 0)
    assert shim.http(broken).status_code == 400
    routed = make_shim(lambda request: "ok", [["GET", "/orders/{id}"]])
    assert routed.http(func.HttpRequest("GET", "https://h/nowhere", body=b"")).status_code == 404
    assert routed.http(func.HttpRequest("DELETE", "https://h/orders/1", body=b"")).status_code == 405


def test_the_default_shim_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "azure_shim_env_handler.py").write_text("def handle(request):\n    return 'one'\n")
    (tmp_path / "azure_shim_env_handler2.py").write_text("def handle(request):\n    return 'two'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PORTABLE_LOG", "off")
    monkeypatch.setenv("PORTABLE_FUNCTION", "api")
    monkeypatch.setattr(runtime, "shim", AzureShim())
    monkeypatch.setenv("PORTABLE_HANDLER", "azure_shim_env_handler:handle")
    assert runtime.http(func.HttpRequest("GET", "https://h/", body=b"")).get_body() == b"one"
    monkeypatch.setenv("PORTABLE_HANDLER", "azure_shim_env_handler2:handle")
    assert runtime.http(func.HttpRequest("GET", "https://h/", body=b"")).get_body() == b"two"
    monkeypatch.delenv("PORTABLE_HANDLER")
    response = runtime.http(func.HttpRequest("GET", "https://h/", body=b""))  # no handler configured
    assert response.status_code == 500 and json.loads(response.get_body()) == {"error": "internal error"}


def test_queue_entry_encoded_as_the_host_delivers_it() -> None:
    """The host base64-decodes Storage queue messages (messageEncoding base64) before the worker sees them."""
    recorder = Recorder()
    wire = base64.b64encode(json.dumps(fixture("eventgrid-blob-created-cloudevents-schema.json")[0]).encode())
    make_shim(recorder).blob_event(QueueMessage(id="q-1", body=base64.b64decode(wire), dequeue_count=1))
    assert recorder.calls[0][0].bucket == "uploads"


# ------------------------------------------------------------------------------------------ misc ----
def test_every_azure_fixture_is_covered() -> None:
    """Each fixture below is read by a test of this module."""
    names = {p.name for p in FIXTURES.glob("*.json")}
    assert names == {
        "custom-handler-eventgrid-trigger-cloudevent-schema.json", "custom-handler-eventgrid-trigger-eventgrid-schema.json",
        "custom-handler-http-trigger-payload.json", "custom-handler-http-trigger-request-docs.json",
        "custom-handler-queue-trigger-payload-docs.json", "custom-handler-queue-trigger-payload.json",
        "custom-handler-service-bus-trigger-payload.json", "custom-handler-timer-trigger-payload.json",
        "eventgrid-blob-created-adls-gen2-cloudevents-schema.json", "eventgrid-blob-created-cloudevents-schema.json",
        "eventgrid-blob-created-eventgrid-schema.json", "eventgrid-blob-deleted-cloudevents-schema.json",
        "eventgrid-blob-deleted-eventgrid-schema.json",
    }, "a new Azure fixture appeared: add a test for it"


@pytest.mark.parametrize("module", ["providers.azure.contract", "providers.azure.runtime"])
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(sys.modules[module])
    assert result.attempted > 0 and result.failed == 0


def test_importing_the_shim_imports_nothing_heavy() -> None:
    code = (
        "import sys, providers.azure.runtime\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('azure', 'pulumi', 'pulumi_azure_native', 'pydantic', 'asyncio'))\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
