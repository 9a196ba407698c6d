"""The list-price cost of one copy: what the source charges to read and send the data, what the
target charges to write it, from each provider's price sheet (``Provider.prices()``).

Quantities come from the plan's counts: per bucket, one list request per ``LIST_PAGE`` objects and
one GET per object at the source, one PUT per object at the target; per table, one read and one write
per item (in the sheet's ``unit_kb`` units of the average item); one read per secret; every byte
read leaves the source over the internet (``egress.internet_gb``, GB of 10^9 bytes). Free tiers are
not subtracted (the account's other use may have spent them) and the default region's prices apply.
A ``local`` side costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from portable.cost.prices import Price, PriceSheet
from portable.errors import PortableError
from portable.registry import get_provider

LIST_PAGE = 1000
"""Objects one list request returns (S3's and Cloud Storage's page size; Azure's 5,000 is not assumed)."""


class Counted(Protocol):
    kind: str
    name: str
    count: int | None
    bytes: int | None


@dataclass(frozen=True)
class CostLine:
    side: str
    resource: str
    what: str
    quantity: float
    price: str
    usd: float


@dataclass
class CopyCost:
    lines: list[CostLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def usd(self) -> float:
        return sum(line.usd for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {"usd": self.usd, "lines": [asdict(line) for line in self.lines], "notes": self.notes}


def sheet_of(provider: str) -> PriceSheet | None:
    """The provider's prices, or None for one that has none (``local``)."""
    try:
        return get_provider(provider).prices()
    except PortableError:
        return None


class _Pricer:
    """Adds lines for one side's sheet; a meter the sheet does not price adds nothing."""

    def __init__(self, side: str, sheet: PriceSheet | None, cost: CopyCost) -> None:
        self.side, self.cost = side, cost
        self.prices: dict[str, Price] = {p.meter: p for p in sheet.in_region()} if sheet else {}

    def add(self, resource: str, what: str, meter: str, quantity: float, item_kb: float | None = None) -> None:
        price = self.prices.get(meter)
        if price is None or not quantity:
            return
        if item_kb is not None and price.unit_kb:
            quantity *= max(1, math.ceil(item_kb / price.unit_kb))
        self.cost.lines.append(CostLine(self.side, resource, what, quantity, price.id, price.cost(quantity)))


def copy_cost(resources: list[Counted], source: str, target: str) -> CopyCost:
    """The estimated cost of copying ``resources`` (the plan's mappings, with counts) from ``source`` to ``target``."""
    cost = CopyCost()
    read, write = _Pricer("source", sheet_of(source), cost), _Pricer("target", sheet_of(target), cost)
    sent = 0
    for r in resources:
        label = f"{r.kind} {r.name}"
        if r.kind in ("bucket", "table") and r.count is None:
            cost.notes.append(f"{label}: not priced, the source could not be counted")
            continue
        count, size = r.count or 0, r.bytes or 0
        if r.kind == "bucket":
            read.add(label, "list requests", "bucket.writes", math.ceil(count / LIST_PAGE))
            read.add(label, "GET requests", "bucket.reads", count)
            write.add(label, "PUT requests", "bucket.writes", count)
        elif r.kind == "table":
            item_kb = size / count / 1000 if count else 0
            read.add(label, "item reads", "table.reads", count, item_kb)
            write.add(label, "item writes", "table.writes", count, item_kb)
        elif r.kind == "secret":
            read.add(label, "secret reads", "secret.reads", 1)
        sent += size
    read.add("all data", "egress to the internet, GB", "egress.internet_gb", sent / 1e9)
    return cost
