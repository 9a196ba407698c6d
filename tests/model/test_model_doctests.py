"""The examples in docstrings run (model, schedules, limits, naming, errors)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "portable.errors", "portable.model.base", "portable.model.buckets", "portable.model.cron",
    "portable.model.functions", "portable.model.links", "portable.model.queues", "portable.model.secrets",
    "portable.model.stack", "portable.model.tables", "portable.model.topics", "portable.model.triggers",
    "portable.schedules", "portable.limits", "portable.naming", "portable.deploy", "portable.contract",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
