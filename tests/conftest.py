"""Shared fixtures: the example stacks and their folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from portable.loader import load_target
from portable.model import Stack

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "examples" / "orders"

# Property tests explore the same examples on every run (a CI result must not depend on luck) and
# have no per-example deadline (the machine is shared); set HYPOTHESIS_PROFILE=explore to search anew.
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def orders_dir() -> Path:
    """The folder of the orders example (stack.py, stack.yaml and src/)."""
    return ORDERS


@pytest.fixture
def orders_stack() -> Stack:
    """The orders example, as stack.py builds it."""
    return load_target(str(ORDERS / "stack.py")).stack
