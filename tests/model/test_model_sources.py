"""Stack.check_sources: a missing source folder, handler module or handler names the function and the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable.errors import StackInvalid
from portable.model import Stack


def _stack(handler: str = "app.api:handle", source: str = "src") -> Stack:
    stack = Stack("shop")
    stack.function("api", handler, source=source)
    return stack


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_example_has_all_its_handlers(orders_stack: Stack, orders_dir: Path) -> None:
    orders_stack.check_sources(orders_dir)


def test_missing_source_folder(tmp_path: Path) -> None:
    with pytest.raises(StackInvalid) as caught:
        _stack().check_sources(tmp_path)
    assert str(caught.value) == (
        "Stack 'shop' has 1 problem:\n"
        f"  - Function 'api': source folder 'src' does not exist (looked for {tmp_path / 'src'}). "
        "Set source to the folder that holds the handler's package, relative to the stack file"
    )
    assert caught.value.problems[0].path == "functions.api.source"


def test_source_is_a_file(tmp_path: Path) -> None:
    _write(tmp_path, "src", "")
    with pytest.raises(StackInvalid, match=r"source folder 'src' is a file, not a folder"):
        _stack().check_sources(tmp_path)


def test_missing_handler_module(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    with pytest.raises(StackInvalid) as caught:
        _stack().check_sources(tmp_path)
    src = tmp_path / "src"
    assert str(caught.value) == (
        "Stack 'shop' has 1 problem:\n"
        f"  - Function 'api': handler module 'app.api' not found in source folder 'src' (looked for "
        f"{src / 'app' / 'api.py'} and {src / 'app' / 'api' / '__init__.py'})"
    )


def test_missing_handler_function(tmp_path: Path) -> None:
    _write(tmp_path, "src/app/api.py", "def other(event, ctx):\n    return 'x'\n")
    with pytest.raises(StackInvalid) as caught:
        _stack().check_sources(tmp_path)
    assert str(caught.value) == (
        "Stack 'shop' has 1 problem:\n"
        f"  - Function 'api': handler module 'app.api' ({tmp_path / 'src/app/api.py'}) defines no 'handle'; "
        "define 'def handle(event, ctx)' there or fix the handler"
    )


def test_handler_module_with_a_syntax_error(tmp_path: Path) -> None:
    _write(tmp_path, "src/app/api.py", "def handle(event, ctx)\n    return 'x'\n")
    with pytest.raises(StackInvalid, match=r"handler module 'app.api' has a syntax error at .*api.py:1"):
        _stack().check_sources(tmp_path)


@pytest.mark.parametrize("code", [
    "def handle(event, ctx):\n    pass\n",
    "async def handle(event, ctx):\n    pass\n",
    "from app.impl import handle\n",
    "from app.impl import run as handle\n",
    "handle = make_handler()\n",
    "from app.impl import *\n",
    "def __getattr__(name):\n    pass\n",
])
def test_handler_definitions_that_count(tmp_path: Path, code: str) -> None:
    _write(tmp_path, "src/app/api.py", code)
    _stack().check_sources(tmp_path)


def test_package_handler_and_default_source(tmp_path: Path) -> None:
    _write(tmp_path, "app/api/__init__.py", "def handle(event, ctx):\n    pass\n")
    _stack(source=".").check_sources(str(tmp_path))
