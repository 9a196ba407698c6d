"""Timestamps from platform events, parsed on first use (``datetime`` is imported lazily)."""

from __future__ import annotations

from portable.runtime.errors import MalformedEvent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime, timezone

_datetime: type[datetime] | None = None
_utc: timezone | None = None


def _load() -> tuple[type[datetime], timezone]:
    global _datetime, _utc
    from datetime import UTC, datetime

    _datetime, _utc = datetime, UTC
    return datetime, UTC


def parse_time(value: object, what: str = "event", field: str = "time") -> datetime | None:
    """An RFC 3339 / ISO 8601 string, epoch milliseconds or a ``datetime`` -> an aware UTC ``datetime``.

    None stays None; naive times are taken as UTC; a time with another offset is converted to UTC.

    >>> parse_time("2024-05-01T05:00:00+02:00").isoformat()
    '2024-05-01T03:00:00+00:00'
    """
    if value is None or value == "":
        return None
    datetime = _datetime
    utc = _utc
    if datetime is None or utc is None:
        datetime, utc = _load()
    try:
        if isinstance(value, str) and not value.isdigit():
            parsed = datetime.fromisoformat(value)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value) / 1000.0, utc)
        elif isinstance(value, datetime):
            parsed = value
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError):
        raise MalformedEvent(what, field, "an ISO 8601 time or epoch milliseconds") from None
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.replace(tzinfo=utc)
    return parsed if offset.total_seconds() == 0 and parsed.tzinfo is utc else parsed.astimezone(utc)


def now() -> datetime:
    datetime, utc = (_datetime, _utc) if _datetime is not None and _utc is not None else _load()
    return datetime.now(utc)


def iso(value: datetime | None) -> str | None:
    """``2024-05-01T12:34:56.789000Z`` for a UTC time (the CloudEvents ``time`` form)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
