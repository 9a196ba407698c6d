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


@candidate("portable (azure)", imports="import providers.azure.runtime", pip=_wheel("azure"), import_only=True,
           notes="cold start and size only: the worker's azure.functions objects are not in the bundle")
def _portable_azure():
    return {}
