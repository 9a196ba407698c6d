"""``portable invoke`` with a Lambda event: recognised by its keys, read by the AWS shim's parsers."""

from __future__ import annotations

from typing import Any

from providers.aws import runtime

_KEYS = frozenset({"Records", "requestContext", "httpMethod", "detail-type"})


def recognise(payload: Any) -> bool:
    return isinstance(payload, dict) and not _KEYS.isdisjoint(payload)


def native_events(payload: dict[str, Any]) -> list[Any]:
    """The neutral events of a Lambda event (the shim's own parsers; raises EventError)."""
    trigger = runtime.trigger_of(payload)
    if trigger == "http":
        return [runtime.http_request(payload)]
    if trigger == "sqs":
        return list(runtime.sqs_messages(payload))
    if trigger == "sns":
        return list(runtime.sns_messages(payload))
    if trigger == "s3":
        return list(runtime.object_events(payload))
    return [runtime.schedule_event(payload)]
