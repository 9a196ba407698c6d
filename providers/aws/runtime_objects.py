"""AWS object events: S3 notifications and S3 events delivered by EventBridge -> :class:`ObjectEvent`."""

from __future__ import annotations

from portable.runtime.errors import MalformedEvent, UnsupportedEvent
from portable.runtime.links import resolve
from portable.runtime.objects import ObjectEvent
from portable.runtime.urlcode import unquote_plus
from providers.aws.runtime_http import lambda_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.dispatch import Function

_BRIDGE_ACTIONS = {"Object Created": "created", "Object Deleted": "deleted"}


def _s3_action(name: object, what: str) -> str:
    if type(name) is str:
        if name.startswith("ObjectCreated"):
            return "created"
        if name.startswith("ObjectRemoved"):
            return "deleted"
    raise UnsupportedEvent(f"{what} {name!r} is not an object creation or deletion; portable handles those two")


def _bridge_event(event: Mapping[str, Any], links: Mapping[str, Any] | None) -> ObjectEvent:
    detail_type = event.get("detail-type")
    action = _BRIDGE_ACTIONS.get(detail_type) if type(detail_type) is str else None
    if action is None:
        raise UnsupportedEvent(f"S3 EventBridge event {detail_type!r} is not 'Object Created' or 'Object Deleted'")
    try:
        detail = event["detail"]
        name, key, obj = detail["bucket"]["name"], detail["object"]["key"], detail["object"]
    except (KeyError, TypeError):
        raise MalformedEvent("S3 EventBridge event", "detail.bucket.name/detail.object.key") from None
    if type(name) is not str or type(key) is not str:
        raise MalformedEvent("S3 EventBridge event", "detail.bucket.name/detail.object.key", "a string")
    return ObjectEvent(resolve("bucket", name, links=links), unquote_plus(key), action, obj.get("size"),
                       obj.get("etag"), event.get("time"), str(event.get("id") or ""), name, event)


def object_events(event: Mapping[str, Any], links: Mapping[str, Any] | None = None) -> list[ObjectEvent]:
    """The object events of an S3 notification or of an S3 event delivered by EventBridge."""
    if "Records" not in event:  # EventBridge: detail-type "Object Created" / "Object Deleted"
        return [_bridge_event(event, links)]
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


def handle_s3(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> None:
    """Run ``fn`` for each object event (raises HandlerFailed: Lambda retries)."""
    for object_event in object_events(event, fn.links):
        fn.object_event(object_event, lambda_context(fn, lambda_ctx, None))
