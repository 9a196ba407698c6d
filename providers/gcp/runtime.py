"""The Cloud Run shim: a WSGI app turning HTTP requests, Pub/Sub pushes, Eventarc CloudEvents and Cloud
Scheduler calls into neutral events for the user's handler.

``app`` (:data:`providers.gcp.contract.WSGI_APP`) serves the function PORTABLE_* describes. Requests
under :data:`~providers.gcp.contract.EVENT_PREFIX` are events (see :mod:`providers.gcp.contract`), any
other request is HTTP; a CloudEvent (``ce-specversion`` header or ``application/cloudevents+json``)
is an event wherever it arrives. A handler failure answers 500 so that Pub/Sub and Eventarc redeliver.
The parse functions (``push_message``, ``cloudevent_from_http``, ``wsgi_request``) are public for
tests and tools. Standard library only.
"""

from __future__ import annotations

import json

from portable.runtime.context import from_cloud_trace
from portable.runtime.dispatch import Function
from portable.runtime.env import register_backends
from portable.runtime.errors import EventError, MalformedEvent, UnsupportedEvent
from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.multidict import Headers
from portable.runtime.payload import b64decode
from providers.gcp.contract import EVENT_KINDS, EVENT_PREFIX, EVENT_TOKEN_ENV


def _backends() -> Mapping[str, Any]:
    from providers.gcp.clients import BACKENDS  # the SDK loads when a function first uses a client

    return BACKENDS


register_backends("gcp", _backends)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from portable.runtime.message import Message
    from portable.runtime.objects import ObjectEvent
    from portable.runtime.schedule import ScheduleEvent

    StartResponse = Callable[..., Any]

PUBSUB_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"
STORAGE_PREFIX = "google.cloud.storage.object.v1."
SCHEDULER_EXECUTED = "google.cloud.scheduler.job.v1.executed"

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
            302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Entity",
            500: "Internal Server Error", 503: "Service Unavailable"}


# ------------------------------------------------------------------------------------- Pub/Sub ----
_message_class: type[Message] | None = None


def _new_message() -> type[Message]:
    """``Message``, imported on the first event (HTTP-only services never load it)."""
    global _message_class
    from portable.runtime.message import Message

    _message_class = Message
    return Message


def _pubsub_message(message: object, what: str, source: str | None, attempt: int | None = None) -> Message:
    Message = _message_class or _new_message()
    if type(message) is not dict:
        raise MalformedEvent(what, "message", "an object")
    message_id = message.get("messageId") or message.get("message_id")
    if type(message_id) is not str:
        raise MalformedEvent(what, "message.messageId", "a string")
    attributes = message.get("attributes")
    if attributes is None:
        attributes = {}
    elif type(attributes) is not dict:
        raise MalformedEvent(what, "message.attributes", "an object")
    data = message.get("data")
    if data is not None and type(data) is not str:
        raise MalformedEvent(what, "message.data", "a base64 string")
    return Message(data, message_id, attributes, attempt,
                   message.get("publishTime") or message.get("publish_time"), source, True, message)


def push_message(body: bytes | str, source: str | None = None) -> Message:
    """The message of a Pub/Sub push request body (``source``: the portable queue/topic name)."""
    try:
        envelope = json.loads(body)
    except ValueError:
        raise MalformedEvent("Pub/Sub push request", "body", "JSON") from None
    if type(envelope) is not dict:
        raise MalformedEvent("Pub/Sub push request", "body", "a JSON object")
    attempt = envelope.get("deliveryAttempt")
    if attempt is not None and type(attempt) is not int:
        raise MalformedEvent("Pub/Sub push request", "deliveryAttempt", "an integer")
    if "message" not in envelope:
        legacy_check(envelope)
    if source is None:
        from portable.runtime.links import resolve

        subscription = envelope.get("subscription")
        source = resolve("queue", subscription) if type(subscription) is str else None
    return _pubsub_message(envelope.get("message"), "Pub/Sub push request", source, attempt)


# ----------------------------------------------------------------------------------- CloudEvents ----
class CloudEventIn:
    """A CloudEvent as Eventarc delivers it (binary or structured mode); ``data`` is parsed on first use."""

    __slots__ = ("_data", "_data_src", "id", "raw", "source", "subject", "time", "type")

    def __init__(self, id: str, source: str, type: str, time: str | None, subject: str | None,
                 data: Any, raw: Any = None) -> None:
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self._data_src = data
        self._data: Any = None
        self.raw = raw

    @property
    def data(self) -> Any:
        data = self._data
        if data is None:
            src = self._data_src
            if isinstance(src, (bytes, bytearray, str)):
                try:
                    data = json.loads(src) if src else {}
                except ValueError:
                    raise MalformedEvent(f"CloudEvent {self.type}", "data", "JSON") from None
            else:
                data = src
            self._data = data
        return data

    def message(self, source: str | None = None) -> Message:
        """The Pub/Sub message of a ``messagePublished`` event."""
        if self.type != PUBSUB_PUBLISHED:
            raise UnsupportedEvent(f"CloudEvent type {self.type!r} is not {PUBSUB_PUBLISHED!r}")
        data = self.data
        if type(data) is not dict:
            raise MalformedEvent("Eventarc Pub/Sub event", "data", "an object")
        if source is None and self.source:
            from portable.runtime.links import resolve

            source = resolve("topic", self.source)
        attempt = data.get("deliveryAttempt")
        message = _pubsub_message(data.get("message"), "Eventarc Pub/Sub event", source,
                                  attempt if type(attempt) is int else None)
        message.id = message.id or self.id
        return message

    def object_event(self, bucket: str | None = None) -> ObjectEvent:
        """The object event of a Cloud Storage ``finalized`` / ``deleted`` event."""
        from portable.runtime.links import resolve
        from portable.runtime.objects import ObjectEvent

        kind = self.type[len(STORAGE_PREFIX):] if self.type.startswith(STORAGE_PREFIX) else ""
        action = {"finalized": "created", "deleted": "deleted"}.get(kind)
        if action is None:
            raise UnsupportedEvent(
                f"CloudEvent type {self.type!r} is not a Cloud Storage object finalized/deleted event"
            )
        data = self.data
        if type(data) is not dict:
            raise MalformedEvent("Cloud Storage event", "data", "an object")
        name, key = data.get("bucket"), data.get("name")
        if type(name) is not str or type(key) is not str:
            raise MalformedEvent("Cloud Storage event", "data.bucket/data.name", "a string")
        return ObjectEvent(
            bucket or resolve("bucket", name), key, action, size=data.get("size"), etag=data.get("etag"),
            time=self.time or data.get("timeDeleted" if action == "deleted" else "updated"), id=self.id,
            physical_bucket=name, raw=self,
        )

    def to_cloudevent(self) -> dict[str, Any]:
        event: dict[str, Any] = {"specversion": "1.0", "id": self.id, "source": self.source, "type": self.type}
        for name, value in (("time", self.time), ("subject", self.subject)):
            if value is not None:
                event[name] = value
        event["data"] = self.data
        return event


def _ce_text(value: object, what: str, field: str) -> str:
    if type(value) is not str or not value:
        raise MalformedEvent(what, field, "a non-empty string")
    return value


def cloudevent_from_http(headers: Mapping[str, str], body: bytes) -> CloudEventIn:
    """The CloudEvent of an HTTP delivery: binary mode (``ce-*`` headers, ``headers`` with lower-case
    names) or structured mode (``application/cloudevents+json`` body)."""
    specversion = headers.get("ce-specversion")
    if specversion is not None:
        what = "CloudEvent (binary mode)"
        if specversion != "1.0":
            raise UnsupportedEvent(f"CloudEvents specversion {specversion!r}; portable reads 1.0")
        return CloudEventIn(
            _ce_text(headers.get("ce-id"), what, "ce-id"), _ce_text(headers.get("ce-source"), what, "ce-source"),
            _ce_text(headers.get("ce-type"), what, "ce-type"), headers.get("ce-time"), headers.get("ce-subject"),
            body, headers,
        )
    what = "CloudEvent (structured mode)"
    try:
        event = json.loads(body)
    except ValueError:
        raise MalformedEvent(what, "body", "JSON") from None
    return structured_cloudevent(event)


def structured_cloudevent(event: object) -> CloudEventIn:
    """A CloudEvent given as a JSON object (structured mode)."""
    what = "CloudEvent (structured mode)"
    if type(event) is not dict:
        raise MalformedEvent(what, "body", "a JSON object")
    if event.get("specversion") != "1.0":
        raise UnsupportedEvent(f"not a CloudEvents 1.0 event (specversion {event.get('specversion')!r})")
    data: Any = event.get("data")
    if "data_base64" in event:
        try:
            data = b64decode(event["data_base64"])
        except (TypeError, ValueError):
            raise MalformedEvent(what, "data_base64", "base64") from None
    time, subject = event.get("time"), event.get("subject")
    return CloudEventIn(
        _ce_text(event.get("id"), what, "id"), _ce_text(event.get("source"), what, "source"),
        _ce_text(event.get("type"), what, "type"), time if type(time) is str else None,
        subject if type(subject) is str else None, {} if data is None else data, event,
    )


def legacy_check(event: Mapping[str, Any]) -> None:
    """Raise UnsupportedEvent for Cloud Functions (1st gen) background events."""
    context = event.get("context")
    event_type = context.get("eventType") if type(context) is dict else event.get("eventType")
    if event_type is not None:
        raise UnsupportedEvent(
            f"Cloud Functions 1st-gen background event {event_type!r} is not supported; portable deploys to "
            "Cloud Run and reads Eventarc CloudEvents and Pub/Sub push requests"
        )


# -------------------------------------------------------------------------------------- WSGI ----
class EnvironHeaders(Headers):
    """Request headers read straight from a WSGI environ (one dict lookup per ``get``)."""

    __slots__ = ()

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if self._d is None:
            key = name.upper().replace("-", "_")
            value = self._src.get(key if key in _CGI_HEADERS else "HTTP_" + key)  # type: ignore[union-attr]
            return value if type(value) is str else default
        values = self._d.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        if self._d is None:  # a WSGI environ holds one (joined) value per header
            value = self.get(name)
            return [] if value is None else [value]
        return super().get_all(name)

    def _load(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in self._src.items():  # type: ignore[union-attr]
            if key.startswith("HTTP_"):
                name = key[5:]
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = key
            else:
                continue
            if type(value) is str:
                out.setdefault(name.lower().replace("_", "-"), []).append(value)
        return out


_CGI_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


def _wsgi_text(value: str) -> str:
    """WSGI strings are bytes decoded as latin-1: re-decode as UTF-8."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode()
    except UnicodeError:
        return value


def _read_body(environ: Mapping[str, Any]) -> bytes:
    length = environ.get("CONTENT_LENGTH")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length:
        try:
            n = int(length)
        except ValueError:
            raise MalformedEvent("HTTP request", "Content-Length", "an integer") from None
        if n < 0:
            raise MalformedEvent("HTTP request", "Content-Length", "a non-negative integer")
        return bytes(stream.read(n)) if n else b""
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return bytes(stream.read())
    return b""


def wsgi_request(environ: Mapping[str, Any], body: bytes | None = None) -> HttpRequest:
    """The neutral request of a WSGI environ (the body is read unless given)."""
    method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO") or "/"
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent("HTTP request", "REQUEST_METHOD/PATH_INFO", "a string")
    headers = EnvironHeaders(environ)
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    source_ip = forwarded.split(",")[0].strip() if type(forwarded) is str else environ.get("REMOTE_ADDR")
    trace = environ.get("HTTP_X_CLOUD_TRACE_CONTEXT")
    return HttpRequest(
        method, _wsgi_text(path), query=environ.get("QUERY_STRING") or None, headers=headers,
        body=_read_body(environ) if body is None else body, source_ip=source_ip,
        request_id=trace.partition("/")[0] if type(trace) is str else "", raw=environ,
    )


def _status_line(status: int) -> str:
    reason = _REASONS.get(status)
    if reason is None:
        from http import HTTPStatus

        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}"


def _respond(response: HttpResponse, start_response: StartResponse) -> Iterable[bytes]:
    body = response.body
    headers = response.header_items()
    headers.append(("content-length", str(len(body))))
    start_response(_status_line(response.status), headers)
    return [body]


_OK = (b"",)


def _done(status: int, start_response: StartResponse) -> Iterable[bytes]:
    start_response(_status_line(status), [("content-length", "0")])
    return _OK


def _trace_of(headers: Mapping[str, str] | Headers) -> str | None:
    return headers.get("traceparent") or from_cloud_trace(headers.get("x-cloud-trace-context"))


class CloudRunApp:
    """The WSGI app of one :class:`Function` (by default the one PORTABLE_* describes)."""

    __slots__ = ("_token", "function")

    def __init__(self, function: Function | None = None) -> None:
        self.function = function
        self._token: str | None = None  # EVENT_TOKEN_ENV of the function, read on the first event

    def _fn(self) -> Function:
        fn = self.function
        if fn is None:
            fn = self.function = Function.from_env("gcp")
        return fn

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        fn = self.function or self._fn()
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(EVENT_PREFIX):
            return self._event(fn, environ, start_response, path)
        if "HTTP_CE_SPECVERSION" in environ or str(environ.get("CONTENT_TYPE", "")).startswith(
            "application/cloudevents"
        ):
            return self._event(fn, environ, start_response, "")
        try:
            request = wsgi_request(environ)
            ctx = fn.context(traceparent=_trace_of(request.headers))
        except EventError as e:
            return _respond(fn.reject(e), start_response)
        return _respond(fn.http(request, ctx), start_response)

    def _authorised(self, fn: Function, environ: Mapping[str, Any]) -> bool:
        expected = self._token
        if expected is None:
            expected = self._token = fn.config.get(EVENT_TOKEN_ENV) or ""
        if not expected:
            return True
        import hmac

        from portable.runtime.urlcode import parse_query

        given = parse_query(environ.get("QUERY_STRING") or "").get("token", [""])[0]
        return hmac.compare_digest(given.encode(), expected.encode())

    def _event(self, fn: Function, environ: dict[str, Any], start_response: StartResponse, path: str) -> Iterable[bytes]:
        if path and not self._authorised(fn, environ):
            return _done(403, start_response)
        kind, _, name = path[len(EVENT_PREFIX):].partition("/") if path else ("", "", "")
        headers = EnvironHeaders(environ)
        trigger = "schedule" if kind == "schedule" else "object" if kind == "bucket" else "message"
        try:
            neutral, trigger = self._parse(headers, _read_body(environ), kind, name, path, environ)
            trace = neutral.attributes.get("traceparent") if trigger == "message" else None  # type: ignore[union-attr]
        except EventError as e:
            return _respond(fn.reject(e, fn.context(traceparent=_trace_of(headers)), trigger), start_response)
        ctx = fn.context(traceparent=trace or _trace_of(headers))
        try:
            if trigger == "message":
                fn.message(neutral, ctx)  # type: ignore[arg-type]
            elif trigger == "object":
                if not _wanted(fn, neutral):  # type: ignore[arg-type]
                    return _done(200, start_response)  # outside the trigger's prefix/suffix/events: acknowledged
                fn.object_event(neutral, ctx)  # type: ignore[arg-type]
            else:
                fn.schedule(neutral, ctx)  # type: ignore[arg-type]
        except Exception:  # HandlerFailed, or the handler could not be loaded: logged; let the platform retry
            return _done(500, start_response)
        return _done(200, start_response)

    @staticmethod
    def _parse(headers: Headers, body: bytes, kind: str, name: str, path: str,
               environ: Mapping[str, Any]) -> tuple[Message | ObjectEvent | ScheduleEvent, str]:
        from portable.runtime.schedule import ScheduleEvent

        if kind == "schedule":
            if not name:
                raise MalformedEvent("Cloud Scheduler call", "path", "/_portable/schedule/<name>")
            return ScheduleEvent(name, headers.get("x-cloudscheduler-scheduletime"), raw=environ), "schedule"
        if path and (kind not in EVENT_KINDS or not name):
            raise UnsupportedEvent(f"no portable event endpoint at {path!r}")
        if "HTTP_CE_SPECVERSION" in environ:
            event = cloudevent_from_http(headers, body)
        elif str(environ.get("CONTENT_TYPE", "")).startswith("application/cloudevents"):
            event = cloudevent_from_http({}, body)
        else:
            return push_message(body, name or None), "message"
        if event.type == PUBSUB_PUBLISHED:
            return event.message(name or None), "message"
        if event.type.startswith(STORAGE_PREFIX):
            return event.object_event(name or None), "object"
        if event.type == SCHEDULER_EXECUTED:
            schedule = name or (event.source or "schedule").rpartition("/")[2]
            return ScheduleEvent(schedule, event.time, id=event.id, raw=event), "schedule"
        raise UnsupportedEvent(
            f"CloudEvent type {event.type!r} is not a portable trigger; portable reads Pub/Sub "
            "messagePublished and Cloud Storage object finalized/deleted events"
        )


def _wanted(fn: Function, event: ObjectEvent) -> bool:
    """Whether the function's object triggers on the event's bucket take it (Eventarc cannot filter
    object names, so the deploy side lists the filters in the bucket's PORTABLE_LINKS entry)."""
    link = fn.links.get(event.bucket)
    return event.wanted_by(link.get("triggers") if isinstance(link, dict) else None)


app = CloudRunApp()
"""The Cloud Run WSGI entry point: ``providers.gcp.runtime:app``."""


def main() -> None:
    """Serve :data:`app` on $PORT with the standard library's threaded WSGI server."""
    import os
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIServer, make_server

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    port = int(os.environ.get("PORT", "8080"))
    with make_server("", port, app, server_class=Server) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
