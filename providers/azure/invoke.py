"""``portable invoke`` with what Azure delivers, read by the Azure shim's parsers: a custom-handler
invocation ``{"Data": {...}, "Metadata": {...}}`` (HTTP, Storage queue, Service Bus, timer or Event Grid
binding; also wrapped in the host's HTTP request ``{"method", "path", "headers", "body"}``), or Event
Grid blob events (one, or the array Event Grid posts, in either schema)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from portable.runtime.errors import MalformedEvent, UnsupportedEvent
from providers.azure import runtime


def recognise(payload: Any) -> bool:
    if isinstance(payload, list):
        return bool(payload) and all(_is_event_grid(e) for e in payload)
    if not isinstance(payload, dict):
        return False
    return _is_invocation(payload) or _is_event_grid(payload) or _is_host_request(payload)


def _is_invocation(payload: dict[str, Any]) -> bool:
    return "Data" in payload and "Metadata" in payload


def _is_host_request(payload: dict[str, Any]) -> bool:
    body = payload.get("body")
    return {"method", "body"} <= payload.keys() and isinstance(body, str) and '"Data"' in body and '"Metadata"' in body


def _is_event_grid(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    if "specversion" in event:
        return str(event.get("type", "")).startswith("Microsoft.")
    return "eventType" in event and "eventTime" in event


def native_events(payload: Any, schedule: str) -> list[Any]:
    """The neutral events of an Azure delivery; ``schedule`` names the schedule a timer fires."""
    if isinstance(payload, dict) and _is_host_request(payload):
        try:
            payload = json.loads(payload["body"])
        except ValueError:
            raise MalformedEvent("custom handler request", "body", "JSON") from None
    if isinstance(payload, dict) and _is_invocation(payload):
        return _invocation(payload["Data"], payload["Metadata"], schedule)
    return list(runtime.blob_events(payload, links={}))


def _invocation(data: Any, metadata: Any, schedule: str) -> list[Any]:
    if not isinstance(data, dict) or len(data) != 1 or not isinstance(metadata, dict):
        raise MalformedEvent("custom handler invocation", "Data", "an object with one binding")
    (binding, value), = data.items()
    if isinstance(value, dict) and "Method" in value and "Url" in value:
        return [runtime.http_request(_request(value))]
    if isinstance(value, dict) and ("ScheduleStatus" in value or "IsPastDue" in value):
        return [runtime.timer_event(SimpleNamespace(schedule_status=value.get("ScheduleStatus")), schedule)]
    if isinstance(value, dict) and ("eventType" in value or "specversion" in value):  # an Event Grid binding
        return list(runtime.blob_events(value, links={}))
    body = value if isinstance(value, (str, bytes)) else json.dumps(value)
    if "DequeueCount" in metadata and _carries_event_grid(body):  # how blob events reach a function on Azure
        return list(runtime.blob_events(body, links={}))
    if "DequeueCount" in metadata:
        message = SimpleNamespace(get_body=lambda: body, id=_text(metadata.get("Id")),
                                  dequeue_count=_number(metadata.get("DequeueCount")),
                                  insertion_time=_time(metadata.get("InsertionTime")))
        return [runtime.queue_message(message)]
    if "DeliveryCount" in metadata or "LockToken" in metadata:
        properties = metadata.get("ApplicationProperties") or metadata.get("UserProperties") or {}
        message = SimpleNamespace(get_body=lambda: body, message_id=_text(metadata.get("MessageId")),
                                  delivery_count=_number(metadata.get("DeliveryCount")),
                                  content_type=_text(metadata.get("ContentType")), application_properties=properties,
                                  enqueued_time_utc=_time(metadata.get("EnqueuedTimeUtc")))
        return [runtime.service_bus_message(message)]
    raise UnsupportedEvent(
        f"Azure custom handler binding {binding!r} is not a portable trigger; portable reads HTTP, Storage queue, "
        "Service Bus, timer and Event Grid bindings"
    )


def _carries_event_grid(body: str | bytes) -> bool:
    try:
        decoded = json.loads(body)
    except ValueError:
        return False
    return recognise(decoded) and not (isinstance(decoded, dict) and _is_invocation(decoded))


def _request(req: dict[str, Any]) -> SimpleNamespace:
    """An ``azure.functions.HttpRequest`` look-alike of the host's ``req`` binding."""
    headers = {str(k): ", ".join(map(str, v)) if isinstance(v, list) else str(v)
               for k, v in (req.get("Headers") or {}).items()}
    query = _object(req.get("Query"))
    body = req.get("Body")
    return SimpleNamespace(method=req["Method"], url=req["Url"], headers=headers, params=query,
                           route_params=_object(req.get("Params")),
                           get_body=lambda: b"" if body is None else str(body).encode())


def _object(value: Any) -> dict[str, Any]:
    """The host sends some objects as JSON text (``"Query": "{}"``)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    """A metadata string; the host JSON-encodes some (``"Id": "\\"4e77...\\""``)."""
    if not isinstance(value, str):
        return None
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return decoded if isinstance(decoded, str) else value
    return value


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _time(value: Any) -> datetime | None:
    try:
        time = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return time if time.tzinfo else time.replace(tzinfo=UTC)
