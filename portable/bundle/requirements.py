"""Requirements: the model's list merged with a ``requirements.txt`` in the source folder."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from portable.bundle.errors import BundleError

REQUIREMENTS_FILE = "requirements.txt"

_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s+|=)(?P<path>.+)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s|=)")


def merge_requirements(declared: Iterable[str], source_dir: Path) -> tuple[str, ...]:
    """``declared`` then the lines of ``source_dir/requirements.txt``, each line once, in order.

    Comments and blank lines are dropped, ``-r other.txt`` is inlined, option lines (``--index-url``,
    ``--hash`` ...) are kept for pip; an editable requirement is refused (it cannot be installed for
    another platform).
    """
    lines = [" ".join(line.split()) for line in declared if line.strip()]
    found = Path(source_dir) / REQUIREMENTS_FILE
    if found.is_file():
        lines.extend(read_requirements(found))
    return tuple(dict.fromkeys(lines))


def read_requirements(path: Path, _including: tuple[Path, ...] = ()) -> list[str]:
    """The requirement and option lines of a requirements file, with ``-r`` includes inlined."""
    resolved = path.resolve()
    if resolved in _including:
        raise BundleError(f"requirements file '{path}' includes itself through -r")
    if not path.is_file():
        raise BundleError(f"requirements file '{path}' does not exist", hint="Fix the -r line that names it.")
    lines: list[str] = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        include = _INCLUDE.match(line)
        if include:
            lines.extend(read_requirements(path.parent / include.group("path").strip(), (*_including, resolved)))
        elif _EDITABLE.match(line):
            raise BundleError(
                f"requirements file '{path}' has an editable requirement {line!r}, which cannot be bundled",
                hint="Build a wheel of it and list the wheel, or put the package into the source folder.",
            )
        else:
            lines.append(line)
    return lines


def _logical_lines(text: str) -> list[str]:
    joined = re.sub(r"\\\r?\n", " ", text)
    stripped = (_COMMENT.sub("", line) for line in joined.splitlines())
    return [" ".join(line.split()) for line in stripped if line.strip()]
