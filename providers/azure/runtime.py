"""The Azure Functions shim: what the Python v2 programming model passes -> neutral events -> the user's
handler -> ``func.HttpResponse``.

The entry functions ``http``, ``queue``, ``service_bus``, ``blob_event`` and ``timer`` are called by the
generated ``function_app.py`` (see :mod:`providers.azure.contract`); they delegate to the module's
:class:`AzureShim` ``shim``. The azure objects are read by duck typing, so ``azure.functions`` is only
imported to build an HTTP response. The parse functions (``http_request``, ``queue_message``,
``service_bus_message``, ``blob_events``, ``timer_event``) are public for tests and tools.

>>> split_url("https://app.azurewebsites.net/orders/a%20b?tag=x")
('/orders/a b', 'tag=x')
"""

from __future__ import annotations

import json
import os

from portable.runtime import env
from portable.runtime.dispatch import Function
from portable.runtime.env import register_backends
from portable.runtime.errors import ConfigError, EventError, MalformedEvent, UnsupportedEvent
from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.multidict import Headers, MultiDict
from portable.runtime.urlcode import unquote
from providers.azure.contract import BLOB_CREATED, BLOB_DELETED, decode_queue_message


def _backends() -> Mapping[str, Any]:
    from providers.azure.clients import BACKENDS  # the SDK loads when a function first uses a client

    return BACKENDS


register_backends("azure", _backends)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.context import Context
    from portable.runtime.message import Message
    from portable.runtime.objects import ObjectEvent
    from portable.runtime.schedule import ScheduleEvent

    Links = Mapping[str, Mapping[str, Any]]

_ACTIONS = {BLOB_CREATED: "created", BLOB_DELETED: "deleted"}


def _text(value: object) -> str | None:
    return value if type(value) is str else None


# ----------------------------------------------------------------------------------------- HTTP ----
def split_url(url: str) -> tuple[str, str]:
    """``https://host/a/b?x=1`` -> (the decoded path ``/a/b``, the raw query ``x=1``)."""
    rest = url.partition("://")[2] if "://" in url else url
    slash = rest.find("/")
    path, _, query = (rest[slash:] if slash >= 0 else "/").partition("?")
    return unquote(path) if "%" in path else path, query.partition("#")[0]


def _client_ip(forwarded: str | None) -> str | None:
    """The first X-Forwarded-For entry without its port (Azure appends ``:port``)."""
    if not forwarded:
        return None
    first = forwarded.split(",")[0].strip()
    if first.startswith("["):  # [IPv6]:port
        return first[1:].partition("]")[0]
    host, sep, port = first.rpartition(":")
    return host if sep and port.isdigit() and ":" not in host else first


def _header_dict(headers: Any) -> dict[str, str]:
    """The request headers as a dict with lower-case names: the worker's ``HttpRequestHeaders`` keeps
    one (``__http_headers__``), used as it is; any other mapping is copied."""
    held = getattr(headers, "__http_headers__", None)
    if type(held) is dict:
        return held
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def http_request(req: Any) -> HttpRequest:
    """The neutral request of an ``azure.functions.HttpRequest`` (or anything shaped like it)."""
    method, url = getattr(req, "method", None), getattr(req, "url", None)
    if type(method) is not str or type(url) is not str:
        raise MalformedEvent("Azure HTTP request", "method/url", "a string")
    path, query = split_url(url)
    try:
        headers = _header_dict(getattr(req, "headers", None))
        if not query:
            params = {k: v for k, v in (getattr(req, "params", None) or {}).items() if type(v) is str}
        route_params = {k: v for k, v in (getattr(req, "route_params", None) or {}).items() if type(v) is str}
        body = req.get_body()
        if body is None:
            body = b""
        elif not isinstance(body, (bytes, str)):
            raise TypeError
    except Exception:  # a broken platform object is a bad request, not a crash of the shim
        raise MalformedEvent("Azure HTTP request", "headers/params/body", "mappings and bytes") from None
    return HttpRequest.from_parts(
        method.upper(), path, MultiDict(query or params or None), Headers(headers), body, False, None, route_params,
        _client_ip(headers.get("x-forwarded-for")), "", None, req,
    )


_functions: Any = None


def _azure_functions() -> Any:
    """``azure.functions`` (the worker provides it), imported on the first HTTP response."""
    global _functions
    if _functions is None:
        import azure.functions

        _functions = azure.functions
    return _functions


def http_response(response: HttpResponse) -> Any:
    """An ``azure.functions.HttpResponse`` for ``response`` (several Set-Cookie headers kept)."""
    func = _functions or _azure_functions()
    content_type, text, others = response.parts()
    content_type = content_type or "application/octet-stream"
    mimetype, _, params = content_type.partition(";")
    charset = None
    if params:
        params = params.strip()
        if params.lower().startswith("charset="):
            charset = params[8:].strip('"')
        else:
            mimetype = content_type
    out = func.HttpResponse(response.body if text is None else text.encode(), status_code=response.status,
                            mimetype=mimetype.strip(), charset=charset)
    if others:
        headers = out.headers
        for name, values in others.items():
            for value in values:
                headers.add(name, value)
    return out


# ------------------------------------------------------------------------------------- messages ----
def _get_body(msg: Any, what: str) -> bytes | str:
    try:
        body = msg.get_body()
    except Exception:
        raise MalformedEvent(what, "body", "bytes") from None
    if body is None:
        return b""
    if not isinstance(body, (bytes, str)):
        raise MalformedEvent(what, "body", "bytes")
    return body


_message_type: type[Message] | None = None


def _message() -> type[Message]:
    """``Message``, imported on the first message (HTTP-only apps never load it)."""
    global _message_type
    from portable.runtime.message import Message

    _message_type = Message
    return Message


def queue_message(msg: Any, source: str | None = None) -> Message:
    """The neutral message of an ``azure.functions.QueueMessage`` (a portable envelope is unwrapped)."""
    Message = _message_type or _message()
    data, attributes = decode_queue_message(_get_body(msg, "Storage queue message"))
    return Message(data, _text(getattr(msg, "id", None)) or "", attributes, getattr(msg, "dequeue_count", None),
                   getattr(msg, "insertion_time", None), source, False, msg)


def service_bus_message(msg: Any, source: str | None = None) -> Message:
    """The neutral message of an ``azure.functions.ServiceBusMessage``: application properties become
    string attributes, the content type the ``content-type`` attribute."""
    Message = _message_type or _message()

    body = _get_body(msg, "Service Bus message")
    properties = getattr(msg, "application_properties", None)
    if properties is None:
        properties = getattr(msg, "user_properties", None) or {}
    if not isinstance(properties, dict):
        raise MalformedEvent("Service Bus message", "application_properties", "an object")
    attributes = {str(k): v if type(v) is str else str(v) for k, v in properties.items()}
    content_type = _text(getattr(msg, "content_type", None))
    if content_type and "content-type" not in attributes:
        attributes["content-type"] = content_type
    return Message(body, _text(getattr(msg, "message_id", None)) or "", attributes,
                   getattr(msg, "delivery_count", None), getattr(msg, "enqueued_time_utc", None), source, False, msg)


# -------------------------------------------------------------------------------------- objects ----
def _fields(event: Any) -> tuple[str | None, str | None, Any, Any, str]:
    """(type, subject, data, time, id) of an event in either schema: a dict or an azure event object."""
    if isinstance(event, dict):
        if "specversion" in event:
            kind, time = event.get("type"), event.get("time")
        else:
            kind, time = event.get("eventType"), event.get("eventTime")
        return _text(kind), _text(event.get("subject")), event.get("data"), time, _text(event.get("id")) or ""
    try:
        data = event.get_json()
    except Exception:
        raise MalformedEvent("Event Grid event", "data", "JSON") from None
    kind = getattr(event, "event_type", None) or getattr(event, "type", None)
    time = getattr(event, "event_time", None) or getattr(event, "time", None)
    return _text(kind), _text(getattr(event, "subject", None)), data, time, _text(getattr(event, "id", None)) or ""


def _blob_event(event: Any, links: Links | None) -> ObjectEvent:
    from portable.runtime.links import resolve
    from portable.runtime.objects import ObjectEvent

    what = "Blob Storage event"
    if not isinstance(event, dict) and not hasattr(event, "get_json"):
        raise MalformedEvent(what, "event", "an object")
    kind, subject, data, time, event_id = _fields(event)
    if kind is None:
        raise MalformedEvent(what, "type", "a string")
    action = _ACTIONS.get(kind)
    if action is None:
        raise UnsupportedEvent(
            f"Event Grid event type {kind!r} is not a portable trigger; portable reads {BLOB_CREATED!r} and "
            f"{BLOB_DELETED!r}"
        )
    container, _, key = (subject or "").partition("/containers/")[2].partition("/blobs/")
    if not container or not key:
        raise MalformedEvent(what, "subject", "'/blobServices/default/containers/<container>/blobs/<name>'")
    if not isinstance(data, dict):
        raise MalformedEvent(what, "data", "an object")
    return ObjectEvent(resolve("bucket", container, links=links), key, action, data.get("contentLength"),
                       _text(data.get("eTag")), time, event_id, container, event)


def blob_events(event: Any, links: Links | None = None) -> list[ObjectEvent]:
    """The object events of an Event Grid delivery: a queue message Event Grid fed, an Event Grid
    trigger's event object, a dict in either schema, a list of them or their JSON text. ``links``
    (default: the current PORTABLE_LINKS) maps the container to the portable bucket name."""
    if not isinstance(event, (dict, list, str, bytes)) and hasattr(event, "dequeue_count"):
        event = _get_body(event, "Event Grid queue message")
    if isinstance(event, (str, bytes)):
        try:
            event = json.loads(event)
        except ValueError:
            raise MalformedEvent("Event Grid delivery", "body", "JSON") from None
    if isinstance(event, list):
        if not event:
            raise MalformedEvent("Event Grid delivery", "body", "a non-empty list of events")
        return [_blob_event(e, links) for e in event]
    return [_blob_event(event, links)]


# ------------------------------------------------------------------------------------- schedule ----
def timer_event(timer: Any, schedule: str) -> ScheduleEvent:
    """The schedule event of an ``azure.functions.TimerRequest`` for portable schedule ``schedule``; the
    scheduled time is ``ScheduleStatus.Next`` (the occurrence that fired), else the invocation time."""
    from portable.runtime.schedule import ScheduleEvent

    if not schedule or type(schedule) is not str:
        raise MalformedEvent("Azure timer", "schedule name", "a non-empty string")
    status = getattr(timer, "schedule_status", None)
    time = (status.get("Next") or status.get("next")) if isinstance(status, dict) else None
    return ScheduleEvent(schedule, time, raw=timer)


# -------------------------------------------------------------------------------------- entries ----
def _trigger_source(links: Links, kinds: tuple[str, ...]) -> str | None:
    """The portable name of the function's only trigger source of one of ``kinds``, if unambiguous."""
    for kind in kinds:
        names = [n for n, link in links.items() if isinstance(link, dict) and link.get("kind") == kind
                 and link.get("access") in ("trigger", "consume")]
        if len(names) == 1:
            return names[0]
    return None


def _context(fn: Function, context: Any, fallback_id: str, traceparent: str | None = None) -> Context:
    invocation_id = _text(getattr(context, "invocation_id", None)) or fallback_id
    trace = _text(getattr(getattr(context, "trace_context", None), "trace_parent", None))
    return fn.context(invocation_id, trace or traceparent, None, None, context)


class AzureShim:
    """The entry functions for one :class:`Function`; without one, the function PORTABLE_* describes
    (rebuilt when those variables change)."""

    __slots__ = ("_env", "function", "given")

    def __init__(self, function: Function | None = None) -> None:
        self.function = function
        self.given = function is not None
        self._env: tuple[str | None, ...] = ()

    def _fn(self) -> Function:
        if self.given:
            return self.function  # type: ignore[return-value]
        current = tuple(os.environ.get(name) for name in env.ALL)
        if self.function is None or current != self._env:
            self.function = None
            self.function = Function.from_env("azure")
            self._env = current
        return self.function

    def http(self, req: Any, context: Any = None) -> Any:
        """``func.HttpRequest`` -> handler -> ``func.HttpResponse``; never raises (400 for a malformed
        request, 500 without a traceback for a handler failure)."""
        try:
            fn = self._fn()
        except ConfigError as e:
            _log_config_error(e)
            return http_response(HttpResponse.json({"error": "internal error"}, 500))
        try:
            request = http_request(req)
        except EventError as e:
            return http_response(fn.reject(e, _context(fn, context, "")))
        ctx = _context(fn, context, request.request_id, request.headers.get("traceparent"))
        return http_response(fn.http(request, ctx))

    def queue(self, msg: Any, source: str | None = None, context: Any = None) -> None:
        """A Storage queue message; raises HandlerFailed when the handler raised (the host retries)."""
        fn = self._fn()
        message = queue_message(msg, source or _trigger_source(fn.links, ("queue",)))
        fn.message(message, _context(fn, context, message.id, message.attributes.get("traceparent")))

    def service_bus(self, msg: Any, source: str | None = None, context: Any = None) -> None:
        """A Service Bus message (topic subscription or queue); raises HandlerFailed when the handler raised."""
        fn = self._fn()
        message = service_bus_message(msg, source or _trigger_source(fn.links, ("topic", "queue")))
        fn.message(message, _context(fn, context, message.id, message.attributes.get("traceparent")))

    def blob_event(self, event: Any, bucket: str | None = None, context: Any = None) -> None:
        """Blob events (a queue message Event Grid fed, or an Event Grid trigger's event); raises
        HandlerFailed when the handler raised."""
        fn = self._fn()
        for object_event in blob_events(event, fn.links):
            if bucket is not None:
                object_event.bucket = bucket
            fn.object_event(object_event, _context(fn, context, object_event.id))

    def timer(self, timer: Any, schedule: str, context: Any = None) -> None:
        """A timer firing for portable schedule ``schedule``; raises HandlerFailed when the handler raised."""
        fn = self._fn()
        event = timer_event(timer, schedule)
        fn.schedule(event, _context(fn, context, ""))


def _log_config_error(error: ConfigError) -> None:
    from portable.runtime.log import InvocationLog, level_of, member

    name = os.environ.get(env.FUNCTION) or "unknown"
    InvocationLog(name, level_of(os.environ.get(env.LOG))).write(
        "http", "error", 0, False, "", "-", ',"status":500' + member("error", f"ConfigError: {error}"), True)


shim = AzureShim()
"""The shim the entry functions use (the function PORTABLE_* describes)."""


def http(req: Any, context: Any = None) -> Any:
    """Entry for an HTTP trigger (see :mod:`providers.azure.contract`)."""
    return shim.http(req, context)


def queue(msg: Any, source: str | None = None, context: Any = None) -> None:
    """Entry for a Storage queue trigger."""
    shim.queue(msg, source, context)


def service_bus(msg: Any, source: str | None = None, context: Any = None) -> None:
    """Entry for a Service Bus queue or topic-subscription trigger."""
    shim.service_bus(msg, source, context)


def blob_event(event: Any, bucket: str | None = None, context: Any = None) -> None:
    """Entry for blob events (Event Grid, through a queue or an Event Grid trigger)."""
    shim.blob_event(event, bucket, context)


def timer(timer: Any, schedule: str, context: Any = None) -> None:
    """Entry for a timer trigger."""
    shim.timer(timer, schedule, context)
