"""The scheduler thread: fires each Schedule trigger on its cron (in its time zone) or rate.

Runs missed while nothing was serving are not made up, as on the clouds. A run can also be started
on demand (``LocalStack.run_schedule``), which does not move the next scheduled run.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from portable.model import Schedule

_RATE = re.compile(r"^rate\((\d+) (minute|hour|day)s?\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True, slots=True)
class Entry:
    """A named schedule of a function."""

    name: str
    function: str
    schedule: Schedule


def next_time(schedule: Schedule, after: datetime) -> datetime:
    """The first run of ``schedule`` strictly after ``after`` (aware), in UTC.

    >>> from portable.model import Schedule
    >>> start = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    >>> next_time(Schedule.cron("0 3 * * *", timezone="Europe/Paris"), start).isoformat()
    '2024-07-02T01:00:00+00:00'
    >>> next_time(Schedule.every(5, "minutes"), start).isoformat()
    '2024-07-01T12:05:00+00:00'
    """
    rate = _RATE.match(schedule.expression)
    if rate is not None:
        step = int(rate.group(1)) * _UNITS[rate.group(2)]
        epoch = int(after.timestamp())
        return datetime.fromtimestamp((epoch // step + 1) * step, UTC)
    local = after.astimezone(ZoneInfo(schedule.timezone))
    fired: datetime = croniter(schedule.expression, local).get_next(datetime)
    return fired.astimezone(UTC)


class Scheduler:
    """One thread that sleeps until the next due schedule and fires it in a thread of its own."""

    def __init__(self, entries: list[Entry], fire: Callable[[Entry, datetime], None]) -> None:
        self.entries = entries
        self._fire = fire
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.upcoming: dict[str, datetime] = {}

    def start(self) -> None:
        if not self.entries:
            return
        now = datetime.now(UTC)
        self.upcoming = {e.name: next_time(e.schedule, now) for e in self.entries}
        self._thread = threading.Thread(target=self._run, name="portable-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self) -> None:
        by_name = {e.name: e for e in self.entries}
        while not self._stopping.is_set():
            name, due = min(self.upcoming.items(), key=lambda item: item[1])
            wait = (due - datetime.now(UTC)).total_seconds()
            if wait > 0:
                self._stopping.wait(min(wait, 60.0))
                continue
            entry = by_name[name]
            self.upcoming[name] = next_time(entry.schedule, due + timedelta(seconds=1))
            threading.Thread(target=self._fire, args=(entry, due), name=f"portable-schedule-{name}", daemon=True).start()
