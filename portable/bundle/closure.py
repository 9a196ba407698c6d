"""Which repository files ship inside a function: the listed patterns, and every module they import.

A provider names what its functions run (``providers/aws/runtime*.py``, ``contract.py``, ``clients.py``,
``portable/runtime``); the modules those import from ``portable`` or ``providers`` come along, found by
reading their ``import`` statements (not by running them). Imports under ``if TYPE_CHECKING:`` are
type-only and are not followed. So a new ``runtime_<family>.py`` sibling or a helper module such as
``table_client.py`` ships without being listed, and a module nothing imports stays out. A deploy-time
module reached this way is refused by :func:`portable.bundle.shim.collect_runtime_files`.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from portable.bundle.errors import BundleError
from portable.bundle.shim import install_root

PACKAGES = ("portable", "providers")
"""The top-level packages whose modules are followed (anything else is a requirement or the stdlib)."""


def shipped_files(patterns: tuple[str, ...], root: Path | None = None) -> tuple[str, ...]:
    """The repository-relative paths matching ``patterns`` (globs; a folder means its ``.py`` files) and
    the modules they import, transitively, sorted.

    >>> files = shipped_files(("providers/aws/contract.py",))
    >>> files
    ('providers/aws/contract.py',)
    """
    base = root or install_root()
    cached = _RESULTS.get((patterns, base))
    if cached is not None and all(_stamp(path) == stamp for path, stamp in cached[0]):
        return cached[1]
    pending = [path for pattern in patterns for path in _expand(base, pattern)]
    found: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.add(path)
        pending.extend(_imported_files(base, path))
    result = tuple(sorted(path.relative_to(base).as_posix() for path in found))
    watched = sorted({*found, *(path.parent for path in found)})
    _RESULTS[(patterns, base)] = (tuple((path, _stamp(path)) for path in watched), result)
    return result


_RESULTS: dict[tuple[tuple[str, ...], Path], tuple[tuple[tuple[Path, object], ...], tuple[str, ...]]] = {}
"""Earlier answers, with the size and modification time of every file they read and of its folder: a
deploy asks for the same files again and again, and reading the imports is the costly step. A changed,
added or removed file changes one of those stamps, and the answer is worked out again."""


def _stamp(path: Path) -> object:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _expand(base: Path, pattern: str) -> list[Path]:
    matches = sorted(base.glob(pattern))
    if not matches:
        raise BundleError(
            f"runtime file pattern {pattern!r} matches nothing in '{base}'",
            hint="Patterns are relative to the folder holding the 'portable' and 'providers' packages, "
            "e.g. 'providers/aws/runtime*.py'.",
        )
    files: list[Path] = []
    for match in matches:
        if match.is_dir():
            files.extend(p for p in sorted(match.rglob("*.py")) if "__pycache__" not in p.parts)
        elif match.suffix == ".py":
            files.append(match)
    return files


def _imported_files(base: Path, path: Path) -> list[Path]:
    """The repository files of the ``portable``/``providers`` modules ``path`` imports at run time."""
    package = path.relative_to(base).parts[:-1]
    tree = ast.parse(path.read_bytes(), filename=str(path))
    files: list[Path] = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parent = _absolute(node, package)
            modules = [parent, *(f"{parent}.{alias.name}" for alias in node.names)]
        else:
            continue
        for module in modules:
            if module.split(".", 1)[0] in PACKAGES:
                files.extend(_module_file(base, module))
    return files


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(node: ast.ImportFrom, package: tuple[str, ...]) -> str:
    if not node.level:
        return node.module or ""
    anchor = package[: len(package) - node.level + 1] if node.level > 1 else package
    return ".".join([*anchor, *([node.module] if node.module else [])])


def _module_file(base: Path, module: str) -> list[Path]:
    relative = Path(*module.split("."))
    for candidate in (base / relative.with_suffix(".py"), base / relative / "__init__.py"):
        if candidate.is_file():
            return [candidate]
    return []
