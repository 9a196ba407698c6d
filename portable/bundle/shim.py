"""The runtime shim: the parts of ``portable`` and ``providers`` that run inside a deployed function.

They are read from where the ``portable`` package is installed (the repository root in a development
install, ``site-packages`` otherwise). Deploy-time code must never ship inside a function: it would
bring pydantic and Pulumi into the function's cold start.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import portable
from portable.bundle.archive import Entry
from portable.bundle.errors import BundleError
from portable.bundle.paths import archive_path

ORIGIN = "runtime shim"

#: deploy-time packages: the model (pydantic), the CLI, the planner (Pulumi), this bundler
FORBIDDEN = ("portable/model", "portable/cli", "portable/plan", "portable/bundle")
#: any folder of this name holds a provider's Pulumi resources
FORBIDDEN_FOLDER = "deploy"


def install_root() -> Path:
    """The folder holding the ``portable`` and ``providers`` packages."""
    return Path(portable.__file__).resolve().parent.parent


def collect_runtime_files(paths: tuple[str, ...], root: Path | None = None) -> list[Entry]:
    """The runtime shim's files as archive entries at the same relative paths, sorted.

    A folder brings its ``.py`` files recursively. The ``__init__.py`` of every package above a listed
    path is added too, so ``portable`` and ``providers`` import as regular packages, never as namespace
    packages. A path under a deploy-time package (:data:`FORBIDDEN`, any ``deploy/`` folder) is refused.
    """
    base = root or install_root()
    found: dict[str, Path] = {}
    for raw in paths:
        relative = archive_path(raw, "runtime file")
        _refuse_deploy_code(relative, relative)
        path = base / relative
        if path.is_dir():
            for file in _python_files(path):
                name = file.relative_to(base).as_posix()
                _refuse_deploy_code(name, relative)
                found[name] = file
        elif path.is_file():
            found[relative] = path
        else:
            raise BundleError(
                f"runtime file {relative!r} does not exist in '{base}'",
                hint="runtime_files are paths relative to the folder that holds the 'portable' and "
                "'providers' packages, e.g. 'providers/aws/runtime.py'.",
            )
    for name in list(found):
        for package in PurePosixPath(name).parents:
            init = base / package / "__init__.py"
            if package.parts and init.is_file():
                found.setdefault(f"{package.as_posix()}/__init__.py", init)
    return [Entry(name, found[name], ORIGIN) for name in sorted(found)]


def _python_files(folder: Path) -> list[Path]:
    files: list[Path] = []
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        files.extend(Path(current) / f for f in sorted(filenames) if f.endswith(".py"))
    return files


def _refuse_deploy_code(path: str, listed: str) -> None:
    parts = PurePosixPath(path).parts
    heavy = next((f for f in FORBIDDEN if parts[:2] == tuple(f.split("/"))), None)
    if heavy is None and FORBIDDEN_FOLDER in parts:
        heavy = "/".join(parts[: parts.index(FORBIDDEN_FOLDER) + 1])
    if heavy is None:
        return
    what = "is" if path == listed else f"includes {path!r}, which is"
    raise BundleError(
        f"runtime file {listed!r} {what} deploy-time code: '{heavy}' must not ship inside a function "
        "(it belongs to the deploy side and may import pydantic or Pulumi)",
        hint="List only the runtime shim, e.g. 'portable/__init__.py', 'portable/runtime', "
        "'providers/<cloud>/runtime.py'; portable/model, portable/cli, portable/plan, portable/bundle "
        "and every deploy/ folder stay out.",
    )
