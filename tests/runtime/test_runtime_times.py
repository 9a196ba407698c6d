"""Timestamps from events are aware UTC datetimes, whatever offset (or none) the platform sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from portable.runtime import Message, ObjectEvent, ScheduleEvent
from portable.runtime.errors import MalformedEvent

THREE_UTC = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize("sent", [
    "2024-05-01T05:00:00+02:00",                     # text with an offset (Azure timer schedule status)
    "2024-05-01T03:00:00Z",
    "2024-05-01T03:00:00",                           # naive text: taken as UTC
    datetime(2024, 5, 1, 5, 0, tzinfo=PLUS_TWO),     # a datetime with an offset
    datetime(2024, 5, 1, 3, 0),                      # a naive datetime (Service Bus enqueued_time_utc)
    1714532400000,                                   # epoch milliseconds (SQS SentTimestamp)
    "1714532400000",
])
def test_event_times_are_utc(sent: object) -> None:
    times = [
        Message("x", "m-1", enqueued_time=sent).enqueued_time,  # type: ignore[arg-type]
        ScheduleEvent("nightly", sent).time,  # type: ignore[arg-type]
        ObjectEvent("receipts", "r/1.json", time=sent).time,  # type: ignore[arg-type]
    ]
    assert times == [THREE_UTC] * 3
    assert all(t is not None and t.tzinfo is UTC for t in times)


def test_a_time_that_is_not_a_time_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match="schedule event: time is missing or not an ISO 8601 time or epoch"):
        _ = ScheduleEvent("nightly", "yesterday").time
