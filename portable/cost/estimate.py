"""The estimate: a month of a stack priced on one provider, with its free tier, always-on costs,
the always-on container baseline and the break-even traffic of each function.

Every :class:`Line` carries the price it used (id, rate, source URL, the date it was read), so every
figure traces back to a dated price. Free tiers are applied once per pool over the whole stack, as a
negative line, because clouds grant them per account, not per function.

The break-even of a function is the monthly invocations at which its serverless cost equals one
always-on container of the same memory (:func:`portable.cost.meters.container_size`), both at list
prices without free tiers: ``(container fixed - serverless fixed) / (serverless per call - container
per call)``. It assumes that one container keeps up with the traffic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from pydantic import BaseModel, ConfigDict

from portable.cost.meters import baseline_quantity, baseline_stack_quantity, basis, quantities
from portable.cost.month import MONTH_HOURS, MONTH_SECONDS, FunctionMonth, Month
from portable.cost.prices import Price, PriceSheet

_PROBE = 1_000_000
"""Invocations used to measure a function's cost per invocation."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Line(_Out):
    """One priced quantity: ``subject`` (``function api``) used ``quantity`` of ``meter`` at ``price``."""

    subject: str
    price: str
    what: str
    meter: str
    basis: str
    quantity: float
    usd_per: float
    per: float
    usd: float
    source: str
    read: date


class Baseline(_Out):
    """The same stack as always-on containers (one per function, plus any stack-wide part)."""

    lines: list[Line]
    free_tier: list[Line]
    usd: float


class BreakEven(_Out):
    """Where one function's serverless cost meets its always-on container's."""

    function: str
    serverless_usd: float
    container_usd: float
    invocations_per_month: float | None
    requests_per_second: float | None
    note: str


class ProviderCost(_Out):
    """A month of the stack on one provider."""

    provider: str
    title: str
    region: str
    currency: str
    prices_read: date
    lines: list[Line]
    free_tier: list[Line]
    always_on_usd: float
    usd: float
    baseline: Baseline
    break_even: list[BreakEven]


class AssumptionOut(_Out):
    field: str
    value: float
    reason: str


class CostReport(_Out):
    """``portable cost --json``: the stack priced on each provider asked for."""

    stack: str
    month_hours: int
    free_tier: bool
    assumptions: list[AssumptionOut]
    providers: list[ProviderCost]


def estimate(month: Month, providers: Iterable[tuple[str, str, PriceSheet]], *, region: str | None = None,
             free_tier: bool = True) -> CostReport:
    """Price ``month`` on each ``(name, title, sheet)``; ``region`` picks one region of every sheet."""
    return CostReport(
        stack=month.stack.name,
        month_hours=MONTH_HOURS,
        free_tier=free_tier,
        assumptions=[AssumptionOut(field=a.field, value=a.value, reason=a.reason) for a in month.assumptions],
        providers=[price_on(month, name, title, sheet, region=region, free_tier=free_tier)
                   for name, title, sheet in providers],
    )


def price_on(month: Month, name: str, title: str, sheet: PriceSheet, *, region: str | None = None,
             free_tier: bool = True) -> ProviderCost:
    prices = sheet.in_region(region)
    serverless = [p for p in prices if not p.meter.startswith("baseline.")]
    container = [p for p in prices if p.meter.startswith("baseline.")]
    lines = _lines(month, serverless)
    credits = _free_tier(lines, serverless if free_tier else [p for p in serverless if p.included])
    baseline_lines = [
        *(_line(f"function {f.name}", p, q) for f in month.functions.values() for p in container
          if (q := baseline_quantity(f, p)) is not None),
        *(_line(f"stack {month.stack.name}", p, q) for p in container
          if (q := baseline_stack_quantity(month, p)) is not None),
    ]
    baseline_credits = _free_tier(baseline_lines, container if free_tier else [p for p in container if p.included])
    return ProviderCost(
        provider=name,
        title=title,
        region=prices[0].region,
        currency=sheet.currency,
        prices_read=min(p.read for p in prices),
        lines=lines,
        free_tier=credits,
        always_on_usd=sum(line.usd for line in lines if line.basis == "always-on"),
        usd=sum(line.usd for line in [*lines, *credits]),
        baseline=Baseline(lines=baseline_lines, free_tier=baseline_credits,
                          usd=sum(line.usd for line in [*baseline_lines, *baseline_credits])),
        break_even=[_break_even(month, f, serverless, container) for f in month.functions.values()],
    )


def _line(subject: str, price: Price, quantity: float, usd: float | None = None) -> Line:
    return Line(
        subject=subject, price=price.id, what=price.what, meter=price.meter, basis=basis(price.meter),
        quantity=quantity, usd_per=price.usd, per=price.per, usd=price.cost(quantity) if usd is None else usd,
        source=price.source, read=price.read,
    )


def _lines(month: Month, prices: Iterable[Price]) -> list[Line]:
    return [_line(str(subject), price, quantity) for price in prices for subject, quantity in quantities(month, price)]


def _free_tier(lines: list[Line], prices: Iterable[Price]) -> list[Line]:
    """One negative line per free-tier pool of ``prices``: its free quantity, taken from the pool's lines
    in order (lines of other prices are left alone)."""
    by_id = {p.id: p for p in prices}
    lines = [line for line in lines if line.price in by_id]
    credits: list[Line] = []
    for pool in dict.fromkeys(by_id[line.price].pool for line in lines if by_id[line.price].free):
        members = [line for line in lines if by_id[line.price].pool == pool]
        left = by_id[members[0].price].free
        taken, usd = 0.0, 0.0
        for line in members:
            part = min(left, line.quantity)
            left -= part
            taken += part
            usd += by_id[line.price].cost(part)
        if taken:
            first = by_id[members[0].price]
            subject = "included" if first.included else "free tier"
            credits.append(_line(subject, first, -taken, -usd).model_copy(update={"price": pool}))
    return credits


def _break_even(month: Month, f: FunctionMonth, serverless: list[Price], container: list[Price]) -> BreakEven:
    probe = replace(month, functions={f.name: replace(f, invocations=_PROBE)})
    subject = f"function {f.name}"
    lines = [line for line in _lines(probe, serverless) if line.subject == subject]
    per_call = sum(line.usd for line in lines if line.basis == "usage") / _PROBE
    fixed = sum(line.usd for line in lines if line.basis != "usage")
    box = [_line(subject, p, q) for p in container if (q := baseline_quantity(replace(f, invocations=_PROBE), p))]
    box_per_call = sum(line.usd for line in box if line.meter == "baseline.requests") / _PROBE
    box_fixed = sum(line.usd for line in box if line.meter != "baseline.requests")
    now = month.functions[f.name]
    serverless_now = fixed + per_call * now.invocations
    container_now = box_fixed + box_per_call * now.invocations
    if not box:
        return BreakEven(function=f.name, serverless_usd=serverless_now, container_usd=0.0,
                         invocations_per_month=None, requests_per_second=None, note="no container prices")
    if fixed >= box_fixed:
        note = "its always-on costs alone reach the container's: a container is cheaper at any traffic"
        return BreakEven(function=f.name, serverless_usd=serverless_now, container_usd=container_now,
                         invocations_per_month=0.0, requests_per_second=0.0, note=note)
    if per_call <= box_per_call:
        return BreakEven(function=f.name, serverless_usd=serverless_now, container_usd=container_now,
                         invocations_per_month=None, requests_per_second=None,
                         note="serverless is cheaper at any traffic")
    invocations = (box_fixed - fixed) / (per_call - box_per_call)
    cheaper = "serverless" if serverless_now < container_now else "container"
    return BreakEven(
        function=f.name, serverless_usd=serverless_now, container_usd=container_now,
        invocations_per_month=invocations, requests_per_second=invocations / MONTH_SECONDS,
        note=f"{cheaper} is cheaper at the usage given",
    )
