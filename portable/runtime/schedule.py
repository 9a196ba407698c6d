"""``ScheduleEvent``: a schedule fired."""

from __future__ import annotations

from portable.runtime.times import now, parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


class ScheduleEvent:
    """A schedule fired: ``name`` is the portable schedule name, ``time`` the scheduled time (aware UTC;
    the invocation time when the platform does not send it).

    >>> ScheduleEvent("nightly-report", "2024-05-01T03:00:00Z").time.hour
    3
    """

    __slots__ = ("_time", "_time_src", "id", "name", "raw")

    def __init__(self, name: str, time: datetime | str | int | None = None, *, id: str = "", raw: Any = None) -> None:
        self.name = name
        self._time_src = time
        self._time: datetime | None = None
        self.id = id
        self.raw = raw

    @property
    def time(self) -> datetime:
        """The scheduled time of this run."""
        value = self._time
        if value is None:
            value = parse_time(self._time_src, "schedule event", "time") or now()
            self._time = value
        return value

    scheduled_time = time

    def to_cloudevent(self) -> dict[str, Any]:
        """This event as a CloudEvents 1.0 dict (type ``portable.schedule``)."""
        from portable.runtime.cloudevents import cloudevent
        from portable.runtime.times import iso

        return cloudevent("portable.schedule", f"portable:schedule/{self.name}", self.id or "-",
                          time=iso(self.time), subject=self.name)

    def __repr__(self) -> str:
        return f"ScheduleEvent({self.name!r})"
