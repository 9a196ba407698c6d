"""Installed distributions: which files of a ``pip --target`` folder belong to which package."""

from __future__ import annotations

import csv
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path


def canonical_name(name: str) -> str:
    """A distribution name normalized as in PEP 503: ``Azure_Core`` and ``azure.core`` -> ``azure-core``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def files_of(root: Path, names: Iterable[str]) -> set[str]:
    """Paths (relative to ``root``, forward-slashed) of the files installed by the distributions ``names``.

    Read from each ``*.dist-info/RECORD``; the ``.dist-info`` folder itself is included. Names that are
    not installed are ignored.
    """
    wanted = {canonical_name(name) for name in names}
    found: set[str] = set()
    if not wanted:
        return found
    for dist_info in sorted(root.glob("*.dist-info")):
        if canonical_name(_distribution_name(dist_info)) not in wanted:
            continue
        found.update(p.relative_to(root).as_posix() for p in dist_info.rglob("*") if p.is_file())
        record = dist_info / "RECORD"
        if record.is_file():
            with record.open(newline="", encoding="utf-8") as handle:
                for row in csv.reader(handle):
                    if row and row[0]:
                        path = posixpath.normpath(row[0].replace("\\", "/"))
                        if not path.startswith("../"):
                            found.add(path)
    return found


def _distribution_name(dist_info: Path) -> str:
    metadata = dist_info / "METADATA"
    if metadata.is_file():
        with metadata.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith("name:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():
                    break
    return dist_info.name.rsplit("-", 1)[0] if "-" in dist_info.name else dist_info.stem
