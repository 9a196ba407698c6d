"""``ObjectEvent``: an object was created in or deleted from a bucket."""

from __future__ import annotations

from portable.runtime.errors import MalformedEvent
from portable.runtime.times import parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any

CREATED = "created"
DELETED = "deleted"


def takes(trigger: Mapping[str, Any], action: str, key: str) -> bool:
    """True if an object trigger, as the deploy sides describe it (``{"events": [...], "prefix": ...,
    "suffix": ...}``), fires for ``action`` on ``key``.

    >>> takes({"events": ["created"], "prefix": "receipts/", "suffix": ".json"}, "created", "reports/1.json")
    False
    """
    return (
        action in (trigger.get("events") or (CREATED,))
        and key.startswith(trigger.get("prefix") or "")
        and key.endswith(trigger.get("suffix") or "")
    )


class ObjectEvent:
    """An object was created or deleted.

    ``bucket`` is the portable bucket name (``physical_bucket`` the cloud's name for it), ``key`` the
    fully decoded object key, ``action`` ``"created"`` or ``"deleted"``; ``size`` and ``etag`` are None
    when the platform does not send them (deletions); ``time`` is an aware UTC datetime.

    >>> e = ObjectEvent("receipts", "r/1.json", "created", size="352")
    >>> e.created, e.size
    (True, 352)
    """

    __slots__ = ("_time", "_time_src", "action", "bucket", "etag", "id", "key", "physical_bucket", "raw", "size")

    def __init__(
        self,
        bucket: str,
        key: str,
        action: str = CREATED,
        size: int | str | None = None,
        etag: str | None = None,
        time: datetime | str | int | None = None,
        id: str = "",
        physical_bucket: str | None = None,
        raw: Any = None,
    ) -> None:
        if action not in (CREATED, DELETED):
            raise ValueError(f"ObjectEvent action must be 'created' or 'deleted', not {action!r}")
        self.bucket = bucket
        self.key = key
        self.action = action
        if size is not None and type(size) is not int:
            try:
                size = int(size)
            except (TypeError, ValueError):
                raise MalformedEvent("object event", "size", "an integer") from None
        self.size: int | None = size
        self.etag = etag.strip('"') if type(etag) is str else None
        self._time_src = time
        self._time: datetime | None = None
        self.id = id
        self.physical_bucket = bucket if physical_bucket is None else physical_bucket
        self.raw = raw

    @property
    def created(self) -> bool:
        return self.action == CREATED

    @property
    def deleted(self) -> bool:
        return self.action == DELETED

    @property
    def time(self) -> datetime | None:
        """When the object was created or deleted (aware, UTC)."""
        value = self._time
        if value is None and self._time_src is not None:
            value = self._time = parse_time(self._time_src, "object event", "time")
        return value

    def wanted_by(self, filters: object) -> bool:
        """True when one of a trigger's ``filters`` (a bucket link's ``triggers`` entry: a list of
        ``{"events": [...], "prefix": str, "suffix": str}``) takes this event; no filters take everything.
        For platforms that cannot filter object names themselves (Eventarc).

        >>> e = ObjectEvent("receipts", "r/1.json", "created")
        >>> e.wanted_by([{"events": ["created"], "prefix": "r/", "suffix": ".json"}]), e.wanted_by([{"prefix": "x/"}])
        (True, False)
        """
        if not isinstance(filters, list) or not filters:
            return True
        # a filter this runtime cannot read delivers rather than drops
        return any(not isinstance(f, dict) or takes(f, self.action, self.key) for f in filters)

    def to_cloudevent(self) -> dict[str, Any]:
        """This event as a CloudEvents 1.0 dict (type ``portable.object.created`` / ``.deleted``)."""
        from portable.runtime.cloudevents import cloudevent
        from portable.runtime.times import iso

        return cloudevent(
            f"portable.object.{self.action}", f"portable:bucket/{self.bucket}", self.id or "-",
            time=iso(self.time), subject=self.key, content_type="application/json",
            data={"bucket": self.bucket, "key": self.key, "size": self.size, "etag": self.etag},
        )

    def __repr__(self) -> str:
        return f"ObjectEvent({self.bucket!r}, {self.key!r}, {self.action!r})"
