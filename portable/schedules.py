"""Schedule translation, done once: a portable :class:`~portable.model.Schedule` -> each cloud's syntax.

The model holds a 5-field unix cron (or a ``rate(...)``) and a time zone. Each target gets an
exact equivalent or a :class:`ScheduleError` that says why there is none and what to write instead:

- **AWS EventBridge Scheduler**: ``cron(min hour day month weekday year)`` with one of day/weekday
  ``?`` and weekdays ``1-7`` from Sunday, or the rate as is; the time zone is passed through.
- **Azure Functions timers** (NCRONTAB, 6 fields with seconds) run in **UTC** on Flex Consumption.
  A schedule in another zone is converted when its UTC offset is fixed (no daylight saving) and the
  shifted times fit in one expression; otherwise it is an error, never a silent shift.
- **Google Cloud Scheduler**: unix cron plus the time zone.

Azure and Google have no rate schedules: a rate becomes a cron when it divides an hour or a day
evenly (``rate(5 minutes)`` -> ``*/5 * * * *``), anchored on the hour and at midnight; other rates
are errors.

>>> for_aws("*/15 9-17 * * mon-fri").expression
'cron(0/15 9-17 ? * 2-6 *)'
>>> for_azure(Schedule.every(5, "minutes")).expression
'0 */5 * * * *'
>>> for_gcp(Schedule.cron("0 3 * * 7", timezone="Europe/Paris"))
Translated(expression='0 3 * * 0', timezone='Europe/Paris')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from portable.errors import PortableError
from portable.model import Schedule
from portable.model.cron import FIELD_RANGES, CronFields

TARGETS = ("aws", "azure", "gcp", "local")
_UTC_HINT = "Use timezone 'UTC' and write the times in UTC"
_EVEN_RATES = (
    "a rate of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes, of 1, 2, 3, 4, 6, 8 or 12 hours, or of 1 day"
)


class ScheduleError(PortableError):
    """A schedule has no exact equivalent on a target; the message says why, the hint what to do."""


@dataclass(frozen=True)
class Translated:
    """A schedule in a target's syntax, and the time zone the target evaluates it in."""

    expression: str
    timezone: str


def translate(schedule: Schedule | str, target: str) -> Translated:
    """Translate for ``target`` (``aws``, ``azure``, ``gcp`` or ``local``)."""
    if target == "aws":
        return for_aws(schedule)
    if target == "azure":
        return for_azure(schedule)
    if target == "gcp":
        return for_gcp(schedule)
    if target == "local":
        return for_local(schedule)
    raise ValueError(f"unknown schedule target {target!r}; use one of {', '.join(TARGETS)}")


def for_aws(schedule: Schedule | str) -> Translated:
    """EventBridge Scheduler: ``cron(...)`` with six fields, or the rate unchanged.

    >>> for_aws("0 3 * * *")
    Translated(expression='cron(0 3 * * ? *)', timezone='UTC')
    >>> for_aws("0 8 * * 0,6").expression
    'cron(0 8 ? * 1,7 *)'
    >>> for_aws(Schedule.every(1, "hour")).expression
    'rate(1 hour)'
    """
    schedule = _schedule(schedule)
    if schedule.is_rate:
        return Translated(schedule.expression, schedule.timezone)
    cron = schedule.fields()
    minute, hour, month = (_aws_field(values, i) for i, values in ((0, cron.minute), (1, cron.hour), (3, cron.month)))
    if cron.weekday is None:
        day, weekday = _aws_field(cron.day, 2), "?"
    else:
        day, weekday = "?", _list(sorted(d + 1 for d in cron.weekday))
    return Translated(f"cron({minute} {hour} {day} {month} {weekday} *)", schedule.timezone)


def for_azure(schedule: Schedule | str) -> Translated:
    """Azure Functions timer: NCRONTAB ``second minute hour day month weekday``, in UTC.

    >>> for_azure("*/15 9-17 * * 1-5").expression
    '0 */15 9-17 * * 1-5'
    >>> for_azure(Schedule.cron("0 3 * * *", timezone="Asia/Tokyo")).expression
    '0 0 18 * * *'
    """
    schedule = _schedule(schedule)
    title = "Azure Functions timers"
    cron = _rate_as_cron(schedule, title) if schedule.is_rate else schedule.fields()
    cron = _in_utc(cron, schedule, title)
    return Translated(f"0 {_unix(cron)}", "UTC")


def for_gcp(schedule: Schedule | str) -> Translated:
    """Cloud Scheduler: unix cron (numbers only, Sunday = 0) and the time zone.

    >>> for_gcp(Schedule.every(2, "hours"))
    Translated(expression='0 */2 * * *', timezone='UTC')
    """
    schedule = _schedule(schedule)
    cron = _rate_as_cron(schedule, "Google Cloud Scheduler jobs") if schedule.is_rate else schedule.fields()
    return Translated(_unix(cron), schedule.timezone)


def for_local(schedule: Schedule | str) -> Translated:
    """The local scheduler reads portable expressions (cron and rate) as they are."""
    schedule = _schedule(schedule)
    return Translated(schedule.expression, schedule.timezone)


def rate_as_cron(schedule: Schedule | str) -> str | None:
    """The unix cron that runs a rate, anchored on the hour and at midnight UTC; ``None`` if none is exact.

    >>> rate_as_cron("rate(15 minutes)"), rate_as_cron("rate(120 minutes)"), rate_as_cron("rate(7 minutes)")
    ('*/15 * * * *', '0 */2 * * *', None)
    """
    try:
        return _unix(_rate_as_cron(_schedule(schedule), ""))
    except ScheduleError:
        return None


# -- rates --------------------------------------------------------------------------------------


def _rate_as_cron(schedule: Schedule, title: str) -> CronFields:
    rate = schedule.rate
    if rate is None:
        raise ValueError(f"{schedule.expression!r} is not a rate")
    count, unit = rate
    if unit == "minutes" and count % 60 == 0:
        count, unit = count // 60, "hours"
    if unit == "hours" and count % 24 == 0:
        count, unit = count // 24, "days"
    if unit == "minutes" and 60 % count == 0:
        return CronFields(_every(count, 0), None, None, None, None)
    if unit == "hours" and 24 % count == 0:
        return CronFields((0,), _every(count, 1), None, None, None)
    if unit == "days" and count == 1:
        return CronFields((0,), (0,), None, None, None)
    raise ScheduleError(
        f"{schedule.expression!r} cannot run on {title}, which take cron expressions only: the rate does "
        "not divide an hour or a day evenly, so no cron runs it exactly",
        hint=f"Use {_EVEN_RATES}, or a cron expression.",
    )


def _every(step: int, index: int) -> tuple[int, ...] | None:
    low, high = FIELD_RANGES[index]
    return None if step == 1 else tuple(range(low, high + 1, step))


# -- time zones (Azure) --------------------------------------------------------------------------


def _in_utc(cron: CronFields, schedule: Schedule, title: str) -> CronFields:
    """The same instants, written in UTC; a ScheduleError when one expression cannot hold them."""
    if cron.minute is None and cron.hour is None:
        return cron
    offsets = _offsets(schedule.timezone)
    days_restricted = (cron.day, cron.month, cron.weekday) != (None, None, None)
    if len(offsets) > 1:
        if cron.hour is None and {o % 60 for o in offsets} == {0}:
            return cron
        raise ScheduleError(
            f"{title} run in UTC, and {schedule.timezone!r} changes its UTC offset during the year "
            f"(daylight saving time), so {schedule.expression!r} cannot be translated exactly",
            hint=f"{_UTC_HINT}: {_example(cron, schedule.timezone)}. Or deploy to AWS or Google Cloud, "
            "whose schedulers keep time zones.",
        )
    (offset,) = offsets
    hours, minutes = divmod(offset, 60)
    if minutes:
        if cron.hour is None and not days_restricted and cron.minute is not None:
            return replace(cron, minute=tuple(sorted((m - minutes) % 60 for m in cron.minute)))
        shifted_cron = _shift_minutes(cron, offset, days_restricted)
        if shifted_cron is not None:
            return shifted_cron
        raise ScheduleError(
            f"{title} run in UTC, and {schedule.timezone!r} is UTC{_format_offset(offset)}, so "
            f"{schedule.expression!r} cannot be shifted into UTC exactly",
            hint=f"{_UTC_HINT}.",
        )
    if cron.hour is None or hours == 0:
        return cron
    shifted = {h: h - hours for h in cron.hour}
    day_moves = {utc // 24 for utc in shifted.values()}
    utc_hours = tuple(sorted(utc % 24 for utc in shifted.values()))
    if day_moves == {0} or not days_restricted:
        return replace(cron, hour=utc_hours)
    if len(day_moves) == 1 and cron.day is None and cron.month is None and cron.weekday is not None:
        (move,) = day_moves
        return replace(cron, hour=utc_hours, weekday=tuple(sorted((d + move) % 7 for d in cron.weekday)))
    local = next(h for h, utc in shifted.items() if utc // 24 != 0)
    side = "day before" if shifted[local] < 0 else "next day"
    raise ScheduleError(
        f"{title} run in UTC: {local:02d}:00 in {schedule.timezone} is {shifted[local] % 24:02d}:00 UTC on "
        f"the {side}, and {schedule.expression!r} restricts the days, so it cannot be translated exactly",
        hint=f"{_UTC_HINT}, moving the days with them.",
    )


def _shift_minutes(cron: CronFields, offset: int, days_restricted: bool) -> CronFields | None:
    """The times moved back by ``offset`` minutes (a zone such as UTC+05:30), if they are again every
    listed hour at every listed minute, on days that move together; None otherwise."""
    if cron.hour is None or cron.minute is None:
        return None
    moved = [hour * 60 + minute - offset for hour in cron.hour for minute in cron.minute]
    times = {(t % 1440 // 60, t % 60) for t in moved}
    hours, minutes = sorted({h for h, _ in times}), sorted({m for _, m in times})
    if len(times) != len(hours) * len(minutes):
        return None
    shifted = replace(cron, hour=tuple(hours), minute=tuple(minutes))
    day_moves = {t // 1440 for t in moved}
    if day_moves == {0} or not days_restricted:
        return shifted
    if len(day_moves) == 1 and cron.day is None and cron.month is None and cron.weekday is not None:
        (move,) = day_moves
        return replace(shifted, weekday=tuple(sorted((d + move) % 7 for d in cron.weekday)))
    return None


@lru_cache(maxsize=64)
def _offsets(zone: str) -> frozenset[int]:
    """The UTC offsets (minutes) ``zone`` uses this year and next."""
    tz = ZoneInfo(zone)
    year = datetime.now(UTC).year
    found = set()
    for month in range(24):
        for day in (1, 15):
            moment = datetime(year + month // 12, month % 12 + 1, day, 12, tzinfo=UTC).astimezone(tz)
            found.add(int((moment.utcoffset() or timedelta()).total_seconds()) // 60)
    return frozenset(found)


def _example(cron: CronFields, zone: str) -> str:
    hour = cron.hour[0] if cron.hour else 0
    minute = cron.minute[0] if cron.minute else 0
    year = datetime.now(UTC).year
    times = []
    for month, name in ((1, "January"), (7, "July")):
        local = datetime(year, month, 15, hour, minute, tzinfo=ZoneInfo(zone))
        times.append(f"{local.astimezone(UTC):%H:%M} UTC in {name}")
    return f"{hour:02d}:{minute:02d} in {zone} is {times[0]} and {times[1]}"


def _format_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


# -- writing fields ----------------------------------------------------------------------------


def _schedule(schedule: Schedule | str) -> Schedule:
    return schedule if isinstance(schedule, Schedule) else Schedule(expression=schedule)


def _unix(cron: CronFields) -> str:
    return " ".join(_unix_field(values, index) for index, values in enumerate(cron.fields()))


def _unix_field(values: tuple[int, ...] | None, index: int) -> str:
    """``*``, ``*/15``, ``5-50/15``, or ranges and lists: the shortest exact unix form."""
    if values is None:
        return "*"
    low, high = FIELD_RANGES[index]
    step = _step(values)
    if index < 2 and len(values) == 2 and (high - low + 1) % (values[1] - values[0]) == 0:
        step = values[1] - values[0]  # minutes 0,30 -> */30
    if step and values[0] == low and values[-1] + step > high:
        return f"*/{step}"
    if step and index < 4:  # weekdays read better as lists: 1,3,5
        return f"{values[0]}-{values[-1]}/{step}"
    return _list(values)


def _aws_field(values: tuple[int, ...] | None, index: int) -> str:
    """AWS writes a step as ``start/step`` (to the end of the range); otherwise ranges and lists."""
    if values is None:
        return "*"
    step = _step(values)
    if step and values[-1] + step > FIELD_RANGES[index][1]:
        return f"{values[0]}/{step}"
    return _list(values)


def _step(values: tuple[int, ...]) -> int | None:
    if len(values) < 3:
        return None
    step = values[1] - values[0]
    if step < 2 or any(b - a != step for a, b in pairwise(values)):
        return None
    return step


def _list(values: list[int] | tuple[int, ...]) -> str:
    """``1,2,3,5`` -> ``1-3,5``: runs of three or more become ranges."""
    parts: list[str] = []
    start = previous = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        if previous - start >= 2:
            parts.append(f"{start}-{previous}")
        else:
            parts.extend(str(v) for v in range(start, previous + 1))
        if value is not None:
            start = previous = value
    return ",".join(parts)
