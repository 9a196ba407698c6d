"""``Message``: one queue or topic message, whatever the platform."""

from __future__ import annotations

from portable.runtime import UNSET as _UNSET
from portable.runtime.errors import MalformedEvent
from portable.runtime.payload import Payload
from portable.runtime.times import parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any


_USUAL_ATTEMPTS = {str(n): n for n in range(1, 33)}  # a lookup costs less than int()


def attempt_number(value: object, what: str = "message") -> int | None:
    """A delivery attempt / receive count as delivered (int or digits) -> int."""
    if value is None or type(value) is int:
        return value
    usual = _USUAL_ATTEMPTS.get(value) if type(value) is str else None
    if usual is not None:
        return usual
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        raise MalformedEvent(what, "delivery attempt", "an integer") from None


class Message(Payload):
    """A message from a queue or a topic.

    ``body`` is bytes (``text`` and ``json()`` decode it), ``attributes`` the string attributes the
    sender set (``traceparent`` among them when sent by a portable client), ``delivery_attempt`` 1 on
    the first delivery (None if the platform does not say), ``enqueued_time`` an aware UTC datetime,
    ``source`` the portable name of the queue or topic. ``raw`` is the native record. The constructor
    does no conversion or validation (shims pass what they parsed): the body, the attempt and the
    time are decoded on first access.

    >>> m = Message('{"order_id": "42"}', "m-1", {"tenant": "acme"}, 1)
    >>> m.json()["order_id"], m.attributes["tenant"], m.delivery_attempt
    ('42', 'acme', 1)
    """

    __slots__ = (
        "_attempt",
        "_b64",
        "_body",
        "_body_src",
        "_enqueued",
        "_json",
        "attributes",
        "id",
        "raw",
        "source",
    )

    def __init__(
        self,
        body: bytes | str | None = b"",
        id: str = "",
        attributes: Mapping[str, str] | None = None,
        delivery_attempt: int | str | None = None,
        enqueued_time: datetime | str | int | None = None,
        source: str | None = None,
        base64_body: bool = False,
        raw: Any = None,
    ) -> None:
        self.id = id
        self._body_src = body
        self._b64 = base64_body
        self._body: bytes | None = None
        self._json: Any = _UNSET
        self.attributes: Mapping[str, str] = {} if attributes is None else attributes
        """String attributes (message attributes / application properties)."""
        self._attempt = delivery_attempt
        self._enqueued: datetime | str | int | None = enqueued_time
        self.source = source
        self.raw = raw

    _what = "message"

    @property
    def delivery_attempt(self) -> int | None:
        """1 on the first delivery, 2 on the first retry, ... (None when the platform does not say)."""
        value = self._attempt
        if type(value) is int or value is None:
            return value
        usual = _USUAL_ATTEMPTS.get(value) if type(value) is str else None
        return usual if usual is not None else attempt_number(value, self._what)

    @property
    def enqueued_time(self) -> datetime | None:
        """When the message was sent or enqueued (aware, UTC)."""
        value = self._enqueued
        if value is not None:  # as delivered (text, epoch ms, a datetime with any offset or none): UTC
            value = self._enqueued = parse_time(value, self._what, "enqueued time")
        return value

    def to_cloudevent(self) -> dict[str, Any]:
        """This message as a CloudEvents 1.0 dict (type ``portable.message``)."""
        from portable.runtime.cloudevents import cloudevent
        from portable.runtime.times import iso

        attributes = self.attributes
        return cloudevent(
            "portable.message", f"portable:{self.source or 'message'}", self.id or "-",
            time=iso(self.enqueued_time), content_type=attributes.get("content-type"),
            data_bytes=self.body, extensions={"traceparent": attributes.get("traceparent")},
        )

    def __repr__(self) -> str:
        return f"Message(id={self.id!r}, source={self.source!r})"
