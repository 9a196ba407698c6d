"""Checks against the files on disk: each function's source folder and handler module exist.

Run when a stack is planned, served or deployed (the model itself never touches the disk). The
handler module is read, not imported: a stack can be checked without its dependencies installed.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from portable.errors import Problem

if TYPE_CHECKING:
    from portable.model.functions import Function
    from portable.model.stack import Stack


def source_problems(stack: Stack, root: Path) -> list[Problem]:
    """Every function whose ``source`` folder, handler module or handler function is missing.

    ``root`` is the folder ``source`` is relative to (the folder of stack.py or stack.yaml).
    """
    problems: list[Problem] = []
    for function in stack.functions:
        problem = _function_problem(function, root)
        if problem is not None:
            problems.append(problem)
    return problems


def _function_problem(function: Function, root: Path) -> Problem | None:
    path = f"functions.{function.name}"
    subject = f"Function {function.name!r}"
    source = (root / function.source).resolve()
    if not source.is_dir():
        what = "is a file, not a folder" if source.exists() else "does not exist"
        return Problem(
            f"{path}.source",
            f"{subject}: source folder {function.source!r} {what} (looked for {source}). "
            "Set source to the folder that holds the handler's package, relative to the stack file",
        )
    module, _, attribute = function.handler.partition(":")
    parts = module.split(".")
    candidates = [source.joinpath(*parts).with_suffix(".py"), source.joinpath(*parts, "__init__.py")]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        looked = " and ".join(str(c) for c in candidates)
        return Problem(
            f"{path}.handler",
            f"{subject}: handler module {module!r} not found in source folder {function.source!r} "
            f"(looked for {looked})",
        )
    try:
        tree = ast.parse(found.read_text(encoding="utf-8"), filename=str(found))
    except SyntaxError as error:
        return Problem(
            f"{path}.handler",
            f"{subject}: handler module {module!r} has a syntax error at {found}:{error.lineno}: {error.msg}",
        )
    except (OSError, UnicodeDecodeError) as error:
        return Problem(f"{path}.handler", f"{subject}: handler module {module!r} cannot be read ({found}): {error}")
    if not _may_define(tree, attribute):
        return Problem(
            f"{path}.handler",
            f"{subject}: handler module {module!r} ({found}) defines no {attribute!r}; "
            f"define 'def {attribute}(event, ctx)' there or fix the handler",
        )
    return None


def _may_define(tree: ast.Module, name: str) -> bool:
    """Whether the module defines ``name`` at top level, or might (star imports, module ``__getattr__``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in (name, "__getattr__"):
            return True
        if isinstance(node, ast.ImportFrom | ast.Import) and any(
            alias.name == "*" or (alias.asname or alias.name.split(".")[0]) == name for alias in node.names
        ):
            return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, ast.Global) and name in node.names:
            return True
    return False
