"""portable's event-format shims as candidates of the shared shim benchmark (../shared/bench/shim).

Loaded by the harness through ``BENCH_EXTRA=<this file>``; ``tests/bench/run_shim_bench.sh`` builds the
wheels and sets:

- ``PORTABLE_SHIM_WHEELS``: directory holding ``portable_shim_{aws,gcp,azure}-*.whl`` (the bundle of
  one cloud: ``portable/runtime`` + that cloud's ``runtime.py``/``contract.py``), used for the size and
  cold-start benches;
- ``PORTABLE_SHIM_PATH``: a directory where those wheels are unpacked, put on ``sys.path`` for the
  per-invocation bench.

Every op goes through the public API a handler or a provider uses: the shims' parse functions, and
for ``*_e2e`` the real entry points (``LambdaHandler`` / the WSGI app) dispatching to a
``Function`` configured as deployed (``PORTABLE_LOG=error``, the default ``log_level``: a line for failed
calls only). "portable (aws) log_level=info" writes one JSON line per call to a line-buffered /dev/null.
"""

from __future__ import annotations

import glob
import json
import os
import sys

import harness as H
from harness import E, FakeLambdaContext, Op, call_wsgi, candidate

CTX = FakeLambdaContext()
ROUTES = [["POST", "/orders/{orderId}"]]  # API Gateway is configured with the function's own routes
LINKS = {  # trigger sources, as the deploy side lists them (physical -> portable names)
    "orders": {"kind": "queue", "access": "trigger", "id": "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"},
    "acme-uploads": {"kind": "bucket", "access": "trigger", "id": "acme-uploads"},
}
_WHEELS = os.environ.get("PORTABLE_SHIM_WHEELS", "")
_PATH = os.environ.get("PORTABLE_SHIM_PATH", "")


def _wheel(cloud: str) -> list[str]:
    found = sorted(glob.glob(os.path.join(_WHEELS, f"portable_shim_{cloud}-*.whl")))
    return found[-1:]


def _import_path() -> None:
    if _PATH and _PATH not in sys.path:
        sys.path.insert(0, _PATH)


def _deployed_env(provider, log="error"):
    """The PORTABLE_* variables the deploy side sets (the bench process serves one function)."""
    os.environ.update({"PORTABLE_PROVIDER": provider, "PORTABLE_FUNCTION": "orders",
                       "PORTABLE_ROUTES": json.dumps(ROUTES), "PORTABLE_LINKS": json.dumps(LINKS), "PORTABLE_LOG": log})


def _log_stream():
    return open(os.devnull, "w", buffering=1)  # line-buffered: one write per log line, as on stderr


def _order_handler(make_response):
    def handle(request, ctx):
        h = request.headers
        ct, rid = h.get("content-type"), h.get("x-request-id")
        limit = request.query.get("limit")
        session = request.cookies.get("session")
        raw = request.body
        data = request.json()
        if not (request.method == "POST" and ct and rid and session and raw):
            raise AssertionError("request fields missing")
        return make_response(E.make_result(request.path_params["orderId"], limit, len(data["items"])), 201)
    return handle


def _http_fields(request):
    h = request.headers
    return {"method": request.method, "path": request.path, "content_type": h.get("content-type"),
            "request_id": h.get("x-request-id"), "limit": request.query.get("limit"),
            "session": request.cookies.get("session"), "body_len": len(request.body),
            "order_id": request.json()["orderId"]}


@candidate("portable (aws)", imports="import providers.aws.runtime", pip=_wheel("aws"),
           primary={"parse": "aws_http", "respond": "aws_http_respond", "e2e": "aws_http_e2e"},
           notes="lazy __slots__ views; e2e = LambdaHandler -> Function (route match, Context, "
                 "log line for failures only, the default) -> v2 response dict")
def _portable_aws(log="error"):
    _import_path()
    from portable.runtime import Function, HttpResponse
    from providers.aws import runtime as aws

    _deployed_env("aws", log)
    function = Function.from_env("aws", log_stream=_log_stream(), handler=_order_handler(HttpResponse.json))
    handler = aws.LambdaHandler(function)
    links = function.links  # what the handler passes to the parse functions

    def aws_http(ev):
        return _http_fields(aws.http_request(ev))

    def aws_http_respond(payload):
        return aws.http_response(HttpResponse.json(payload, 201))

    def aws_sqs(ev):
        n = amount = 0
        first = tenant = rc = None
        for m in aws.sqs_messages(ev, links):
            amount += m.json()["amount"]
            n += 1
            t = m.attributes["tenant"]
            c = m.delivery_attempt
            if first is None:  # the expected result holds the count as SQS spells it
                first, tenant, rc = m.id, t, str(c)
        return {"n": n, "first_id": first, "amount_sum": amount, "tenant": tenant, "receive_count": rc}

    def aws_s3(ev):
        e = aws.object_events(ev, links)[0]
        return {"bucket": e.bucket, "key": e.key, "size": e.size, "event_name": e.raw["eventName"]}

    return {"aws_http": aws_http, "aws_http_b64": aws_http, "aws_http_respond": aws_http_respond,
            "aws_http_e2e": lambda ev: handler(ev, CTX), "aws_sqs": aws_sqs, "aws_s3": aws_s3}


@candidate("portable (aws) log_level=info", imports="import providers.aws.runtime", pip=_wheel("aws"),
           primary={"e2e": "aws_http_e2e"},
           notes="the same, with one JSON invocation line per call (no other candidate logs per call)")
def _portable_aws_info():
    return {"aws_http_e2e": _portable_aws("info")["aws_http_e2e"]}


@candidate("portable (gcp)", imports="import providers.gcp.runtime", pip=_wheel("gcp"),
           primary={"parse": "gcp_pubsub_push", "e2e": "gcp_http_e2e"},
           notes="Pub/Sub push and Eventarc (binary) parsing; e2e = the Cloud Run WSGI app -> Function "
                 "(log line for failures only, the default)")
def _portable_gcp():
    _import_path()
    from portable.runtime import Function, HttpResponse
    from providers.gcp import contract
    from providers.gcp import runtime as gcp

    def on_message(message, ctx):
        if not message.json()["tracking"]:
            raise AssertionError("payload missing")

    _deployed_env("gcp")
    stream = _log_stream()
    http_app = gcp.CloudRunApp(Function.from_env("gcp", log_stream=stream, handler=_order_handler(HttpResponse.json)))
    event_app = gcp.CloudRunApp(Function.from_env("gcp", log_stream=stream, handler=on_message))

    def fields(m):
        return {"id": m.id, "tracking": m.json()["tracking"], "event_type": m.attributes["eventType"]}

    def pubsub_push(req):  # the push path names the portable queue/topic: contract.event_path("topic", ...)
        return fields(gcp.push_message(req[1], "orders"))

    def eventarc(req):
        headers, body = req
        return fields(gcp.cloudevent_from_http(headers, body).message("orders"))  # the Eventarc path names it

    def at(path):  # the deploy side points push subscriptions / Eventarc at these paths (untimed)
        def prepare(environ):
            environ["PATH_INFO"] = path
            return environ
        return prepare

    def wsgi(app):
        return lambda environ: call_wsgi(app, environ)

    return {
        "gcp_pubsub_push": pubsub_push,
        "gcp_eventarc": eventarc,
        "gcp_http_e2e": wsgi(http_app),
        "gcp_pubsub_e2e": Op(wsgi(event_app), prepare=at(contract.event_path("topic", "orders"))),
        "gcp_eventarc_e2e": Op(wsgi(event_app), prepare=at(contract.event_path("topic", "orders"))),
    }


# ---------------------------------------------------------------------------------------- Azure ----
# The harness has Azure scenarios only from its neutral dict; these start where the Python worker hands
# over: the azure.functions objects it builds (HttpRequest, QueueMessage, ServiceBusMessage,
# TimerRequest), built untimed by each scenario's factory. The floor gets the same scenarios: the least
# any shim does with those objects (their public attributes, json), answering HTTP with func.HttpResponse.
SENT = "2024-05-01T12:34:56.789000+00:00"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
ORDER_MESSAGE = {"orderId": "ord_0001", "event": "OrderPlaced", "amount": 101, "customerId": "cus_8842",
                 "lines": [{"sku": f"SKU-{j:05d}", "qty": j + 1} for j in range(3)], "occurredAt": "2024-05-01T12:34:56Z"}
MESSAGE_SEEN = {"id": "059f36b4-87a3-44ab-83d2-661975830a01", "amount": 101, "tenant": "acme", "attempt": 1}
TIMER_SEEN = {"schedule": "nightly-report", "hour": 3}


def _azure_objects():
    import datetime

    import azure.functions as func
    from azure.functions.queue import QueueMessage
    from azure.functions.servicebus import ServiceBusMessage
    from azure.functions.timer import TimerRequest

    sent = datetime.datetime.fromisoformat(SENT)
    body = json.dumps(ORDER_MESSAGE)
    envelope = json.dumps({"portable": 1, "attributes": {"tenant": "acme", "traceparent": TRACEPARENT},
                           "text": body}).encode()  # what a portable client sends with attributes

    def http():
        r = E.HTTP_REQUEST
        query = dict(pair.split("=", 1) for pair in r["query_string"].split("&"))
        return func.HttpRequest(r["method"], r["url"], headers=dict(r["headers"]), params=query,
                                route_params={"orderId": E.ORDER_ID}, body=r["body"])

    def queue():
        return QueueMessage(id=MESSAGE_SEEN["id"], body=envelope, dequeue_count=1, insertion_time=sent,
                            pop_receipt="AgAAAAMAAAAAAAAA", expiration_time=sent, time_next_visible=sent)

    def service_bus():
        properties = {"tenant": "acme", "traceparent": TRACEPARENT}
        return ServiceBusMessage(body=body.encode(), message_id=MESSAGE_SEEN["id"], application_properties=properties,
                                 user_properties=properties, content_type="application/json", delivery_count=1,
                                 enqueued_time_utc=sent, sequence_number=7, lock_token="a4f7c2", subject="orders")

    def timer():
        return TimerRequest(past_due=False, schedule={"AdjustForDST": True},
                            schedule_status={"Last": "2024-04-30T03:00:00+00:00", "Next": "2024-05-01T03:00:00+00:00",
                                             "LastUpdated": "2024-04-30T03:00:00.0123+00:00"})

    return http, queue, service_bus, timer


class FakeTraceContext:
    trace_parent = TRACEPARENT
    trace_state = ""
    attributes: dict = {}


class FakeFunctionContext:
    """What the Python worker passes as ``context`` (the generated function_app.py asks for it)."""

    invocation_id = "0d5f1c43-8d3e-4b0a-9d61-4f1b2c3d4e5f"
    function_name = "orders"
    function_directory = "/home/site/wwwroot"
    trace_context = FakeTraceContext()
    retry_context = None


AZ_CTX = FakeFunctionContext()


def _check_func_response(res):
    assert res.status_code == 201 and json.loads(res.get_body()) == E.RESULT, res
    assert res.mimetype == "application/json", res.mimetype


def _check_message(res):
    assert res == MESSAGE_SEEN, res


def _check_timer(res):
    assert res == TIMER_SEEN, res


_AZURE_CHECKS = {"azure_func_response": _check_func_response, "azure_message": _check_message,
                 "azure_timer": _check_timer}
_harness_check = H.check_result


def _check_result(kind, res):
    check = _AZURE_CHECKS.get(kind)
    return _harness_check(kind, res) if check is None else check(res)


def _register_azure_scenarios():
    try:
        http, queue, service_bus, timer = _azure_objects()
    except ImportError:  # no azure-functions in this venv: no Azure end-to-end scenarios
        return
    H.SCENARIOS.update({
        "azure_func_http_e2e": ("func.HttpRequest (as the worker builds it) -> handler -> func.HttpResponse",
                                http, "azure_func_response"),
        "azure_queue_e2e": ("Storage queue func.QueueMessage (portable envelope with attributes) -> handler",
                            queue, "azure_message"),
        "azure_service_bus_e2e": ("func.ServiceBusMessage (application properties) -> handler", service_bus,
                                  "azure_message"),
        "azure_timer_e2e": ("func.TimerRequest -> handler (schedule name, scheduled time)", timer, "azure_timer"),
    })
    H.check_result = _check_result
    floor = H.CANDIDATES["floor"]
    floor_setup = floor.setup

    def floor_with_azure():
        ops = floor_setup()
        ops.update(_azure_floor())
        return ops

    floor.setup = floor_with_azure


def _azure_floor():
    import datetime

    import azure.functions as func

    loads, dumps = json.loads, json.dumps

    def http_e2e(req):
        h = req.headers
        path = req.url.partition("://")[2].partition("/")[2].partition("?")[0]
        cookies = dict(c.split("=", 1) for c in h.get("cookie", "").split("; ") if c)
        raw = req.get_body()
        data = loads(raw)
        if not (req.method == "POST" and h.get("content-type") and h.get("x-request-id") and cookies.get("session")):
            raise AssertionError("request fields missing")
        body = dumps(E.make_result(path.rsplit("/", 1)[1], req.params.get("limit"), len(data["items"])))
        return func.HttpResponse(body, status_code=201, mimetype="application/json")

    def queue_e2e(msg):
        envelope = loads(msg.get_body())
        data = loads(envelope["text"])
        return {"id": msg.id, "amount": data["amount"], "tenant": envelope["attributes"]["tenant"],
                "attempt": msg.dequeue_count}

    def service_bus_e2e(msg):
        data = loads(msg.get_body())
        return {"id": msg.message_id, "amount": data["amount"], "tenant": msg.application_properties["tenant"],
                "attempt": msg.delivery_count}

    def timer_e2e(timer):
        when = datetime.datetime.fromisoformat(timer.schedule_status["Next"])
        return {"schedule": "nightly-report", "hour": when.hour}

    return {"azure_func_http_e2e": http_e2e, "azure_queue_e2e": queue_e2e, "azure_service_bus_e2e": service_bus_e2e,
            "azure_timer_e2e": timer_e2e}


_register_azure_scenarios()


@candidate("portable (azure)", imports="import providers.azure.runtime", pip=_wheel("azure"),
           primary={"e2e": "azure_func_http_e2e"},
           notes="e2e from the worker's azure.functions objects: AzureShim entries -> Function (route match, "
                 "Context, log line for failures only) -> func.HttpResponse / None")
def _portable_azure():
    _import_path()
    from portable.runtime import Function, HttpResponse
    from providers.azure import runtime as azure

    _deployed_env("azure")
    stream = _log_stream()
    seen = {}

    def on_message(message, ctx):
        seen.update(id=message.id, amount=message.json()["amount"], tenant=message.attributes["tenant"],
                    attempt=message.delivery_attempt)

    def on_schedule(event, ctx):
        seen.update(schedule=event.name, hour=event.time.hour)

    def shim(handler):
        return azure.AzureShim(Function.from_env("azure", log_stream=stream, handler=handler))

    http = shim(_order_handler(HttpResponse.json))
    messages = shim(on_message)
    schedules = shim(on_schedule)

    def handled(call):
        def op(value):
            seen.clear()
            call(value)
            return dict(seen)
        return op

    return {  # the entries as the generated function_app.py calls them
        "azure_func_http_e2e": lambda req: http.http(req, AZ_CTX),
        "azure_queue_e2e": handled(lambda msg: messages.queue(msg, "orders", AZ_CTX)),
        "azure_service_bus_e2e": handled(lambda msg: messages.service_bus(msg, "orders", AZ_CTX)),
        "azure_timer_e2e": handled(lambda timer: schedules.timer(timer, "nightly-report", AZ_CTX)),
    }
