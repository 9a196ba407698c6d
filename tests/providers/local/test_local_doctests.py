"""The examples in the local provider's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["buckets", "contract", "dead_letters", "deadlines", "events", "guard", "notifications", "queues", "scheduler", "secrets", "tables"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"providers.local.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
