"""The examples in the runtime's docstrings run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import portable.runtime

MODULES = sorted(f"portable.runtime.{m.name}" for m in pkgutil.iter_modules(portable.runtime.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
