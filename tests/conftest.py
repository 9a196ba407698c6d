"""Shared fixtures: the example stacks and their folder."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


UPDATE_GOLDEN = "PORTABLE_UPDATE_GOLDEN"


def check_golden(path: Path, data: Any, what: str) -> None:
    """Fail unless ``data`` equals the JSON golden file ``path``. With PORTABLE_UPDATE_GOLDEN=1 the file
    is rewritten first; without it a missing golden fails (it is never created as a side effect)."""
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    command = f"{UPDATE_GOLDEN}=1 pytest {shown.parent.parent}"
    if os.environ.get(UPDATE_GOLDEN):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    if not path.exists():
        pytest.fail(f"no golden file {shown}; create it deliberately with {command}")
    assert json.loads(path.read_text()) == data, (
        f"{what} changed; if intended, regenerate the golden file with {command} and review the diff"
    )


@pytest.fixture
def golden() -> Callable[[Path, Any, str], None]:
    """``golden(path, data, what)``: see :func:`check_golden`."""
    return check_golden
