"""The AWS Lambda shim: Lambda events -> neutral events -> the user's handler -> Lambda responses.

``handler(event, context)`` is the Lambda entry point (:data:`providers.aws.contract.LAMBDA_HANDLER`).
It recognises, with cheap key checks:

- HTTP: API Gateway HTTP API (payload 2.0) and Function URLs, API Gateway REST (1.0), ALB targets;
- SQS batches (answered with ``batchItemFailures``), SNS notifications, S3 notifications and S3 events
  through EventBridge;
- EventBridge scheduled events and EventBridge Scheduler invocations (portable input or default payload).

Anything else raises :class:`UnsupportedEvent` naming what arrived. The parse functions
(``http_request``, ``sqs_messages``, ``sns_messages``, ``object_events``, ``schedule_event``) and
``http_response`` are public for tests and tools. Standard library only.
"""

from __future__ import annotations

from json import loads as _loads

from portable.runtime import UNSET as _UNSET
from portable.runtime.context import from_xray
from portable.runtime.dispatch import Function
from portable.runtime.env import register_backends
from portable.runtime.errors import EventError, HandlerFailed, MalformedEvent, UnsupportedEvent
from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.multidict import Headers, MultiDict
from portable.runtime.payload import b64encode
from portable.runtime.urlcode import unquote, unquote_plus


def _backends() -> Mapping[str, Any]:
    from providers.aws.clients import BACKENDS  # the SDK loads when a function first uses a client

    return BACKENDS


register_backends("aws", _backends)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime
    from typing import Any

    from portable.runtime.context import Context
    from portable.runtime.message import Message
    from portable.runtime.objects import ObjectEvent
    from portable.runtime.schedule import ScheduleEvent

    SqsView = Callable[[dict[str, Any], str, str | None, dict[str, str]], Message]

V2, V1, ALB, ALB_MULTI = "v2", "v1", "alb", "alb-multi"


# ----------------------------------------------------------------------------------------- HTTP ----
def http_format(event: Mapping[str, Any]) -> str:
    """Which HTTP payload ``event`` is: ``v2`` (HTTP API, Function URL), ``v1`` (REST), ``alb``, ``alb-multi``."""
    rc = event.get("requestContext")
    if type(rc) is dict:
        if "http" in rc:
            return V2
        if "elb" in rc:
            return ALB_MULTI if "multiValueHeaders" in event else ALB
    if event.get("version") == "2.0":
        return V2
    return V1


def _v2_request(event: Mapping[str, Any], rc: Mapping[str, Any]) -> HttpRequest:
    try:
        http = rc["http"]
        method = http["method"]
        path = event.get("rawPath") or http["path"]
    except (KeyError, TypeError):
        raise MalformedEvent("API Gateway v2 request", "requestContext.http.method/path") from None
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent("API Gateway v2 request", "requestContext.http.method/path", "a string")
    if "%" in path:
        path = unquote(path)
    stage = rc.get("stage")
    if stage and stage != "$default" and type(stage) is str and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1:]
    raw_query = event.get("rawQueryString")
    query: Any = (
        FoldedQuery(raw_query, event.get("queryStringParameters")) if type(raw_query) is str
        else event.get("queryStringParameters")
    )
    cookies = event.get("cookies")
    if cookies is not None and type(cookies) is not list:
        raise MalformedEvent("API Gateway v2 request", "cookies", "a list")
    headers = event.get("headers")
    if headers is not None and type(headers) is not dict:
        raise MalformedEvent("API Gateway v2 request", "headers", "an object")
    return _V2Request(event, rc, http, method, path, query, headers, cookies)


class _V2Request(HttpRequest):
    """A view of an API Gateway v2 / Function URL event (fields are decoded on first use)."""

    __slots__ = ()

    def __init__(self, event: Mapping[str, Any], rc: Mapping[str, Any], http: Mapping[str, Any], method: str,
                 path: str, query: Any, headers: Any, cookies: list[str] | None) -> None:
        self.method = method
        self.path = path
        self.query = query if type(query) is FoldedQuery else MultiDict(query)
        self.headers = Headers(headers)
        self._body_src = event.get("body")
        self._b64 = event.get("isBase64Encoded") is True
        self._body = None
        self._json = _UNSET
        self._cookie_src = cookies
        self._cookies = None
        params = event.get("pathParameters")
        self.path_params = params if type(params) is dict else {}
        self.source_ip = http.get("sourceIp")
        request_id = rc.get("requestId")
        self.request_id = request_id if type(request_id) is str else ""
        route_key = rc.get("routeKey")
        self.route = route_key if type(route_key) is str and route_key != "$default" else None
        self.raw = event


class FoldedQuery(MultiDict):
    """API Gateway v2 query parameters: ``get`` reads the decoded, comma-folded ``queryStringParameters``
    when the value has no comma (so it is the only value); anything else parses ``rawQueryString``."""

    __slots__ = ("_folded",)

    def __init__(self, raw: str, folded: object) -> None:
        self._src = raw
        self._d = None
        self._folded = folded if type(folded) is dict else None

    def _fast(self, name: str) -> str | None:
        folded = self._folded
        if folded is not None:
            value = folded.get(name)
            if type(value) is str and "," not in value:
                return value
        return None


def _alb_query(event: Mapping[str, Any]) -> str:
    """ALB passes query values still percent-encoded: rebuild the query string, decode it once."""
    multi = event.get("multiValueQueryStringParameters")
    if type(multi) is dict:
        return "&".join(f"{k}={v}" for k, vs in multi.items() for v in (vs if type(vs) is list else [vs]))
    single = event.get("queryStringParameters")
    if type(single) is dict:
        return "&".join(f"{k}={v}" for k, v in single.items())
    return ""


def _v1_request(event: Mapping[str, Any], fmt: str) -> HttpRequest:
    what = "ALB request" if fmt in (ALB, ALB_MULTI) else "API Gateway REST request"
    method = event.get("httpMethod")
    path = event.get("path")
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent(what, "httpMethod/path", "a string")
    headers = event.get("multiValueHeaders") or event.get("headers")
    if headers is not None and type(headers) is not dict:
        raise MalformedEvent(what, "headers", "an object")
    rc = event.get("requestContext")
    rc = rc if type(rc) is dict else {}
    if fmt == V1:
        query: Any = event.get("multiValueQueryStringParameters") or event.get("queryStringParameters")
        identity = rc.get("identity")
        source_ip = identity.get("sourceIp") if type(identity) is dict else None
        request_id = rc.get("requestId")
        path_params = event.get("pathParameters")
    else:
        if "%" in path:
            path = unquote(path)
        query = _alb_query(event)
        source_ip = request_id = path_params = None
    request = HttpRequest(
        method, path, query=query, headers=headers, body=event.get("body"),
        base64_body=event.get("isBase64Encoded") is True, source_ip=source_ip,
        request_id=request_id if type(request_id) is str else "", raw=event,
    )
    if source_ip is None:
        forwarded = request.headers.get("x-forwarded-for")
        request.source_ip = forwarded.split(",")[0].strip() if forwarded else None
    if type(path_params) is dict:
        request.path_params = {k: v for k, v in path_params.items() if type(v) is str}
    resource = event.get("resource")
    if fmt == V1 and type(resource) is str:
        request.route = f"{method} {resource}"
    return request


def http_request(event: Mapping[str, Any]) -> HttpRequest:
    """The neutral request of an API Gateway (v1, v2), Function URL or ALB event."""
    fmt = http_format(event)
    if fmt == V2:
        rc = event.get("requestContext")
        return _v2_request(event, rc if type(rc) is dict else {})
    return _v1_request(event, fmt)


def _v2_response(response: HttpResponse) -> dict[str, Any]:
    ct, text, others = response.parts()
    headers = {"content-type": ct} if ct is not None else {}
    out: dict[str, Any] = {
        "statusCode": response.status, "headers": headers,
        "body": b64encode(response.body) if text is None else text,
        "isBase64Encoded": text is None,
    }
    for name, values in others.items():
        if name == "set-cookie":
            out["cookies"] = values
        else:
            headers[name] = ",".join(values)
    return out


def _multi_response(response: HttpResponse, fmt: str) -> dict[str, Any]:
    ct, text, lists = response.parts()
    body, b64 = (b64encode(response.body), True) if text is None else (text, False)
    if ct is not None:
        lists = {"content-type": [ct], **lists}
    out: dict[str, Any] = {"statusCode": response.status, "body": body, "isBase64Encoded": b64}
    if fmt == ALB:  # multi-value headers off: one value per name (the last Set-Cookie wins)
        out["headers"] = {k: vs[-1] if k == "set-cookie" else ",".join(vs) for k, vs in lists.items()}
    else:
        out["multiValueHeaders"] = lists
        if fmt == V1:
            out["headers"] = {k: vs[-1] for k, vs in lists.items() if len(vs) == 1}
    if fmt in (ALB, ALB_MULTI):
        from http import HTTPStatus

        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        out["statusDescription"] = f"{response.status} {phrase}".strip()
    return out


def http_response(response: HttpResponse, fmt: str = V2) -> dict[str, Any]:
    """The Lambda result for ``response`` in the payload format ``fmt`` of the request."""
    return _v2_response(response) if fmt == V2 else _multi_response(response, fmt)


def _context(fn: Function, lambda_ctx: Any, traceparent: str | None) -> Context:
    request_id = getattr(lambda_ctx, "aws_request_id", None)
    return fn.context(request_id if type(request_id) is str else "", traceparent,
                      getattr(lambda_ctx, "get_remaining_time_in_millis", None), None, lambda_ctx)


def _handle_http(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> dict[str, Any]:
    rc = event.get("requestContext")
    fmt = V2 if type(rc) is dict and "http" in rc else http_format(event)
    try:
        request = _v2_request(event, rc) if fmt == V2 else _v1_request(event, fmt)  # type: ignore[arg-type]
        headers = request.headers
        traceparent = headers.get("traceparent") or from_xray(headers.get("x-amzn-trace-id"))
    except EventError as e:
        return http_response(fn.reject(e, _context(fn, lambda_ctx, None)), fmt)
    response = fn.http(request, _context(fn, lambda_ctx, traceparent))
    return _v2_response(response) if fmt == V2 else _multi_response(response, fmt)


# ------------------------------------------------------------------------------------- messages ----
def _sqs_view() -> SqsView:
    """The view class of SQS records (a ``Message`` subclass, defined once ``message`` is imported)."""
    from portable.runtime.message import Message

    receive_counts = {str(n): n for n in range(1, 33)}  # a lookup of the usual counts costs less than int()

    class SqsMessage(Message):
        """A thin view of one SQS record: the body, the receive count and the sent time are read from the
        record on use; the attributes come flattened to strings (binary ones stay base64)."""

        __slots__ = ()
        _what = "SQS message"

        def __init__(self, record: dict[str, Any], message_id: str, queue: str | None,
                     attributes: dict[str, str]) -> None:
            self.raw = record
            self.id = message_id
            self.source = queue
            self._json = _UNSET
            self._attributes = attributes

        @property
        def text(self) -> str:
            body = self.raw.get("body")
            if type(body) is not str:
                raise MalformedEvent(self._what, "body", "a string")
            return body

        @property
        def body(self) -> bytes:
            return self.text.encode()

        def json(self) -> Any:
            value = self._json
            if value is _UNSET:
                try:
                    value = self._json = _loads(self.raw["body"])
                except (KeyError, TypeError, ValueError):
                    raise MalformedEvent(self._what, "body", "valid JSON") from None
            return value

        @property
        def delivery_attempt(self) -> int | None:
            try:
                count = self.raw["attributes"]["ApproximateReceiveCount"]
                return receive_counts.get(count) or int(count)
            except (KeyError, TypeError):
                return None
            except ValueError:
                raise MalformedEvent(self._what, "attributes.ApproximateReceiveCount", "an integer") from None

        @property
        def enqueued_time(self) -> datetime | None:
            try:
                sent = self.raw["attributes"]["SentTimestamp"]
            except (KeyError, TypeError):
                return None
            from portable.runtime.times import parse_time

            return parse_time(sent, self._what, "attributes.SentTimestamp")

    return SqsMessage


def _string_attributes(record: Mapping[str, Any]) -> dict[str, str]:
    """An SQS record's message attributes as strings (a handler and the trace context read them)."""
    attributes: dict[str, str] = {}
    raw = record.get("messageAttributes")
    if raw:
        try:
            for name, value in raw.items():
                attributes[name] = value.get("stringValue") or value.get("binaryValue") or ""
        except AttributeError:
            raise MalformedEvent("SQS message", "messageAttributes", "an object of objects") from None
    return attributes


class _Events:
    """What non-HTTP triggers need, imported on the first such event (HTTP functions never load it)."""

    __slots__ = ("Message", "ObjectEvent", "ScheduleEvent", "SqsMessage", "resolve", "schedule_marker")

    def __init__(self) -> None:
        from portable.runtime.links import resolve
        from portable.runtime.message import Message
        from portable.runtime.objects import ObjectEvent
        from portable.runtime.schedule import ScheduleEvent
        from providers.aws.contract import SCHEDULE_MARKER

        self.Message = Message
        self.ObjectEvent = ObjectEvent
        self.ScheduleEvent = ScheduleEvent
        self.SqsMessage = _sqs_view()
        self.resolve = resolve
        self.schedule_marker = SCHEDULE_MARKER


_events: _Events | None = None


def _ev() -> _Events:
    global _events
    if _events is None:
        _events = _Events()
    return _events


def sqs_messages(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[Message]:
    """The messages of an SQS batch (``source`` mapped to the portable queue name through ``links``,
    default the current PORTABLE_LINKS)."""
    ev = _events or _ev()
    view = ev.SqsMessage
    out: list[Message] = []
    try:
        records = event["Records"]
        arn = records[0].get("eventSourceARN") if records else None  # an event source mapping reads one queue
        queue = ev.resolve("queue", arn, links=links) if type(arn) is str else None
        for record in records:
            message_id = record["messageId"]
            if type(message_id) is not str:
                raise MalformedEvent("SQS record", "messageId", "a string")
            out.append(view(record, message_id, queue, _string_attributes(record)))
    except (KeyError, TypeError, AttributeError):  # a record that is not an object, or has no messageId
        raise MalformedEvent("SQS batch", "Records[]", "objects with a messageId") from None
    return out


def sns_messages(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[Message]:
    """The messages of an SNS notification (``source`` mapped to the portable topic name)."""
    ev = _events or _ev()
    out: list[Message] = []
    for record in event["Records"]:
        sns = record.get("Sns") if type(record) is dict else None
        if type(sns) is not dict or type(sns.get("MessageId")) is not str:
            raise MalformedEvent("SNS record", "Sns.MessageId", "a string")
        raw_attributes = sns.get("MessageAttributes")
        attributes = {
            k: v["Value"] for k, v in (raw_attributes if type(raw_attributes) is dict else {}).items()
            if type(v) is dict and type(v.get("Value")) is str
        }
        topic = sns.get("TopicArn")
        out.append(ev.Message(
            sns.get("Message"), sns["MessageId"], attributes, None, sns.get("Timestamp"),
            ev.resolve("topic", topic, links=links) if type(topic) is str else None, False, record,
        ))
    return out


def _handle_sqs(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> dict[str, Any]:
    failures = []
    for message in sqs_messages(event, fn.links):
        ctx = _context(fn, lambda_ctx, message.attributes.get("traceparent"))
        try:
            fn.message(message, ctx)
        except HandlerFailed:
            failures.append({"itemIdentifier": message.id})
    return {"batchItemFailures": failures}


def _handle_sns(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    for message in sns_messages(event, fn.links):
        fn.message(message, _context(fn, lambda_ctx, message.attributes.get("traceparent")))


# -------------------------------------------------------------------------------------- objects ----
def _s3_action(name: object, what: str) -> str:
    if type(name) is str:
        if name.startswith("ObjectCreated"):
            return "created"
        if name.startswith("ObjectRemoved"):
            return "deleted"
    raise UnsupportedEvent(f"{what} {name!r} is not an object creation or deletion; portable handles those two")


def object_events(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[ObjectEvent]:
    """The object events of an S3 notification or of an S3 event delivered by EventBridge."""
    ev = _events or _ev()
    resolve, ObjectEvent = ev.resolve, ev.ObjectEvent
    if "Records" not in event:  # EventBridge: detail-type "Object Created" / "Object Deleted"
        detail_type = event.get("detail-type")
        action = {"Object Created": "created", "Object Deleted": "deleted"}.get(detail_type) if type(
            detail_type) is str else None
        if action is None:
            raise UnsupportedEvent(f"S3 EventBridge event {detail_type!r} is not 'Object Created' or 'Object Deleted'")
        try:
            detail = event["detail"]
            name, key, obj = detail["bucket"]["name"], detail["object"]["key"], detail["object"]
        except (KeyError, TypeError):
            raise MalformedEvent("S3 EventBridge event", "detail.bucket.name/detail.object.key") from None
        if type(name) is not str or type(key) is not str:
            raise MalformedEvent("S3 EventBridge event", "detail.bucket.name/detail.object.key", "a string")
        return [ObjectEvent(resolve("bucket", name, links=links), unquote_plus(key), action, obj.get("size"),
                            obj.get("etag"), event.get("time"), str(event.get("id") or ""), name, event)]
    out = []
    for record in event["Records"]:
        try:
            s3 = record["s3"]
            name, obj = s3["bucket"]["name"], s3["object"]
            key = obj["key"]
        except (KeyError, TypeError):
            raise MalformedEvent("S3 record", "s3.bucket.name/s3.object.key") from None
        if type(name) is not str or type(key) is not str:
            raise MalformedEvent("S3 record", "s3.bucket.name/s3.object.key", "a string")
        action = _s3_action(record.get("eventName"), "S3 event")
        out.append(ObjectEvent(resolve("bucket", name, links=links), unquote_plus(key), action, obj.get("size"),
                               obj.get("eTag"), record.get("eventTime"), obj.get("sequencer") or "", name, record))
    return out


def _handle_objects(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    for object_event in object_events(event, fn.links):
        fn.object_event(object_event, _context(fn, lambda_ctx, None))


# ------------------------------------------------------------------------------------- schedule ----
def schedule_event(event: Mapping[str, Any]) -> ScheduleEvent:
    """The schedule event of a portable Scheduler input, an EventBridge rule or a Scheduler default payload."""
    ev = _events or _ev()
    ScheduleEvent = ev.ScheduleEvent
    marker = event.get(ev.schedule_marker)
    if marker is not None:
        if type(marker) is not dict or type(marker.get("schedule")) is not str:
            raise MalformedEvent("portable schedule input", "portable.schedule", "a string")
        time = marker.get("time")
        if type(time) is str and time.startswith("<aws."):
            time = None  # invoked by hand with the template itself
        run_id = marker.get("id")
        return ScheduleEvent(marker["schedule"], time, id=run_id if type(run_id) is str else "", raw=event)
    resources = event.get("resources")
    resource = resources[0] if type(resources) is list and resources and type(resources[0]) is str else ""
    name = resource.rpartition("/")[2] or str(event.get("source", "schedule"))
    return ScheduleEvent(name, event.get("time"), id=str(event.get("id") or ""), raw=event)


def _handle_schedule(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    schedule = schedule_event(event)
    fn.schedule(schedule, _context(fn, lambda_ctx, None))


# ---------------------------------------------------------------------------------- recognition ----
def trigger_of(event: object) -> str:
    """``http``, ``sqs``, ``sns``, ``s3``, ``schedule``; raises UnsupportedEvent for anything else."""
    if type(event) is not dict:
        raise UnsupportedEvent(f"a Lambda event must be a JSON object; got {type(event).__name__}")
    if "requestContext" in event or "httpMethod" in event:
        return "http"
    records = event.get("Records")
    if records is not None:
        if type(records) is not list or not records or type(records[0]) is not dict:
            raise MalformedEvent("Lambda event", "Records", "a non-empty list of objects")
        first = records[0]
        source = first.get("eventSource") or first.get("EventSource")
        if source == "aws:sqs":
            return "sqs"
        if source == "aws:s3":
            return "s3"
        if source == "aws:sns":
            return "sns"
        raise UnsupportedEvent(
            f"Lambda event with Records from {source!r} (e.g. DynamoDB or Kinesis streams) is not a portable "
            "trigger; portable handles SQS, SNS and S3 records"
        )
    if (_events or _ev()).schedule_marker in event:
        return "schedule"
    if "detail-type" in event:
        source, detail_type = event.get("source"), event.get("detail-type")
        if source == "aws.s3":
            return "s3"
        if detail_type == "Scheduled Event" and source in ("aws.events", "aws.scheduler"):
            return "schedule"
        raise UnsupportedEvent(
            f"EventBridge event {detail_type!r} from {source!r} is not a portable trigger; portable handles "
            "S3 object events and schedules"
        )
    keys = ", ".join(sorted(map(str, event))[:8]) or "none"
    raise UnsupportedEvent(f"unrecognised Lambda event (top-level keys: {keys})")


_HANDLERS = {
    "http": _handle_http, "sqs": _handle_sqs, "sns": _handle_sns, "s3": _handle_objects,
    "schedule": _handle_schedule,
}


class LambdaHandler:
    """A Lambda handler for one :class:`Function` (by default the one PORTABLE_* describes).

    >>> handler = LambdaHandler(Function("api", lambda request: "hi", provider="aws", log_level="off"))
    """

    __slots__ = ("function",)

    def __init__(self, function: Function | None = None) -> None:
        self.function = function

    def __call__(self, event: Any, context: Any = None) -> Any:
        fn = self.function
        if fn is None:
            fn = self.function = Function.from_env("aws")
        if type(event) is dict and "requestContext" in event:  # the hot path: HTTP
            return _handle_http(fn, event, context)
        return _HANDLERS[trigger_of(event)](fn, event, context)


handler = LambdaHandler()
"""The Lambda entry point: ``providers.aws.runtime.handler``."""
