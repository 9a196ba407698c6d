"""Shared fixtures: the example stacks and their folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable.loader import load_target
from portable.model import Stack

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "examples" / "orders"


@pytest.fixture
def orders_dir() -> Path:
    """The folder of the orders example (stack.py, stack.yaml and src/)."""
    return ORDERS


@pytest.fixture
def orders_stack() -> Stack:
    """The orders example, as stack.py builds it."""
    return load_target(str(ORDERS / "stack.py")).stack
