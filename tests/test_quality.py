"""The code stays ruff-clean, mypy-strict (the model, the runtime and what ships in a function) and
layered as the import contracts in pyproject.toml say."""

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed in this environment; install the 'dev' extra")
    return found


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("lint-imports"), "--no-cache", "--no-logo"], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(root)})


def test_ruff_is_clean() -> None:
    result = subprocess.run([_tool("ruff"), "check", "portable", "providers", "tests", "examples"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_model_runtime_and_shipped_modules() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_covers_the_provider_modules_shipped_in_functions() -> None:
    checked = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    shipped = {str(path.relative_to(ROOT)) for pattern in ("clients.py", "contract.py")
               for path in (ROOT / "providers").glob(f"*/{pattern}")}
    assert len(shipped) >= 8
    assert sorted(shipped - checked) == []


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("portable/model/__init__.py", "import providers.aws.limits", "The model is pure data"),
    ("portable/runtime/env.py", "import pydantic", "The runtime imports no model"),
    ("providers/gcp/limits.py", "import providers.aws.limits", "No provider imports another"),
    ("portable/naming.py", "import providers.local.limits", "The core reaches providers only"),
    ("portable/errors.py", "import portable.limits", "No import cycle"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    for package in ("portable", "providers"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    verdict = next(row for row in result.stdout.splitlines() if row.startswith(broken))
    assert " BROKEN" in verdict, result.stdout


def _provider_modules_named(path: Path) -> list[str]:
    """Where a file builds a provider module's name (``f"providers.{name}.x"``) or imports one by a
    literal name: imports that import-linter cannot see."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        head = None
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = str(node.values[0].value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            argument = node.args[0] if node.args else None
            head = str(argument.value) if isinstance(argument, ast.Constant) else None
        if head is not None and head.startswith("providers."):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


# Imports by name still to be replaced by registry hooks; the test fails once one is gone, so the
# list only shrinks.
STILL_IMPORTED_BY_NAME: set[str] = set()


def test_the_core_imports_no_provider_module_by_name() -> None:
    found = [hit for path in sorted((ROOT / "portable").rglob("*.py")) if path.name != "registry.py"
             for hit in _provider_modules_named(path)]
    assert {hit.partition(":")[0] for hit in found} == STILL_IMPORTED_BY_NAME, found
