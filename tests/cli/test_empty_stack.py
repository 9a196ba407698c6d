"""A stack that declares no functions, or nothing at all, is valid but draws a warning (it is most
likely the wrong target)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.loader import load_target


@pytest.mark.parametrize(("text", "warning"), [
    ("name: shop\n", "Stack 'shop' (stack.yaml) declares nothing: no functions and no resources"),
    ("name: shop\nqueues: [{name: jobs}]\n",
     "Stack 'shop' (stack.yaml) declares no functions; nothing would use this resource"),
    ("name: shop\nqueues: [{name: jobs}]\nbuckets: [{name: files}]\n",
     "Stack 'shop' (stack.yaml) declares no functions; nothing would use these 2 resources"),
])
def test_a_stack_without_functions_warns(tmp_path: Path, text: str, warning: str) -> None:
    (tmp_path / "stack.yaml").write_text(text)
    [problem] = load_target("stack.yaml", cwd=tmp_path).warnings()
    assert (problem.severity, problem.message) == ("warning", warning)


def test_a_stack_with_a_function_has_no_such_warning(orders_dir: Path) -> None:
    assert load_target(str(orders_dir)).warnings() == []


def test_validate_prints_the_warning(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\n")
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "stack.yaml")])
    assert result.exit_code == 0
    assert result.stderr == (f"Warning: Stack 'shop' ({tmp_path / 'stack.yaml'}) declares nothing: "
                             "no functions and no resources\n")
    assert result.stdout.splitlines()[-1] == "Stack 'shop' is valid: 0 functions, 0 resources."


def test_plan_prints_the_warning(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\nqueues: [{name: jobs}]\n")
    result = CliRunner().invoke(app, ["plan", str(tmp_path / "stack.yaml"), "--provider", "aws", "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"Warning: Stack 'shop' ({tmp_path / 'stack.yaml'}) declares no functions; nothing would use this resource")
