"""Cloud Run event deliveries: Pub/Sub push requests, Eventarc CloudEvents (binary or structured
mode) and Cloud Scheduler calls -> :class:`Message`, :class:`ObjectEvent` or :class:`ScheduleEvent`."""

from __future__ import annotations

import json

from portable.runtime.errors import MalformedEvent, UnsupportedEvent
from portable.runtime.links import resolve
from portable.runtime.message import Message
from portable.runtime.objects import ObjectEvent
from portable.runtime.payload import b64decode
from portable.runtime.schedule import ScheduleEvent
from providers.gcp.contract import EVENT_KINDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.dispatch import Function
    from portable.runtime.multidict import Headers

PUBSUB_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"
STORAGE_PREFIX = "google.cloud.storage.object.v1."
SCHEDULER_EXECUTED = "google.cloud.scheduler.job.v1.executed"
_STORAGE_ACTIONS = {"finalized": "created", "deleted": "deleted"}
_loads = json.loads


# ------------------------------------------------------------------------------------- Pub/Sub ----
def _pubsub_message(message: object, what: str, source: str | None, attempt: int | None = None,
                    event_id: str | None = None, event_time: str | None = None) -> Message:
    """The neutral message of a PubsubMessage object; a CloudEvent's own ``event_id`` and ``event_time``
    stand in for a missing ``messageId`` / ``publishTime``."""
    if type(message) is not dict:
        raise MalformedEvent(what, "message", "an object")
    message_id = message.get("messageId") or message.get("message_id") or event_id
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
                   message.get("publishTime") or message.get("publish_time") or event_time, source, True, message)


def push_message(body: bytes | str, source: str | None = None) -> Message:
    """The message of a Pub/Sub push request body (``source``: the portable queue/topic name)."""
    try:
        envelope = _loads(body)
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
                    data = _loads(src) if src else {}
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
            source = resolve("topic", self.source)
        attempt = data.get("deliveryAttempt")
        return _pubsub_message(data.get("message"), "Eventarc Pub/Sub event", source,
                               attempt if type(attempt) is int else None, self.id, self.time)

    def object_event(self, bucket: str | None = None) -> ObjectEvent:
        """The object event of a Cloud Storage ``finalized`` / ``deleted`` event."""
        kind = self.type[len(STORAGE_PREFIX):] if self.type.startswith(STORAGE_PREFIX) else ""
        action = _STORAGE_ACTIONS.get(kind)
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


def _binary_cloudevent(specversion: str, id: object, source: object, type: object, time: str | None,
                       subject: str | None, body: bytes, raw: Any) -> CloudEventIn:
    what = "CloudEvent (binary mode)"
    if specversion != "1.0":
        raise UnsupportedEvent(f"CloudEvents specversion {specversion!r}; portable reads 1.0")
    return CloudEventIn(_ce_text(id, what, "ce-id"), _ce_text(source, what, "ce-source"),
                        _ce_text(type, what, "ce-type"), time, subject, body, raw)


def cloudevent_from_http(headers: Mapping[str, str], body: bytes) -> CloudEventIn:
    """The CloudEvent of an HTTP delivery: binary mode (``ce-*`` headers, ``headers`` with lower-case
    names) or structured mode (``application/cloudevents+json`` body)."""
    specversion = headers.get("ce-specversion")
    if specversion is not None:
        return _binary_cloudevent(specversion, headers.get("ce-id"), headers.get("ce-source"), headers.get("ce-type"),
                                  headers.get("ce-time"), headers.get("ce-subject"), body, headers)
    try:
        event = _loads(body)
    except ValueError:
        raise MalformedEvent("CloudEvent (structured mode)", "body", "JSON") from None
    return structured_cloudevent(event)


def _environ_cloudevent(environ: Mapping[str, Any], headers: Headers, body: bytes) -> CloudEventIn:
    """A binary-mode CloudEvent read straight from the ``HTTP_CE_*`` keys of a WSGI environ."""
    return _binary_cloudevent(environ["HTTP_CE_SPECVERSION"], environ.get("HTTP_CE_ID"), environ.get("HTTP_CE_SOURCE"),
                              environ.get("HTTP_CE_TYPE"), environ.get("HTTP_CE_TIME"), environ.get("HTTP_CE_SUBJECT"),
                              body, headers)


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


# ------------------------------------------------------------------------------------ delivery ----
def parse(headers: Headers, body: bytes, kind: str, name: str, path: str,
          environ: Mapping[str, Any]) -> tuple[Message | ObjectEvent | ScheduleEvent, str]:
    """The neutral event of a delivery to ``path`` (``/_portable/<kind>/<name>``, or "" for a CloudEvent
    sent elsewhere) and its trigger: ``message``, ``object`` or ``schedule``."""
    if kind == "schedule":
        if not name:
            raise MalformedEvent("Cloud Scheduler call", "path", "/_portable/schedule/<name>")
        return ScheduleEvent(name, headers.get("x-cloudscheduler-scheduletime"), raw=environ), "schedule"
    if path and (kind not in EVENT_KINDS or not name):
        raise UnsupportedEvent(f"no portable event endpoint at {path!r}")
    if "HTTP_CE_SPECVERSION" in environ:
        event = _environ_cloudevent(environ, headers, body)
    else:
        content_type = environ.get("CONTENT_TYPE")
        if type(content_type) is str and content_type.startswith("application/cloudevents"):
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


def wanted(fn: Function, event: ObjectEvent) -> bool:
    """Whether the function's object triggers on the event's bucket take it (Eventarc cannot filter
    object names, so the deploy side lists the filters in the bucket's PORTABLE_LINKS entry)."""
    link = fn.links.get(event.bucket)
    return event.wanted_by(link.get("triggers") if isinstance(link, dict) else None)
