"""Installed requirements, cached by (requirements, platform, pip options).

A code-only change reuses the installed tree without running pip. The cache holds one folder per key,
filled in a temporary folder and renamed into place, so an interrupted or concurrent install never
leaves a half-filled entry behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from portable.bundle import pip
from portable.bundle.archive import Entry
from portable.bundle.distributions import files_of
from portable.bundle.fingerprint import Fingerprint
from portable.bundle.platforms import Platform

ORIGIN = "dependencies"
#: top-level folders of a ``pip --target`` tree left out: console scripts (their shebangs name this
#: machine's Python) and bytecode
SKIPPED_TOP = frozenset({"bin", "__pycache__"})


def dependencies_key(requirements: tuple[str, ...], platform: Platform, pip_args: tuple[str, ...]) -> str:
    """The cache key of an installed tree; ``""`` when there is nothing to install (only option lines
    such as ``--index-url`` install nothing)."""
    if all(line.startswith("-") for line in requirements):
        return ""
    fingerprint = Fingerprint("dependencies")
    fingerprint.add("requirements", *sorted(requirements))
    fingerprint.add("platform", platform.python_version, platform.abi, *platform.tags)
    fingerprint.add("pip_args", *pip_args)
    return fingerprint.hexdigest()


def install(
    requirements: tuple[str, ...], platform: Platform, pip_args: tuple[str, ...], cache_dir: Path,
    *, subject: str = "The function", refresh: bool = False,
) -> Path | None:
    """The folder holding ``requirements`` installed for ``platform`` (``None`` if there are none).

    Runs pip only when that folder is not cached yet, or when ``refresh`` is set.
    """
    key = dependencies_key(requirements, platform, pip_args)
    if not key:
        return None
    folder = cache_dir / "deps" / key[:40]
    if folder.is_dir() and not refresh:
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{key[:12]}-", dir=folder.parent))
    try:
        requirements_file = work / "requirements.txt"
        requirements_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        target = work / "site-packages"
        result = pip.run_pip(pip.install_command(requirements_file, target, platform, pip_args))
        if result.returncode != 0:
            raise pip.explain_failure(result.stdout + "\n" + result.stderr, result.returncode, platform, subject)
        target.mkdir(exist_ok=True)
        if refresh and folder.is_dir():
            shutil.rmtree(folder)
        try:
            os.rename(target, folder)
        except OSError:
            if not folder.is_dir():  # another build installed the same key meanwhile: use theirs
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def dependency_entries(folder: Path | None, prefix: str, exclude: tuple[str, ...]) -> list[Entry]:
    """The installed files as archive entries under ``prefix``, without the ``exclude`` distributions."""
    if folder is None:
        return []
    excluded = files_of(folder, exclude)
    entries: list[Entry] = []
    for current, dirnames, filenames in os.walk(folder):
        here = Path(current)
        top = here == folder
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not (top and d in SKIPPED_TOP))
        for filename in sorted(filenames):
            if filename.endswith((".pyc", ".pyo")):
                continue
            path = here / filename
            relative = path.relative_to(folder).as_posix()
            if relative in excluded:
                continue
            mode = path.stat().st_mode
            arcname = f"{prefix}/{relative}" if prefix else relative
            entries.append(Entry(arcname, path, ORIGIN, executable=bool(mode & 0o111)))
    return entries
