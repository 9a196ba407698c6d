"""The fit score: is a function a good fit for serverless? The Ops guide's rubric, one point each.

1. **event-driven**: something triggers it (a route, a schedule, a queue, a topic, an object);
2. **stateless**: no state kept in module globals (the ``portable/module-state`` pitfall);
3. **sporadic traffic**: busy less than a quarter of the time on one instance (invocations x duration over
   the month, from the usage file, the dev measurements or the defaults);
4. **under 15 minutes**: its timeout is at most 900 s;
5. **low tolerance for toil**: the team does not want to run servers (``--toil``; default low).

Migrate at 4 points or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from portable.cost.month import MONTH_SECONDS, FunctionMonth

MIGRATE_AT = 4
SPORADIC_BELOW = 0.25
"""Average busy share of one instance under which traffic counts as sporadic."""


@dataclass(frozen=True)
class Point:
    criterion: str
    earned: bool
    reason: str


@dataclass(frozen=True)
class Fit:
    function: str
    points: list[Point]

    @property
    def score(self) -> int:
        return sum(p.earned for p in self.points)

    @property
    def verdict(self) -> Literal["migrate", "reconsider"]:
        return "migrate" if self.score >= MIGRATE_AT else "reconsider"


def fit(month: FunctionMonth, *, stateful: bool, toil: str, traffic_from: str) -> Fit:
    function = month.function
    triggers = [t.kind for t in function.triggers]
    busy = month.compute_seconds / MONTH_SECONDS
    return Fit(function.name, [
        Point("event-driven", bool(triggers),
              f"triggered by {', '.join(dict.fromkeys(triggers))}" if triggers else "no trigger: only invoked directly"),
        Point("stateless", not stateful,
              "keeps state in module globals" if stateful else "no state kept in module globals was found"),
        Point("sporadic traffic", busy < SPORADIC_BELOW, (
            f"{month.invocations:,} invocations x {month.duration_ms:g} ms keep one instance busy {busy:.1%} of "
            f"the month ({traffic_from})")),
        Point("under 15 minutes", function.timeout <= 900, f"timeout {function.timeout} s"),
        Point("low tolerance for toil", toil == "low", f"the team's tolerance for toil is {toil} (--toil)"),
    ])
