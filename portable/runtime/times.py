"""Timestamps from platform events, parsed on first use (``datetime`` is imported lazily)."""

from __future__ import annotations

from portable.runtime.errors import MalformedEvent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime


def parse_time(value: object, what: str = "event", field: str = "time") -> datetime | None:
    """An RFC 3339 / ISO 8601 string or epoch milliseconds -> an aware UTC ``datetime``.

    None stays None; naive times are taken as UTC.
    """
    if value is None or value == "":
        return None
    from datetime import UTC, datetime

    try:
        if isinstance(value, str) and not value.isdigit():
            parsed = datetime.fromisoformat(value)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value) / 1000.0, UTC)
        elif isinstance(value, datetime):
            parsed = value
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError):
        raise MalformedEvent(what, field, "an ISO 8601 time or epoch milliseconds") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """``2024-05-01T12:34:56.789000Z`` for a UTC time (the CloudEvents ``time`` form)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
