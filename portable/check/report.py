"""``portable check``'s report: portability, pitfalls and fit, as data (JSON with a schema) for every output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from portable.check.findings import Finding
from portable.check.fit import fit
from portable.check.pitfalls import pitfalls
from portable.check.portability import Target, delivery_notes, differences, placements
from portable.cost.measured import Measured
from portable.cost.month import resolve
from portable.cost.usage import Usage
from portable.loader import STACK_FILES
from portable.model import Stack

Level = Literal["error", "warning", "note"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlacementOut(_Out):
    provider: str
    path: str
    what: str
    service: str
    mode: Literal["native", "emulated", "unsupported"]
    how: str


class FindingOut(_Out):
    rule: str
    level: Level
    provider: str | None
    path: str
    message: str
    fix: str
    file: str | None
    line: int | None


class PointOut(_Out):
    criterion: str
    earned: bool
    reason: str


class FitOut(_Out):
    function: str
    score: int
    verdict: Literal["migrate", "reconsider"]
    points: list[PointOut]


class CheckReport(_Out):
    """``portable check --format json``."""

    stack: str
    stack_file: str | None
    providers: list[str]
    placements: list[PlacementOut]
    findings: list[FindingOut]
    fit: list[FitOut]

    def count(self, level: Level) -> int:
        return sum(f.level == level for f in self.findings)


def stack_file(root: Path, origin: str) -> Path | None:
    """The file the stack was declared in, when it is one (not ``module:attribute``)."""
    path = Path(origin.split(":", 1)[0])
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.is_file():
        return path
    return next((root / name for name in STACK_FILES if (root / name).is_file()), None)


def _line_of(text: list[str], path: str) -> int | None:
    parts = path.split(".")
    if len(parts) < 2:
        return None
    name = re.escape(parts[1])
    pattern = re.compile(rf"""(["']){name}\1|name:\s*{name}\s*$""")
    return next((index + 1 for index, line in enumerate(text) if pattern.search(line)), None)


def check_stack(stack: Stack, targets: list[Target], *, root: Path | None = None, origin: str | None = None,
                usage: Usage | None = None, measured: Measured | None = None, toil: str = "low") -> CheckReport:
    """Every finding about ``stack`` on ``targets``, and each function's fit score."""
    found: list[Finding] = [
        *differences(stack, targets, usage),
        *delivery_notes(stack, targets),
        *pitfalls(stack, targets, root, usage, measured),
    ]
    declared = stack_file(root, origin) if root is not None and origin is not None else None
    lines = declared.read_text().splitlines() if declared else []
    order = {"error": 0, "warning": 1, "note": 2}
    findings = [
        FindingOut(rule=f.rule.id, level=f.level, provider=f.provider, path=f.path, message=f.message, fix=f.fix,
                   file=f.file or (str(declared) if declared else None),
                   line=f.line or (_line_of(lines, f.path) if declared else None))
        for f in sorted(found, key=lambda f: order[f.level])
    ]
    stateful = {f.path.split(".")[1] for f in found if f.rule.id == "portable/module-state"}
    month = resolve(stack, usage or Usage(), measured)
    traffic_from = "usage file" if usage is not None else "defaults"
    if measured is not None:
        traffic_from += " and dev measurements"
    fits = [fit(m, stateful=m.name in stateful, toil=toil, traffic_from=traffic_from) for m in month.functions.values()]
    return CheckReport(
        stack=stack.name,
        stack_file=str(declared) if declared else None,
        providers=[t.name for t in targets],
        placements=[PlacementOut(**vars(p)) for t in targets for p in placements(stack, t)],
        findings=findings,
        fit=[FitOut(function=f.function, score=f.score, verdict=f.verdict,
                    points=[PointOut(**vars(p)) for p in f.points]) for f in fits],
    )
