"""Neutral event files: a small JSON format for one event of each trigger, used by ``portable invoke``.

One top-level key names the trigger::

    {"http": {"method": "POST", "path": "/orders", "query": "a=1", "headers": {"x-id": "1"}, "body": {"items": []}}}
    {"message": {"body": "hello", "attributes": {"tenant": "acme"}, "source": "jobs"}}
    {"object": {"bucket": "receipts", "key": "receipts/1.json", "action": "created", "size": 12}}
    {"schedule": {"name": "nightly-report", "time": "2024-05-01T03:00:00Z"}}

An HTTP or message ``body`` that is not a string is sent as JSON; ``body_base64`` gives binary bytes.

>>> parse({"http": {"method": "post", "path": "/orders", "body": {"items": [1]}}}).json()
{'items': [1]}
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from typing import Any

from portable.errors import PortableError
from portable.runtime.http import HttpRequest
from portable.runtime.message import Message
from portable.runtime.objects import ObjectEvent
from portable.runtime.schedule import ScheduleEvent

KINDS = ("http", "message", "object", "schedule")
Event = HttpRequest | Message | ObjectEvent | ScheduleEvent


def is_neutral(payload: object) -> bool:
    """True if ``payload`` is a neutral event file (one of the trigger keys, nothing else)."""
    return isinstance(payload, dict) and len(payload) == 1 and next(iter(payload)) in KINDS


def parse(payload: dict[str, Any]) -> Event:
    """The neutral event a neutral event file describes."""
    if not is_neutral(payload):
        keys = ", ".join(repr(k) for k in payload) if isinstance(payload, dict) else type(payload).__name__
        raise PortableError(
            f"An event file needs exactly one of {', '.join(repr(k) for k in KINDS)} at the top; got {keys}",
            hint='e.g. {"http": {"method": "GET", "path": "/orders/42"}}',
        )
    kind, spec = next(iter(payload.items()))
    if not isinstance(spec, dict):
        raise PortableError(f"The {kind!r} event must be a JSON object, not {type(spec).__name__}")
    try:
        return _BUILDERS[kind](spec)
    except (KeyError, TypeError, ValueError) as error:
        raise PortableError(f"The {kind!r} event is invalid: {error}", hint=f"Fields: {_FIELDS[kind]}") from None


def _body(spec: dict[str, Any]) -> tuple[bytes | str, bool]:
    """The body and whether it is JSON."""
    if "body_base64" in spec:
        return base64.b64decode(spec["body_base64"], validate=True), False
    body = spec.get("body", "")
    if isinstance(body, str):
        return body, False
    return json.dumps(body), True


def _http(spec: dict[str, Any]) -> HttpRequest:
    body, is_json = _body(spec)
    headers = {str(k).lower(): str(v) for k, v in (spec.get("headers") or {}).items()}
    if is_json:
        headers.setdefault("content-type", "application/json")
    path = str(spec.get("path", "/"))
    if not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/'")
    return HttpRequest(str(spec.get("method", "GET")).upper(), path, query=spec.get("query"), headers=headers,
                       body=body, source_ip="127.0.0.1", request_id=os.urandom(8).hex())


def _message(spec: dict[str, Any]) -> Message:
    body, _ = _body(spec)
    attributes = {str(k): str(v) for k, v in (spec.get("attributes") or {}).items()}
    return Message(body, str(spec.get("id") or os.urandom(16).hex()), attributes, int(spec.get("delivery_attempt", 1)),
                   spec.get("enqueued_time"), source=spec.get("source"))


def _object(spec: dict[str, Any]) -> ObjectEvent:
    return ObjectEvent(str(spec["bucket"]), str(spec["key"]), str(spec.get("action", "created")),
                       size=spec.get("size"), etag=spec.get("etag"), time=spec.get("time"),
                       id=str(spec.get("id") or os.urandom(8).hex()))


def _schedule(spec: dict[str, Any]) -> ScheduleEvent:
    return ScheduleEvent(str(spec["name"]), spec.get("time"), id=str(spec.get("id") or os.urandom(8).hex()))


_BUILDERS: dict[str, Callable[[dict[str, Any]], Event]] = {"http": _http, "message": _message, "object": _object, "schedule": _schedule}
_FIELDS = {
    "http": "method, path, query, headers, body or body_base64",
    "message": "body or body_base64, attributes, id, source, delivery_attempt",
    "object": "bucket, key (required), action ('created'/'deleted'), size, etag, time",
    "schedule": "name (required), time",
}
