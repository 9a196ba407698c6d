"""Helpers for the cost tests: price a small stack on one cloud and read lines by price id."""

from __future__ import annotations

from typing import Any

from portable.cost.estimate import ProviderCost, price_on
from portable.cost.month import resolve
from portable.cost.usage import parse_usage
from portable.model import Stack
from portable.registry import get_provider


def priced(stack: Stack, cloud: str, usage: dict[str, Any], *, free_tier: bool = True) -> ProviderCost:
    """``stack`` priced on ``cloud``; logs are left out (``kb_per_invocation: 0``) unless ``usage`` sets them."""
    usage = {"logs": {"kb_per_invocation": 0}, **usage}
    provider = get_provider(cloud)
    month = resolve(stack, parse_usage(usage))
    return price_on(month, cloud, provider.title, provider.prices(), free_tier=free_tier)


def free(cost: ProviderCost, pool: str) -> float:
    return sum(line.usd for line in cost.free_tier if line.price == pool)


def charged(cost: ProviderCost, price: str) -> float:
    return sum(line.usd for line in cost.lines if line.price == price)
