"""What a copy or a verify did, per resource: counts, bytes, time, the keys that differ; as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Advance = Callable[[int], None]
"""Called with each step done (bytes for buckets, items for tables)."""


class Progress:
    """Where long work reports progress; the default shows nothing (the CLI draws rich bars)."""

    def start(self, label: str, total: int | None) -> Advance:
        return _ignore

    def finish(self, label: str) -> None:
        return None


def _ignore(step: int) -> None:
    return None


@dataclass
class Outcome:
    """One resource's result. ``differences`` (verify) are human-readable keys with what differs."""

    kind: str
    name: str
    source: str
    target: str
    copied: int = 0
    skipped: int = 0
    failed: int = 0
    bytes: int = 0
    seconds: float = 0.0
    source_count: int | None = None
    target_count: int | None = None
    source_bytes: int | None = None
    target_bytes: int | None = None
    sampled: int = 0
    differences: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.differences and not self.problems


@dataclass
class Report:
    """A whole run: what ran (``copy`` / ``verify``), between which providers, and each resource."""

    action: str
    stack: str
    source: str
    target: str
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    bad_items: str | None = None

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "stack": self.stack, "from": self.source, "to": self.target,
                "dry_run": self.dry_run, "ok": self.ok, "bad_items": self.bad_items,
                "resources": [asdict(o) for o in self.outcomes]}

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
