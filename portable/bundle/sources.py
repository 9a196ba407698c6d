"""The function's source folder: every user file, without caches, VCS folders and virtual environments."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from portable.bundle.archive import Entry
from portable.bundle.errors import BundleError

ORIGIN = "source folder"

#: folders never bundled: bytecode and tool caches, version control, virtual environments, portable's own
SKIPPED_DIRS = frozenset({
    "__pycache__", ".git", ".hg", ".svn", ".bzr", ".venv", ".portable", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox", ".nox", ".hypothesis", ".ipynb_checkpoints",
})
#: files never bundled
SKIPPED_FILES = frozenset({".git", ".DS_Store", "Thumbs.db"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def collect_sources(source_dir: Path, *, skip: Path | None = None, subject: str = "The function") -> list[Entry]:
    """The files of ``source_dir`` as archive entries at the archive root, sorted by path.

    Folders named in :data:`SKIPPED_DIRS`, any folder holding a ``pyvenv.cfg`` (a virtual environment)
    and ``skip`` (the bundle cache, when it lives inside the source folder) are left out. Symlinks are
    followed; a folder reached twice through links is bundled once.
    """
    root = Path(source_dir)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise BundleError(
            f"{subject}'s source folder '{root}' {what}",
            hint="Set the function's source to a folder relative to the stack file, e.g. source='src'.",
        )
    skipped = skip.resolve() if skip is not None else None
    seen: set[str] = set()
    entries: list[Entry] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(folder)
        real = os.path.realpath(here)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIPPED_DIRS
            and not (here / d / "pyvenv.cfg").exists()
            and (skipped is None or (here / d).resolve() != skipped)
        )
        for filename in sorted(filenames):
            if filename in SKIPPED_FILES or filename.endswith(SKIPPED_SUFFIXES):
                continue
            path = here / filename
            arcname = path.relative_to(root).as_posix()
            try:
                mode = path.stat().st_mode
            except FileNotFoundError:
                raise BundleError(
                    f"{subject}'s source file '{arcname}' is a broken symlink (in '{root}')",
                    hint="Remove the link or point it at an existing file.",
                ) from None
            if not stat.S_ISREG(mode):
                continue
            entries.append(Entry(arcname, path, ORIGIN, executable=bool(mode & 0o111)))
    entries.sort(key=lambda entry: entry.arcname)
    return entries
