"""The examples in the docstrings of the facts, cost and check modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "portable.facts", "portable.cost.prices", "portable.cost.usage", "portable.cost.month", "portable.cost.meters",
    "portable.check.pitfalls",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
