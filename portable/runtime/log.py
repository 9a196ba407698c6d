"""One structured JSON log line per invocation, written to stderr (or a given stream).

Levels (``PORTABLE_LOG``): ``off`` writes nothing, ``error`` (the default) only failed invocations,
``info`` every invocation, ``debug`` adds a summary of the event. Lines carry ``severity`` and
``message`` (the fields Cloud Logging, CloudWatch and Application Insights pick up), the function, the
trigger, the outcome, the duration, the cold-start flag, the invocation id and the trace id.
"""

from __future__ import annotations

import sys
from json.encoder import encode_basestring_ascii as _quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

LEVELS = {"off": 0, "error": 1, "info": 2, "debug": 3}


def level_of(value: str | None) -> int:
    """The numeric level for a PORTABLE_LOG value (unset means ``error``, unknown values ``info``)."""
    return LEVELS.get((value or "error").strip().lower(), 2)


class InvocationLog:
    """Writes the invocation lines of one function."""

    __slots__ = ("_error", "_info", "level", "stream")

    def __init__(self, function: str, level: int, stream: TextIO | None = None) -> None:
        self.level = level
        self.stream = stream
        rest = '","message":"invocation","function":' + _quote(function) + ',"trigger":"'
        self._info = '{"severity":"INFO' + rest
        self._error = '{"severity":"ERROR' + rest

    def write(
        self,
        trigger: str,
        outcome: str,
        duration_ns: int,
        cold_start: bool,
        invocation_id: str,
        trace_id: str,
        extra: str = "",
        failed: bool = False,
    ) -> None:
        """One line; ``extra`` is pre-encoded JSON members, each starting with a comma."""
        ms, us = divmod(duration_ns // 1000, 1000)
        (self.stream or sys.stderr).write(
            f'{self._error if failed else self._info}{trigger}","outcome":"{outcome}","duration_ms":{ms}.'
            f'{str(1000 + us)[1:]},"cold_start":{"true" if cold_start else "false"},"invocation_id":'
            f'{_quote(invocation_id)},"trace_id":"{trace_id}"{extra}}}\n'
        )


def member(name: str, value: object) -> str:
    """``,"name":<json value>`` for ``extra`` (strings quoted, numbers as is)."""
    if isinstance(value, str):
        return f',"{name}":{_quote(value)}'
    if isinstance(value, bool) or value is None:
        return f',"{name}":{"null" if value is None else str(value).lower()}'
    if isinstance(value, (int, float)):
        return f',"{name}":{value}'
    return f',"{name}":{_quote(str(value))}'
