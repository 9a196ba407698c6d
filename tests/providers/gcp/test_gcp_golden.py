"""A golden plan of the orders example on Google Cloud: any change to the resources shows up here.

Regenerate after an intended change with ``PORTABLE_UPDATE_GOLDEN=1 pytest tests/providers/gcp`` and
review the diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portable.loader import load_target

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).parent / "golden" / "orders.json"


def plan_of(result: Any) -> dict[str, Any]:
    plan: dict[str, Any] = result.plan.to_dict()
    plan["resources"] = sorted(plan["resources"], key=lambda r: (r["type"], r["name"]))
    return plan


def test_orders_plan_matches_the_golden_file(synth: Any, golden: Any) -> None:
    stack = load_target(str(ROOT / "examples" / "orders" / "stack.py")).stack
    plan = plan_of(synth(stack, ROOT / "examples" / "orders"))
    golden(GOLDEN, plan, "the Google Cloud plan of the orders example")
