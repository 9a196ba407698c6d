"""The contract between the Azure deploy side and the Azure Functions shim (standard library only).

Each portable function is one Function App (Python v2 programming model) whose generated
``function_app.py`` declares the function's triggers and calls one entry function of
:mod:`providers.azure.runtime` per trigger, passing the portable name of the trigger's source::

    import azure.functions as func
    from providers.azure import runtime

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="orders/{order_id}", methods=["GET"])
    def api_http(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
        return runtime.http(req, context)

    @app.queue_trigger(arg_name="msg", queue_name="<physical queue>", connection="...")
    def worker_queue(msg: func.QueueMessage, context: func.Context) -> None:
        runtime.queue(msg, "receipt-jobs", context)

    @app.service_bus_topic_trigger(arg_name="msg", topic_name="...", subscription_name="...", connection="...")
    def audit_topic(msg: func.ServiceBusMessage, context: func.Context) -> None:
        runtime.service_bus(msg, "order-events", context)

    @app.queue_trigger(arg_name="msg", queue_name="<queue Event Grid feeds>", connection="...")
    def indexer_blobs(msg: func.QueueMessage, context: func.Context) -> None:
        runtime.blob_event(msg, "receipts", context)   # or an event_grid_trigger's event

    @app.timer_trigger(schedule="0 0 3 * * *", arg_name="timer")
    def report_timer(timer: func.TimerRequest, context: func.Context) -> None:
        runtime.timer(timer, "nightly-report", context)

Entry functions (all accept ``context=None``; its invocation id and trace parent are used when given):

- :data:`HTTP_ENTRY` ``http(req, context)`` -> ``func.HttpResponse``; never raises (500 without traceback);
- :data:`QUEUE_ENTRY` ``queue(msg, source, context)``, :data:`SERVICE_BUS_ENTRY` ``service_bus(msg, source,
  context)``, :data:`BLOB_ENTRY` ``blob_event(event, bucket, context)`` (an Event Grid trigger's event, or a
  queue message carrying the event, in the Event Grid or CloudEvents schema) and
  :data:`TIMER_ENTRY` ``timer(timer, schedule, context)``: return normally, or raise
  :class:`portable.runtime.errors.HandlerFailed` so the host retries (then the poison queue / dead letter).

Other rules:

- ``host.json`` sets ``extensions.http.routePrefix`` to :data:`ROUTE_PREFIX` (empty), so request paths
  are the portable paths.
- Storage queue messages carry no attributes: a portable client sends a message with attributes (or a
  binary body) as the JSON envelope ``{"portable": 1, "attributes": {...}, "text": "..."}`` (or
  ``"base64": "..."``); :data:`ENVELOPE` is the marker key; :func:`decode_queue_message` unwraps it.
- PORTABLE_LINKS entries carry ``id`` (container / queue / topic name) and ``url``; every trigger source
  is listed (access ``"trigger"`` when not otherwise linked), so Event Grid's container name maps back.
"""

from __future__ import annotations

import json

HTTP_ENTRY = "providers.azure.runtime.http"
QUEUE_ENTRY = "providers.azure.runtime.queue"
SERVICE_BUS_ENTRY = "providers.azure.runtime.service_bus"
BLOB_ENTRY = "providers.azure.runtime.blob_event"
TIMER_ENTRY = "providers.azure.runtime.timer"

ROUTE_PREFIX = ""
"""``extensions.http.routePrefix`` in the generated host.json."""

ENVELOPE = "portable"
"""The marker key of a Storage queue message envelope (see the module docstring)."""
ENVELOPE_VERSION = 1


def decode_queue_message(text: str | bytes) -> tuple[bytes, dict[str, str]]:
    """A Storage queue message's ``(body, attributes)``: unwrapped when it is a portable envelope, else
    the message itself and no attributes. A malformed envelope raises ``MalformedEvent``.

    >>> decode_queue_message('{"portable":1,"attributes":{"traceparent":"t"},"text":"hi"}')
    (b'hi', {'traceparent': 't'})
    """
    raw = text.encode() if isinstance(text, str) else text
    if not raw.startswith(b'{"' + ENVELOPE.encode() + b'":'):
        return raw, {}
    try:
        envelope = json.loads(raw)
    except ValueError:
        return raw, {}
    if not isinstance(envelope, dict) or envelope.get(ENVELOPE) != ENVELOPE_VERSION:
        return raw, {}
    from portable.runtime.errors import MalformedEvent

    attributes = envelope.get("attributes", {})
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise MalformedEvent("portable envelope", "attributes", "an object of strings")
    if "base64" in envelope:
        from binascii import a2b_base64

        try:
            return a2b_base64(envelope["base64"], strict_mode=True), attributes
        except (TypeError, ValueError):
            raise MalformedEvent("portable envelope", "base64", "base64 text") from None
    body = envelope.get("text", "")
    if not isinstance(body, str):
        raise MalformedEvent("portable envelope", "text", "a string")
    return body.encode(), attributes


BLOB_CREATED = "Microsoft.Storage.BlobCreated"
BLOB_DELETED = "Microsoft.Storage.BlobDeleted"
