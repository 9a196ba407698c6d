"""Five-field unix cron, parsed once (with croniter) into the sets of values each field allows.

The model keeps the expression the user wrote; providers translate the parsed form
(``portable.schedules``). Only what every cloud understands is accepted: numbers, ``*``, ``,``,
``-``, ``/``, and English names for months and weekdays.

>>> parse_cron("*/15 9-17 * * mon-fri").weekday
(1, 2, 3, 4, 5)
>>> parse_cron("0 3 * * *").day is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from croniter import croniter  # type: ignore[import-untyped]

FIELD_NAMES = ("minute", "hour", "day of month", "month", "weekday")
FIELD_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_SYNTAX = re.compile(r"^[0-9A-Za-z*,/-]+$")
_WORD = re.compile(r"[A-Za-z]+")
_SAME_ENDS = re.compile(r"^([0-9A-Za-z]+)-([0-9A-Za-z]+)(?:/[0-9]+)?$")

EXAMPLE = "'*/15 9-17 * * 1-5'"


@dataclass(frozen=True)
class CronFields:
    """The values each field allows, sorted; ``None`` where the field allows every value (``*``).

    Weekdays count from Sunday = 0 (``7`` is read as Sunday too).
    """

    minute: tuple[int, ...] | None
    hour: tuple[int, ...] | None
    day: tuple[int, ...] | None
    month: tuple[int, ...] | None
    weekday: tuple[int, ...] | None

    def fields(self) -> tuple[tuple[int, ...] | None, ...]:
        return (self.minute, self.hour, self.day, self.month, self.weekday)


def parse_cron(expression: str) -> CronFields:
    """Parse a 5-field unix cron expression; a ValueError explains what is wrong and what is allowed."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"cron {expression!r} has {len(fields)} field{'s' if len(fields) != 1 else ''}; use 5 fields "
            f"'minute hour day month weekday' (e.g. '0 3 * * *'), or 'rate(5 minutes)'"
        )
    for index, field in enumerate(fields):
        _check_field(expression, index, field)
    normalized = " ".join(_collapse(field) for field in fields)
    if not croniter.is_valid(normalized):
        raise ValueError(
            f"cron {expression!r} does not parse; each field takes numbers in its range (minute 0-59, "
            f"hour 0-23, day 1-31, month 1-12, weekday 0-7), '*', lists ',', ranges '-' and steps '/' "
            f"(e.g. {EXAMPLE})"
        )
    expanded, _ = croniter.expand(normalized)
    parsed = CronFields(*(_values(values, index) for index, values in enumerate(expanded)))
    if parsed.day is not None and parsed.weekday is not None:
        raise ValueError(
            f"cron {expression!r} restricts both the day of month and the weekday, which clouds read "
            "differently (unix cron runs when either matches, Azure when both do, AWS cannot say it); "
            "use two Schedule triggers, one for the days of the month and one for the weekdays"
        )
    if parsed.day is not None:
        longest = max(_DAYS_IN_MONTH[m - 1] for m in parsed.month or range(1, 13))
        if min(parsed.day) > longest:
            raise ValueError(f"cron {expression!r} never runs: no selected month has day {min(parsed.day)}")
    return parsed


def _check_field(expression: str, index: int, field: str) -> None:
    names = MONTH_NAMES if index == 3 else WEEKDAY_NAMES if index == 4 else ()
    bad = next((c for c in field if not (c.isalnum() or c in "*,/-")), None)
    if bad is None:
        bad = next((w for w in _WORD.findall(field) if w.lower() not in names), None)
    if bad is None:
        return
    uses = f"is {field!r}" if bad == field else f"{field!r} uses {bad!r}"
    allowed = f" (names allowed here: {', '.join(names)})" if names else ""
    raise ValueError(
        f"cron {expression!r}: the {FIELD_NAMES[index]} field {uses}, which is not portable{allowed}. "
        f"Use numbers, '*', ',', '-' and '/' (e.g. {EXAMPLE})"
    )


def _collapse(field: str) -> str:
    """``5-5`` means ``5``: croniter 7 reads a range with equal ends as ``*``."""
    parts = []
    for part in field.split(","):
        match = _SAME_ENDS.match(part)
        parts.append(match.group(1) if match and match.group(1).lower() == match.group(2).lower() else part)
    return ",".join(parts)


def _values(values: list[int | str], index: int) -> tuple[int, ...] | None:
    if values == ["*"]:
        return None
    numbers = sorted({int(v) % 7 if index == 4 else int(v) for v in values})
    low, high = FIELD_RANGES[index]
    return None if numbers == list(range(low, high + 1)) else tuple(numbers)
