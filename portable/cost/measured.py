"""What ``portable dev`` measured: per function, invocations, average duration and peak memory.

``portable dev`` (``providers/local/measurements.py``) keeps them in ``.portable/state/measurements.json``
beside the stack; ``portable cost --usage-from-dev`` and ``portable check`` read them here. The file::

    {"functions": {"api": {"invocations": 12, "duration_ms": 3.5, "peak_memory_mb": 61.2}}}

``peak_memory_mb`` is the dev process's resident memory at the end of the function's invocations,
the most seen: every function runs in that one process, so it is an upper bound of what one needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portable.errors import PortableError

MEASUREMENTS_FILE = ".portable/state/measurements.json"
"""Where, relative to the stack's folder, ``portable dev`` keeps its measurements."""


@dataclass(frozen=True)
class FunctionMeasurement:
    invocations: int
    duration_ms: float
    peak_memory_mb: float | None


@dataclass(frozen=True)
class Measured:
    """The measurements of one stack's functions, by name."""

    functions: dict[str, FunctionMeasurement]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measured:
        functions: dict[str, dict[str, Any]] = data.get("functions", {})
        return cls({
            name: FunctionMeasurement(int(m["invocations"]), float(m["duration_ms"]), m.get("peak_memory_mb"))
            for name, m in functions.items()
            if m.get("invocations")
        })


def load_measured(root: Path, *, required: bool = True) -> Measured | None:
    """The measurements kept beside the stack in ``root``; an error (or None) if there are none."""
    path = root / MEASUREMENTS_FILE
    if not path.is_file():
        if not required:
            return None
        raise PortableError(
            f"No measurements from portable dev in {path}",
            hint=f"Run 'portable dev {root}' and exercise the functions first.",
        )
    try:
        return Measured.from_dict(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError) as error:
        raise PortableError(f"Measurements file {path} is not valid: {error}") from None
