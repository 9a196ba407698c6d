"""The AWS Lambda shim: Lambda events -> neutral events -> the user's handler -> Lambda responses.

``handler(event, context)`` is the Lambda entry point (:data:`providers.aws.contract.LAMBDA_HANDLER`).
It recognises, with cheap key checks:

- HTTP: API Gateway HTTP API (payload 2.0) and Function URLs, API Gateway REST (1.0), ALB targets
  (:mod:`providers.aws.runtime_http`, loaded with this module: HTTP is the hot path);
- SQS batches (answered with ``batchItemFailures``) and SNS notifications
  (:mod:`providers.aws.runtime_messages`), S3 notifications and S3 events through EventBridge
  (:mod:`providers.aws.runtime_objects`), EventBridge scheduled events and EventBridge Scheduler
  invocations (:mod:`providers.aws.runtime_schedule`); each family is imported on its first event.

Anything else raises :class:`UnsupportedEvent` naming what arrived. The parse functions
(``http_request``, ``sqs_messages``, ``sns_messages``, ``object_events``, ``schedule_event``) and
``http_response`` are reachable from this module for tests and tools. Standard library only.
"""

from __future__ import annotations

import importlib

from portable.runtime.dispatch import Function
from portable.runtime.env import register_backends
from portable.runtime.errors import MalformedEvent, UnsupportedEvent
from providers.aws.contract import SCHEDULE_MARKER
from providers.aws.runtime_http import handle_http, http_request, http_response


def _backends() -> Mapping[str, Any]:
    from providers.aws.clients import BACKENDS  # the SDK loads when a function first uses a client

    return BACKENDS


register_backends("aws", _backends)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from providers.aws.runtime_messages import sns_messages as sns_messages
    from providers.aws.runtime_messages import sqs_messages as sqs_messages
    from providers.aws.runtime_objects import object_events as object_events
    from providers.aws.runtime_schedule import schedule_event as schedule_event

    Handle = Callable[[Function, dict[str, Any], Any], Any]

__all__ = ["LambdaHandler", "handler", "http_request", "http_response", "object_events", "schedule_event",
           "sns_messages", "sqs_messages", "trigger_of"]

_FAMILIES = {"sqs": "messages", "sns": "messages", "s3": "objects", "schedule": "schedule"}
"""The module ``providers.aws.runtime_<family>`` handling each non-HTTP trigger (its ``handle_<trigger>``)."""
_LAZY = {"sqs_messages": "messages", "sns_messages": "messages", "object_events": "objects",
         "schedule_event": "schedule"}


def _family(name: str) -> Any:
    return importlib.import_module(f"providers.aws.runtime_{name}")


def __getattr__(name: str) -> object:
    family = _LAZY.get(name)
    if family is None:
        raise AttributeError(f"module 'providers.aws.runtime' has no attribute {name!r}")
    value = globals()[name] = getattr(_family(family), name)
    return value


def trigger_of(event: object) -> str:
    """``http``, ``sqs``, ``sns``, ``s3``, ``schedule``; raises UnsupportedEvent for anything else."""
    if type(event) is not dict:
        raise UnsupportedEvent(f"a Lambda event must be a JSON object; got {type(event).__name__}")
    if "requestContext" in event or "httpMethod" in event:
        _refuse_http_lookalikes(event)
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
    if SCHEDULE_MARKER in event:
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
    _refuse_http_lookalikes(event)  # e.g. a TOKEN authorizer call
    keys = ", ".join(sorted(map(str, event))[:8]) or "none"
    raise UnsupportedEvent(f"unrecognised Lambda event (top-level keys: {keys})")


def _refuse_http_lookalikes(event: dict[str, Any]) -> None:
    """UnsupportedEvent for the Lambda events that carry HTTP-like fields but are no HTTP request."""
    if "methodArn" in event or "routeArn" in event:
        kind = "API Gateway Lambda authorizer"
    elif "authorizationToken" in event:
        kind = "AppSync Lambda authorizer"
    elif "actionGroup" in event and "agent" in event:
        kind = "Bedrock agent action group"
    elif type(event.get("requestContext")) is dict and "serviceNetworkArn" in event["requestContext"]:
        kind = "VPC Lattice"
    else:
        return
    raise UnsupportedEvent(f"{kind} events are not a portable trigger; portable handles HTTP requests from API "
                           "Gateway, Function URLs and ALB, SQS, SNS, S3 and schedules")


def _plain_http(event: dict[str, Any]) -> bool:
    """The hot-path test: an HTTP request, not an authorizer call (those carry ``type`` or a token)."""
    return "requestContext" in event and "type" not in event and "authorizationToken" not in event


_handlers: dict[str, Handle] = {"http": handle_http}


def _handler_of(trigger: str) -> Handle:
    """The handling function of a trigger, its family imported on first use."""
    handle = _handlers.get(trigger)
    if handle is None:
        handle = _handlers[trigger] = getattr(_family(_FAMILIES[trigger]), f"handle_{trigger}")
    return handle


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
        if type(event) is dict and _plain_http(event):  # the hot path: HTTP
            return handle_http(fn, event, context)
        return _handler_of(trigger_of(event))(fn, event, context)


handler = LambdaHandler()
"""The Lambda entry point: ``providers.aws.runtime.handler``."""
