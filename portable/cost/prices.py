"""Price sheets: each cloud's list prices as data (``providers/<name>/prices.yaml``), validated here.

A sheet is a list of :class:`Price` entries. Each binds one *meter* (a quantity portable counts, see
:mod:`portable.cost.meters`) to a rate in one region, with the page it was read from and when. A line
item costs ``quantity * usd / per``; ``free`` is the monthly free quantity, shared by every line of
the same ``free_pool`` (default: the price's ``id``) across the whole account. ``checked`` says how the
figure was verified: ``page`` when rate and free quantity were read on the stored copy of ``source``
(``read`` is that copy's date), ``transcribed`` when no page showing them was found and they stand as
typed in; the loader refuses an entry without it.

>>> sheet = PriceSheet.model_validate({"provider": "tiny", "prices": [{
...     "id": "fn.requests", "what": "requests", "meter": "function.invocations", "usd": 0.2, "per": 1000000,
...     "region": "r1", "source": "https://example.com/pricing", "read": "2026-12-01",
...     "checked": "page"}]})
>>> sheet.regions, sheet.in_region("r1")[0].cost(3_000_000)
(('r1',), 0.6)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from portable.errors import PortableError

MAX_AGE_DAYS = 180
"""How old a price's ``read`` date may get before the test suite asks for it to be re-checked."""


class Price(BaseModel):
    """One list price. The optional fields are meter parameters: ``architecture`` limits it to
    functions of that CPU; ``chunk_kb`` counts one request per started chunk of a message;
    ``receive_max``/``delete_max`` are how many messages one receive/delete request handles; ``unit_kb`` counts one unit per
    started ``unit_kb`` of an item; ``min_kb`` is the least billed size of a message (KB of 1000 bytes);
    ``round_ms`` rounds each invocation up; ``vcpu_by_memory`` lists (memory MB up to, vCPUs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    what: str
    meter: str
    usd: float = Field(ge=0)
    per: float = Field(gt=0)
    free: float = Field(default=0, ge=0)
    free_pool: str | None = None
    included: bool = False
    """``free`` is included in another charge (a base fee), not a free tier: it applies even with
    ``--no-free-tier``."""
    region: str
    source: str = Field(pattern=r"^https://")
    read: date
    checked: Literal["page", "transcribed"]
    """How the figure was verified: ``page`` (read on the pricing page at ``source``) or ``transcribed``
    (typed in; no page showing it was found)."""
    architecture: Literal["x86_64", "arm64"] | None = None
    chunk_kb: float | None = Field(default=None, gt=0)
    receive_max: int | None = Field(default=None, ge=1)
    delete_max: int | None = Field(default=None, ge=1)
    unit_kb: float | None = Field(default=None, gt=0)
    min_kb: float | None = Field(default=None, gt=0)
    round_ms: int | None = Field(default=None, ge=1)
    vcpu_by_memory: tuple[tuple[int, float], ...] | None = None

    @property
    def pool(self) -> str:
        return self.free_pool or self.id

    def cost(self, quantity: float) -> float:
        return quantity * self.usd / self.per

    def vcpu(self, memory_mb: int) -> float:
        """The vCPUs a function of ``memory_mb`` gets (``vcpu_by_memory``), else memory/2 GB, at least 1/4."""
        for limit, vcpus in self.vcpu_by_memory or ():
            if memory_mb <= limit:
                return vcpus
        return max(0.25, memory_mb / 2048)


class PriceSheet(BaseModel):
    """A provider's prices (``providers/<name>/prices.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str
    currency: Literal["USD"] = "USD"
    vcpu_by_memory: tuple[tuple[int, float], ...] | None = None
    """(memory MB up to, vCPUs): the CPUs the provider gives a function, for ``*vcpu_seconds`` meters."""
    prices: tuple[Price, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.region for p in self.prices))

    @property
    def default_region(self) -> str:
        return self.regions[0]

    def in_region(self, region: str | None = None) -> tuple[Price, ...]:
        """The prices of ``region`` (default: the sheet's first); an error listing the regions it has."""
        region = region or self.default_region
        found = tuple(
            p.model_copy(update={"vcpu_by_memory": p.vcpu_by_memory or self.vcpu_by_memory})
            for p in self.prices if p.region == region
        )
        if not found:
            raise PortableError(
                f"Provider {self.provider!r} has no prices for region {region!r}",
                hint=f"Regions with prices: {', '.join(self.regions)}.",
            )
        return found


def load_sheet(path: Path) -> PriceSheet:
    """Read and validate a price file; a bad entry is named by its position and field."""
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise PortableError(f"No price file {path}") from None
    try:
        return PriceSheet.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PortableError(f"Price file {path}: {where}: {first['msg']}; got {first.get('input')!r}") from None
