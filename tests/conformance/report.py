"""Run the conformance suite and print the matrix: behaviour x target, pass/fail, with the documented
differences.

    PYTHONPATH=$PWD python tests/conformance/report.py [-n 2]

Extra arguments go to pytest. ``pass``: the behaviour holds; ``FAIL``: it does not; ``known (issue 17)``:
an expected failure the deploy-hardening issue fixes; ``differs (see below)``: the target does what
``DIFFERENCES`` in test_orders.py says.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conformance.test_orders import DIFFERENCES, OBSERVED_IN, TARGETS  # noqa: E402

HERE = Path(__file__).parent
CLOUDS = ("aws", "azure", "gcp")
_CASE = re.compile(r"::test_(?P<name>\w+)\[(?P<params>[^\]]+)\]$")


class Collect:
    """A pytest plugin keeping each parametrized case's outcome."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or (report.outcome in ("failed", "skipped") and report.when == "setup"):
            outcome = "known (issue 17)" if hasattr(report, "wasxfail") else report.outcome
            self.outcomes[report.nodeid] = {"passed": "pass", "failed": "FAIL", "skipped": "skipped"}.get(outcome, outcome)


def matrix(outcomes: dict[str, str]) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(targets, behaviour -> target -> outcome) from pytest node ids."""
    rows: dict[str, dict[str, str]] = {}
    for nodeid, outcome in outcomes.items():
        found = _CASE.search(nodeid)
        if not found:
            continue
        params = found["params"]
        if found["name"] == "plan_property":
            cloud, _, rest = params.partition("-")
            stack, _, prop = rest.partition("-") if not rest.startswith("longest-names") else (
                "longest-names", "-", rest[len("longest-names-"):])
            behaviour, target = f"plan: {prop.replace('_', ' ')} ({stack})", cloud
        else:
            behaviour, target = found["name"].replace("_", " "), params
            differs = [d for d, test in OBSERVED_IN.items() if test == found["name"] and target in DIFFERENCES[d]]
            if differs and outcome == "pass":
                outcome = "pass, differs (see below)"
        rows.setdefault(behaviour, {})[target] = outcome
    return [*dict.fromkeys(("local", *TARGETS, *CLOUDS))], rows


def render(targets: list[str], rows: dict[str, dict[str, str]]) -> str:
    width = max(len(b) for b in rows) if rows else 10
    cell = max(len(v) for r in rows.values() for v in r.values()) if rows else 6
    lines = [f"| {'behaviour'.ljust(width)} | " + " | ".join(t.ljust(cell) for t in targets) + " |",
             f"|{'-' * (width + 2)}|" + "|".join("-" * (cell + 2) for _ in targets) + "|"]
    for behaviour in sorted(rows, key=lambda b: (b.startswith("plan:"), b)):
        lines.append(f"| {behaviour.ljust(width)} | "
                     + " | ".join(rows[behaviour].get(t, "-").ljust(cell) for t in targets) + " |")
    lines.append("")
    lines.append("Documented differences (tests/conformance/test_orders.py DIFFERENCES):")
    for behaviour, by_target in DIFFERENCES.items():
        for target, what in by_target.items():
            lines.append(f"- {behaviour}, on {target}: {what}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    collect = Collect()
    code = pytest.main([str(HERE), "-q", "-p", "no:cacheprovider", "--no-header", "-rN", *argv], plugins=[collect])
    print()
    print(render(*matrix(collect.outcomes)))
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
