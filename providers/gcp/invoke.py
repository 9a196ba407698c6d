"""``portable invoke`` with what Google Cloud delivers: a Pub/Sub push body, a CloudEvent (structured, or
an HTTP delivery ``{"method", "headers", "body"}`` in binary mode), read by the Cloud Run shim's parsers."""

from __future__ import annotations

import json
from typing import Any

from portable.runtime.schedule import ScheduleEvent
from providers.gcp import runtime


def recognise(payload: Any) -> bool:
    if not isinstance(payload, dict):
        return False
    if "specversion" in payload:
        return not str(payload.get("type", "")).startswith("Microsoft.")  # Event Grid's are Azure's
    if "message" in payload and "subscription" in payload:
        return True
    if _is_legacy(payload):
        return True
    if {"method", "headers"} <= payload.keys():
        headers = {str(k).lower() for k in payload.get("headers") or {}}
        return "ce-specversion" in headers or "subscription" in str(payload.get("body", ""))
    return False


def _is_legacy(payload: dict[str, Any]) -> bool:
    """A Cloud Functions 1st-gen background event (``{"context", "data"}``, or flat with ``eventId``)."""
    context = payload.get("context")
    return (isinstance(context, dict) and "eventType" in context) or {"eventId", "eventType", "resource"} <= payload.keys()


def native_events(payload: dict[str, Any]) -> list[Any]:
    """The neutral events of a Google Cloud delivery (raises EventError)."""
    runtime.legacy_check(payload)
    if "message" in payload and "subscription" in payload:
        return [runtime.push_message(json.dumps(payload))]
    if "specversion" in payload:
        event = runtime.structured_cloudevent(payload)
    else:
        headers = {str(k).lower(): str(v) for k, v in (payload.get("headers") or {}).items()}
        body = str(payload.get("body", "")).encode()
        if "ce-specversion" not in headers:
            return [runtime.push_message(body)]
        event = runtime.cloudevent_from_http(headers, body)
    if event.type == runtime.PUBSUB_PUBLISHED:
        return [event.message()]
    if event.type == runtime.SCHEDULER_EXECUTED:
        return [ScheduleEvent("", event.time, id=event.id)]
    return [event.object_event()]
